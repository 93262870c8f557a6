#include "cuvee/selection/filter.h"

#include <algorithm>
#include <string_view>

#include "cuvee/core/error.h"
#include "cuvee/corpus/domain_writer.h"

namespace cuvee {
namespace fs = std::filesystem;

FilterReport filter_documents(const DocumentTable& documents, const std::vector<uint64_t>& kept,
                              const fs::path& out) {
  if (!kept.empty() && kept.back() >= documents.size()) {
    fail("keep-list names document {}, but --data holds {} documents (0 … {})", kept.back(),
         documents.size(), documents.size() - 1);
  }
  const auto& domains = documents.domains();
  for (size_t d = 0; d < domains.size(); ++d) {
    const Domain& domain = *domains[d];
    const fs::path dir = domains.size() == 1 ? out : out / domain.name();
    check_not_input(dir, domain);
    DomainManifest manifest = domain.manifest();
    manifest.sources = {domain.dir().string()};
    DomainWriter writer(dir, domain.train().dtype());
    if (!manifest.id_key.empty()) writer.keep_ids();
    for (Split split : kSplits) {
      // The kept numbers of this split's documents, which are numbered from `start`.
      const IndexedDataset& data = domain.split(split);
      const uint64_t start = documents.split_start(d, split);
      auto it = std::lower_bound(kept.begin(), kept.end(), start);
      for (; it != kept.end() && *it < start + data.documents(); ++it) {
        writer.add(split, data.document(*it - start),
                   writer.has_ids() ? std::string_view(documents.ids()[*it]) : "");
      }
    }
    writer.commit(manifest);
  }
  return {kept.size(), documents.size()};
}

}  // namespace cuvee
