// Text → token ids. Two kinds: byte-level (each UTF-8 byte one token, ids 0–255, end of
// document 256), usable before any tokenizer is trained; and SentencePiece models (cuvee's own
// from `cuvee tokenizer train`, or any existing one such as Llama's or T5's).
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "cuvee/corpus/domain.h"

namespace cuvee {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Appends the ids of `text` to `out` (no end-of-document id). Thread-safe.
  virtual void encode(std::string_view text, std::vector<int32_t>& out) const = 0;
  virtual std::string decode(std::span<const int32_t> ids) const = 0;
  virtual const TokenizerInfo& info() const = 0;
};

// Byte-level tokenizer when `model` is empty, else the SentencePiece model at `model`.
std::unique_ptr<Tokenizer> open_tokenizer(const std::filesystem::path& model);
// The tokenizer a domain was imported with.
std::unique_ptr<Tokenizer> open_tokenizer(const TokenizerInfo& info);

}  // namespace cuvee
