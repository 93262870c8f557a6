// Ask-LLM (SPEC.md §3.1): the quality prompt, the truncation of long documents, and reading
// P("yes") from an OpenAI-compatible server's answer.
//
// Prompt version "askllm-v1": the paper's prompt verbatim with the document in place of
// <example>, followed by "\nANSWER:" — the answer cue chat and completion models need so that
// the next token is the answer. Documents longer than `max_chars` bytes are cut to their first
// `max_chars` bytes, backed off to a UTF-8 character boundary, and "…" appended; the paper
// scored documents in the model's context, and a prefix is what a reader judges first.
//
// The score is P(yes) at the first answer token: the sum of the probabilities of the returned
// top tokens that read "yes" once spaces are trimmed and case is folded (" yes", "Yes", "YES").
// When no returned token reads "yes", P(yes) is at most the smallest returned probability and
// at most the mass the returned tokens leave; the score is that bound (the smaller of the two)
// and is marked "yes-missing" — neither dropped nor scored 0.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cuvee {

inline constexpr std::string_view kAskLlmPromptVersion = "askllm-v1";

enum class AskLlmApi { kCompletions, kChat };
AskLlmApi parse_askllm_api(std::string_view name);

std::string truncate_document(std::string_view text, size_t max_chars);
std::string askllm_prompt(std::string_view document);

struct AskLlmAnswer {
  double p_yes = 0;
  bool yes_missing = false;
};

// Reads P(yes) from a response body; errors (cuvee::Error) describe what is malformed.
AskLlmAnswer parse_askllm_response(std::string_view body, AskLlmApi api);

// The request body: one answer token, temperature 0, `top_logprobs` alternatives.
std::string askllm_request(std::string_view model, std::string_view prompt, AskLlmApi api,
                           int top_logprobs);

}  // namespace cuvee
