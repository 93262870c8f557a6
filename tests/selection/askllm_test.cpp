#include "cuvee/selection/askllm_client.h"

#include <curl/curl.h>
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
  explicit Server(const std::string& flags = "") {
    pipe_ = popen(("exec /usr/bin/python3 " CUVEE_ASKLLM_SERVER " " + flags).c_str(), "r");
    if (pipe_ == nullptr || std::fscanf(pipe_, "%d %d", &port_, &pid_) != 2) {
      throw std::runtime_error("the test server did not start");
    }
  }
  ~Server() {
    ::kill(pid_, SIGTERM);
    pclose(pipe_);
  }
  std::string endpoint() const { return fmt::format("http://127.0.0.1:{}/v1", port_); }
  // What the server saw (GET /stats).
  nlohmann::json stats() const {
    std::string body;
    CURL* curl = curl_easy_init();
    auto url = fmt::format("http://127.0.0.1:{}/stats", port_);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(
        curl, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t count, void* out) {
          static_cast<std::string*>(out)->append(data, size * count);
          return size * count;
        });
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    CURLcode code = curl_easy_perform(curl);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK) throw std::runtime_error("GET /stats failed");
    return nlohmann::json::parse(body);
  }

 private:
  std::FILE* pipe_ = nullptr;
  int port_ = 0, pid_ = 0;
};

// --stall 2: a stalled or slow answer outlasts the tests' 1 s timeout, and not by much.
Server& server() {
  static Server instance("--stall 2");
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

struct Scored {
  std::map<uint64_t, AskLlmAnswer> answers;
  AskLlmReport report;
};

Scored score(const std::vector<std::string>& texts, const AskLlmOptions& o) {
  std::vector<uint64_t> indices;
  for (uint64_t i = 0; i < texts.size(); ++i) indices.push_back(i);
  Scored scored;
  scored.report = score_askllm(
      indices, [&](uint64_t i) { return texts[i]; }, o,
      [&](const AskLlmResult& r) {
        EXPECT_FALSE(scored.answers.contains(r.index)) << "document " << r.index << " twice";
        scored.answers[r.index] = r.answer;
      });
  EXPECT_EQ(scored.report.scored, scored.answers.size());
  return scored;
}

// The one failed document's problem, or "" if none failed.
std::string problem_of(const std::vector<std::string>& texts, const AskLlmOptions& o) {
  auto scored = score(texts, o);
  return scored.report.failures.empty() ? "" : scored.report.failures[0].problem;
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
    auto answers = score(texts, options(api)).answers;
    ASSERT_EQ(answers.size(), texts.size());
    for (int i = 0; i < 12; ++i) {
      EXPECT_NEAR(answers[i].p_yes, 0.1 * (1 + i % 9), 1e-9);
      EXPECT_FALSE(answers[i].yes_missing);
    }
  }
}

TEST(AskLlm, RetriesA429ThenSucceeds) {
  auto answers = score({"RATE-1", "RATE-2 GOOD-0.9"}, options()).answers;
  EXPECT_NEAR(answers[0].p_yes, 0.6, 1e-9);
  EXPECT_NEAR(answers[1].p_yes, 0.9, 1e-9);
}

// Every fault a server shows once is retried, and the document then scored, over both APIs.
TEST(AskLlm, EveryTransientFaultIsRetried) {
  for (auto api : {AskLlmApi::kCompletions, AskLlmApi::kChat}) {
    std::vector<std::string> texts;
    for (const char* fault : {"timeout", "stall", "trunc", "reset", "rate0", "500", "502",
                              "badjson", "halfjson", "nologprobs", "huge"}) {
      texts.push_back(fmt::format("{} FAULT-{}-1 GOOD-0.7 api {}", fault, fault,
                                  api == AskLlmApi::kChat ? "chat" : "completions"));
    }
    auto o = options(api);
    o.concurrency = static_cast<int>(texts.size());
    auto scored = score(texts, o);
    EXPECT_TRUE(scored.report.failures.empty()) << scored.report.failures[0].problem;
    ASSERT_EQ(scored.answers.size(), texts.size());
    for (const auto& [index, answer] : scored.answers) {
      EXPECT_NEAR(answer.p_yes, 0.7, 1e-9) << texts[index];
    }
  }
}

// A 429's Retry-After is waited out even when the backoff is shorter, and new requests wait too.
TEST(AskLlm, RetryAfterIsHonoured) {
  auto o = options();
  o.concurrency = 1;
  auto scored = score({"retry-after FAULT-rate-1 GOOD-0.8", "after the pause GOOD-0.4"}, o);
  ASSERT_EQ(scored.answers.size(), 2u);
  auto times = server().stats().at("times");
  auto first = times.at("retry-after FAULT-rate-1 GOOD-0.8").get<std::vector<double>>();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_GE(first[1] - first[0], 0.95);
  auto second = times.at("after the pause GOOD-0.4").get<std::vector<double>>();
  EXPECT_GE(second.at(0) - first[0], 0.95);
}

TEST(AskLlm, ConcurrencyIsBounded) {
  std::vector<std::string> texts;
  for (int i = 0; i < 24; ++i) texts.push_back(fmt::format("bounded {} DELAY-40 GOOD-0.5", i));
  Server own;
  auto o = options();
  o.endpoint = own.endpoint();
  o.concurrency = 3;
  auto scored = score(texts, o);
  EXPECT_EQ(scored.answers.size(), texts.size());
  int most = own.stats().at("in_flight_max").get<int>();
  EXPECT_LE(most, 3);
  EXPECT_GE(most, 2);
}

