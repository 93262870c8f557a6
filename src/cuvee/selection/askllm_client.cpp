#include "cuvee/selection/askllm_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

using Clock = std::chrono::steady_clock;

struct Request {
  uint64_t index = 0;
  int attempt = 0;
  Clock::time_point ready;  // not sent before this (backoff)
  std::string body, response;
  bool too_large = false;
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};
};

size_t collect(char* data, size_t size, size_t count, void* user) {
  auto* request = static_cast<Request*>(user);
  if (request->response.size() + size * count > kMaxAnswerBytes) {
    request->too_large = true;
    return 0;  // curl stops the transfer with CURLE_WRITE_ERROR
  }
  request->response.append(data, size * count);
  return size * count;
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};

// Owns the multi handle and every easy handle in flight, so an error leaves nothing behind.
class Session {
 public:
  Session() : multi_(curl_multi_init()) {}
  ~Session() {
    for (auto& [easy, request] : in_flight_) release(*request);
    curl_multi_cleanup(multi_);
  }
  CURLM* multi() const { return multi_; }
  std::map<CURL*, std::unique_ptr<Request>>& in_flight() { return in_flight_; }

  void start(std::unique_ptr<Request> request, const AskLlmOptions& options,
             const std::string& url) {
    CURL* easy = curl_easy_init();
    request->easy = easy;
    request->response.clear();
    request->too_large = false;
    request->error[0] = '\0';
    request->headers = curl_slist_append(nullptr, "Content-Type: application/json");
    if (!options.api_key.empty()) {
      request->headers =
          curl_slist_append(request->headers, ("Authorization: Bearer " + options.api_key).c_str());
    }
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, request->headers);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request->body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(request->body.size()));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, request.get());
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_s * 1000));
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, request->error);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_multi_add_handle(multi_, easy);
    in_flight_[easy] = std::move(request);
  }

  const Request* request(CURL* easy) const { return in_flight_.at(easy).get(); }

  std::unique_ptr<Request> finish(CURL* easy) {
    auto request = std::move(in_flight_.at(easy));
    in_flight_.erase(easy);
    release(*request);
    return request;
  }

 private:
  void release(Request& request) {
    curl_multi_remove_handle(multi_, request.easy);
    curl_easy_cleanup(request.easy);
    curl_slist_free_all(request.headers);
    request.easy = nullptr;
    request.headers = nullptr;
  }
  CURLM* multi_;
  std::map<CURL*, std::unique_ptr<Request>> in_flight_;
};

}  // namespace

std::string askllm_url(const AskLlmOptions& options) {
  std::string url = options.endpoint;
  if (url.ends_with("/completions")) return url;
  while (url.ends_with("/")) url.pop_back();
  return url + (options.api == AskLlmApi::kChat ? "/chat/completions" : "/completions");
}

namespace {

using Seconds = std::chrono::duration<double>;

constexpr double kMaxBackoffSeconds = 30;
constexpr double kMaxRetryAfterSeconds = 300;

// What one finished transfer came to.
struct Outcome {
  enum Kind { kAnswer, kRetry, kStop } kind = kRetry;
  AskLlmAnswer answer;
  std::string problem;
  double retry_after = 0;  // seconds the server asked for (429, 503), 0 if none
};

Outcome judge(CURL* easy, CURLcode code, const Request& request, const AskLlmOptions& options,
              const std::string& url) {
  Outcome outcome;
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK) {
    if (request.too_large) {
      outcome.problem = fmt::format("answer larger than {} bytes", kMaxAnswerBytes);
    } else {
      outcome.problem = fmt::format("{} ({})", curl_easy_strerror(code), request.error);
    }
    // A URL curl cannot use fails every document alike.
    if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
      outcome.kind = Outcome::kStop;
    }
    return outcome;
  }
  if (status == 408 || status == 429 || status >= 500) {
    outcome.problem = fmt::format("HTTP {}", status);
    curl_off_t retry_after = 0;
    if ((status == 429 || status == 503) &&
        curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK &&
        retry_after > 0) {
      outcome.retry_after =
          std::min<double>(static_cast<double>(retry_after), kMaxRetryAfterSeconds);
      outcome.problem += fmt::format(" (Retry-After {} s)", retry_after);
    }
    return outcome;
  }
  if (status != 200) {
    outcome.kind = Outcome::kStop;
    outcome.problem =
        fmt::format("{} answered HTTP {}: {}", url, status, request.response.substr(0, 300));
    return outcome;
  }
  try {
    outcome.answer = parse_askllm_response(request.response, options.api, options.yes_match);
    outcome.kind = Outcome::kAnswer;
  } catch (const Error& error) {
    outcome.problem = error.what();
  }
  return outcome;
}

}  // namespace

