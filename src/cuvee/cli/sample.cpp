// cuvee sample: draw a run's batches without training — per-domain counts, epochs, and a digest
// of the token stream (same seed ⇒ same digest, on any thread count).
#include <xxhash.h>

#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"
#include "cuvee/core/parallel.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/threads.h"
#include "cuvee/corpus/domain.h"
#include "cuvee/mixing/policy.h"
#include "cuvee/mixing/policy_factory.h"
#include "cuvee/sampling/mixed_sampler.h"
#include "cuvee/sampling/token_windows.h"

namespace cuvee::cli {
namespace {

struct SampleArgs {
  std::vector<std::filesystem::path> data;
  std::string weights;
  uint64_t steps = 100;
  size_t batch = 8;
  uint64_t seq = 256;
  uint64_t seed = 0;
  int threads = 0;
};

// The proportions training would draw with: --weights as the trainer's `mixing` section, through
// the same factory ('natural', 'uniform', or the `fixed` policy's weights, which must name every
// domain).
std::vector<double> resolve_weights(const std::string& spec,
                                    const std::vector<std::unique_ptr<Domain>>& domains,
                                    uint64_t steps) {
  nlohmann::json mixing = spec == "natural" || spec == "uniform"
                              ? nlohmann::json{{"policy", spec}}
                              : nlohmann::json{{"policy", "fixed"}, {"weights", spec}};
  PolicyContext context;
  for (const auto& d : domains) {
    context.domains.push_back(d->name());
    context.train_tokens.push_back(d->train().tokens());
  }
  context.total_steps = steps;
  try {
    return make_policy(mixing, context)->weights();
  } catch (const Error& e) {
    fail("--weights {}: {}", spec, e.what());
  }
}

void run(const SampleArgs& args) {
  auto domains = open_domains(args.data);
  std::vector<double> weights = resolve_weights(args.weights, domains, args.steps);
  std::vector<TokenWindows> windows;
  std::vector<uint64_t> sequences;
  for (size_t i = 0; i < domains.size(); ++i) {
    windows.emplace_back(domains[i]->train(), args.seq);
    sequences.push_back(weights[i] > 0 ? windows.back().count()
                                       : std::max<uint64_t>(1, windows.back().count()));
    if (weights[i] > 0 && windows.back().count() == 0) {
      fail("domain '{}' has {} tokens, fewer than one sequence of {} + 1", domains[i]->name(),
           domains[i]->train().tokens(), args.seq);
    }
  }
  MixedSampler sampler(sequences, args.seed);
  const int threads = args.threads > 0 ? args.threads : default_threads();
  const size_t width = args.seq + 1;
  std::vector<int32_t> tokens(args.batch * width);
  std::vector<uint64_t> counts(domains.size());
  XXH3_state_t* digest = XXH3_createState();
  XXH3_64bits_reset(digest);
  Progress progress("sample", args.steps * args.batch * args.seq, "tokens");
  for (uint64_t step = 0; step < args.steps; ++step) {
    auto draws = sampler.next(weights, args.batch);
    parallel_for(draws.size(), threads, 1, [&](uint64_t j) {
      windows[draws[j].domain].read(draws[j].sequence, tokens.data() + j * width);
    });
    for (const auto& draw : draws) ++counts[draw.domain];
    XXH3_64bits_update(digest, tokens.data(), tokens.size() * sizeof(int32_t));
    progress.advance(args.batch * args.seq);
  }
  progress.finish();
  uint64_t hash = XXH3_64bits_digest(digest);
  XXH3_freeState(digest);

  fmt::print("{:<20} {:>8} {:>10} {:>10} {:>8}\n", "domain", "weight", "sequences", "share",
             "epochs");
  for (size_t i = 0; i < domains.size(); ++i) {
    fmt::print("{:<20} {:>8.4f} {:>10} {:>10.4f} {:>8.3f}\n", domains[i]->name(), weights[i],
               counts[i],
               static_cast<double>(counts[i]) / static_cast<double>(args.steps * args.batch),
               weights[i] > 0 ? sampler.epochs(static_cast<uint32_t>(i)) : 0.0);
  }
  fmt::print("digest {}\n", hex64(hash));
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<SampleArgs>();
  app.add_option("--data", args->data, "Domain folders, or folders of domains")->required();
  app.add_option("--weights", args->weights,
                 "'natural', 'uniform' or a=0.5,b=0.5 naming every domain (as the fixed policy)")
      ->required();
  app.add_option("--steps", args->steps, "Steps")->capture_default_str();
  app.add_option("--batch", args->batch, "Sequences per step")->capture_default_str();
  app.add_option("--seq", args->seq, "Tokens per sequence (context length)")->capture_default_str();
  app.add_option("--seed", args->seed, "Seed")->capture_default_str();
  app.add_option("--threads", args->threads, "Reader threads (default: all cores)");
  return [args] { run(*args); };
}

const Registration registration(
    "sample", "Draw mixed batches as training would: counts, epochs, token digest", setup);

}  // namespace
}  // namespace cuvee::cli
