// Domains derived from another domain's tokens, for experiments whose right answer is known
// (docs/study.md's scenarios). Each writes a new domain folder (corpus/domain.h) through
// DomainWriter and leaves the input as it was:
//
//   shuffled  every document's tokens permuted within the document (its end-of-document id kept
//             last), in every split: the same tokens and unigram frequencies, no order
//             left to learn beyond them;
//   capped    at most `train_tokens` training tokens: documents taken in a seeded random order
//             until the budget is reached, the last one cut to fit (and ended with the
//             end-of-document id), written in their original order; validation and test are
//             kept whole, so evaluation is the input's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace cuvee {

class Domain;

// `name` is the new domain's name (its manifest's; the folder is `out`).
void write_shuffled_domain(const Domain& in, const std::filesystem::path& out,
                           const std::string& name, uint64_t seed);

void write_capped_domain(const Domain& in, const std::filesystem::path& out, uint64_t train_tokens,
                         uint64_t seed);

}  // namespace cuvee