AskLlmReport score_askllm(const std::vector<uint64_t>& indices,
                          const std::function<std::string(uint64_t)>& text_of,
                          const AskLlmOptions& options,
                          const std::function<void(const AskLlmResult&)>& on_result) {
  static CurlGlobal global;
  if (options.concurrency < 1) fail("--concurrency must be at least 1");
  if (options.max_retries < 0) fail("--retries must be at least 0");
  if (!(options.timeout_s > 0)) fail("--timeout must be positive");
  if (!(options.backoff_s >= 0)) fail("--backoff must be at least 0");
  const std::string url = askllm_url(options);
  AskLlmReport report;
  Session session;
  std::deque<std::unique_ptr<Request>> waiting;  // retries, ordered by ready time
  size_t next = 0;
  // A 429 with Retry-After holds back every new request until then.
  Clock::time_point paused_until = Clock::now();
  auto make_request = [&](uint64_t index) {
    auto request = std::make_unique<Request>();
    request->index = index;
    request->body = askllm_request(
        options.model,
        askllm_prompt(truncate_document(text_of(index), options.max_chars), options.api),
        options.api, options.top_logprobs);
    return request;
  };
  auto stop = [&](std::string why) {
    if (report.stopped.empty()) report.stopped = std::move(why);
  };
  auto fail_document = [&](const Request& request, const std::string& problem) {
    report.failures.push_back({request.index, request.attempt + 1, problem});
    if (report.failures.size() >= std::max<size_t>(options.max_failures, 1)) {
      stop(fmt::format("{} documents failed; the server at {} looks unwell", report.failures.size(),
                       url));
    }
  };
  // Once stopped, no new request starts; those in flight finish and deliver, so their answers
  // are kept too.
  while ((report.stopped.empty() && (next < indices.size() || !waiting.empty())) ||
         !session.in_flight().empty()) {
    auto now = Clock::now();
    while (report.stopped.empty() && now >= paused_until &&
           static_cast<int>(session.in_flight().size()) < options.concurrency) {
      if (!waiting.empty() && waiting.front()->ready <= now) {
        session.start(std::move(waiting.front()), options, url);
        waiting.pop_front();
      } else if (next < indices.size()) {
        session.start(make_request(indices[next++]), options, url);
      } else {
        break;
      }
    }
    int running = 0;
    curl_multi_perform(session.multi(), &running);
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(session.multi(), &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      CURLcode code = message->data.result;
      Outcome outcome = judge(easy, code, *session.request(easy), options, url);
      auto request = session.finish(easy);
      if (outcome.kind == Outcome::kAnswer) {
        on_result({request->index, outcome.answer});
        ++report.scored;
        continue;
      }
      if (outcome.kind == Outcome::kStop) {
        fail_document(*request, outcome.problem);
        stop(fmt::format("document {}: {}", request->index, outcome.problem));
        continue;
      }
      if (request->attempt >= options.max_retries || !report.stopped.empty()) {
        fail_document(*request, outcome.problem);
        continue;
      }
      double delay =
          std::min(kMaxBackoffSeconds, options.backoff_s * std::pow(2.0, request->attempt));
      delay = std::max(delay, outcome.retry_after);
      ++request->attempt;
      request->ready = Clock::now() + std::chrono::duration_cast<Clock::duration>(Seconds(delay));
      if (outcome.retry_after > 0) {
        paused_until = std::max(paused_until, request->ready);
      }
      auto at = std::find_if(waiting.begin(), waiting.end(),
                             [&](const auto& other) { return other->ready > request->ready; });
      waiting.insert(at, std::move(request));
    }
    // Sleep until a transfer moves, the next retry is due or the pause ends (at most 100 ms).
    auto wake = Clock::now() + std::chrono::milliseconds(100);
    if (!waiting.empty()) wake = std::min(wake, waiting.front()->ready);
    if (paused_until > Clock::now()) wake = std::min(wake, paused_until);
    int wait_ms = static_cast<int>(std::clamp<int64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now()).count(), 0,
        100));
    if (!session.in_flight().empty()) {
      curl_multi_poll(session.multi(), nullptr, 0, wait_ms, nullptr);
    } else if (wait_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    }
  }
  for (const auto& request : waiting) {
    report.failures.push_back({request->index, request->attempt,
                               "not retried: the run stopped (" + report.stopped + ")"});
  }
  report.not_tried = indices.size() - next;
  std::sort(report.failures.begin(), report.failures.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  return report;
}

}  // namespace cuvee
