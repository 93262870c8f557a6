// Scoring documents with Ask-LLM against an OpenAI-compatible server (vLLM, llama.cpp's
// server, SGLang, OpenAI): libcurl's multi interface keeps `concurrency` requests in flight.
// Each request is one document, so a score does not depend on which documents share a batch.
// A 429, a 5xx, a timeout or a failed connection is retried after an exponential backoff
// (backoff_s · 2^attempt, at most 30 s) up to `max_retries` times; any other HTTP status, a
// malformed answer, or retries exhausted stops the run with an error naming the document, the
// endpoint and what went wrong. Results already delivered stay delivered (the caller keeps
// them, so a rerun resumes).
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
  size_t max_chars = 8000;
  int top_logprobs = 20;
};

// The URL requests go to.
std::string askllm_url(const AskLlmOptions& options);

struct AskLlmResult {
  uint64_t index;
  AskLlmAnswer answer;
};

// Scores documents `indices` (text_of gives each one's text), calling on_result as each
// completes, in completion order, from the calling thread.
void score_askllm(const std::vector<uint64_t>& indices,
                  const std::function<std::string(uint64_t)>& text_of, const AskLlmOptions& options,
                  const std::function<void(const AskLlmResult&)>& on_result);

}  // namespace cuvee
