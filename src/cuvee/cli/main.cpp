// cuvee: one program, one subcommand per verb (see command.h for how commands register).
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/error.h"
#include "cuvee/core/progress.h"

namespace cuvee::cli {

std::vector<Command>& commands() {
  static std::vector<Command> registry;
  return registry;
}

Registration::Registration(std::string path, std::string description, Setup setup) {
  commands().push_back({std::move(path), std::move(description), std::move(setup)});
}

}  // namespace cuvee::cli

int main(int argc, char** argv) {
  using namespace cuvee::cli;
  CLI::App app{"cuvee: decide what a language model is pretrained on", "cuvee"};
  app.require_subcommand(1);
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "No progress lines on stderr");

  // Groups ("law", "tokenizer", ...) are created on demand from the commands' paths.
  std::map<std::string, CLI::App*> groups;
  std::map<CLI::App*, Action> actions;
  auto& registry = commands();
  std::sort(registry.begin(), registry.end(),
            [](const Command& a, const Command& b) { return a.path < b.path; });
  try {
    for (auto& command : registry) {
      std::istringstream words(command.path);
      std::string word, prefix;
      CLI::App* parent = &app;
      std::vector<std::string> parts;
      while (words >> word) parts.push_back(word);
      for (size_t i = 0; i + 1 < parts.size(); ++i) {
        prefix += parts[i] + " ";
        auto& group = groups[prefix];
        if (group == nullptr) {
          group = parent->add_subcommand(parts[i], "Commands: " + parts[i] + " ...");
          group->require_subcommand(1);
        }
        parent = group;
      }
      CLI::App* sub = parent->add_subcommand(parts.back(), command.description);
      actions[sub] = command.setup(*sub);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cuvee: internal error while registering commands: %s\n", e.what());
    return 3;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  cuvee::Progress::set_enabled(!quiet);

  try {
    for (auto& [sub, action] : actions) {
      if (sub->parsed()) {
        action();
        return 0;
      }
    }
  } catch (const cuvee::Error& e) {
    std::fprintf(stderr, "cuvee: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cuvee: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
