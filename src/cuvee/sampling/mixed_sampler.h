// MixedSampler: turns proportions into batches, deterministically.
//
// Step t of a run has B slots. The domains of the slots are a pure function of (seed, t, the
// step's proportions, B): systematic sampling with a random offset (every domain gets
// floor(B·w) or ceil(B·w) slots, exactly B·w in expectation), then a seeded shuffle of the
// slots so data-parallel ranks, which take contiguous slices, see every domain. Inside a
// domain, sequences are taken in the order of a seeded permutation per epoch, so no sequence
// repeats before the domain is exhausted. The only state is the step number and how many
// sequences each domain has given, so resume and every rank need no communication.
//
// No libtorch types here: this interface is meant for Python bindings as it is.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace cuvee {

struct Draw {
  uint32_t domain = 0;
  uint64_t sequence = 0;  // index of the sequence (token window) within the domain
  uint64_t epoch = 0;     // which pass over the domain this draw belongs to (0-based)
};

struct SamplerState {
  uint64_t step = 0;               // the next step to be drawn
  std::vector<uint64_t> consumed;  // sequences drawn so far, per domain
  bool operator==(const SamplerState&) const = default;
};

class MixedSampler {
 public:
  // sequences[i]: how many sequences domain i has (each must be > 0).
  MixedSampler(std::vector<uint64_t> sequences, uint64_t seed);

  // The draws of the next step under `weights` (one per domain, non-negative, summing to 1
  // within 1e-6); advances the state by one step.
  std::vector<Draw> next(std::span<const double> weights, size_t batch_size);

  // The domain of each slot of step `step`; a pure function of its arguments.
  static std::vector<uint32_t> slot_domains(uint64_t seed, uint64_t step,
                                            std::span<const double> weights, size_t batch_size);

  const SamplerState& state() const { return state_; }
  // Restores a saved state (same number of domains required).
  void restore(const SamplerState& state);

  size_t domains() const { return sequences_.size(); }
  uint64_t sequences(uint32_t domain) const { return sequences_[domain]; }
  // Completed passes over a domain (consumed / sequences, as a real number).
  double epochs(uint32_t domain) const;

 private:
  uint64_t permuted(uint32_t domain, uint64_t epoch, uint64_t position);

  std::vector<uint64_t> sequences_;
  uint64_t seed_;
  SamplerState state_;
  // The permutation of each domain's current epoch, built when the epoch is entered.
  std::vector<std::vector<uint64_t>> permutation_;
  std::vector<uint64_t> permutation_epoch_;
};

}  // namespace cuvee
