#include "cuvee/selection/samplers.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"

namespace cuvee {
namespace {

constexpr std::pair<SelectMethod, std::string_view> kNames[] = {
    {SelectMethod::kTopK, "topk"},           {SelectMethod::kBottomK, "bottomk"},
    {SelectMethod::kInverse, "inverse"},     {SelectMethod::kGumbel, "gumbel"},
    {SelectMethod::kRandom, "random"},       {SelectMethod::kBand, "band"},
    {SelectMethod::kThreshold, "threshold"},
};

// Indices of the k largest keys (ties: lower index first), ascending.
std::vector<uint64_t> top_k(const std::vector<double>& keys, uint64_t k) {
  std::vector<uint64_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0);
  k = std::min<uint64_t>(k, keys.size());
  auto greater = [&](uint64_t a, uint64_t b) {
    return keys[a] > keys[b] || (keys[a] == keys[b] && a < b);
  };
  std::nth_element(order.begin(), order.begin() + k, order.end(), greater);
  order.resize(k);
  std::sort(order.begin(), order.end());
  return order;
}

// Uniform (0, 1) for document i: never 0, so logarithms stay finite.
double uniform_open(const CounterRng& rng, uint64_t i) {
  return (static_cast<double>(rng.bits(i) >> 11) + 0.5) * 0x1.0p-53;
}

}  // namespace

SelectMethod parse_select_method(std::string_view name) {
  for (auto [method, text] : kNames) {
    if (text == name) return method;
  }
  fail("--method '{}': expected topk, bottomk, inverse, gumbel, random, band or threshold", name);
}

std::string_view select_method_name(SelectMethod method) {
  for (auto [m, text] : kNames) {
    if (m == method) return text;
  }
  return "?";
}

uint64_t keep_count(double fraction, uint64_t n) {
  if (!(fraction > 0 && fraction <= 1)) fail("--keep {}: expected a fraction in (0, 1]", fraction);
  return static_cast<uint64_t>(std::llround(fraction * static_cast<double>(n)));
}

std::vector<uint64_t> select_documents(std::span<const double> scores,
                                       const SelectOptions& options) {
  const uint64_t n = scores.size();
  CounterRng rng(options.seed, Stream::kSelection);
  std::vector<double> keys(n);
  switch (options.method) {
    case SelectMethod::kTopK:
      keys.assign(scores.begin(), scores.end());
      break;
    case SelectMethod::kBottomK:
      for (uint64_t i = 0; i < n; ++i) keys[i] = -scores[i];
      break;
    case SelectMethod::kInverse:
      // Efraimidis & Spirakis (2006): drawing without replacement with weights w_i is taking
      // the k largest u_i^(1/w_i); with w_i = 1/score_i that is the k largest score_i·log u_i.
      for (uint64_t i = 0; i < n; ++i) {
        if (!(scores[i] > 0)) {
          fail("document {}: score {} — inverse-propensity sampling needs positive scores", i,
               scores[i]);
        }
        keys[i] = scores[i] * std::log(uniform_open(rng, i));
      }
      break;
    case SelectMethod::kGumbel:
      for (uint64_t i = 0; i < n; ++i)
        keys[i] = scores[i] - std::log(-std::log(uniform_open(rng, i)));
      break;
    case SelectMethod::kRandom:
      for (uint64_t i = 0; i < n; ++i) keys[i] = uniform_open(rng, i);
      break;
    case SelectMethod::kBand: {
      uint64_t k = std::min(options.keep, n);
      double start = options.band_start < 0
                         ? (1.0 - static_cast<double>(k) / std::max<uint64_t>(n, 1)) / 2
                         : options.band_start;
      if (start > 1) fail("--band-start {}: expected a quantile in [0, 1]", start);
      uint64_t first = std::min<uint64_t>(static_cast<uint64_t>(std::llround(start * n)), n - k);
      std::vector<uint64_t> order(n);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](uint64_t a, uint64_t b) { return scores[a] < scores[b]; });
      std::vector<uint64_t> kept(order.begin() + first, order.begin() + first + k);
      std::sort(kept.begin(), kept.end());
      return kept;
    }
    case SelectMethod::kThreshold: {
      std::vector<uint64_t> kept;
      for (uint64_t i = 0; i < n; ++i) {
        if (scores[i] >= options.min && scores[i] <= options.max) kept.push_back(i);
      }
      return kept;
    }
  }
  return top_k(keys, options.keep);
}

}  // namespace cuvee
