// Data parallelism over torch's c10d. Every rank holds the whole model, trains its contiguous
// slice of each step's global batch, and sums with the others (all-reduce) the gradients and the
// per-domain loss sums and counts, so every rank applies the same update and feeds its policy
// the same observations. Gloo carries the sums on CPU; on CUDA, NCCL where this libtorch was
// built with it, else Gloo through a host copy.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include <torch/types.h>

#include "cuvee/train/launch.h"

namespace cuvee {

class Communicator {
 public:
  // Joins the group (blocks until every rank has joined). Errors name the rendezvous address.
  Communicator(const GroupOptions& options, torch::Device device);
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  int rank() const { return rank_; }
  int world() const { return world_; }
  const char* backend() const;

  // Sums `tensor` over the ranks, in place, on every rank.
  void all_reduce_sum(torch::Tensor& tensor);
  // Sums the gradients of `parameters` over the ranks: one flat buffer, one all-reduce.
  void all_reduce_gradients(const std::vector<torch::Tensor>& parameters);
  // Whether every rank passed the same values, bit for bit (true on every rank, or false on
  // every rank). One all-reduce of a single number: a 32-bit hash of the values, summed.
  bool same_on_every_rank(std::span<const double> values);

 private:
  struct Group;
  int rank_ = 0;
  int world_ = 1;
  std::unique_ptr<Group> group_;
};

}  // namespace cuvee
