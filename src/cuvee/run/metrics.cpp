#include "cuvee/run/metrics.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/crash_point.h"
#include "cuvee/core/csv.h"
#include "cuvee/core/error.h"
#include "cuvee/run/run_folder.h"

namespace cuvee {

namespace fs = std::filesystem;

namespace {

// The keys both sides of metrics.jsonl use.
constexpr const char* kKind = "kind";
constexpr const char* kStepKind = "step";
constexpr const char* kEvalKind = "eval";
constexpr const char* kStep = "step";
constexpr const char* kValidationLoss = "validation_loss";
constexpr const char* kTestLoss = "test_loss";
constexpr const char* kWeightsPrefix = "weights.";

std::FILE* open_for_append(const fs::path& path, bool fresh, uint64_t keep_bytes) {
  if (!fresh) {
    std::error_code error;
    uint64_t size = fs::file_size(path, error);
    if (error) fail("{}: cannot resume: {}", path.string(), error.message());
    if (size < keep_bytes) {
      fail("{}: cannot resume: the checkpoint recorded {} bytes, the file has only {}",
           path.string(), keep_bytes, size);
    }
    fs::resize_file(path, keep_bytes, error);
    if (error) fail("{}: cannot resume: {}", path.string(), error.message());
  }
  std::FILE* file = std::fopen(path.c_str(), fresh ? "wb" : "ab");
  if (file == nullptr) fail("{}: cannot open for writing: {}", path.string(), std::strerror(errno));
  // Unbuffered: each line goes out in one write (a line at a time is flushed anyway), and
  // nothing of a failed one lingers in a buffer to be written later.
  std::setvbuf(file, nullptr, _IONBF, 0);
  std::fseek(file, 0, SEEK_END);  // so that ftell() gives the size from the start
  return file;
}

double number(const nlohmann::json& object, const std::string& key,
              const std::filesystem::path& source, size_t line) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) {
    fail("{}:{}: expected a number in '{}'", source.string(), line, key);
  }
  return it->get<double>();
}

// A step number: a whole number >= 0 (a double would be cast to it unchecked).
uint64_t whole_number(const nlohmann::json& object, const std::string& key,
                      const std::filesystem::path& source, size_t line) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_unsigned()) {
    fail("{}:{}: expected a whole number >= 0 in '{}'", source.string(), line, key);
  }
  return it->get<uint64_t>();
}

// The line's kind, "" if it has none (a line of no kind the reader knows).
std::string kind_of(const nlohmann::json& object) {
  auto it = object.find(kKind);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// Domains from the keys with `prefix`, sorted.
std::vector<std::string> domains_of(const nlohmann::json& object, const std::string& prefix) {
  std::vector<std::string> domains;
  for (const auto& [key, _] : object.items()) {
    if (key.rfind(prefix, 0) == 0) domains.push_back(key.substr(prefix.size()));
  }
  std::sort(domains.begin(), domains.end());
  return domains;
}

}  // namespace

MetricsLog::MetricsLog(const fs::path& dir, std::string run, std::vector<std::string> domains,
                       const std::pair<uint64_t, uint64_t>* resume_bytes)
    : dir_(dir), run_(std::move(run)), domains_(std::move(domains)) {
  fs::create_directories(dir_);
  bool fresh = resume_bytes == nullptr;
  metrics_ = open_for_append(dir_ / kMetricsFile, fresh, fresh ? 0 : resume_bytes->first);
  observations_ =
      open_for_append(dir_ / kObservationsFile, fresh, fresh ? 0 : resume_bytes->second);
  if (fresh) {
    std::string header = "run,step";
    for (const auto& d : domains_) header += fmt::format(",{}", csv_field("p." + d));
    for (const auto& d : domains_) header += fmt::format(",{}", csv_field("loss." + d));
    append(observations_, kObservationsFile, header + '\n');
  }
}

MetricsLog::~MetricsLog() {
  if (metrics_ != nullptr) std::fclose(metrics_);
  if (observations_ != nullptr) std::fclose(observations_);
}

// One whole line or nothing: a write that fails part-way (a full disk) is cut back off, so
// the file keeps only whole lines and a resume finds it as the last checkpoint left it.
void MetricsLog::append(std::FILE* file, const char* name, const std::string& text) {
  crash_point();
  const long before = std::ftell(file);
  if (std::fwrite(text.data(), 1, text.size(), file) != text.size() || std::fflush(file) != 0) {
    const std::string reason = std::strerror(errno);
    std::clearerr(file);
    if (before >= 0 && ::ftruncate(::fileno(file), before) == 0) std::fseek(file, before, SEEK_SET);
    fail("cannot write {}: {}", (dir_ / name).string(), reason);
  }
}

