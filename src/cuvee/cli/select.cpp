// cuvee select: a keep-list from score files, by one of the samplers (samplers.h). Density
// sampling, which scores and selects in one command, is `select density` (select_density.cpp).
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/cli/usage_error.h"
#include "cuvee/core/error.h"
#include "cuvee/selection/documents.h"
#include "cuvee/selection/keep_list.h"
#include "cuvee/selection/samplers.h"
#include "cuvee/selection/scores.h"

namespace cuvee::cli {
namespace {

struct SelectArgs {
  std::vector<std::filesystem::path> scores;
  std::vector<std::filesystem::path> within;  // domains to select in one by one
  std::filesystem::path out;
  std::string method;
  double keep = 0;
  SelectOptions options;
};

void run(SelectArgs& args) {
  if (args.scores.empty() || args.method.empty() || args.out.empty()) {
    usage_error("cuvee select needs --scores, --method and --out (or the subcommand density)");
  }
  args.options.method = parse_select_method(args.method);
  // Shards' score files join in the order given; each records the row it starts at.
  std::vector<double> values;
  std::vector<std::string> ids;  // the documents' ids, when every score file carries them
  for (const auto& path : args.scores) {
    auto scores = read_scores(path);
    if (scores.meta.contains("first") && scores.meta["first"].get<uint64_t>() != values.size()) {
      fail("{}: its scores start at document {}, but the files before it hold {}", path.string(),
           scores.meta["first"].get<uint64_t>(), values.size());
    }
    if (!values.empty() && scores.ids.empty() != ids.empty()) {
      fail("{}: {} the documents' ids, the files before it {}", path.string(),
           scores.ids.empty() ? "lacks" : "carries", scores.ids.empty() ? "carry them" : "do not");
    }
    values.insert(values.end(), scores.values.begin(), scores.values.end());
    ids.insert(ids.end(), scores.ids.begin(), scores.ids.end());
  }
  if (args.options.method == SelectMethod::kThreshold && args.keep != 0) {
    usage_error("--method threshold keeps by --min/--max, not --keep");
  }
  // Selects from values[begin, end), keeping the fraction of that range; global indices.
  auto select_range = [&](uint64_t begin, uint64_t end, uint64_t seed) {
    SelectOptions options = args.options;
    options.seed = seed;
    std::span<const double> range(values.data() + begin, end - begin);
    if (options.method != SelectMethod::kThreshold)
      options.keep = keep_count(args.keep, end - begin);
    auto kept = select_documents(range, options);
    for (auto& index : kept) index += begin;
    return kept;
  };
  std::vector<uint64_t> kept;
  if (args.within.empty()) {
    kept = select_range(0, values.size(), args.options.seed);
  } else {
    // Each domain (all its splits, as documents.h numbers them) keeps the
    // fraction of its own documents, so no domain is emptied by scores that differ by domain.
    DocumentTable documents(args.within);
    if (documents.size() != values.size()) {
      fail("--within: the domains hold {} documents, but the scores are for {}", documents.size(),
           values.size());
    }
    for (size_t d = 0; d < documents.domains().size(); ++d) {
      const auto [first, last] = documents.domain_range(d);
      auto part = select_range(first, last, args.options.seed + d);
      kept.insert(kept.end(), part.begin(), part.end());
    }
  }
  std::vector<std::string> kept_ids;
  if (!ids.empty()) {
    for (uint64_t index : kept) kept_ids.push_back(ids[index]);
  }
  write_keep_list(args.out, kept, kept_ids);
  std::fputs(fmt::format("kept {} of {} documents ({}) -> {}\n", kept.size(), values.size(),
                         args.method, args.out.string())
                 .c_str(),
             stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<SelectArgs>();
  app.add_option("--scores", args->scores, "Score files (shards in order)");
  app.add_option("--method", args->method,
                 "topk, bottomk, inverse (∝ 1/score), gumbel (∝ exp score), random, band, "
                 "threshold");
  app.add_option("--keep", args->keep, "Fraction of documents to keep, in (0, 1]");
  app.add_option("--seed", args->options.seed, "Seed of the random methods")->capture_default_str();
  app.add_option("--band-start", args->options.band_start,
                 "band: the rank quantile where the band starts (default: centred)");
  app.add_option("--min", args->options.min, "threshold: lowest score kept");
  app.add_option("--max", args->options.max, "threshold: highest score kept");
  app.add_option("--out", args->out, "Kept document indices, one per line, ascending");
  app.add_option("--within", args->within,
                 "The domains the scores are for: select in each domain on its own, each keeping "
                 "--keep of its documents");
  return [args] { run(*args); };
}

const Registration registration("select", "Keep-list from scores (top-k, inverse, band, ...)",
                                setup);

}  // namespace
}  // namespace cuvee::cli
