#include "cuvee/study/child_commands.h"

#include <gtest/gtest.h>

#include "cuvee/study/child_process.h"

namespace cuvee::study {
namespace {

// The words after `cuvee --quiet`.
std::vector<std::string> words(std::vector<std::string> argv) {
  EXPECT_GE(argv.size(), 2u);
  EXPECT_EQ(argv[0], cuvee_program().string());
  EXPECT_EQ(argv[1], "--quiet");
  return {argv.begin() + 2, argv.end()};
}

using Words = std::vector<std::string>;

TEST(ChildCommands, TrainSpellsOnlyTheFlagsItUses) {
  TrainCommand fresh{"model.toml", "out/run", 0, {}, false, {"seed=1", "mixing.policy=uniform"}};
  EXPECT_EQ(words(fresh.argv()), (Words{"train", "model.toml", "--out", "out/run", "--set",
                                        "seed=1", "--set", "mixing.policy=uniform"}));
  TrainCommand proxy{"model.toml", "out/p", 75, "out/base", true, {}};
  EXPECT_EQ(words(proxy.argv()), (Words{"train", "model.toml", "--out", "out/p", "--steps", "75",
                                        "--init-from", "out/base", "--resume"}));
}

TEST(ChildCommands, LawCommands) {
  EXPECT_EQ(words(LawFitCommand{"step", "proxy.csv", "fit.json"}.argv()),
            (Words{"law", "fit", "--law", "step", "--data", "proxy.csv", "--out", "fit.json"}));
  LawOptimizeCommand optimize{"fit.json", 600, {{"mail", 0.01}, {"code", 0.25}}, "mix.json"};
  EXPECT_EQ(words(optimize.argv()), (Words{"law", "optimize", "--fit", "fit.json", "--step", "600",
                                           "--floor", "code=0.25,mail=0.01", "--out", "mix.json"}));
}

TEST(ChildCommands, PreparationAndSelectionCommands) {
  EXPECT_EQ(words(EntropyMixtureCommand{"d", "joint", "plug-in", 64, "e.json"}.argv()),
            (Words{"mix", "entropy", "--data", "d", "--measure", "joint", "--estimator", "plug-in",
                   "--context-length", "64", "--out", "e.json"}));
  EXPECT_EQ(words(TfidfEmbedCommand{"d", "t.npy"}.argv()),
            (Words{"embed", "tfidf", "--data", "d", "--out", "t.npy"}));
  EXPECT_EQ(words(DensitySelectCommand{"t.npy", 0.5, 3, "k.txt"}.argv()),
            (Words{"select", "density", "--embeddings", "t.npy", "--keep", "0.5", "--seed", "3",
                   "--out", "k.txt"}));
  EXPECT_EQ(words(PerplexityScoreCommand{"run", "d", 128, "s.tsv"}.argv()),
            (Words{"score", "perplexity", "--checkpoint", "run", "--data", "d", "--max-tokens",
                   "128", "--out", "s.tsv"}));
  EXPECT_EQ(words(BandSelectCommand{"s.tsv", 0.5, 0.25, "d", "k.txt"}.argv()),
            (Words{"select", "--scores", "s.tsv", "--method", "band", "--keep", "0.5",
                   "--band-start", "0.25", "--within", "d", "--out", "k.txt"}));
  EXPECT_EQ(words(FilterCommand{"k.txt", "d", "out"}.argv()),
            (Words{"filter", "--keep", "k.txt", "--data", "d", "--out", "out"}));
}

}  // namespace
}  // namespace cuvee::study
