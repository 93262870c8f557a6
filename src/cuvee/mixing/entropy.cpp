#include "cuvee/mixing/entropy.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/error.h"
#include "cuvee/core/mixture.h"
#include "cuvee/core/progress.h"

namespace cuvee {
namespace {

// Miller–Madow's correction of a plug-in entropy: (m − 1)/(2N), m events seen, N counted.
double miller_madow_term(uint64_t distinct, uint64_t total) {
  if (total == 0 || distinct == 0) return 0;
  return static_cast<double>(distinct - 1) / (2.0 * static_cast<double>(total));
}

// −Σ p log p of a dense count vector, corrected when asked.
double dense_entropy(const std::vector<uint64_t>& counts, EntropyEstimator estimator) {
  double sum_c_log_c = 0;
  uint64_t total = 0, distinct = 0;
  for (uint64_t c : counts) {
    if (c == 0) continue;
    double value = static_cast<double>(c);
    sum_c_log_c += value * std::log(value);
    total += c;
    ++distinct;
  }
  if (total == 0) return 0;
  double n = static_cast<double>(total);
  double plug_in = std::log(n) - sum_c_log_c / n;
  return estimator == EntropyEstimator::kMillerMadow ? plug_in + miller_madow_term(distinct, total)
                                                     : plug_in;
}

// Windows read per call of the reader: about 1M tokens.
uint64_t windows_per_chunk(uint64_t context_length) {
  return std::max<uint64_t>(1, (uint64_t{1} << 20) / context_length);
}

}  // namespace

EntropyMeasure parse_entropy_measure(std::string_view name) {
  if (name == "shannon") return EntropyMeasure::kShannon;
  if (name == "joint") return EntropyMeasure::kJoint;
  if (name == "conditional") return EntropyMeasure::kConditional;
  fail("unknown entropy measure '{}'; expected shannon, joint or conditional", name);
}

std::string_view entropy_measure_name(EntropyMeasure measure) {
  switch (measure) {
    case EntropyMeasure::kShannon:
      return "shannon";
    case EntropyMeasure::kJoint:
      return "joint";
    case EntropyMeasure::kConditional:
      return "conditional";
  }
  return "";
}

EntropyEstimator parse_entropy_estimator(std::string_view name) {
  if (name == "plug-in") return EntropyEstimator::kPlugIn;
  if (name == "miller-madow") return EntropyEstimator::kMillerMadow;
  fail("unknown entropy estimator '{}'; expected plug-in or miller-madow", name);
}

std::string_view entropy_estimator_name(EntropyEstimator estimator) {
  return estimator == EntropyEstimator::kMillerMadow ? "miller-madow" : "plug-in";
}

bool needs_bigrams(EntropyMeasure measure) {
  return measure != EntropyMeasure::kShannon;
}

double domain_entropy(const DomainCounts& counts, EntropyMeasure measure,
                      EntropyEstimator estimator) {
  if (counts.tokens == 0) fail("domain '{}': no tokens counted", counts.name);
  if (measure == EntropyMeasure::kShannon) return dense_entropy(counts.unigrams, estimator);
  if (!counts.bigrams) {
    fail(
        "domain '{}': the {} entropy needs bigram counts, but these counts have unigrams only "
        "(counted with --measure shannon)",
        counts.name, entropy_measure_name(measure));
  }
  if (counts.bigrams->total() == 0) {
    fail("domain '{}': no bigrams counted (every window is shorter than 2 tokens)", counts.name);
  }
  double joint = counts.bigrams->entropy();
  if (estimator == EntropyEstimator::kMillerMadow) {
    // Hashed counts see non-zero buckets, not bigrams: m is then a lower bound, as H is.
    joint += miller_madow_term(counts.bigrams->entries(), counts.bigrams->total());
  }
  if (measure == EntropyMeasure::kJoint) return joint;
  return joint - dense_entropy(counts.firsts, estimator);
}

std::vector<double> entropy_proportions(std::span<const double> entropies) {
  if (entropies.empty()) fail("no domains to mix");
  double top = *std::max_element(entropies.begin(), entropies.end());
  std::vector<double> weights;
  double sum = 0;
  for (double h : entropies) {
    weights.push_back(std::exp(h - top));
    sum += weights.back();
  }
  for (double& w : weights) w /= sum;
  return weights;
}

EntropyMixture entropy_mixture(const EntropyCounts& counts, EntropyMeasure measure,
                               EntropyEstimator estimator) {
  if (!counts.complete()) {
    std::string missing;
    for (uint64_t shard = 0; shard < counts.shard_count; ++shard) {
      if (!counts.shards.contains(shard))
        missing += (missing.empty() ? "" : ", ") + std::to_string(shard);
    }
    fail(
        "the counts hold {} of {} shards (missing: {}); merge every shard before computing the "
        "mixture",
        counts.shards.size(), counts.shard_count, missing);
  }
  EntropyMixture mixture{measure, estimator, {}, {}, {}};
  for (const auto& d : counts.domains) {
    mixture.domains.push_back(d.name);
    mixture.entropies.push_back(domain_entropy(d, measure, estimator));
  }
  mixture.proportions = entropy_proportions(mixture.entropies);
  return mixture;
}

MixtureFile entropy_mixture_file(const EntropyMixture& mixture, const EntropyCounts& counts) {
  nlohmann::json entropies = nlohmann::json::object(), domains = nlohmann::json::object();
  for (size_t i = 0; i < mixture.domains.size(); ++i) {
    const auto& d = counts.domains[i];
    entropies[d.name] = mixture.entropies[i];
    domains[d.name] = {{"train_xxh3", d.train_hash},
                       {"tokens", d.tokens},
                       {"windows", d.windows},
                       {"bigrams", !d.bigrams            ? "none"
                                   : d.bigrams->hashed() ? "hashed"
                                                         : "exact"}};
  }
  return {"entropy",
          Mixture{mixture.domains, mixture.proportions},
          {{"measure", entropy_measure_name(mixture.measure)},
           {"estimator", entropy_estimator_name(mixture.estimator)},
           {"entropies_nats", entropies},
           {"context_length", counts.context_length},
           {"tokenizer", {{"kind", counts.tokenizer_kind}, {"model_xxh3", counts.tokenizer_hash}}},
           {"domains", domains}}};
}

std::string format_entropy_mixture(const EntropyMixture& mixture, const EntropyCounts& counts) {
  size_t width = 6;
  for (const auto& name : mixture.domains) width = std::max(width, name.size());
  std::string text =
      fmt::format("{:<{}}  {:>14}  {:>10}  {:>10}  {}\n", "domain", width, "tokens",
                  std::string(entropy_measure_name(mixture.measure)), "proportion", "bigrams");
  for (size_t i = 0; i < mixture.domains.size(); ++i) {
    const auto& d = counts.domains[i];
    text += fmt::format("{:<{}}  {:>14}  {:>10.6f}  {:>10.6f}  {}\n", d.name, width, d.tokens,
                        mixture.entropies[i], mixture.proportions[i],
                        !d.bigrams            ? "none"
                        : d.bigrams->hashed() ? "hashed"
                                              : "exact");
  }
  return text + Mixture{mixture.domains, mixture.proportions}.to_string() + "\n";
}

DomainCounts empty_domain_counts(std::string name, std::string train_hash, uint64_t vocab_size,
                                 const EntropyCountOptions& options) {
  DomainCounts counts;
  counts.name = std::move(name);
  counts.train_hash = std::move(train_hash);
  counts.unigrams.assign(vocab_size, 0);
  if (options.bigrams) {
    counts.firsts.assign(vocab_size, 0);
    counts.bigrams.emplace(options.limits);
  }
  return counts;
}

void count_token_stream(DomainCounts& counts, uint64_t total, const TokenReader& read,
                        const EntropyCountOptions& options) {
  const uint64_t length = options.context_length;
  if (length < 2) fail("--context-length must be at least 2 (bigrams live inside windows)");
  if (options.shard_count == 0 || options.shard >= options.shard_count) {
    fail("shard {}/{}: expected i/N with 0 <= i < N", options.shard, options.shard_count);
  }
  const uint64_t windows = (total + length - 1) / length;
  // Shard i counts windows [i·W/N, (i+1)·W/N): disjoint, together all of them.
  auto boundary = [&](uint64_t i) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(windows) * i) /
                                 options.shard_count);
  };
  const uint64_t first = boundary(options.shard), last = boundary(options.shard + 1);
  Progress progress("entropy " + counts.name, (last - first) * length, "tokens");
  std::vector<int32_t> buffer;
  const uint64_t chunk = windows_per_chunk(length);
  for (uint64_t w = first; w < last; w += chunk) {
    uint64_t start = w * length;
    uint64_t end = std::min(std::min(w + chunk, last) * length, total);
    buffer.resize(end - start);
    read(start, end - start, buffer.data());
    for (uint64_t offset = 0; offset < buffer.size(); offset += length) {
      uint64_t size = std::min(length, buffer.size() - offset);
      counts.count_window(std::span<const int32_t>(buffer.data() + offset, size));
    }
    progress.advance(end - start);
  }
}

EntropyCounts count_domains(const std::vector<std::unique_ptr<Domain>>& domains,
                            const EntropyCountOptions& options) {
  if (domains.empty()) fail("no domains to count");
  EntropyCounts counts;
  const auto& tokenizer = domains.front()->manifest().tokenizer;
  counts.tokenizer_kind = tokenizer.kind;
  counts.tokenizer_hash = tokenizer.model_hash;
  counts.vocab_size = tokenizer.vocab_size;
  counts.context_length = options.context_length;
  counts.with_bigrams = options.bigrams;
  counts.limits = options.limits;
  counts.shard_count = options.shard_count;
  counts.shards = {options.shard};
  for (const auto& domain : domains) {
    const auto& train = domain->train();
    auto d = empty_domain_counts(domain->name(), domain->manifest().train.bin_hash,
                                 counts.vocab_size, options);
    count_token_stream(
        d, train.tokens(),
        [&train](uint64_t start, uint64_t count, int32_t* out) { train.read(start, count, out); },
        options);
    counts.domains.push_back(std::move(d));
  }
  return counts;
}

}  // namespace cuvee
