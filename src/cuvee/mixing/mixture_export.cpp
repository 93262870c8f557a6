#include "cuvee/mixing/mixture_export.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/csv.h"
#include "cuvee/core/error.h"
#include "cuvee/corpus/domain.h"

namespace cuvee {
namespace {

// A word the shell passes through as it is, or the word in single quotes.
std::string shell_word(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("/._-+=:,@").find(c) != std::string_view::npos;
  });
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted.push_back(c);
    }
  }
  return quoted + "'";
}

// A JSON number that reads back as the same double (nlohmann's dump is round-trip exact).
nlohmann::json numbers(const std::vector<double>& values) {
  return values;
}

}  // namespace

const std::vector<std::string>& export_format_names() {
  static const std::vector<std::string> names{"megatron", "neox", "hf"};
  return names;
}

ExportFormat parse_export_format(std::string_view name) {
  if (name == "megatron") return ExportFormat::kMegatron;
  if (name == "neox") return ExportFormat::kNeox;
  if (name == "hf") return ExportFormat::kHf;
  fail("export format '{}': expected one of {}", name, fmt::join(export_format_names(), ", "));
}

std::vector<ExportDomain> export_domains(std::span<const std::filesystem::path> paths) {
  std::vector<ExportDomain> domains;
  for (const auto& dir : find_domains(paths)) {
    Domain domain(dir);
    domains.push_back({domain.name(), split_prefix(dir, Split::kTrain),
                       split_prefix(dir, Split::kValidation), split_prefix(dir, Split::kTest)});
  }
  return domains;
}

std::string export_mixture(const Mixture& mixture, ExportFormat format,
                           std::span<const ExportDomain> domains) {
  const Mixture normalised = mixture.normalised();
  std::vector<std::string> names;
  std::vector<double> weights;
  std::vector<const ExportDomain*> found;
  for (size_t i = 0; i < normalised.size(); ++i) {
    if (normalised.weights[i] == 0) continue;
    names.push_back(normalised.domains[i]);
    weights.push_back(normalised.weights[i]);
    if (format == ExportFormat::kHf) continue;
    auto it = std::find_if(domains.begin(), domains.end(),
                           [&](const ExportDomain& d) { return d.name == names.back(); });
    if (it == domains.end()) {
      if (domains.empty()) {
        fail("the {} export names each domain's token files: give the domains (--data)",
             format == ExportFormat::kMegatron ? "megatron" : "neox");
      }
      std::vector<std::string> known;
      for (const auto& d : domains) known.push_back(d.name);
      fail("the mixture's domain '{}' is not among the domains given (found: {})", names.back(),
           fmt::join(known, ", "));
    }
    found.push_back(&*it);
  }
  switch (format) {
    case ExportFormat::kMegatron: {
      std::string line = "--data-path";
      for (size_t i = 0; i < names.size(); ++i) {
        line +=
            fmt::format(" {} {}", format_number(weights[i]), shell_word(found[i]->train.string()));
      }
      return line + "\n";
    }
    case ExportFormat::kNeox: {
      nlohmann::json train = nlohmann::json::array(), validation = nlohmann::json::array(),
                     test = nlohmann::json::array();
      for (const auto* d : found) {
        train.push_back(d->train.string());
        validation.push_back(d->validation.string());
        test.push_back(d->test.string());
      }
      // One key per line, in JSON style (valid YAML, like GPT-NeoX's own configs).
      std::string text =
          "# GPT-NeoX data settings from `cuvee mix export --format neox`; merge into a NeoX\n"
          "# config (valid and test: the domains' validation and test splits, with the same\n"
          "# weights).\n{\n";
      const std::pair<const char*, nlohmann::json> keys[] = {
          {"train-data-paths", train},      {"train-data-weights", numbers(weights)},
          {"valid-data-paths", validation}, {"valid-data-weights", numbers(weights)},
          {"test-data-paths", test},        {"test-data-weights", numbers(weights)}};
      for (size_t i = 0; i < std::size(keys); ++i) {
        text += fmt::format("  \"{}\": {}{}\n", keys[i].first, keys[i].second.dump(),
                            i + 1 < std::size(keys) ? "," : "");
      }
      return text + "}\n";
    }
    case ExportFormat::kHf: {
      // interleave_datasets(datasets, probabilities=...): the i-th probability is the i-th
      // dataset's, each named by its domain.
      return fmt::format("{{\n  \"datasets\": {},\n  \"probabilities\": {}\n}}\n",
                         nlohmann::json(names).dump(), numbers(weights).dump());
    }
  }
  fail("unknown export format");
}

}  // namespace cuvee
