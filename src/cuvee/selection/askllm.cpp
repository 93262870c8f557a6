#include "cuvee/selection/askllm.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

using nlohmann::json;

// Figure 3 after the closing "###": a blank line, the question, a blank line, the options.
constexpr std::string_view kInstruction =
    "\nDoes the previous paragraph demarcated within ### and ### contain informative signal for "
    "pre-training a large-language model? An informative datapoint should be well-formatted, "
    "contain some usable knowledge of the world, and strictly NOT have any harmful, racist, "
    "sexist, etc. content.\n\nOPTIONS:\n- yes\n- no";
constexpr std::string_view kChatAnswerCue = "\nANSWER:";

constexpr std::pair<YesMatch, std::string_view> kYesMatchNames[] = {
    {YesMatch::kExact, "exact"},
    {YesMatch::kCase, "case"},
    {YesMatch::kSpace, "space"},
    {YesMatch::kCaseSpace, "case-space"},
};

// (token, logprob) alternatives at the first answer token.
std::vector<std::pair<std::string, double>> top_alternatives(const json& body, AskLlmApi api) {
  const json& choice = body.at("choices").at(0);
  const json& logprobs = choice.at("logprobs");
  std::vector<std::pair<std::string, double>> out;
  if (api == AskLlmApi::kCompletions) {
    // {"top_logprobs": [{"token": logprob, ...}, ...]}
    for (const auto& [token, logprob] : logprobs.at("top_logprobs").at(0).items()) {
      out.emplace_back(token, logprob.get<double>());
    }
  } else {
    // {"content": [{"token": ..., "logprob": ..., "top_logprobs": [{"token", "logprob"}]}]}
    for (const auto& entry : logprobs.at("content").at(0).at("top_logprobs")) {
      out.emplace_back(entry.at("token").get<std::string>(), entry.at("logprob").get<double>());
    }
  }
  return out;
}

}  // namespace

YesMatch parse_yes_match(std::string_view name) {
  for (const auto& [match, known] : kYesMatchNames) {
    if (name == known) return match;
  }
  fail("--yes-match '{}': expected exact, case, space or case-space", name);
}

std::string_view yes_match_name(YesMatch match) {
  for (const auto& [known, name] : kYesMatchNames) {
    if (match == known) return name;
  }
  fail("unknown yes-match setting");
}

bool reads_yes(std::string_view token, YesMatch match) {
  if (match == YesMatch::kSpace || match == YesMatch::kCaseSpace) {
    auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!token.empty() && space(token.front())) token.remove_prefix(1);
    while (!token.empty() && space(token.back())) token.remove_suffix(1);
  }
  if (token.size() != 3) return false;
  if (match == YesMatch::kExact || match == YesMatch::kSpace) return token == "yes";
  return std::equal(token.begin(), token.end(), "yes", [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
}

AskLlmApi parse_askllm_api(std::string_view name) {
  if (name == "completions") return AskLlmApi::kCompletions;
  if (name == "chat") return AskLlmApi::kChat;
  fail("--api '{}': expected completions or chat", name);
}

std::string truncate_document(std::string_view text, size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  size_t end = max_chars;
  // Back off continuation bytes (10xxxxxx) so no character is cut in half.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

std::string askllm_prompt(std::string_view document, AskLlmApi api) {
  std::string prompt = "###\n";
  prompt += document;
  prompt += "\n###\n";
  prompt += kInstruction;
  if (api == AskLlmApi::kChat) prompt += kChatAnswerCue;
  return prompt;
}

std::string askllm_request(std::string_view model, std::string_view prompt, AskLlmApi api,
                           int top_logprobs) {
  json body = {{"model", model}, {"max_tokens", 1}, {"temperature", 0}};
  if (api == AskLlmApi::kCompletions) {
    body["prompt"] = prompt;
    body["logprobs"] = top_logprobs;
  } else {
    body["messages"] = json::array({{{"role", "user"}, {"content", prompt}}});
    body["logprobs"] = true;
    body["top_logprobs"] = top_logprobs;
  }
  return body.dump();
}

AskLlmAnswer parse_askllm_response(std::string_view body, AskLlmApi api, YesMatch match) {
  constexpr double kRounding = 1e-3;  // servers round log-probabilities (float16 logits)
  std::vector<std::pair<std::string, double>> alternatives;
  try {
    alternatives = top_alternatives(json::parse(body), api);
  } catch (const json::exception& e) {
    std::string head(body.substr(0, 200));
    fail("malformed response (expected {} logprobs): {}; body starts: {}",
         api == AskLlmApi::kCompletions ? "completions" : "chat", e.what(), head);
  }
  if (alternatives.empty()) fail("malformed response: no top log-probabilities returned");
  AskLlmAnswer answer;
  double returned = 0, smallest = 1;
  bool found = false;
  for (const auto& [token, logprob] : alternatives) {
    // A log-probability above 0 (beyond a server's rounding) or not finite is no probability.
    if (!(logprob <= kRounding)) {
      fail("malformed response: token '{}' has log-probability {}, expected a number <= 0", token,
           logprob);
    }
    double p = std::exp(logprob);
    returned += p;
    smallest = std::min(smallest, p);
    if (reads_yes(token, match)) {
      answer.p_yes += p;
      found = true;
    }
  }
  if (returned > 1 + kRounding) {
    fail("malformed response: the top tokens' probabilities sum to {}, more than 1", returned);
  }
  answer.p_yes = std::min(answer.p_yes, 1.0);
  if (!found) {
    answer.yes_missing = true;
    answer.p_yes = std::max(0.0, std::min(smallest, 1.0 - returned));
  }
  return answer;
}

}  // namespace cuvee
