// The kernel a RACE sketch estimates, computed exactly: the collision probability of the
// p-stable L2 LSH with width w at distance c (Datar et al. 2004),
//
//   k(c) = 1 − 2Φ(−w/c) − 2/(√(2π)·w/c)·(1 − exp(−(w/c)²/2)),   k(0) = 1,
//
// and the kernel density Σ_j k(‖x − x_j‖)^P over all rows, P the hashes a sketch row
// concatenates (O(N²d): a check and a benchmark peer for the sketch, with the distances from GEMM
// blocks like the sketch's hashing).
#pragma once

#include <vector>

#include "cuvee/selection/embeddings.h"

namespace cuvee {

double lsh_collision_probability(double distance, double width);
std::vector<double> exact_kde(const Embeddings& embeddings, double width, int power = 1);

}  // namespace cuvee
