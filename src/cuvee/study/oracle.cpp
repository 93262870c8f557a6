#include "cuvee/study/oracle.h"

#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"

namespace cuvee::study {

std::vector<std::vector<double>> dirichlet_mixtures(size_t samples, size_t domains, uint64_t seed) {
  if (domains == 0) fail("oracle: no domains to mix");
  std::vector<std::vector<double>> mixtures;
  for (size_t s = 0; s < samples; ++s) {
    // A flat Dirichlet draw: independent unit exponentials, normalised.
    SequentialRng rng(seed, Stream::kOracleMixtures, s);
    std::vector<double> weights(domains);
    double total = 0;
    for (double& w : weights) {
      w = -std::log1p(-rng.uniform());  // uniform() is in [0, 1): the log is finite
      total += w;
    }
    for (double& w : weights) w /= total;
    mixtures.push_back(std::move(weights));
  }
  return mixtures;
}

Oracle choose_oracle(std::vector<OracleCandidate> candidates, std::optional<double> paired_noise) {
  Oracle oracle;
  oracle.candidates = std::move(candidates);
  const OracleCandidate *natural = nullptr, *uniform = nullptr;
  for (size_t i = 0; i < oracle.candidates.size(); ++i) {
    const auto& c = oracle.candidates[i];
    if (!std::isfinite(c.balanced)) fail("oracle: candidate {} has no finite score", c.name);
    if (c.name == "natural") natural = &c;
    if (c.name == "uniform") uniform = &c;
    if (c.balanced < oracle.candidates[oracle.best].balanced) oracle.best = i;
  }
  if (natural == nullptr || uniform == nullptr) {
    fail("oracle: the search needs the natural and uniform runs among its candidates");
  }
  const double best = oracle.candidates[oracle.best].balanced;
  oracle.gain_over_natural = natural->balanced - best;
  oracle.gain_over_uniform = uniform->balanced - best;
  oracle.seed_noise = paired_noise;
  if (paired_noise) {
    oracle.can_rank = oracle.gain_over_natural >= 3 * *paired_noise &&
                      oracle.gain_over_uniform >= 3 * *paired_noise;
  }
  return oracle;
}

std::optional<double> oracle_share(const Oracle& oracle, double natural, double recipe) {
  if (!(oracle.gain_over_natural > 0)) return std::nullopt;
  return (natural - recipe) / oracle.gain_over_natural;
}

nlohmann::json oracle_json(const Oracle& oracle, const std::vector<std::string>& domains) {
  auto weights_json = [&](const std::vector<double>& weights) {
    nlohmann::json json = nlohmann::json::object();
    for (size_t d = 0; d < domains.size() && d < weights.size(); ++d) json[domains[d]] = weights[d];
    return json;
  };
  nlohmann::json json;
  json["candidates"] = nlohmann::json::array();
  for (const auto& c : oracle.candidates) {
    json["candidates"].push_back(
        {{"name", c.name}, {"weights", weights_json(c.weights)}, {"balanced_score", c.balanced}});
  }
  const auto& best = oracle.candidates[oracle.best];
  json["best"] = best.name;
  json["balanced_score"] = best.balanced;
  json["weights"] = weights_json(best.weights);
  json["gain_over_natural"] = oracle.gain_over_natural;
  json["gain_over_uniform"] = oracle.gain_over_uniform;
  json["headroom"] = {
      {"seed_noise", oracle.seed_noise ? nlohmann::json(*oracle.seed_noise) : nullptr},
      {"can_rank", oracle.can_rank ? nlohmann::json(*oracle.can_rank) : nullptr}};
  return json;
}

}  // namespace cuvee::study