void MetricsLog::step(const StepRecord& record) {
  nlohmann::ordered_json line;
  line[kKind] = kStepKind;
  line[kStep] = record.step;
  line["train_loss"] = record.train_loss;
  line["lr"] = record.lr;
  line["tokens"] = record.tokens;
  line["grad_norm"] = record.grad_norm;
  for (size_t i = 0; i < domains_.size(); ++i)
    line[kWeightsPrefix + domains_[i]] = record.weights[i];
  for (size_t i = 0; i < domains_.size(); ++i) {
    auto& loss = line[fmt::format("train_loss.{}", domains_[i])];
    if (record.count[i] > 0) loss = record.domain_loss[i];
  }
  for (size_t i = 0; i < domains_.size(); ++i)
    line[fmt::format("count.{}", domains_[i])] = record.count[i];
  append(metrics_, kMetricsFile, line.dump() + '\n');
}

void MetricsLog::eval(const EvalRecord& record) {
  nlohmann::ordered_json line;
  line[kKind] = kEvalKind;
  line[kStep] = record.step;
  for (const auto& [key, losses] :
       {std::pair{kValidationLoss, record.validation}, std::pair{kTestLoss, record.test}}) {
    double sum = 0;
    for (double loss : losses) sum += loss;
    line[key] = sum / static_cast<double>(losses.size());
    for (size_t i = 0; i < domains_.size(); ++i) {
      line[fmt::format("{}.{}", key, domains_[i])] = losses[i];
    }
  }
  append(metrics_, kMetricsFile, line.dump() + '\n');

  if (record.step == 0) return;  // before training: no proportions trained on, no observation
  std::string row = fmt::format("{},{}", csv_field(run_), record.step);
  for (double p : record.proportions) row += fmt::format(",{}", format_number(p));
  for (double loss : record.validation) row += fmt::format(",{}", format_number(loss));
  append(observations_, kObservationsFile, row + '\n');
}

std::pair<uint64_t, uint64_t> MetricsLog::sync() {
  auto size = [](std::FILE* file) { return static_cast<uint64_t>(std::ftell(file)); };
  return {size(metrics_), size(observations_)};
}

RunCurves parse_run_metrics(std::string_view text, const std::filesystem::path& source,
                            size_t max_weight_points) {
  RunCurves curves;
  std::vector<WeightPoint> weights;
  std::istringstream in{std::string(text)};
  size_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
      fail("{}:{}: not JSON: {}", source.string(), line_number, e.what());
    }
    if (!object.is_object()) {
      fail("{}:{}: expected a JSON object, found {}", source.string(), line_number,
           object.type_name());
    }
    std::string kind = kind_of(object);
    if (kind != kEvalKind && kind != kStepKind) continue;
    const std::string prefix =
        kind == kEvalKind ? std::string(kValidationLoss) + "." : kWeightsPrefix;
    auto domains = domains_of(object, prefix);
    if (curves.domains.empty()) curves.domains = domains;
    if (domains != curves.domains) {
      fail("{}:{}: the domains differ from the earlier lines'", source.string(), line_number);
    }
    uint64_t step = whole_number(object, kStep, source, line_number);
    std::vector<double> values;
    for (const auto& domain : domains) {
      values.push_back(number(object, prefix + domain, source, line_number));
    }
    if (kind == kEvalKind) {
      std::vector<double> test;
      for (const auto& domain : domains) {
        test.push_back(
            number(object, fmt::format("{}.{}", kTestLoss, domain), source, line_number));
      }
      curves.evals.push_back({step, std::move(values), std::move(test)});
    } else {
      weights.push_back({step, values});
    }
  }
  if (curves.evals.empty()) fail("{}: no evaluation recorded", source.string());
  if (max_weight_points < 2 || weights.size() <= max_weight_points) {
    curves.weights = std::move(weights);
  } else {
    double stride = static_cast<double>(weights.size() - 1) / (max_weight_points - 1);
    for (size_t i = 0; i < max_weight_points; ++i) {
      curves.weights.push_back(weights[static_cast<size_t>(i * stride + 0.5)]);
    }
  }
  return curves;
}

RunCurves read_run_metrics(const std::filesystem::path& run_folder, size_t max_weight_points) {
  fs::path path = run_folder / kMetricsFile;
  return parse_run_metrics(read_file(path), path, max_weight_points);
}

}  // namespace cuvee
