#include "cuvee/corpus/adopter.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "cuvee/core/error.h"
#include "cuvee/core/progress.h"
#include "cuvee/corpus/domain_writer.h"
#include "cuvee/corpus/importer.h"
#include "cuvee/corpus/tokenizer.h"

namespace cuvee {
namespace fs = std::filesystem;

namespace {

TokenizerInfo tokenizer_of(const AdoptOptions& options) {
  if (!options.tokenizer.empty()) {
    if (options.vocab_size != 0 || options.eos_id || !options.tokenizer_name.empty()) {
      fail("a SentencePiece model gives its own vocabulary size, end-of-document id and name");
    }
    return open_tokenizer(options.tokenizer)->info();
  }
  if (options.vocab_size == 0 || !options.eos_id) {
    fail(
        "files from another tokenizer need its vocabulary size and end-of-document id "
        "(--vocab-size, --eos-id), or its SentencePiece model (--tokenizer)");
  }
  if (*options.eos_id < 0 || static_cast<uint64_t>(*options.eos_id) >= options.vocab_size) {
    fail("the end-of-document id {} is outside the vocabulary of {} ids", *options.eos_id,
         options.vocab_size);
  }
  if (options.vocab_size > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    fail("a vocabulary of {} ids is more than cuvee's 32-bit token ids hold", options.vocab_size);
  }
  TokenizerInfo info;
  info.kind = "external";
  info.model = options.tokenizer_name;
  info.vocab_size = options.vocab_size;
  info.eos_id = static_cast<int32_t>(*options.eos_id);
  return info;
}

}  // namespace

std::string adopted_domain_name(const fs::path& prefix) {
  std::string name = prefix.filename().string();
  for (std::string_view suffix : {"_text_document", "_document"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      name.resize(name.size() - suffix.size());
      break;
    }
  }
  return name;
}

AdoptReport adopt_domain(const AdoptOptions& options) {
  const std::string domain =
      options.domain.empty() ? adopted_domain_name(options.prefix) : options.domain;
  check_domain_name(domain);
  if (!(options.heldout >= 0 && options.heldout < 1)) {
    fail("--heldout must be in [0, 1), got {}", options.heldout);
  }
  const TokenizerInfo info = tokenizer_of(options);
  const IndexedDataset source(options.prefix);
  const std::string source_name = options.prefix.string() + ".bin";
  const DType dtype = dtype_for_vocab(info.vocab_size);

  const fs::path dir = options.out / domain;
  DomainWriter out(dir, dtype);

  AdoptReport report;
  Progress progress("adopt " + domain, source.documents(), "docs");
  std::vector<int32_t> tokens;
  for (uint64_t d = 0; d < source.documents(); ++d) {
    tokens = source.document(d);
    auto bad = std::find_if(tokens.begin(), tokens.end(), [&](int32_t id) {
      return id < 0 || static_cast<uint64_t>(id) >= info.vocab_size;
    });
    if (bad != tokens.end()) {
      fail("{}: document {} holds the id {}, outside the vocabulary of {} ids", source_name, d,
           *bad, info.vocab_size);
    }
    if (!tokens.empty() && tokens.back() == info.eos_id) tokens.pop_back();
    if (tokens.empty()) fail("{}: document {} holds no tokens", source_name, d);
    // The ids' bytes identify the document, whatever dtype or end-of-document id it came with.
    std::string_view bytes(reinterpret_cast<const char*>(tokens.data()),
                           tokens.size() * sizeof(int32_t));
    const Split split = split_of(bytes, options.heldout);
    if (source.document_end(d) == source.document_begin(d) + tokens.size()) ++report.eos_appended;
    tokens.push_back(info.eos_id);
    out.add(split, tokens);
    progress.advance();
  }
  progress.finish();
  if (out.documents(Split::kTrain) == 0) {
    fail("{}: no training documents (the files hold none, or all were held out)", source_name);
  }

  DomainManifest& manifest = report.manifest;
  manifest.name = domain;
  manifest.tokenizer = info;
  manifest.dtype = std::string(dtype_name(dtype));
  manifest.heldout_fraction = options.heldout;
  manifest.sources = {options.prefix.string()};
  out.commit(manifest);
  report.dir = dir;
  return report;
}

}  // namespace cuvee
