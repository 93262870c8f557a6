// How a command joins the `cuvee` program: each file in cli/ defines one command (or one verb
// of a command group such as "law fit") and registers it with a static Registration. The
// setup function declares the command's options on its CLI11 subcommand and returns the
// action to run once the command line is parsed.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace cuvee::cli {

using Action = std::function<void()>;
using Setup = std::function<Action(CLI::App&)>;

struct Command {
  std::string path;  // "import", or "law fit" for a verb of a group
  std::string description;
  Setup setup;
};

std::vector<Command>& commands();

// The program's command line as it was given (for commands that hand it on).
std::vector<std::string>& invocation();

struct Registration {
  Registration(std::string path, std::string description, Setup setup);
};

}  // namespace cuvee::cli
