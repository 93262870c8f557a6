// Ask-LLM (Sachdeva et al. 2024, "How to Train Data-Efficient LLMs", §3.1 and Figure 3): the
// quality prompt, the truncation of long documents, and reading P("yes") from an
// OpenAI-compatible server's answer.
//
// Prompt version "askllm-v2": Figure 3 byte for byte, blank lines included, with the document in
// place of <example>:
//
//   ###\n<example>\n###\n\nDoes the previous paragraph … etc. content.\n\nOPTIONS:\n- yes\n- no
//
// The completions endpoint gets exactly that: a completion model continues it with the answer.
// The chat endpoint gets it followed by "\nANSWER:", the cue a chat model needs to answer in
// one token rather than open with a sentence. Documents longer than `max_chars` bytes are cut to
// their first `max_chars` bytes, backed off to a UTF-8 character boundary, and "…" appended.
//
// The score is P(yes) at the first answer token: the sum of the probabilities of the returned
// top tokens that read "yes" under the YesMatch setting (which spellings count). When no returned
// token reads "yes", P(yes) is at most the smallest returned probability and at most the mass the
// returned tokens leave; the score is that bound (the smaller of the two) and is marked
// "yes-missing" — neither dropped nor scored 0.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cuvee {

inline constexpr std::string_view kAskLlmPromptVersion = "askllm-v2";

enum class AskLlmApi { kCompletions, kChat };
AskLlmApi parse_askllm_api(std::string_view name);

// Which returned tokens count as "yes" (their probabilities are summed):
//   exact       "yes" only
//   case        any case: "yes", "Yes", "YES"
//   space       leading/trailing spaces ignored: "yes", " yes", "yes "
//   case-space  both (" Yes", "YES ", ...): the default
enum class YesMatch { kExact, kCase, kSpace, kCaseSpace };
YesMatch parse_yes_match(std::string_view name);
std::string_view yes_match_name(YesMatch match);
bool reads_yes(std::string_view token, YesMatch match);

std::string truncate_document(std::string_view text, size_t max_chars);
std::string askllm_prompt(std::string_view document, AskLlmApi api);

struct AskLlmAnswer {
  double p_yes = 0;
  bool yes_missing = false;
};

// Reads P(yes) from a response body; errors (cuvee::Error) describe what is malformed.
AskLlmAnswer parse_askllm_response(std::string_view body, AskLlmApi api,
                                   YesMatch match = YesMatch::kCaseSpace);

// The request body: one answer token, temperature 0, `top_logprobs` alternatives.
std::string askllm_request(std::string_view model, std::string_view prompt, AskLlmApi api,
                           int top_logprobs);

}  // namespace cuvee
