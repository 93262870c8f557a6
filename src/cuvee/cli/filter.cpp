// cuvee filter: new domains holding only the documents a keep-list names.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/selection/filter.h"
#include "cuvee/selection/keep_list.h"

namespace cuvee::cli {
namespace {

struct FilterArgs {
  std::filesystem::path keep, out;
  std::vector<std::filesystem::path> data;
};

void run(const FilterArgs& args) {
  auto kept = read_keep_list(args.keep);
  DocumentTable documents(args.data);
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
