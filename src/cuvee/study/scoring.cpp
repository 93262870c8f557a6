#include "cuvee/study/scoring.h"

#include <algorithm>

#include <fmt/format.h>

#include "cuvee/core/error.h"
#include "cuvee/core/nearest_name.h"

namespace cuvee::study {

Scoring::Scoring(std::vector<std::string> domains, std::span<const uint64_t> train_tokens,
                 const std::vector<std::string>& targets, const std::filesystem::path& source)
    : domains_(std::move(domains)), targets_(targets.empty() ? domains_ : targets) {
  if (train_tokens.size() != domains_.size()) {
    fail("scoring: {} domains but {} token counts", domains_.size(), train_tokens.size());
  }
  double total = 0;
  for (size_t t = 0; t < targets_.size(); ++t) {
    const auto& target = targets_[t];
    auto it = std::find(domains_.begin(), domains_.end(), target);
    if (it == domains_.end()) {
      fail(
          "{}: targets: '{}' is not a domain of the study's data (domains: {}); did you mean "
          "'{}'?",
          source.string(), target, fmt::join(domains_, ", "), nearest_name(target, domains_));
    }
    if (std::find(targets_.begin(), targets_.begin() + t, target) != targets_.begin() + t) {
      fail("{}: targets: '{}' is listed twice", source.string(), target);
    }
    index_.push_back(static_cast<size_t>(it - domains_.begin()));
    natural_weights_.push_back(static_cast<double>(train_tokens[index_.back()]));
    total += natural_weights_.back();
  }
  if (!(total > 0))
    fail("{}: targets: the target domains have no training tokens", source.string());
  for (double& w : natural_weights_) w /= total;
}

double Scoring::balanced(std::span<const double> loss) const {
  if (loss.size() != domains_.size())
    fail("scoring: {} losses for {} domains", loss.size(), domains_.size());
  double sum = 0;
  for (size_t i : index_) sum += loss[i];
  return sum / static_cast<double>(index_.size());
}

double Scoring::natural_weighted(std::span<const double> loss) const {
  if (loss.size() != domains_.size())
    fail("scoring: {} losses for {} domains", loss.size(), domains_.size());
  double sum = 0;
  for (size_t t = 0; t < index_.size(); ++t) sum += natural_weights_[t] * loss[index_[t]];
  return sum;
}

}  // namespace cuvee::study
