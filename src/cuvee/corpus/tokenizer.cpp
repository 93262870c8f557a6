#include "cuvee/corpus/tokenizer.h"

#include <sentencepiece_processor.h>

#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"

namespace cuvee {
namespace {

class ByteTokenizer final : public Tokenizer {
 public:
  ByteTokenizer() { info_ = {"bytes", "", "", 257, 256}; }
  void encode(std::string_view text, std::vector<int32_t>& out) const override {
    size_t start = out.size();
    out.resize(start + text.size());
    for (size_t i = 0; i < text.size(); ++i) out[start + i] = static_cast<unsigned char>(text[i]);
  }
  std::string decode(std::span<const int32_t> ids) const override {
    std::string text;
    for (int32_t id : ids) {
      if (id >= 0 && id < 256) text += static_cast<char>(id);
    }
    return text;
  }
  const TokenizerInfo& info() const override { return info_; }

 private:
  TokenizerInfo info_;
};

class SentencePieceTokenizer final : public Tokenizer {
 public:
  explicit SentencePieceTokenizer(const std::filesystem::path& model) {
    if (!std::filesystem::exists(model)) fail("{}: no such SentencePiece model", model.string());
    auto status = processor_.Load(model.string());
    if (!status.ok()) fail("{}: not a SentencePiece model: {}", model.string(), status.ToString());
    int eos = processor_.eos_id();
    if (eos < 0) {
      fail(
          "{}: the model defines no end-of-sentence piece (eos_id = -1); cuvee separates "
          "documents with it",
          model.string());
    }
    info_ = {"sentencepiece", std::filesystem::absolute(model).lexically_normal().string(),
             file_hash(model), static_cast<uint64_t>(processor_.GetPieceSize()), eos};
  }
  void encode(std::string_view text, std::vector<int32_t>& out) const override {
    std::vector<int> ids;
    auto status = processor_.Encode(text, &ids);
    if (!status.ok()) fail("SentencePiece could not encode a document: {}", status.ToString());
    out.insert(out.end(), ids.begin(), ids.end());
  }
  std::string decode(std::span<const int32_t> ids) const override {
    std::string text;
    std::vector<int> pieces(ids.begin(), ids.end());
    auto status = processor_.Decode(pieces, &text);
    if (!status.ok()) fail("SentencePiece could not decode: {}", status.ToString());
    return text;
  }
  const TokenizerInfo& info() const override { return info_; }

 private:
  sentencepiece::SentencePieceProcessor processor_;
  TokenizerInfo info_;
};

}  // namespace

std::unique_ptr<Tokenizer> open_tokenizer(const std::filesystem::path& model) {
  if (model.empty()) return std::make_unique<ByteTokenizer>();
  return std::make_unique<SentencePieceTokenizer>(model);
}

std::unique_ptr<Tokenizer> open_tokenizer(const TokenizerInfo& info) {
  if (info.kind == "bytes") return std::make_unique<ByteTokenizer>();
  if (info.kind == "external") {
    fail(
        "the domain was tokenised outside cuvee ({}vocabulary size {}; `cuvee adopt`), so its "
        "text cannot be decoded; this command needs a domain made by `cuvee import`",
        info.model.empty() ? "" : info.model + ", ", info.vocab_size);
  }
  if (info.kind != "sentencepiece") fail("unknown tokenizer kind '{}'", info.kind);
  auto tokenizer = std::make_unique<SentencePieceTokenizer>(info.model);
  if (tokenizer->info().model_hash != info.model_hash) {
    fail("{}: the model file changed since the data was imported (xxh3 {} now, {} then)",
         info.model, tokenizer->info().model_hash, info.model_hash);
  }
  return tokenizer;
}

}  // namespace cuvee
