// cuvee study: the end-to-end data-mixing study on localpile (see docs/study.md).
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/study/study.h"
#include "cuvee/study/study_config.h"

namespace cuvee::cli {
namespace {

struct StudyArgs {
  std::string config;
  std::string scale = "demo";
  std::string out;
};

Action setup(CLI::App& app) {
  auto args = std::make_shared<StudyArgs>();
  app.add_option("config", args->config, "Study config (TOML), e.g. examples/localpile.toml")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--scale", args->scale, "demo, small or full (the config's [scales.*])")
      ->check(CLI::IsMember({"demo", "small", "full"}))
      ->capture_default_str();
  app.add_option("--out", args->out,
                 "Output folder: runs/, summary.json, report.html (default: runs/study-SCALE)");
  return [args] {
    auto config = study::load_study_config(args->config);
    study::StudyOptions options;
    options.scale = args->scale;
    options.out = args->out.empty() ? std::filesystem::path("runs") / ("study-" + args->scale)
                                    : std::filesystem::path(args->out);
    study::run_study(config, options);
  };
}

const Registration registration("study",
                                "Train every mixing recipe on the same model and report which wins",
                                setup);

}  // namespace
}  // namespace cuvee::cli
