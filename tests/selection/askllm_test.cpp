#include "cuvee/selection/askllm_client.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include "cuvee/core/error.h"
#include "cuvee/selection/askllm.h"
#include "cuvee/selection/partial_scores.h"
#include "cuvee/selection/scores.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

// The protocol stand-in (openai_test_server.py) on 127.0.0.1, for the whole test suite.
class Server {
 public:
  Server() {
    pipe_ = popen("/usr/bin/python3 " CUVEE_ASKLLM_SERVER, "r");
    if (pipe_ == nullptr || std::fscanf(pipe_, "%d %d", &port_, &pid_) != 2) {
      throw std::runtime_error("the test server did not start");
    }
  }
  ~Server() {
    ::kill(pid_, SIGTERM);
    pclose(pipe_);
  }
  std::string endpoint() const { return fmt::format("http://127.0.0.1:{}/v1", port_); }

 private:
  std::FILE* pipe_ = nullptr;
  int port_ = 0, pid_ = 0;
};

Server& server() {
  static Server instance;
  return instance;
}

AskLlmOptions options(AskLlmApi api = AskLlmApi::kCompletions) {
  AskLlmOptions o;
  o.endpoint = server().endpoint();
  o.model = "test-model";
  o.api = api;
  o.concurrency = 4;
  o.max_retries = 2;
  o.timeout_s = 1;
  o.backoff_s = 0.05;
  return o;
}

std::map<uint64_t, AskLlmAnswer> score(const std::vector<std::string>& texts,
                                       const AskLlmOptions& o) {
  std::vector<uint64_t> indices;
  for (uint64_t i = 0; i < texts.size(); ++i) indices.push_back(i);
  std::map<uint64_t, AskLlmAnswer> answers;
  score_askllm(
      indices, [&](uint64_t i) { return texts[i]; }, o,
      [&](const AskLlmResult& r) { answers[r.index] = r.answer; });
  return answers;
}

