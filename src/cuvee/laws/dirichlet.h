// Dirichlet draws for RegMix's candidate mixtures. Concentrations far below 1 (RegMix uses
// prior × 0.1 with priors near 1e-3) make gamma variates underflow, so they are drawn as
// logarithms (Marsaglia & Tsang 2000, with the boost G(a) = G(a+1)·U^(1/a) for a < 1) and
// normalised by log-sum-exp.
#pragma once

#include <span>
#include <vector>

namespace cuvee {

class SequentialRng;

std::vector<double> sample_dirichlet(std::span<const double> concentration, SequentialRng& rng);

}  // namespace cuvee
