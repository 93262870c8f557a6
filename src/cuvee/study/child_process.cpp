#include "cuvee/study/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

volatile std::sig_atomic_t g_stop = 0;
volatile pid_t g_child = 0;

// A terminal's Ctrl-C reaches the child directly (same process group); a SIGTERM sent to the
// study alone is passed on so the trainer checkpoints.
void on_signal(int signal) {
  g_stop = 1;
  if (signal == SIGTERM && g_child > 0) ::kill(g_child, SIGTERM);
}

std::string log_tail(const std::filesystem::path& log, size_t lines) {
  std::ifstream in(log);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string tail;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    tail += "  " + all[i] + "\n";
  }
  return tail;
}

}  // namespace

std::filesystem::path cuvee_program() {
  std::error_code error;
  auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) fail("cannot locate the cuvee program (/proc/self/exe): {}", error.message());
  return self.parent_path() / "cuvee";
}

bool stop_requested() {
  return g_stop != 0;
}

int run_child(const std::vector<std::string>& arguments, const std::filesystem::path& log) {
  std::filesystem::create_directories(log.parent_path());
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot open {}: {}", log.string(), std::strerror(errno));
  std::vector<std::string> copy = arguments;
  std::vector<char*> pointers;
  for (auto& argument : copy) pointers.push_back(argument.data());
  pointers.push_back(nullptr);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  struct sigaction old_int {
  }, old_term{};
  ::sigaction(SIGINT, &action, &old_int);
  ::sigaction(SIGTERM, &action, &old_term);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fd);
    fail("cannot start {}: {}", arguments[0], std::strerror(errno));
  }
  if (pid == 0) {
    // The child dies with the study: a study killed with SIGKILL must not leave a trainer
    // writing into a run folder that the rerun will train in too.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(137);  // the study died before prctl took effect
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::execv(pointers[0], pointers.data());
    std::string message = fmt::format("cannot run {}: {}\n", arguments[0], std::strerror(errno));
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, message.data(), message.size());
    ::_exit(127);
  }
  ::close(fd);
  g_child = pid;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waiting for {}: {}", arguments[0], std::strerror(errno));
  }
  g_child = 0;
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

void run_child_checked(const std::vector<std::string>& arguments,
                       const std::filesystem::path& log) {
  int status = run_child(arguments, log);
  if (status == 0) return;
  fail("`{}` exited with status {}; the end of {}:\n{}", fmt::join(arguments, " "), status,
       log.string(), log_tail(log, 15));
}

}  // namespace cuvee::study
