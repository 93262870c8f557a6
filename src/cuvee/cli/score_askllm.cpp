// cuvee score askllm: Ask-LLM quality scores (P("yes")) of every document from an
// OpenAI-compatible server; resumable (scores arrive in OUT.partial, see partial_scores.h).
// Documents that fail (askllm_client.h says what is retried) are listed in OUT.failures and
// summarised on stderr; the run then exits non-zero, and a rerun asks only for what is missing.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/progress.h"
#include "cuvee/corpus/tokenizer.h"
#include "cuvee/selection/askllm_client.h"
#include "cuvee/selection/documents.h"
#include "cuvee/selection/partial_scores.h"

namespace cuvee::cli {
namespace {

struct AskLlmArgs {
  std::vector<std::filesystem::path> data;
  std::filesystem::path out;
  std::string api = "completions", api_key_env = "OPENAI_API_KEY", yes_match = "case-space";
  bool api_key_env_given = false;
  AskLlmOptions options;
};

// The failed documents: all of them in OUT.failures (index, attempts, last problem), and on
// stderr a count by problem and the first few.
void report_failures(const AskLlmReport& report, const std::filesystem::path& path) {
  std::string table = "index\tattempts\tproblem\n";
  std::map<std::string, size_t> by_problem;
  for (const auto& failure : report.failures) {
    table += fmt::format("{}\t{}\t{}\n", failure.index, failure.attempts, failure.problem);
    // Problems differ in their details (the document, curl's message); count by their start.
    by_problem[failure.problem.substr(0, failure.problem.find(" ("))]++;
  }
  write_file_atomic(path, table);
  std::string summary = fmt::format("askllm: {} document{} failed", report.failures.size(),
                                    report.failures.size() == 1 ? "" : "s");
  if (report.not_tried > 0) summary += fmt::format(", {} not tried", report.not_tried);
  summary += fmt::format(" (all in {}):\n", path.string());
  for (const auto& [problem, count] : by_problem) {
    summary += fmt::format("  {:>6} × {}\n", count, problem);
  }
  constexpr size_t kShown = 10;
  for (size_t i = 0; i < std::min(kShown, report.failures.size()); ++i) {
    const auto& failure = report.failures[i];
    summary += fmt::format("  document {}: {} after {} attempt{}\n", failure.index, failure.problem,
                           failure.attempts, failure.attempts == 1 ? "" : "s");
  }
  if (report.failures.size() > kShown) {
    summary += fmt::format("  … and {} more\n", report.failures.size() - kShown);
  }
  std::fputs(summary.c_str(), stderr);
}

void run(AskLlmArgs& args) {
  args.options.api = parse_askllm_api(args.api);
  args.options.yes_match = parse_yes_match(args.yes_match);
  // OPENAI_API_KEY, as OpenAI's own clients read it, is sent when set; a local server needs no
  // key, so its absence is an error only when --api-key-env names the variable.
  if (!args.api_key_env.empty()) {
    const char* key = std::getenv(args.api_key_env.c_str());
    if (key == nullptr && args.api_key_env_given) {
      fail("--api-key-env {}: the variable is not set", args.api_key_env);
    }
    if (key != nullptr) args.options.api_key = key;
  }
  DocumentTable documents(args.data);
  std::map<const Domain*, std::unique_ptr<Tokenizer>> tokenizers;
  for (const auto& domain : documents.domains()) {
    tokenizers[domain.get()] = open_tokenizer(domain->manifest().tokenizer);
  }
  nlohmann::json meta = {{"method", "askllm"},
                         {"prompt_version", kAskLlmPromptVersion},
                         {"model", args.options.model},
                         {"api", args.api},
                         {"yes_match", yes_match_name(args.options.yes_match)},
                         {"max_chars", args.options.max_chars}};
  PartialScores partial(args.out, meta);
  std::vector<uint64_t> pending;
  for (uint64_t i = 0; i < documents.size(); ++i) {
    if (!partial.done(i)) pending.push_back(i);
  }
  Progress progress("askllm", pending.size(), "docs");
  AskLlmReport report;
  try {
    report = score_askllm(
        pending,
        [&](uint64_t i) {
          return tokenizers.at(documents.at(i).domain)->decode(documents.tokens(i));
        },
        args.options,
        [&](const AskLlmResult& result) {
          partial.add(result.index, result.answer.p_yes,
                      result.answer.yes_missing ? "yes-missing" : "");
          progress.advance();
        });
  } catch (const Error& error) {
    fail("{} ({} of {} scores kept in {}; rerun to resume)", error.what(), partial.count(),
         documents.size(), partial.partial_path().string());
  }
  progress.finish();
  const auto failures_path = std::filesystem::path(args.out.string() + ".failures");
  if (!report.failures.empty() || !report.stopped.empty()) {
    report_failures(report, failures_path);
    fail("{} of {} documents have no score{}; {} scores kept in {}; rerun to retry the rest",
         documents.size() - partial.count(), documents.size(),
         report.stopped.empty() ? "" : " (stopped: " + report.stopped + ")", partial.count(),
         partial.partial_path().string());
  }
  partial.finish(documents.size(), documents.ids());
  std::filesystem::remove(failures_path);
  std::fputs(fmt::format("scored {} documents ({} this run) with {} -> {}\n", documents.size(),
                         pending.size(), args.options.model, args.out.string())
                 .c_str(),
             stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<AskLlmArgs>();
  auto& o = args->options;
  app.add_option("--endpoint", o.endpoint, "Server base URL, e.g. http://localhost:8000/v1")
      ->required();
  app.add_option("--model", o.model, "Model name the server knows")->required();
  app.add_option("--data", args->data, "Domain folders, or folders of domains")->required();
  app.add_option("--out", args->out, "The scores file")->required();
  app.add_option("--api", args->api, "completions (logprobs) or chat (top_logprobs)")
      ->capture_default_str();
  app.add_option("--api-key-env", args->api_key_env,
                 "Environment variable holding the API key, sent when set ('' sends none)")
      ->capture_default_str()
      ->each([args](const std::string&) { args->api_key_env_given = true; });
  app.add_option("--yes-match", args->yes_match,
                 "Which tokens count as yes: exact, case (Yes, YES), space ( yes) or case-space")
      ->capture_default_str();
  app.add_option("--concurrency", o.concurrency, "Requests in flight")->capture_default_str();
  app.add_option("--retries", o.max_retries,
                 "Retries of a document after a timeout, a lost connection, a 429/5xx or a broken "
                 "answer")
      ->capture_default_str();
  app.add_option("--max-failures", o.max_failures,
                 "Stop starting requests once this many documents have failed")
      ->capture_default_str();
  app.add_option("--timeout", o.timeout_s, "Seconds per request")->capture_default_str();
  app.add_option("--backoff", o.backoff_s, "First retry delay in seconds (doubles)")
      ->capture_default_str();
  app.add_option("--max-chars", o.max_chars, "Documents are cut to this many bytes")
      ->capture_default_str();
  app.add_option("--top-logprobs", o.top_logprobs, "Alternatives asked for")->capture_default_str();
  return [args] { run(*args); };
}

const Registration registration("score askllm",
                                "Ask-LLM quality scores from an OpenAI-compatible server", setup);

}  // namespace
}  // namespace cuvee::cli
