// Runs another program (the `cuvee` commands the study is made of) as a child process and
// waits for it, its output appended to a log file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cuvee::study {

// The `cuvee` program beside the running one (/proc/self/exe).
std::filesystem::path cuvee_program();

// Runs `arguments` (arguments[0] the program), stdout and stderr appended to `log`. Returns
// the exit status (128 + signal when killed by one). If this process gets SIGINT or SIGTERM
// while the child runs, the child gets it too (the trainer checkpoints and stops), and the
// study stops after it.
int run_child(const std::vector<std::string>& arguments, const std::filesystem::path& log);

// run_child, failing with the command, its status and the log's last lines unless it exits 0.
void run_child_checked(const std::vector<std::string>& arguments, const std::filesystem::path& log);

// Whether a SIGINT or SIGTERM has arrived (the study stops at the next step).
bool stop_requested();

}  // namespace cuvee::study
