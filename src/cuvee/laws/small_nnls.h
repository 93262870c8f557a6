// Non-negative least squares for a handful of columns, solved exactly by trying every active
// set (2^m subsets for m columns). Laws use it for starting points: with their exponents
// fixed, BiMix, the step law and Chinchilla are linear in their scale coefficients, so each
// grid point of exponents gets its best non-negative scales at once (variable projection).
#pragma once

#include <span>
#include <vector>

namespace cuvee {

// Minimises Σ_i (Σ_j columns[j][i]·x_j − y_i)² subject to x ≥ 0. Up to 4 columns.
std::vector<double> small_nnls(std::span<const std::vector<double>> columns,
                               std::span<const double> y);

}  // namespace cuvee
