// Starting data-parallel ranks. A rank learns its place from the environment torchrun sets
// (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT, and LOCAL_WORLD_SIZE for the ranks sharing a
// machine), or `cuvee train --nproc N` starts N local ranks of itself with that environment.
// Under torchrun's agent store (TORCHELASTIC_USE_AGENT_STORE=True, with
// TORCHELASTIC_RESTART_COUNT) the launcher already serves the TCP store at MASTER_PORT: every
// rank joins it as a client, under the key prefix PyTorch's own ranks use
// ("/worker/attempt_<restart count>", torch.distributed.rendezvous), instead of rank 0 serving
// one of its own on the same port.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cuvee {

// How a rank finds its group. world == 1: no group at all.
struct GroupOptions {
  int rank = 0;
  int world = 1;
  // Rendezvous through a TCP store at master_addr:master_port (rank 0 serves it)...
  std::string master_addr = "127.0.0.1";
  uint16_t master_port = 29500;
  // ...or, when set, through a file every rank can reach (ranks in one process, in tests).
  std::filesystem::path store_file;
  // Non-empty: the TCP store is the launcher's (torchrun's agent store); every rank is a
  // client and prefixes its keys with this.
  std::string agent_store_prefix;
};

// The group described by the environment, or nullopt when WORLD_SIZE is unset. Errors name
// the variable that is missing or malformed. `local_ranks` gets LOCAL_WORLD_SIZE (1 if unset).
std::optional<GroupOptions> group_from_environment(int& local_ranks);

// Runs `command` (its argv[0] is ignored: the ranks run this program's own executable,
// /proc/self/exe) as `nproc` ranks on this machine, with RANK,
// LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free MASTER_PORT set,
// and waits for them. If a rank fails, the others are killed. Ctrl-C reaches every rank (they
// checkpoint and exit); the launcher itself ignores it and waits. Returns the exit status to
// exit with: 0 when every rank succeeded, else the first failure's.
int launch_local_ranks(int nproc, const std::vector<std::string>& command);

}  // namespace cuvee
