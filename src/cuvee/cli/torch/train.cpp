// cuvee train: train a GPT on a mixture of domains (see docs/training.md).
#include <signal.h>

#include <cstdlib>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/error.h"
#include "cuvee/run/config.h"
#include "cuvee/run/run_folder.h"
#include "cuvee/train/launch.h"
#include "cuvee/train/trainer.h"

namespace cuvee::cli {
namespace {

struct TrainArgs {
  std::string config;
  std::string out;
  uint64_t steps = 0;
  bool resume = false;
  std::filesystem::path init_from;
  std::vector<std::string> sets;
  int nproc = 1;
  bool quiet = false;  // the program's --quiet
};

// The first Ctrl-C (or SIGTERM) asks the trainer to checkpoint and stop after the current step;
// a second one kills the process at once (the checkpoint on disk is whole either way).
void on_signal(int signal) {
  request_stop();
  ::signal(signal, SIG_DFL);
}

// The command line without --nproc, for the ranks to run (argv[0] is replaced by the launcher).
std::vector<std::string> rank_command() {
  std::vector<std::string> command;
  const auto& args = invocation();
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--nproc") {
      ++i;
      continue;
    }
    if (args[i].rfind("--nproc=", 0) == 0) continue;
    command.push_back(args[i]);
  }
  return command;
}

void run(const TrainArgs& args) {
  if (args.nproc > 1) {
    if (std::getenv("WORLD_SIZE") != nullptr) {
      fail("--nproc {}: WORLD_SIZE is already set (this process is a rank of a launched group)",
           args.nproc);
    }
    int status = launch_local_ranks(args.nproc, rank_command());
    if (status != 0) std::exit(status);
    return;
  }
  TrainConfig config = load_train_config(args.config, args.sets);
  TrainOptions options;
  options.out = args.out.empty() ? std::filesystem::path("runs") / config.run
                                 : std::filesystem::path(args.out);
  options.stop_step = args.steps;
  options.resume = args.resume;
  options.init_from = args.init_from;
  options.log = !args.quiet;
  if (auto group = group_from_environment(options.local_ranks)) options.group = *group;
  ::signal(SIGINT, on_signal);
  ::signal(SIGTERM, on_signal);
  TrainResult result = train(config, options);
  if (options.group.rank != 0) {
    if (result.interrupted) std::exit(130);
    return;
  }
  auto checkpoint = (options.out / kCheckpointFile).string();
  if (result.interrupted) {
    fmt::print(stderr, "interrupted after step {}: checkpoint {} written; continue with --resume\n",
               result.step, checkpoint);
    std::exit(130);
  }
  std::string held_out;
  if (!result.test_loss.empty()) {
    double sum = 0;
    for (double loss : result.test_loss) sum += loss;
    held_out =
        fmt::format(", test loss {:.4f}", sum / static_cast<double>(result.test_loss.size()));
  }
  fmt::print("{}: step {}{}, {:.0f} tokens/s over {:.1f} s ({}, {} threads)\n",
             options.out.string(), result.step, held_out, result.tokens_per_second, result.seconds,
             result.device, result.threads);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  app.add_option("config", args->config, "Training config (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--out", args->out,
                 fmt::format("Run folder: {}, {}, {} (default: runs/RUN)", kMetricsFile,
                             kObservationsFile, kCheckpointFile));
  app.add_option("--steps", args->steps,
                 "Stop after this step (the learning-rate schedule still spans train.steps)");
  app.add_flag("--resume", args->resume, "Continue from the run folder's checkpoint");
  app.add_option("--init-from", args->init_from,
                 "Start from a base run's model weights (its folder or checkpoint.pt): continual "
                 "pretraining, with a fresh optimizer and schedule");
  app.add_option("--set", args->sets, "Override a config key, e.g. --set train.lr=3e-4")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  app.add_option("--nproc", args->nproc, "Start this many local data-parallel ranks")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI::App* program = app.get_parent();
  return [args, program] {
    args->quiet = program->get_option("--quiet")->as<bool>();
    run(*args);
  };
}

const Registration registration("train", "Train a GPT on a mixture of domains", setup);

}  // namespace
}  // namespace cuvee::cli
