// cuvee density score: pass 2 of density sampling — each embedding's density under a (merged)
// sketch, as a scores file; with --shard, the scores of one shard of the rows.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"
#include "cuvee/selection/race_sketch.h"
#include "cuvee/selection/scores.h"
#include "cuvee/selection/shard.h"

namespace cuvee::cli {
namespace {

struct ScoreArgs {
  std::filesystem::path embeddings, sketch, out;
  uint64_t raw_dim = 0;
  std::string shard;
};

void run(const ScoreArgs& args) {
  auto shard = parse_shard(args.shard);
  auto sketch = RaceSketch::load(args.sketch);
  auto e = read_embeddings(args.embeddings, args.raw_dim);
  const auto& p = sketch.params();
  Scores scores;
  scores.meta = {{"method", "density"},
                 {"sketch",
                  {{"rows", p.rows},
                   {"buckets", p.buckets},
                   {"width", p.width},
                   {"hashes_per_row", p.hashes_per_row},
                   {"seed", p.seed},
                   {"documents", sketch.documents()}}},
                 {"embeddings", args.embeddings.string()},
                 {"embeddings_hash", file_hash(args.embeddings)},
                 {"shard", fmt::format("{}/{}", shard.index, shard.count)},
                 {"first", shard.begin(e.rows)}};
  scores.values = sketch.score(e, shard.begin(e.rows), shard.end(e.rows));
  write_scores(args.out, scores);
  std::fputs(
      fmt::format("scored {} embeddings -> {}\n", scores.values.size(), args.out.string()).c_str(),
      stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<ScoreArgs>();
  app.add_option("--embeddings", args->embeddings, "N×d embeddings (.npy)")->required();
  app.add_option("--dim", args->raw_dim, "Read raw float32 with this many columns instead of .npy");
  app.add_option("--sketch", args->sketch, "The merged sketch")->required();
  app.add_option("--out", args->out, "The scores file")->required();
  app.add_option("--shard", args->shard,
                 "Score only shard i of N (i/N); the file then numbers that shard's rows from 0");
  return [args] { run(*args); };
}

const Registration registration("density score", "Density of each embedding under a RACE sketch",
                                setup);

}  // namespace
}  // namespace cuvee::cli
