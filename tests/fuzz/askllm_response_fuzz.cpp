// An Ask-LLM server's answer body (`cuvee score askllm`): the completions API (logprobs.
// top_logprobs) or the chat API (logprobs.content[].top_logprobs), picked by the first byte.
// Whatever a server sends, the score is a probability or the answer is refused.
#include <cmath>

#include "cuvee/selection/askllm.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const AskLlmApi api = data[0] % 2 == 0 ? AskLlmApi::kCompletions : AskLlmApi::kChat;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  fuzz::expect_clean("", [&] {
    AskLlmAnswer answer = parse_askllm_response(body, api);
    fuzz::require(std::isfinite(answer.p_yes) && answer.p_yes >= 0 && answer.p_yes <= 1,
                  "a P(yes) outside [0, 1]");
  });
  return 0;
}
