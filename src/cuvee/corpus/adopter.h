// Adopt: existing Megatron-LM token files (PREFIX.bin, PREFIX.idx, as Megatron's or GPT-NeoX's
// preprocessing writes them) → a domain (domain.h), without the text. Each document is copied
// as one sequence ending in the end-of-document id (appended where the source lacks it), to
// the training, validation or test split by a hash of its token ids (split_of, domain_writer.h):
// the split depends only on the document, never on its position, as import's on the text.
//
// The tokenizer is recorded as it is known: a SentencePiece model, checked as import checks it;
// or "external" with the vocabulary size and end-of-document id the user gives (and a name for
// it, such as "gpt2"), since cuvee cannot run that tokenizer. Everything that works on token
// ids (training, mixing, selection by ids) works on an external domain; commands that need the
// text (score askllm) refuse it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "cuvee/corpus/domain.h"

namespace cuvee {

struct AdoptOptions {
  std::filesystem::path prefix;     // PREFIX of PREFIX.bin and PREFIX.idx
  std::filesystem::path out;        // folder of domains; the domain goes to out/domain
  std::string domain;               // empty: adopted_domain_name(prefix)
  std::filesystem::path tokenizer;  // a SentencePiece model; empty: an external tokenizer
  std::string tokenizer_name;       // external: what tokenised the files ("gpt2")
  uint64_t vocab_size = 0;          // external: required
  std::optional<int64_t> eos_id;    // external: required; SentencePiece: the model's
  double heldout = 0.01;            // validation and test together
};

struct AdoptReport {
  DomainManifest manifest;
  std::filesystem::path dir;
  uint64_t eos_appended = 0;  // documents that did not end in the end-of-document id
};

// The domain name a prefix gives: its file name without Megatron's "_text_document" (or
// "_document") suffix: data/wiki_text_document → "wiki".
std::string adopted_domain_name(const std::filesystem::path& prefix);

// Errors name the file and document: an id outside the vocabulary, an empty document, a
// training split left empty. Nothing is left behind by a failure.
AdoptReport adopt_domain(const AdoptOptions& options);

}  // namespace cuvee
