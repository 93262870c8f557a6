// Domains written token by token, for tests that need documents import cannot make: empty
// documents, exact duplicates, ids outside the vocabulary, another vocabulary size.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cuvee/corpus/domain.h"
#include "cuvee/corpus/domain_writer.h"

namespace cuvee::testing {

// root/NAME with the given train and held-out documents (each followed by the end-of-document
// id, as import writes them) and a manifest naming `tokenizer`. The held-out documents are
// written as both the validation and the test split.
inline std::filesystem::path write_domain(const std::filesystem::path& root,
                                          const std::string& name, const TokenizerInfo& tokenizer,
                                          const std::vector<std::vector<int32_t>>& train,
                                          const std::vector<std::vector<int32_t>>& heldout = {}) {
  auto dir = root / name;
  DomainManifest manifest;
  manifest.name = name;
  manifest.tokenizer = tokenizer;
  const DType dtype = DType::kUInt16;
  manifest.dtype = std::string(dtype_name(dtype));
  DomainWriter out(dir, dtype);
  auto write_split = [&](Split split, const std::vector<std::vector<int32_t>>& documents) {
    for (auto document : documents) {
      document.push_back(tokenizer.eos_id);
      out.add(split, document);
    }
  };
  write_split(Split::kTrain, train);
  write_split(Split::kValidation, heldout);
  write_split(Split::kTest, heldout);
  out.commit(manifest);
  return dir;
}

// The byte-level tokens of `text` (the byte tokenizer's ids are the bytes).
inline std::vector<int32_t> byte_tokens(const std::string& text) {
  std::vector<int32_t> tokens;
  for (unsigned char c : text) tokens.push_back(c);
  return tokens;
}

}  // namespace cuvee::testing
