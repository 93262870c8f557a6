// cuvee select density: density sampling in one command — sketch every embedding, score each,
// keep a fraction by inverse propensity (or top-k / bottom-k by density).
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/cli/usage_error.h"
#include "cuvee/core/error.h"
#include "cuvee/selection/embeddings.h"
#include "cuvee/selection/keep_list.h"
#include "cuvee/selection/race_sketch.h"
#include "cuvee/selection/samplers.h"

namespace cuvee::cli {
namespace {

struct DensityArgs {
  std::filesystem::path embeddings, out;
  uint64_t raw_dim = 0;
  double keep = 0;
  std::string method = "inverse";
  RaceParams params;
};

void run_density(DensityArgs& args) {
  auto method = parse_select_method(args.method);
  if (method != SelectMethod::kInverse && method != SelectMethod::kTopK &&
      method != SelectMethod::kBottomK) {
    usage_error("--method '{}': density sampling takes inverse, topk or bottomk", args.method);
  }
  auto e = read_embeddings(args.embeddings, args.raw_dim);
  SelectOptions options;
  options.method = method;
  options.keep = keep_count(args.keep, e.rows);
  options.seed = args.params.seed;
  args.params.dim = e.dim;
  if (args.params.width <= 0) {
    args.params.width = default_width(e, args.params.seed, args.params.hashes_per_row);
  }
  RaceSketch sketch(args.params);
  sketch.add(e, 0, e.rows);
  auto kept = select_documents(sketch.score(e, 0, e.rows), options);
  write_keep_list(args.out, kept);
  std::fputs(
      fmt::format("kept {} of {} rows ({}, P {}, w {:.6g}) -> {}\n", kept.size(), e.rows,
                  args.method, args.params.hashes_per_row, args.params.width, args.out.string())
          .c_str(),
      stdout);
}

Action setup(CLI::App& app) {
  auto density = std::make_shared<DensityArgs>();
  app.add_option("--embeddings", density->embeddings, "N×d embeddings (.npy float32/float16)")
      ->required();
  app.add_option("--dim", density->raw_dim,
                 "Read raw float32 with this many columns instead of .npy");
  app.add_option("--keep", density->keep, "Fraction of rows to keep, in (0, 1]")->required();
  app.add_option("--seed", density->params.seed, "Seed of the hashes and the sampling")
      ->capture_default_str();
  app.add_option("--out", density->out, "Kept row indices, one per line, ascending")->required();
  app.add_option("--method", density->method, "inverse (∝ 1/density), topk or bottomk")
      ->capture_default_str();
  app.add_option("--rows", density->params.rows, "R, hash rows")->capture_default_str();
  app.add_option("--buckets", density->params.buckets, "B, buckets per row")->capture_default_str();
  app.add_option("--hashes-per-row", density->params.hashes_per_row,
                 "P, p-stable hashes concatenated in each row (the kernel is k^P)")
      ->capture_default_str();
  app.add_option("--width", density->params.width,
                 "w, the LSH bucket width (default: 10% quantile of sampled pairwise distances × "
                 "max(1, P/2))");
  return [density] { run_density(*density); };
}

const Registration registration("select density",
                                "Density sampling: keep rows ∝ 1/RACE density, in one command",
                                setup);

}  // namespace
}  // namespace cuvee::cli
