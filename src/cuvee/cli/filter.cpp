// cuvee filter: new domains holding only the documents a keep-list names.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/error.h"
#include "cuvee/selection/filter.h"
#include "cuvee/selection/keep_list.h"

namespace cuvee::cli {
namespace {

struct FilterArgs {
  std::filesystem::path keep, out;
  std::vector<std::filesystem::path> data;
};

void run(const FilterArgs& args) {
  std::vector<std::string> listed_ids;
  auto kept = read_keep_list(args.keep, &listed_ids);
  DocumentTable documents(args.data);
  // A keep-list that names ids must name these documents: one made from other data (or
  // another order of --data) would keep the wrong ones.
  const auto& ids = documents.ids();
  for (size_t k = 0; k < kept.size(); ++k) {
    if (listed_ids[k].empty() || kept[k] >= ids.size()) continue;
    if (listed_ids[k] != ids[kept[k]]) {
      fail("{}: document {} is '{}' in the keep-list but '{}' in --data (a list from other data?)",
           args.keep.string(), kept[k], listed_ids[k], ids[kept[k]]);
    }
  }
  auto report = filter_documents(documents, kept, args.out);
  std::fputs(
      fmt::format("kept {} of {} documents -> {}\n", report.kept, report.total, args.out.string())
          .c_str(),
      stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<FilterArgs>();
  app.add_option("--keep", args->keep, "Keep-list: document indices, one per line, ascending")
      ->required();
  app.add_option("--data", args->data, "Domain folders, or folders of domains")->required();
  app.add_option("--out", args->out,
                 "The new domain's folder (one domain), or a folder for the new domains")
      ->required();
  return [args] { run(*args); };
}

const Registration registration("filter", "Keep only a keep-list's documents (new domains)", setup);

}  // namespace
}  // namespace cuvee::cli
