// cuvee mix export: a mixture (a file, weights given inline, or a run's proportions) as
// Megatron-LM's --data-path, GPT-NeoX's data config keys, or HF interleave_datasets
// probabilities (mixing/mixture_export.h says what each holds).
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/mixture_file.h"
#include "cuvee/mixing/mixture_export.h"
#include "cuvee/run/run_proportions.h"

namespace cuvee::cli {
namespace {

struct ExportArgs {
  std::string format, mixture, weights, run, out;
  bool average = false;
  std::vector<std::filesystem::path> data;
};

void run_export(const ExportArgs& args) {
  const int sources = !args.mixture.empty() + !args.weights.empty() + !args.run.empty();
  if (sources != 1) fail("give exactly one of --mixture, --weights and --run");
  if (args.average && args.run.empty()) fail("--average applies to --run only");
  const ExportFormat format = parse_export_format(args.format);
  Mixture mixture = !args.mixture.empty() ? read_mixture_file(args.mixture)
                    : !args.weights.empty()
                        ? Mixture::parse(args.weights)
                        : run_proportions(args.run, args.average ? RunProportions::kAverage
                                                                 : RunProportions::kFinal);
  std::vector<ExportDomain> domains;
  if (!args.data.empty()) domains = export_domains(args.data);
  std::string text = export_mixture(mixture, format, domains);
  if (args.out.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    write_file_atomic(args.out, text);
  }
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  app.add_option("--format", args->format, "megatron, neox or hf")->required();
  app.add_option("--mixture", args->mixture,
                 "Mixture file (JSON {\"domain\": w}, or law optimize's --out)");
  app.add_option("--weights", args->weights, "The mixture inline, a=0.5,b=0.5");
  app.add_option("--run", args->run, "A run folder: the proportions of its last step");
  app.add_flag("--average", args->average,
               "With --run: the mean proportions over all its steps instead");
  app.add_option("--data", args->data,
                 "Domain folders, or folders of domains, whose token files the export names "
                 "(megatron, neox)");
  app.add_option("--out", args->out, "File to write (default: stdout)");
  return [args] { run_export(*args); };
}

const Registration registration(
    "mix export", "A mixture as Megatron --data-path, GPT-NeoX data paths or HF probabilities",
    setup);

}  // namespace
}  // namespace cuvee::cli
