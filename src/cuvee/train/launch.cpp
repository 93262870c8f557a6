#include "cuvee/train/launch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "cuvee/core/error.h"

extern char** environ;

namespace cuvee {

namespace {

int integer_variable(const char* name, int low, int high) {
  const char* text = std::getenv(name);
  if (text == nullptr) fail("distributed: WORLD_SIZE is set but {} is not", name);
  int value = 0;
  auto [end, error] = std::from_chars(text, text + std::strlen(text), value);
  if (error != std::errc() || *end != '\0' || value < low || value > high) {
    fail("distributed: {}={} is not an integer in [{}, {}]", name, text, low, high);
  }
  return value;
}

// A TCP port nobody listens on now (the kernel's choice for port 0).
uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) fail("launch: cannot open a socket: {}", std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    fail("launch: cannot find a free port: {}", std::strerror(errno));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

int exit_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

std::optional<GroupOptions> group_from_environment(int& local_ranks) {
  local_ranks = 1;
  if (std::getenv("WORLD_SIZE") == nullptr) return std::nullopt;
  GroupOptions group;
  group.world = integer_variable("WORLD_SIZE", 1, 1 << 20);
  group.rank = integer_variable("RANK", 0, group.world - 1);
  if (group.world > 1) {
    const char* addr = std::getenv("MASTER_ADDR");
    if (addr == nullptr) fail("distributed: WORLD_SIZE is set but MASTER_ADDR is not");
    group.master_addr = addr;
    group.master_port = static_cast<uint16_t>(integer_variable("MASTER_PORT", 1, 65535));
  }
  if (const char* agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
      group.world > 1 && agent != nullptr && std::string_view(agent) == "True") {
    const char* attempt = std::getenv("TORCHELASTIC_RESTART_COUNT");
    if (attempt == nullptr) {
      fail(
          "distributed: TORCHELASTIC_USE_AGENT_STORE is set but TORCHELASTIC_RESTART_COUNT is not");
    }
    group.agent_store_prefix = fmt::format(
        "/worker/attempt_{}", integer_variable("TORCHELASTIC_RESTART_COUNT", 0, 1 << 30));
  }
  if (std::getenv("LOCAL_WORLD_SIZE") != nullptr) {
    local_ranks = integer_variable("LOCAL_WORLD_SIZE", 1, group.world);
  }
  return group;
}

int launch_local_ranks(int nproc, const std::vector<std::string>& command) {
  if (nproc < 1) fail("--nproc {}: expected at least 1 rank", nproc);
  if (command.empty()) fail("launch: empty command");
  std::string port = std::to_string(free_port());
  // The ranks handle Ctrl-C (checkpoint, exit); the launcher waits for them.
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore, &previous);

  std::vector<pid_t> pids;
  for (int rank = 0; rank < nproc; ++rank) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry = *e;
      bool ours = false;
      for (const char* name :
           {"RANK=", "LOCAL_RANK=", "WORLD_SIZE=", "LOCAL_WORLD_SIZE=", "MASTER_ADDR=",
            "MASTER_PORT=", "TORCHELASTIC_USE_AGENT_STORE=", "TORCHELASTIC_RESTART_COUNT="}) {
        ours = ours || entry.rfind(name, 0) == 0;
      }
      if (!ours) env_strings.push_back(entry);
    }
    env_strings.push_back(fmt::format("RANK={}", rank));
    env_strings.push_back(fmt::format("LOCAL_RANK={}", rank));
    env_strings.push_back(fmt::format("WORLD_SIZE={}", nproc));
    env_strings.push_back(fmt::format("LOCAL_WORLD_SIZE={}", nproc));
    env_strings.push_back("MASTER_ADDR=127.0.0.1");
    env_strings.push_back("MASTER_PORT=" + port);
    std::vector<char*> envp, argv;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = command;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    // The children get the default SIGINT disposition back.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    int error = posix_spawn(&pid, "/proc/self/exe", nullptr, &attributes, argv.data(), envp.data());
    posix_spawnattr_destroy(&attributes);
    if (error != 0) {
      for (pid_t started : pids) ::kill(started, SIGKILL);
      fail("launch: cannot start rank {}: {}", rank, std::strerror(error));
    }
    pids.push_back(pid);
  }

  int result = 0;
  size_t running = pids.size();
  while (running > 0) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto it = std::find(pids.begin(), pids.end(), pid);
    if (it == pids.end()) continue;
    int rank = static_cast<int>(it - pids.begin());
    *it = -1;
    --running;
    int code = exit_status(status);
    if (code != 0 && result == 0) {
      result = code;
      // An interrupted rank (130) is not a failure of the others: they stop by themselves.
      if (code != 130) {
        std::fprintf(stderr, "cuvee: rank %d failed (exit status %d); stopping the others\n", rank,
                     code);
        for (pid_t other : pids) {
          if (other > 0) ::kill(other, SIGKILL);
        }
      }
    }
  }
  ::sigaction(SIGINT, &previous, nullptr);
  return result;
}

}  // namespace cuvee
