// The mixture that minimises the weighted predicted loss Σ_i c_i·L_i(r, S) of a fitted law at
// a target step S, within per-domain floors and caps: the mixture optimisation of BiMix (Ge et al.
// 2024, "BiMix: Bivariate Data Mixing Law for Language Model Pretraining", arXiv 2405.14908),
// extended to the other laws. docs/laws.md ("Optimising the mixture") derives the solution below.
//
// BiMix is convex and separable: the KKT conditions give r_j(λ) = (c_j·α_j·G_j/λ)^(1/(1+α_j))
// with G_j = A_j(B_j/S^β_j + C_j), clipped to [floor_j, cap_j], and one multiplier λ found by
// bisection so that Σ r_j = 1. The exponential and linear laws are convex in r too (a sum of
// exponentials of linear forms; a linear form); they are minimised by spectral projected
// gradient (Birgin, Martínez & Raydan 2000) on the capped simplex, so the optimum is global.
//
// RegMix's search is offered beside the exact optimum, for any law: draw candidate mixtures
// from Dirichlet(prior × strength), the strength one of 15 values log-spaced over [0.1, 5]
// (sail-sg/regmix, mixture_config/synthesize_mixture.py), reject those outside the floors and
// caps, and return the mean of the top_k by predicted loss. It stays where proxy runs are
// dense, where an exact optimum of a linear law runs to a vertex of the simplex.
#pragma once

#include <string>
#include <vector>

#include "cuvee/laws/capped_simplex.h"
#include "cuvee/laws/law_fit.h"

namespace cuvee {

struct OptimizeOptions {
  double step = 0;
  std::vector<double> domain_weights;  // c_i per loss domain of the fit; empty: 1/M each
  CappedSimplex bounds;                // per proportion domain of the fit; empty: [0, 1]
  int max_iterations = 100000;         // projected-gradient iterations
  // RegMix's search when candidates > 0 (see above).
  size_t candidates = 0;
  size_t top_k = 100;
  std::vector<double> prior;  // per proportion domain; empty: uniform
  uint64_t seed = 0;
};

struct OptimizedMixture {
  std::vector<double> proportions;       // per proportion domain of the fit
  std::vector<double> predicted_losses;  // per loss domain of the fit, at the optimum
  double objective = 0;                  // Σ_i c_i·L_i with the weights normalised to sum 1
  // "bimix-closed-form", "spectral-projected-gradient" or "regmix-top-k"
  std::string method;
  int iterations = 0;              // of the bisection or the projected gradient
  size_t accepted_candidates = 0;  // regmix-top-k: candidates within the floors and caps
};

OptimizedMixture optimize_mixture(const LawFit& fit, const OptimizeOptions& options);

// Per-domain caps from token availability: tokens_j × max_epochs / total_tokens, at most 1.
std::vector<double> epoch_caps(const std::vector<double>& tokens, double max_epochs,
                               double total_tokens);

}  // namespace cuvee
