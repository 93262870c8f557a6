// cuvee density sketch: pass 1 of density sampling — a RACE sketch of (a shard of) the
// embeddings, to merge with the other shards' (cuvee density merge).
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/selection/race_sketch.h"
#include "cuvee/selection/shard.h"

namespace cuvee::cli {
namespace {

struct SketchArgs {
  std::filesystem::path embeddings, out;
  uint64_t raw_dim = 0;
  std::string shard;
  RaceParams params;
};

void run(SketchArgs& args) {
  auto shard = parse_shard(args.shard);
  auto e = read_embeddings(args.embeddings, args.raw_dim);
  args.params.dim = e.dim;
  if (args.params.width <= 0) {
    args.params.width = default_width(e, args.params.seed, args.params.hashes_per_row);
  }
  RaceSketch sketch(args.params);
  sketch.add(e, shard.begin(e.rows), shard.end(e.rows));
  sketch.save(args.out);
  std::fputs(fmt::format("sketched rows {}..{} of {} (R {}, B {}, P {}, w {:.6g}, seed {}) -> {}\n",
                         shard.begin(e.rows), shard.end(e.rows), e.rows, args.params.rows,
                         args.params.buckets, args.params.hashes_per_row, args.params.width,
                         args.params.seed, args.out.string())
                 .c_str(),
             stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<SketchArgs>();
  app.add_option("--embeddings", args->embeddings, "N×d embeddings (.npy float32/float16)")
      ->required();
  app.add_option("--dim", args->raw_dim, "Read raw float32 with this many columns instead of .npy");
  app.add_option("--out", args->out, "The sketch file")->required();
  app.add_option("--shard", args->shard, "Sketch only shard i of N of the rows (i/N)");
  app.add_option("--rows", args->params.rows, "R, hash rows")->capture_default_str();
  app.add_option("--buckets", args->params.buckets, "B, buckets per row")->capture_default_str();
  app.add_option("--hashes-per-row", args->params.hashes_per_row,
                 "P, p-stable hashes concatenated in each row (the kernel is k^P)")
      ->capture_default_str();
  app.add_option("--width", args->params.width,
                 "w, the LSH bucket width (default: 10% quantile of sampled pairwise distances × "
                 "max(1, P/2))");
  app.add_option("--seed", args->params.seed, "Hash seed (same everywhere to merge)")
      ->capture_default_str();
  return [args] { run(*args); };
}

const Registration registration("density sketch", "RACE density sketch of embeddings (pass 1)",
                                setup);

}  // namespace
}  // namespace cuvee::cli
