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

constexpr std::string_view kInstruction =
    "Does the previous paragraph demarcated within ### and ### contain informative signal for "
    "pre-training a large-language model? An informative datapoint should be well-formatted, "
    "contain some usable knowledge of the world, and strictly NOT have any harmful, racist, "
    "sexist, etc. content.\nOPTIONS:\n- yes\n- no";

bool reads_yes(std::string token) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  token.erase(token.begin(), std::find_if(token.begin(), token.end(), not_space));
  token.erase(std::find_if(token.rbegin(), token.rend(), not_space).base(), token.end());
  std::transform(token.begin(), token.end(), token.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return token == "yes";
}

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

std::string askllm_prompt(std::string_view document) {
  std::string prompt = "###\n";
  prompt += document;
  prompt += "\n###\n";
  prompt += kInstruction;
  prompt += "\nANSWER:";
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

AskLlmAnswer parse_askllm_response(std::string_view body, AskLlmApi api) {
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
    double p = std::exp(logprob);
    returned += p;
    smallest = std::min(smallest, p);
    if (reads_yes(token)) {
      answer.p_yes += p;
      found = true;
    }
  }
  if (!found) {
    answer.yes_missing = true;
    answer.p_yes = std::max(0.0, std::min(smallest, 1.0 - returned));
  }
  return answer;
}

}  // namespace cuvee