std::string error_of(const std::vector<std::string>& texts, const AskLlmOptions& o) {
  try {
    score(texts, o);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(AskLlm, PromptIsFigure3ByteForByte) {
  // Sachdeva et al. 2024, Figure 3, blank lines included, with the document for <example>.
  const std::string figure3 =
      "###\n"
      "Some text.\n"
      "###\n"
      "\n"
      "Does the previous paragraph demarcated within ### and ### contain informative signal for "
      "pre-training a large-language model? An informative datapoint should be well-formatted, "
      "contain some usable knowledge of the world, and strictly NOT have any harmful, racist, "
      "sexist, etc. content.\n"
      "\n"
      "OPTIONS:\n"
      "- yes\n"
      "- no";
  EXPECT_EQ(askllm_prompt("Some text.", AskLlmApi::kCompletions), figure3);
  // Only the chat endpoint gets the answer cue.
  EXPECT_EQ(askllm_prompt("Some text.", AskLlmApi::kChat), figure3 + "\nANSWER:");
}

TEST(AskLlm, YesMatchDecidesWhichSpellingsAreSummed) {
  const std::string body =
      R"({"choices":[{"logprobs":{"top_logprobs":[{"yes":-1.6094379124341003,)"
      R"(" yes":-2.302585092994046,"Yes":-1.2039728043259361," YES":-2.995732273553991,)"
      R"("no":-1.6094379124341003}]}}]})";
  // P: yes 0.2, " yes" 0.1, Yes 0.3, " YES" 0.05, no 0.2.
  auto p = [&](YesMatch match) {
    return parse_askllm_response(body, AskLlmApi::kCompletions, match).p_yes;
  };
  EXPECT_NEAR(p(YesMatch::kExact), 0.2, 1e-12);
  EXPECT_NEAR(p(YesMatch::kCase), 0.5, 1e-12);
  EXPECT_NEAR(p(YesMatch::kSpace), 0.3, 1e-12);
  EXPECT_NEAR(p(YesMatch::kCaseSpace), 0.65, 1e-12);
  EXPECT_TRUE(reads_yes("\tYeS \n", YesMatch::kCaseSpace));
  EXPECT_FALSE(reads_yes("yess", YesMatch::kCaseSpace));
  EXPECT_FALSE(reads_yes(" yes", YesMatch::kCase));
  EXPECT_EQ(parse_yes_match("case-space"), YesMatch::kCaseSpace);
  EXPECT_EQ(yes_match_name(YesMatch::kSpace), "space");
  EXPECT_THROW(parse_yes_match("fuzzy"), Error);
}

TEST(AskLlm, Truncation) {
  EXPECT_EQ(truncate_document("short", 10), "short");
  // "é" is two bytes: a cut inside it backs off to the boundary.
  EXPECT_EQ(truncate_document("abé", 3), "ab…");
}

TEST(AskLlm, GoodAnswersOverBothApis) {
  for (auto api : {AskLlmApi::kCompletions, AskLlmApi::kChat}) {
    std::vector<std::string> texts;
    for (int i = 0; i < 12; ++i) texts.push_back(fmt::format("doc {} GOOD-0.{}", i, 1 + i % 9));
    auto answers = score(texts, options(api));
    ASSERT_EQ(answers.size(), texts.size());
    for (int i = 0; i < 12; ++i) {
      EXPECT_NEAR(answers[i].p_yes, 0.1 * (1 + i % 9), 1e-9);
      EXPECT_FALSE(answers[i].yes_missing);
    }
  }
}

TEST(AskLlm, RetriesA429ThenSucceeds) {
  auto answers = score({"RATE-1", "RATE-2 GOOD-0.9"}, options());
  EXPECT_NEAR(answers[0].p_yes, 0.6, 1e-9);
  EXPECT_NEAR(answers[1].p_yes, 0.9, 1e-9);
}

TEST(AskLlm, PersistentServerErrorsFailNamingTheDocument) {
  auto o = options();
  std::vector<std::string> texts{"GOOD-0.5", "FAIL500"};
  auto error = error_of(texts, o);
  EXPECT_NE(error.find("document 1"), std::string::npos) << error;
  EXPECT_NE(error.find("HTTP 500"), std::string::npos) << error;
  EXPECT_NE(error.find("3 times"), std::string::npos) << error;
}

TEST(AskLlm, TimeoutsAreRetriedThenReported) {
  auto o = options();
  o.timeout_s = 0.3;
  o.max_retries = 1;
  auto start = std::chrono::steady_clock::now();
  auto error = error_of({"SLOW"}, o);
  EXPECT_NE(error.find("imeout"), std::string::npos) << error;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 2.5);
}

TEST(AskLlm, MissingYesIsAnUpperBoundNotZero) {
  for (auto api : {AskLlmApi::kCompletions, AskLlmApi::kChat}) {
    auto answers = score({"NOYES"}, options(api));
    EXPECT_TRUE(answers[0].yes_missing);
    // Returned: 0.6 and 0.1, so P(yes) ≤ min(0.1, 1 − 0.7).
    EXPECT_NEAR(answers[0].p_yes, 0.1, 1e-9);
  }
}

TEST(AskLlm, MalformedJsonAndUnreachableServersFail) {
  auto error = error_of({"BADJSON"}, options());
  EXPECT_NE(error.find("malformed"), std::string::npos) << error;
  auto o = options();
  o.endpoint = "http://127.0.0.1:1/v1";  // nothing listens on port 1
  o.max_retries = 1;
  error = error_of({"GOOD-0.5"}, o);
  EXPECT_NE(error.find("onnect"), std::string::npos) << error;
}

TEST(AskLlm, PartialScoresResumeAndRefuseOtherSettings) {
  testing::TempDir dir;
  nlohmann::json meta = {{"method", "askllm"}, {"model", "m"}};
  {
    PartialScores partial(dir / "s.tsv", meta);
    partial.add(2, 0.5);
    partial.add(0, 0.25, "yes-missing");
  }
  // A crash mid-line leaves a torn tail, which resuming drops.
  {
    std::FILE* f = std::fopen((dir / "s.tsv.partial").c_str(), "ab");
    std::fputs("1\t0.7", f);
    std::fclose(f);
  }
  EXPECT_THROW(PartialScores(dir / "s.tsv", {{"method", "askllm"}, {"model", "other"}}), Error);
  PartialScores partial(dir / "s.tsv", meta);
  EXPECT_EQ(partial.count(), 2u);
  EXPECT_TRUE(partial.done(2));
  EXPECT_FALSE(partial.done(1));
  EXPECT_THROW(partial.finish(3), Error);
  partial.add(1, 0.75);
  partial.finish(3);
  auto scores = read_scores(dir / "s.tsv");
  EXPECT_EQ(scores.values, (std::vector<double>{0.25, 0.75, 0.5}));
  EXPECT_EQ(scores.notes[0], "yes-missing");
  EXPECT_FALSE(std::filesystem::exists(dir / "s.tsv.partial"));
}

}  // namespace
}  // namespace cuvee
