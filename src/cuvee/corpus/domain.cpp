#include "cuvee/corpus/domain.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/json_file.h"

namespace cuvee {
namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "cuvee-domain/2";

nlohmann::json split_json(const SplitInfo& split) {
  nlohmann::json json = {{"documents", split.documents},
                         {"tokens", split.tokens},
                         {"bin_xxh3", split.bin_hash},
                         {"idx_xxh3", split.idx_hash}};
  if (!split.ids_hash.empty()) json["ids_xxh3"] = split.ids_hash;
  return json;
}

SplitInfo split_from_json(const nlohmann::json& json, const fs::path& where) {
  SplitInfo split;
  split.documents = json_field<uint64_t>(json, "documents", where);
  split.tokens = json_field<uint64_t>(json, "tokens", where);
  split.bin_hash = json_field<std::string>(json, "bin_xxh3", where);
  split.idx_hash = json_field<std::string>(json, "idx_xxh3", where);
  // Present when the domain has ids (document_ids.h); domains without ids omit it.
  if (json.contains("ids_xxh3")) split.ids_hash = json_field<std::string>(json, "ids_xxh3", where);
  return split;
}

}  // namespace

std::string_view split_name(Split split) {
  switch (split) {
    case Split::kTrain:
      return "train";
    case Split::kValidation:
      return "validation";
    case Split::kTest:
      return "test";
  }
  fail("split {} does not exist", static_cast<int>(split));
}

Split parse_split(std::string_view name, std::string_view what) {
  for (Split split : kSplits) {
    if (name == split_name(split)) return split;
  }
  fail("{} '{}': expected 'train', 'validation' or 'test'", what, name);
}

fs::path split_prefix(const fs::path& domain_dir, Split split) {
  return domain_dir / split_name(split);
}

SplitInfo& DomainManifest::split(Split s) {
  switch (s) {
    case Split::kTrain:
      return train;
    case Split::kValidation:
      return validation;
    case Split::kTest:
      return test;
  }
  fail("split {} does not exist", static_cast<int>(s));
}

const SplitInfo& DomainManifest::split(Split s) const {
  return const_cast<DomainManifest*>(this)->split(s);
}

nlohmann::json DomainManifest::to_json() const {
  return {{"format", kFormat},
          {"name", name},
          {"tokenizer",
           {{"kind", tokenizer.kind},
            {"model", tokenizer.model},
            {"model_xxh3", tokenizer.model_hash},
            {"vocab_size", tokenizer.vocab_size},
            {"eos_id", tokenizer.eos_id}}},
          {"dtype", dtype},
          {"heldout_fraction", heldout_fraction},
          {"train", split_json(train)},
          {"validation", split_json(validation)},
          {"test", split_json(test)},
          {"skipped_bad", skipped_bad},
          {"id_key", id_key},
          {"sources", sources}};
}

DomainManifest DomainManifest::from_json(const nlohmann::json& json, const fs::path& where) {
  DomainManifest m;
  auto format = json_field<std::string>(json, "format", where);
  if (format == "cuvee-domain/1") {
    fail(
        "{}: format 'cuvee-domain/1' holds one held-out split, but this cuvee keeps validation "
        "(read by whatever steers) apart from test (read only to score): rebuild the domain with "
        "the command that made it (`cuvee import`, `cuvee adopt`; `make localpile` for localpile)",
        where.string());
  }
  if (format != kFormat) fail("{}: format '{}', expected '{}'", where.string(), format, kFormat);
  m.name = json_field<std::string>(json, "name", where);
  const auto tok = json_field<nlohmann::json>(json, "tokenizer", where);
  m.tokenizer.kind = json_field<std::string>(tok, "kind", where);
  m.tokenizer.model = json_field<std::string>(tok, "model", where);
  m.tokenizer.model_hash = json_field<std::string>(tok, "model_xxh3", where);
  m.tokenizer.vocab_size = json_field<uint64_t>(tok, "vocab_size", where);
  m.tokenizer.eos_id = json_field<int32_t>(tok, "eos_id", where);
  m.dtype = json_field<std::string>(json, "dtype", where);
  m.heldout_fraction = json_field<double>(json, "heldout_fraction", where);
  for (Split s : kSplits) {
    const std::string name(split_name(s));
    m.split(s) = split_from_json(json_field<nlohmann::json>(json, name.c_str(), where), where);
  }
  m.skipped_bad = json_field<uint64_t>(json, "skipped_bad", where);
  m.sources = json_field<std::vector<std::string>>(json, "sources", where);
  // Written since domains carry ids; a manifest from before has none.
  if (json.contains("id_key")) m.id_key = json_field<std::string>(json, "id_key", where);
  for (Split s : kSplits) {
    if (!m.id_key.empty() && m.split(s).ids_hash.empty()) {
      fail("{}: 'id_key' is '{}' but split '{}' has no 'ids_xxh3'", where.string(), m.id_key,
           split_name(s));
    }
  }
  return m;
}

