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
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};
};

size_t collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
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
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &request->response);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_s * 1000));
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, request->error);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_multi_add_handle(multi_, easy);
    in_flight_[easy] = std::move(request);
  }

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

void score_askllm(const std::vector<uint64_t>& indices,
                  const std::function<std::string(uint64_t)>& text_of, const AskLlmOptions& options,
                  const std::function<void(const AskLlmResult&)>& on_result) {
  static CurlGlobal global;
  if (options.concurrency < 1) fail("--concurrency must be at least 1");
  const std::string url = askllm_url(options);
  Session session;
  std::deque<std::unique_ptr<Request>> waiting;  // retries, ordered by ready time
  size_t next = 0;
  auto make_request = [&](uint64_t index) {
    auto request = std::make_unique<Request>();
    request->index = index;
    request->body = askllm_request(
        options.model,
        askllm_prompt(truncate_document(text_of(index), options.max_chars), options.api),
        options.api, options.top_logprobs);
    return request;
  };
  // After a fatal error no new request starts; those in flight finish and deliver, so their
  // answers are kept too, and then the error is raised.
  std::string fatal;
  while ((fatal.empty() && (next < indices.size() || !waiting.empty())) ||
         !session.in_flight().empty()) {
    auto now = Clock::now();
    while (fatal.empty() && static_cast<int>(session.in_flight().size()) < options.concurrency) {
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
      CURLcode code = message->data.result;
      long status = 0;
      curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      auto request = session.finish(message->easy_handle);
      std::string problem;
      if (code != CURLE_OK) {
        problem = fmt::format("{} ({})", curl_easy_strerror(code), request->error);
      } else if (status == 429 || status >= 500) {
        problem = fmt::format("HTTP {}", status);
      } else if (status != 200) {
        if (fatal.empty()) {
          fatal = fmt::format("document {}: {} answered HTTP {}: {}", request->index, url, status,
                              request->response.substr(0, 300));
        }
        continue;
      } else {
        try {
          on_result({request->index,
                     parse_askllm_response(request->response, options.api, options.yes_match)});
        } catch (const Error& error) {
          if (fatal.empty())
            fatal = fmt::format("document {}: {}: {}", request->index, url, error.what());
        }
        continue;
      }
      if (request->attempt >= options.max_retries || !fatal.empty()) {
        if (fatal.empty()) {
          fatal = fmt::format("document {}: {} failed {} times, last: {}", request->index, url,
                              request->attempt + 1, problem);
        }
        continue;
      }
      double delay = std::min(30.0, options.backoff_s * std::pow(2.0, request->attempt));
      ++request->attempt;
      request->ready = Clock::now() + std::chrono::microseconds(static_cast<int64_t>(delay * 1e6));
      auto at = std::find_if(waiting.begin(), waiting.end(),
                             [&](const auto& other) { return other->ready > request->ready; });
      waiting.insert(at, std::move(request));
    }
    int wait_ms = 100;
    if (!waiting.empty()) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(waiting.front()->ready -
                                                                         Clock::now());
      wait_ms = static_cast<int>(std::clamp<int64_t>(until.count(), 0, 100));
    }
    if (!session.in_flight().empty()) {
      curl_multi_poll(session.multi(), nullptr, 0, wait_ms, nullptr);
    } else if (wait_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    }
  }
  if (!fatal.empty()) throw Error(fatal);
}

}  // namespace cuvee
