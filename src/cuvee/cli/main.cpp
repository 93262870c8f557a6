// cuvee: one program, one subcommand per verb (see command.h for how commands register).
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/cli/usage_error.h"
#include "cuvee/core/error.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/version.h"

namespace cuvee::cli {

std::vector<Command>& commands() {
  static std::vector<Command> registry;
  return registry;
}

std::vector<std::string>& invocation() {
  static std::vector<std::string> arguments;
  return arguments;
}

Registration::Registration(std::string path, std::string description, Setup setup) {
  commands().push_back({std::move(path), std::move(description), std::move(setup)});
}

}  // namespace cuvee::cli

int main(int argc, char** argv) {
  using namespace cuvee::cli;
  invocation().assign(argv, argv + argc);
  CLI::App app{"cuvee: decide what a language model is pretrained on", "cuvee"};
  app.require_subcommand(1);
  app.set_version_flag("--version", cuvee::version_line(), "Print the version and exit");
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "No progress lines on stderr (before or after the command)");
  // An option a command does not know falls through to the program's own, so `-q` works after
  // the command too (`cuvee import -q ...`). Commands made below inherit the setting.
  app.fallthrough();

  // Groups ("law", "tokenizer", ...) are created on demand from the commands' paths. A command
  // may also be a group ("select" and "select density"): then it runs when none of its
  // subcommands is named.
  std::map<std::string, CLI::App*> nodes;            // by path: "law", "law fit"
  std::vector<std::pair<size_t, CLI::App*>> leaves;  // (words in the path, its subcommand)
  std::map<CLI::App*, Action> actions;
  auto& registry = commands();
  std::sort(registry.begin(), registry.end(),
            [](const Command& a, const Command& b) { return a.path < b.path; });
#ifdef CUVEE_TORCH_PROGRAM
  // `cuvee` hands over exactly the commands of the build's list (delegated.cpp); one registered
  // here but not listed would be unreachable, one listed but not here handed over to nothing.
  {
    std::vector<std::string> listed, registered;
    std::istringstream names(CUVEE_TORCH_COMMANDS);
    for (std::string name; std::getline(names, name, ';');) listed.push_back(name);
    for (const auto& command : registry) registered.push_back(command.path);
    std::sort(listed.begin(), listed.end());
    if (listed != registered) {
      std::fprintf(stderr,
                   "cuvee-torch: internal error: it registers other commands than "
                   "CUVEE_TORCH_COMMANDS in src/cuvee/cli/CMakeLists.txt lists\n");
      return 3;
    }
  }
#endif
  try {
    for (auto& command : registry) {
      std::istringstream words(command.path);
      std::vector<std::string> parts;
      for (std::string word; words >> word;) parts.push_back(word);
      CLI::App* parent = &app;
      std::string path;
      for (size_t i = 0; i + 1 < parts.size(); ++i) {
        path += (i > 0 ? " " : "") + parts[i];
        auto& node = nodes[path];
        if (node == nullptr) {
          node = parent->add_subcommand(parts[i], "Commands: " + path + " ...");
          node->require_subcommand(1);
        } else if (actions.count(node) > 0) {
          node->require_subcommand(0, 1);  // a command of its own too
        }
        parent = node;
      }
      CLI::App* sub = parent->add_subcommand(parts.back(), command.description);
      nodes[command.path] = sub;
      actions[sub] = command.setup(*sub);
      leaves.emplace_back(parts.size(), sub);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cuvee: internal error while registering commands: %s\n", e.what());
    return 3;
  }

  // Usage errors exit with 2, as command-line programs conventionally do (CLI11's own codes,
  // 105-114, say only which of its checks failed); --help and --version exit with 0.
  constexpr int kUsageStatus = 2;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kUsageStatus;
  }
  cuvee::Progress::set_enabled(!quiet);

  // The deepest parsed command is the one named ("select density", not "select").
  CLI::App* chosen = nullptr;
  size_t depth = 0;
  for (auto& [words, sub] : leaves) {
    if (sub->parsed() && words > depth) {
      chosen = sub;
      depth = words;
    }
  }
  try {
    if (chosen != nullptr) actions[chosen]();
  } catch (const UsageError& e) {
    std::fprintf(stderr, "cuvee: error: %s\nRun with --help for more information.\n", e.what());
    return kUsageStatus;
  } catch (const cuvee::Error& e) {
    std::fprintf(stderr, "cuvee: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cuvee: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
