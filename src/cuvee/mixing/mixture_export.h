// A mixture written as other training frameworks take it (`cuvee mix export`, and
// cuvee.mix.export in Python, both thin wrappers of this):
//
//   megatron  Megatron-LM's blend: `--data-path w1 prefix1 w2 prefix2 ...`, the weight before
//             each dataset prefix (megatron/core/datasets/utils.py get_blend_from_list), one line
//             to paste into a command (or the file of --data-args-path)
//   neox      GPT-NeoX's config keys train-data-paths / train-data-weights, with the domains'
//             validation and test splits as valid- and test-data-paths (NeoX requires all three
//             when one is given),
//             as a YAML file of JSON style like NeoX's own configs, to merge into one
//   hf        the `probabilities` of Hugging Face datasets' interleave_datasets, with the
//             domain each belongs to, as JSON
//
// Weights are normalised to sum 1 and written as the shortest decimals that read back as the
// same doubles. Domains of weight 0 are left out: Megatron would build an empty dataset for
// them, and interleave_datasets with stopping_strategy="all_exhausted" would never stop.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cuvee/core/mixture.h"

namespace cuvee {

enum class ExportFormat { kMegatron, kNeox, kHf };

// "megatron", "neox" or "hf"; an error naming the choices otherwise.
ExportFormat parse_export_format(std::string_view name);
const std::vector<std::string>& export_format_names();

// Where a domain's token files are: Megatron prefixes (PREFIX.bin, PREFIX.idx).
struct ExportDomain {
  std::string name;
  std::filesystem::path train;       // DIR/NAME/train
  std::filesystem::path validation;  // DIR/NAME/validation
  std::filesystem::path test;        // DIR/NAME/test
};

// The export's text. `domains` (from `--data`) must hold every domain of the mixture with a
// weight above 0 for megatron and neox; hf needs none (its datasets are the user's own).
std::string export_mixture(const Mixture& mixture, ExportFormat format,
                           std::span<const ExportDomain> domains);

// The domains found under `paths` (corpus/domain.h's find_domains), with their prefixes.
std::vector<ExportDomain> export_domains(std::span<const std::filesystem::path> paths);

}  // namespace cuvee
