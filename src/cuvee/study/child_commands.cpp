#include "cuvee/study/child_commands.h"

#include <fmt/format.h>

#include "cuvee/core/csv.h"
#include "cuvee/study/child_process.h"

namespace cuvee::study {
namespace {

// The program and the subcommand's words: `cuvee --quiet WORDS...`.
std::vector<std::string> cuvee(std::initializer_list<std::string> words) {
  std::vector<std::string> argv = {cuvee_program().string(), "--quiet"};
  argv.insert(argv.end(), words);
  return argv;
}

}  // namespace

std::vector<std::string> TrainCommand::argv() const {
  auto args = cuvee({"train", config.string(), "--out", out.string()});
  if (stop_step > 0) args.insert(args.end(), {"--steps", std::to_string(stop_step)});
  if (!init_from.empty()) args.insert(args.end(), {"--init-from", init_from.string()});
  if (resume) args.push_back("--resume");
  for (const auto& set : sets) args.insert(args.end(), {"--set", set});
  return args;
}

std::vector<std::string> EntropyMixtureCommand::argv() const {
  return cuvee({"mix", "entropy", "--data", domains.string(), "--measure", measure, "--estimator",
                estimator, "--context-length", std::to_string(context_length), "--out",
                out.string()});
}

std::vector<std::string> LawFitCommand::argv() const {
  return cuvee(
      {"law", "fit", "--law", law, "--data", observations.string(), "--out", out.string()});
}

std::vector<std::string> LawOptimizeCommand::argv() const {
  std::vector<std::string> parts;
  for (const auto& [domain, floor] : floors) parts.push_back(fmt::format("{}={}", domain, floor));
  return cuvee({"law", "optimize", "--fit", fit.string(), "--step", std::to_string(step), "--floor",
                fmt::format("{}", fmt::join(parts, ",")), "--out", out.string()});
}

std::vector<std::string> TfidfEmbedCommand::argv() const {
  return cuvee({"embed", "tfidf", "--data", domains.string(), "--out", out.string()});
}

std::vector<std::string> DensitySelectCommand::argv() const {
  return cuvee({"select", "density", "--embeddings", embeddings.string(), "--keep",
                format_number(keep), "--seed", std::to_string(seed), "--out", out.string()});
}

std::vector<std::string> PerplexityScoreCommand::argv() const {
  return cuvee({"score", "perplexity", "--checkpoint", checkpoint.string(), "--data",
                domains.string(), "--max-tokens", std::to_string(max_tokens), "--out",
                out.string()});
}

std::vector<std::string> BandSelectCommand::argv() const {
  return cuvee({"select", "--scores", scores.string(), "--method", "band", "--keep",
                format_number(keep), "--band-start", format_number(band_start), "--within",
                within.string(), "--out", out.string()});
}

std::vector<std::string> FilterCommand::argv() const {
  return cuvee(
      {"filter", "--keep", keep.string(), "--data", domains.string(), "--out", out.string()});
}

}  // namespace cuvee::study