// Documents whose retries run out are reported each with its problem; the others are scored.
TEST(AskLlm, FailuresAreReportedPerDocument) {
  auto o = options();
  std::vector<std::string> texts{"GOOD-0.5", "FAULT-500-all", "GOOD-0.3 other", "FAULT-badjson-all",
                                 "FAULT-reset-all"};
  auto scored = score(texts, o);
  EXPECT_EQ(scored.answers.size(), 2u);
  EXPECT_NEAR(scored.answers.at(2).p_yes, 0.3, 1e-9);
  const auto& failures = scored.report.failures;
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0].index, 1u);
  EXPECT_NE(failures[0].problem.find("HTTP 500"), std::string::npos) << failures[0].problem;
  EXPECT_EQ(failures[0].attempts, 3);
  EXPECT_EQ(failures[1].index, 3u);
  EXPECT_NE(failures[1].problem.find("malformed"), std::string::npos) << failures[1].problem;
  EXPECT_EQ(failures[2].index, 4u);
  EXPECT_TRUE(scored.report.stopped.empty());
}

TEST(AskLlm, TimeoutsAreRetriedThenReported) {
  auto o = options();
  o.timeout_s = 0.3;
  o.max_retries = 1;
  auto start = std::chrono::steady_clock::now();
  auto problem = problem_of({"SLOW"}, o);
  EXPECT_NE(problem.find("imeout"), std::string::npos) << problem;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 2.5);
}

// A status that every document would get alike stops the run instead of asking for each.
TEST(AskLlm, AWrongKeyOrModelStopsTheRun) {
  for (const char* status : {"401", "404"}) {
    auto o = options();
    o.concurrency = 1;
    auto scored = score({fmt::format("FAULT-{}-all", status), "GOOD-0.5", "GOOD-0.6"}, o);
    EXPECT_NE(scored.report.stopped.find(fmt::format("HTTP {}", status)), std::string::npos)
        << scored.report.stopped;
    EXPECT_EQ(scored.report.failures.size(), 1u);
    EXPECT_EQ(scored.report.not_tried, 2u);
  }
}

TEST(AskLlm, ADeadServerStopsAfterMaxFailures) {
  auto o = options();
  o.endpoint = "http://127.0.0.1:1/v1";  // nothing listens on port 1
  o.max_retries = 1;
  o.concurrency = 1;
  o.max_failures = 2;
  auto scored = score({"a", "b", "c", "d"}, o);
  ASSERT_GE(scored.report.failures.size(), 2u);
  EXPECT_NE(scored.report.failures[0].problem.find("onnect"), std::string::npos)
      << scored.report.failures[0].problem;
  EXPECT_NE(scored.report.stopped.find("2 documents failed"), std::string::npos);
  // Documents started while the first waited for its retry are reported as not retried.
  EXPECT_EQ(scored.report.failures.size() + scored.report.not_tried, 4u);
}

TEST(AskLlm, MissingYesIsAnUpperBoundNotZero) {
  for (auto api : {AskLlmApi::kCompletions, AskLlmApi::kChat}) {
    auto answers = score({"NOYES"}, options(api)).answers;
    EXPECT_TRUE(answers[0].yes_missing);
    // Returned: 0.6 and 0.1, so P(yes) ≤ min(0.1, 1 − 0.7).
    EXPECT_NEAR(answers[0].p_yes, 0.1, 1e-9);
  }
}

TEST(AskLlm, ImpossibleProbabilitiesAreMalformed) {
  EXPECT_THROW(
      parse_askllm_response(R"({"choices":[{"logprobs":{"top_logprobs":[{" yes":80.2}]}}]})",
                            AskLlmApi::kCompletions),
      Error);
  EXPECT_THROW(parse_askllm_response(
                   R"({"choices":[{"logprobs":{"top_logprobs":[{" yes":-0.1," Yes":-0.2}]}}]})",
                   AskLlmApi::kCompletions),
               Error);
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

// A crash before the header was whole leaves nothing to keep: the rerun starts afresh.
TEST(AskLlm, PartialScoresSurviveACrashBeforeTheHeader) {
  testing::TempDir dir;
  nlohmann::json meta = {{"method", "askllm"}, {"model", "m"}};
  for (const char* torn : {"", "# cuvee-scores/1 {\"meth"}) {
    dir.write("s.tsv.partial", torn);
    PartialScores partial(dir / "s.tsv", meta);
    EXPECT_EQ(partial.count(), 0u);
    partial.add(0, 0.5);
    partial.finish(1);
    EXPECT_EQ(read_scores(dir / "s.tsv").values, std::vector<double>{0.5});
  }
}

// Whole lines that are not scores are not a crash's doing: they are refused, never dropped.
TEST(AskLlm, PartialScoresRefuseCorruptionAndASecondWriter) {
  testing::TempDir dir;
  nlohmann::json meta = {{"method", "askllm"}, {"model", "m"}};
  const std::string header = "# cuvee-scores/1 " + meta.dump() + "\n";
  for (const char* body :
       {"0\t0.5\nnot a score\n1\t0.25\n", "0\t0.5\n0\t0.5\n", "-1\t0.5\n", "0\tnan\n"}) {
    dir.write("s.tsv.partial", header + body);
    try {
      PartialScores partial(dir / "s.tsv", meta);
      ADD_FAILURE() << "accepted: " << body;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("s.tsv.partial:"), std::string::npos) << e.what();
    }
  }
  std::filesystem::remove(dir / "s.tsv.partial");
  PartialScores first(dir / "s.tsv", meta);
  first.add(3, 0.5);
  EXPECT_THROW(first.add(3, 0.5), Error);
  EXPECT_THROW(PartialScores(dir / "s.tsv", meta), Error);
}

}  // namespace
}  // namespace cuvee
