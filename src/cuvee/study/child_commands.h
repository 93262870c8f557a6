// The `cuvee` commands a study is made of, one typed builder each: the study fills in the fields
// and the builder spells the command line (argv[0] is the cuvee program beside the running one,
// always with --quiet, as the child's output goes to a log). Each flag is spelled here and only
// here on the study's side; the CLI test of the study runs every one of them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cuvee::study {

// `cuvee train CONFIG --out DIR [--steps N] [--init-from RUN] [--resume] --set KEY=VALUE...`
struct TrainCommand {
  std::filesystem::path config, out;
  uint64_t stop_step = 0;           // --steps (0: the whole schedule)
  std::filesystem::path init_from;  // --init-from (empty: a fresh model)
  bool resume = false;
  std::vector<std::string> sets;  // KEY=VALUE, in order
  std::vector<std::string> argv() const;
};

// `cuvee mix entropy`: a mixture file from the domains' entropy.
struct EntropyMixtureCommand {
  std::filesystem::path domains;
  std::string measure, estimator;
  uint64_t context_length = 0;
  std::filesystem::path out;
  std::vector<std::string> argv() const;
};

// `cuvee law fit --law LAW --data OBSERVATIONS.csv --out FIT.json`
struct LawFitCommand {
  std::string law;
  std::filesystem::path observations, out;
  std::vector<std::string> argv() const;
};

// `cuvee law optimize --fit FIT.json --step N --floor d=x,... --out MIXTURE.json`
struct LawOptimizeCommand {
  std::filesystem::path fit;
  uint64_t step = 0;
  std::map<std::string, double> floors;  // by domain
  std::filesystem::path out;
  std::vector<std::string> argv() const;
};

// `cuvee embed tfidf --data DOMAINS --out EMBEDDINGS.npy`
struct TfidfEmbedCommand {
  std::filesystem::path domains, out;
  std::vector<std::string> argv() const;
};

// `cuvee select density --embeddings E.npy --keep F --seed S --out KEEP.txt`
struct DensitySelectCommand {
  std::filesystem::path embeddings;
  double keep = 0;
  int64_t seed = 0;
  std::filesystem::path out;
  std::vector<std::string> argv() const;
};

// `cuvee score perplexity --checkpoint RUN --data DOMAINS --max-tokens N --out SCORES.tsv`
struct PerplexityScoreCommand {
  std::filesystem::path checkpoint, domains;
  uint64_t max_tokens = 0;
  std::filesystem::path out;
  std::vector<std::string> argv() const;
};

// `cuvee select --scores S.tsv --method band --keep F --band-start Q --within DOMAINS --out K`
struct BandSelectCommand {
  std::filesystem::path scores;
  double keep = 0, band_start = 0;
  std::filesystem::path within, out;
  std::vector<std::string> argv() const;
};

// `cuvee filter --keep KEEP.txt --data DOMAINS --out DIR`
struct FilterCommand {
  std::filesystem::path keep, domains, out;
  std::vector<std::string> argv() const;
};

}  // namespace cuvee::study