fs::path manifest_path(const fs::path& domain_dir) {
  return domain_dir / "manifest.json";
}

DomainManifest read_domain_manifest(const fs::path& domain_dir) {
  fs::path path = manifest_path(domain_dir);
  return DomainManifest::from_json(read_json(path), path);
}

std::unique_ptr<AtomicFile> prepare_domain_manifest(const fs::path& domain_dir,
                                                    const DomainManifest& manifest) {
  auto file = std::make_unique<AtomicFile>(manifest_path(domain_dir));
  file->write(manifest.to_json().dump(2) + "\n");
  file->finish();
  return file;
}

std::string describe_splits(const DomainManifest& manifest) {
  std::string text;
  for (Split s : kSplits) {
    const SplitInfo& split = manifest.split(s);
    text += fmt::format("{}{} documents, {} tokens in {}", text.empty() ? "" : "; ",
                        split.documents, split.tokens, split_name(s));
  }
  return text;
}

Domain::Domain(const fs::path& dir) : dir_(dir), manifest_(read_domain_manifest(dir)) {
  splits_.reserve(std::size(kSplits));
  for (Split s : kSplits) {
    const IndexedDataset& data = splits_.emplace_back(split_prefix(dir, s));
    const SplitInfo& split = manifest_.split(s);
    if (data.documents() != split.documents || data.tokens() != split.tokens) {
      fail("{}: manifest says {} documents and {} tokens in '{}', the files hold {} and {}",
           manifest_path(dir).string(), split.documents, split.tokens, split_name(s),
           data.documents(), data.tokens());
    }
  }
}

std::vector<fs::path> find_domains(std::span<const fs::path> paths) {
  std::vector<fs::path> found;
  for (const auto& path : paths) {
    if (!fs::is_directory(path))
      fail("{}: not a directory (expected a domain or a folder of domains)", path.string());
    if (fs::exists(manifest_path(path))) {
      found.push_back(path);
      continue;
    }
    std::vector<fs::path> inside;
    for (const auto& entry : fs::directory_iterator(path)) {
      if (entry.is_directory() && fs::exists(manifest_path(entry.path())))
        inside.push_back(entry.path());
    }
    if (inside.empty()) {
      fail("{}: no domain here (a domain folder holds manifest.json; run `cuvee import` first)",
           path.string());
    }
    found.insert(found.end(), inside.begin(), inside.end());
  }
  std::sort(found.begin(), found.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  for (size_t i = 1; i < found.size(); ++i) {
    if (found[i].filename() == found[i - 1].filename()) {
      fail("domain '{}' found twice: {} and {}", found[i].filename().string(),
           found[i - 1].string(), found[i].string());
    }
  }
  return found;
}

std::vector<std::unique_ptr<Domain>> open_domains(std::span<const fs::path> paths) {
  std::vector<std::unique_ptr<Domain>> domains;
  for (const auto& dir : find_domains(paths)) domains.push_back(std::make_unique<Domain>(dir));
  for (const auto& domain : domains) {
    const auto& a = domains.front()->manifest().tokenizer;
    const auto& b = domain->manifest().tokenizer;
    // An external tokenizer is known only by the name and vocabulary size `cuvee adopt` got.
    bool external_differs = a.kind == "external" && (a.model != b.model || a.eos_id != b.eos_id);
    if (a.kind != b.kind || a.model_hash != b.model_hash || a.vocab_size != b.vocab_size ||
        external_differs) {
      fail(
          "domains '{}' and '{}' were tokenised differently ({} {} vs {} {}); import them with "
          "the same tokenizer",
          domains.front()->name(), domain->name(), a.kind, a.model, b.kind, b.model);
    }
  }
  return domains;
}

}  // namespace cuvee
