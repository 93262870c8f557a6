#include "cuvee/train/distributed.h"

#include <chrono>
#include <cstdlib>
#include <string_view>

#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef CUVEE_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"

namespace cuvee {

namespace {
// How long a collective may wait for the slowest rank before the group gives up.
constexpr std::chrono::minutes kCollectiveTimeout{10};
}  // namespace

struct Communicator::Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> process_group;
  // Where the backend wants its tensors: the host for Gloo, the GPU for NCCL.
  torch::Device device = torch::kCPU;
  std::string name;
};

Communicator::Communicator(const GroupOptions& options, torch::Device device)
    : rank_(options.rank), world_(options.world) {
  if (world_ < 1 || rank_ < 0 || rank_ >= world_) {
    fail("distributed: rank {} of world size {} is not a valid rank", rank_, world_);
  }
  if (world_ == 1) return;
  group_ = std::make_unique<Group>();
  try {
    if (!options.store_file.empty()) {
      group_->store = c10::make_intrusive<c10d::FileStore>(options.store_file.string(), world_);
    } else {
      c10d::TCPStoreOptions store_options;
      store_options.port = options.master_port;
      const bool agent = !options.agent_store_prefix.empty();
      // Under torchrun's agent store the launcher serves it; otherwise rank 0 does.
      store_options.isServer = !agent && rank_ == 0;
      if (!agent) store_options.numWorkers = static_cast<std::size_t>(world_);
      store_options.timeout = kCollectiveTimeout;
      group_->store = c10::make_intrusive<c10d::TCPStore>(options.master_addr, store_options);
      if (agent) {
        group_->store =
            c10::make_intrusive<c10d::PrefixStore>(options.agent_store_prefix, group_->store);
      }
    }
#ifdef CUVEE_NCCL
    if (device.is_cuda()) {
      auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
      nccl_options->timeout = kCollectiveTimeout;
      group_->process_group =
          c10::make_intrusive<c10d::ProcessGroupNCCL>(group_->store, rank_, world_, nccl_options);
      group_->device = device;
      group_->name = "nccl";
      return;
    }
#endif
    auto gloo_options = c10d::ProcessGroupGloo::Options::create(kCollectiveTimeout);
    // GLOO_SOCKET_IFNAME picks the network interface, as in PyTorch; else the host name's
    // address (or loopback when it does not resolve).
    const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
    gloo_options->devices.push_back(
        interface != nullptr ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
                             : c10d::ProcessGroupGloo::createDefaultDevice());
    group_->process_group =
        c10::make_intrusive<c10d::ProcessGroupGloo>(group_->store, rank_, world_, gloo_options);
    group_->name = "gloo";
  } catch (const std::exception& e) {
    fail("distributed: rank {} of {} could not join the group at {}: {}", rank_, world_,
         options.store_file.empty()
             ? options.master_addr + ":" + std::to_string(options.master_port)
             : options.store_file.string(),
         e.what());
  }
}

Communicator::~Communicator() = default;

const char* Communicator::backend() const {
  return group_ ? group_->name.c_str() : "none";
}

void Communicator::all_reduce_sum(torch::Tensor& tensor) {
  if (world_ == 1) return;
  const bool moved = tensor.device() != group_->device;
  auto reduced = moved ? tensor.to(group_->device) : tensor;
  std::vector<at::Tensor> tensors{reduced};
  group_->process_group->allreduce(tensors)->wait();
  if (moved) tensor.copy_(reduced);
}

void Communicator::all_reduce_gradients(const std::vector<torch::Tensor>& parameters) {
  if (world_ == 1) return;
  std::vector<torch::Tensor> grads;
  for (const auto& p : parameters) grads.push_back(p.grad().reshape({-1}));
  auto flat = torch::cat(grads);
  all_reduce_sum(flat);
  int64_t offset = 0;
  for (const auto& p : parameters) {
    const auto& grad = p.grad();
    grad.copy_(flat.slice(0, offset, offset + grad.numel()).view_as(grad));
    offset += grad.numel();
  }
}

bool Communicator::same_on_every_rank(std::span<const double> values) {
  if (world_ == 1) return true;
  // The largest hash and the largest negated hash: equal up to sign exactly when the smallest
  // and the largest are the same, which every rank then sees alike.
  const std::string_view bytes(reinterpret_cast<const char*>(values.data()),
                               values.size() * sizeof(double));
  const auto own = static_cast<int64_t>(hash64(bytes) >> 1);  // >= 0, so negation is exact
  auto extremes = torch::tensor({own, -own}, torch::kInt64).to(group_->device);
  std::vector<at::Tensor> tensors{extremes};
  c10d::AllreduceOptions options;
  options.reduceOp = c10d::ReduceOp::MAX;
  group_->process_group->allreduce(tensors, options)->wait();
  auto host = extremes.cpu();
  return host[0].item<int64_t>() == -host[1].item<int64_t>();
}

}  // namespace cuvee
