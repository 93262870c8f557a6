// Commands that need libtorch run in a second program, `cuvee-torch`, beside `cuvee`.
//
// Why two programs: SentencePiece, which import and the tokenizer commands use, carries its own
// copy of protobuf (3.14) inside libsentencepiece, and libtorch brings the system's protobuf
// (3.21). In one process the two copies' symbols interpose and SentencePiece aborts on its
// version check. No command needs both, so `cuvee` (everything but libtorch) registers the
// libtorch commands by name — from the build's one list of them, CUVEE_TORCH_COMMANDS in
// src/cuvee/cli/CMakeLists.txt — and hands the whole command line to `cuvee-torch`, which sits
// in the same folder. Users see one program.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/error.h"

namespace cuvee::cli {
namespace {

std::filesystem::path torch_program() {
  std::error_code error;
  auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) fail("cannot locate the cuvee program (/proc/self/exe): {}", error.message());
  return self.parent_path() / "cuvee-torch";
}

[[noreturn]] void hand_over() {
  auto program = torch_program();
  std::vector<std::string> arguments = invocation();
  arguments[0] = program.string();
  std::vector<char*> pointers;
  for (auto& argument : arguments) pointers.push_back(argument.data());
  pointers.push_back(nullptr);
  // libgomp's threads spin while they wait; on a machine whose cores other work shares, that
  // made a training step 7x slower. Passive waiting costs 3-9% on an idle machine. libgomp reads
  // the setting only at start-up, so it is set here, before cuvee-torch starts (a user's own
  // setting wins).
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0);
  ::execv(program.c_str(), pointers.data());
  fail("cannot run {}: {} (build it with `make`)", program.string(), std::strerror(errno));
}

Action setup(CLI::App& app) {
  // Everything after the command, --help and -q included, is cuvee-torch's to parse.
  app.set_help_flag();
  app.prefix_command();
  app.allow_extras();
  app.fallthrough(false);
  return [] { hand_over(); };
}

// One registration per libtorch command; CUVEE_TORCH_COMMANDS is "train;score perplexity;..."
// (the build's list) and CUVEE_TORCH_DESCRIPTIONS their descriptions in the same order, which
// the build reads from the commands' own Registration lines.
const bool registered = [] {
  std::istringstream names(CUVEE_TORCH_COMMANDS), descriptions(CUVEE_TORCH_DESCRIPTIONS);
  std::string name, description;
  static std::vector<Registration> registrations;
  registrations.reserve(16);
  while (std::getline(names, name, ';') && std::getline(descriptions, description, ';')) {
    if (!name.empty()) registrations.emplace_back(name, description, setup);
  }
  return true;
}();

}  // namespace
}  // namespace cuvee::cli
