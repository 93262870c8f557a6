#include "cuvee/train/metrics.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/csv.h"
#include "cuvee/core/error.h"

namespace cuvee {

namespace fs = std::filesystem;

namespace {

std::FILE* open_for_append(const fs::path& path, bool fresh, uint64_t keep_bytes) {
  if (!fresh) {
    std::error_code error;
    uint64_t size = fs::file_size(path, error);
    if (error) fail("{}: cannot resume: {}", path.string(), error.message());
    if (size < keep_bytes) {
      fail("{}: cannot resume: the checkpoint recorded {} bytes, the file has only {}",
           path.string(), keep_bytes, size);
    }
    fs::resize_file(path, keep_bytes);
  }
  std::FILE* file = std::fopen(path.c_str(), fresh ? "wb" : "ab");
  if (file == nullptr) fail("{}: cannot open for writing: {}", path.string(), std::strerror(errno));
  std::fseek(file, 0, SEEK_END);  // so that ftell() gives the size from the start
  return file;
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
    append(observations_, header + '\n');
  }
}

MetricsLog::~MetricsLog() {
  if (metrics_ != nullptr) std::fclose(metrics_);
  if (observations_ != nullptr) std::fclose(observations_);
}

void MetricsLog::append(std::FILE* file, const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), file) != text.size() || std::fflush(file) != 0) {
    fail("{}: write failed: {}", dir_.string(), std::strerror(errno));
  }
}

void MetricsLog::step(const StepRecord& record) {
  nlohmann::ordered_json line;
  line["kind"] = "step";
  line["step"] = record.step;
  line["train_loss"] = record.train_loss;
  line["lr"] = record.lr;
  line["tokens"] = record.tokens;
  line["grad_norm"] = record.grad_norm;
  for (size_t i = 0; i < domains_.size(); ++i)
    line[fmt::format("weights.{}", domains_[i])] = record.weights[i];
  for (size_t i = 0; i < domains_.size(); ++i) {
    auto& loss = line[fmt::format("train_loss.{}", domains_[i])];
    if (record.count[i] > 0) loss = record.domain_loss[i];
  }
  for (size_t i = 0; i < domains_.size(); ++i)
    line[fmt::format("count.{}", domains_[i])] = record.count[i];
  append(metrics_, line.dump() + '\n');
}

void MetricsLog::eval(uint64_t step, std::span<const double> eval_loss,
                      std::span<const double> proportions) {
  nlohmann::ordered_json line;
  line["kind"] = "eval";
  line["step"] = step;
  double sum = 0;
  for (double loss : eval_loss) sum += loss;
  line["eval_loss"] = sum / static_cast<double>(eval_loss.size());
  for (size_t i = 0; i < domains_.size(); ++i)
    line[fmt::format("eval_loss.{}", domains_[i])] = eval_loss[i];
  append(metrics_, line.dump() + '\n');

  std::string row = fmt::format("{},{}", csv_field(run_), step);
  for (double p : proportions) row += fmt::format(",{}", format_number(p));
  for (double loss : eval_loss) row += fmt::format(",{}", format_number(loss));
  append(observations_, row + '\n');
}

std::pair<uint64_t, uint64_t> MetricsLog::sync() {
  auto size = [](std::FILE* file) { return static_cast<uint64_t>(std::ftell(file)); };
  return {size(metrics_), size(observations_)};
}

}  // namespace cuvee
