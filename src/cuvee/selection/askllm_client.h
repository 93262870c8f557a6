// Scoring documents with Ask-LLM against an OpenAI-compatible server (vLLM, llama.cpp's
// server, SGLang, OpenAI): libcurl's multi interface keeps at most `concurrency` requests in
// flight. Each request is one document, so a score does not depend on which documents share a
// batch.
//
// What a server does wrong is retried, up to `max_retries` times per document: a timeout
// (including a server that stalls mid-answer), a failed or reset connection, a 408, 429 or
// 5xx, and a 200 whose body is not a complete answer (truncated, not JSON, no logprobs, larger
// than kMaxAnswerBytes). The n-th retry waits backoff_s · 2^(n−1) seconds (at most 30 s), or
// longer when a 429 or 503 carries Retry-After (at most 300 s); a 429's Retry-After holds back
// every new request, not just the one refused. A document whose retries run out is a failure,
// reported with its last problem, and the others go on. Another 4xx (a wrong model name, a
// missing key) would fail every document alike, so it stops the run, as do `max_failures`
// failed documents. Results already delivered stay delivered (the caller keeps them, so a
// rerun resumes where this one stopped).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cuvee/selection/askllm.h"

namespace cuvee {

struct AskLlmOptions {
  std::string endpoint;  // base URL (…/v1) or the full …/completions URL
  std::string model;
  AskLlmApi api = AskLlmApi::kCompletions;
  YesMatch yes_match = YesMatch::kCaseSpace;
  std::string api_key;  // sent as a Bearer token when not empty
  int concurrency = 8;
  int max_retries = 5;
  double timeout_s = 120;
  double backoff_s = 1;
  size_t max_failures = 20;  // failed documents after which no new request starts
  size_t max_chars = 8000;
  int top_logprobs = 20;
};

// An answer body larger than this is refused (and retried): no answer of one token is.
inline constexpr size_t kMaxAnswerBytes = 1 << 20;

// The URL requests go to.
std::string askllm_url(const AskLlmOptions& options);

struct AskLlmResult {
  uint64_t index;
  AskLlmAnswer answer;
};

// A document that got no score, and why.
struct AskLlmFailure {
  uint64_t index = 0;
  int attempts = 0;
  std::string problem;  // the last attempt's
};

struct AskLlmReport {
  size_t scored = 0;
  std::vector<AskLlmFailure> failures;  // by index
  std::string stopped;                  // why the run stopped early; "" if every document was tried
  size_t not_tried = 0;                 // documents never asked because the run stopped
};

// Scores documents `indices` (text_of gives each one's text), calling on_result as each
// completes, in completion order, from the calling thread. An error thrown by on_result (a full
// disk) propagates at once; the answers still in flight are dropped, to be asked again.
AskLlmReport score_askllm(const std::vector<uint64_t>& indices,
                          const std::function<std::string(uint64_t)>& text_of,
                          const AskLlmOptions& options,
                          const std::function<void(const AskLlmResult&)>& on_result);

}  // namespace cuvee
