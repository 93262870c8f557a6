#include "cuvee/mixing/online_replay.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/csv.h"
#include "cuvee/core/error.h"
#include "cuvee/mixing/policy_factory.h"

namespace cuvee {
namespace {

constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();

// Columns `prefix<domain>` by domain.
std::map<std::string, size_t> prefixed(const CsvTable& table, const std::string& prefix) {
  std::map<std::string, size_t> columns;
  for (size_t c = 0; c < table.header.size(); ++c) {
    if (table.header[c].starts_with(prefix) && table.header[c].size() > prefix.size()) {
      columns[table.header[c].substr(prefix.size())] = c;
    }
  }
  return columns;
}

uint64_t whole_number(const CsvTable& table, size_t row, size_t column, const char* what) {
  double value = table.number(row, column);
  if (!(value >= 0) || value != std::floor(value) || value > 9.007199254740992e15) {
    fail("{}: column '{}': expected a whole {} >= 0, got '{}'", table.where(row),
         table.header[column], what, table.rows[row][column]);
  }
  return static_cast<uint64_t>(value);
}

}  // namespace

LossTrace read_loss_trace(const std::filesystem::path& path) {
  CsvTable table = read_csv(path);
  const size_t step_column = table.column("step");
  auto losses = prefixed(table, "loss.");
  auto counts = prefixed(table, "count.");
  auto evals = prefixed(table, "eval.");
  for (const auto& [domain, column] : losses) {
    if (!counts.contains(domain))
      fail("{}: column 'loss.{}' has no 'count.{}'", path.string(), domain, domain);
  }
  for (const auto& [domain, column] : counts) {
    if (!losses.contains(domain))
      fail("{}: column 'count.{}' has no 'loss.{}'", path.string(), domain, domain);
  }
  for (const auto& [domain, column] : evals) {
    if (!losses.contains(domain)) {
      fail("{}: column 'eval.{}' names a domain without 'loss.{}' and 'count.{}'", path.string(),
           domain, domain, domain);
    }
  }
  LossTrace trace;
  for (const auto& [domain, column] : losses) trace.domains.push_back(domain);
  if (trace.domains.size() < 2) {
    fail("{}: {} domain(s) (loss.<domain> and count.<domain> columns); mixing needs at least 2",
         path.string(), trace.domains.size());
  }
  if (!evals.empty() && evals.size() != trace.domains.size()) {
    fail("{}: eval columns for {} of the {} domains; give eval.<domain> for all or none",
         path.string(), evals.size(), trace.domains.size());
  }
  const size_t k = trace.domains.size();
  for (size_t r = 0; r < table.rows.size(); ++r) {
    uint64_t step = whole_number(table, r, step_column, "step");
    if (!trace.steps.empty() && step <= trace.steps.back()) {
      fail("{}: step {} after step {}; steps must increase", table.where(r), step,
           trace.steps.back());
    }
    std::vector<double> loss(k, kAbsent);
    std::vector<uint64_t> count(k, 0);
    std::vector<double> eval;
    size_t filled = 0;
    for (size_t d = 0; d < k; ++d) {
      const std::string& domain = trace.domains[d];
      size_t count_column = counts.at(domain), loss_column = losses.at(domain);
      if (!table.cell_empty(r, count_column))
        count[d] = whole_number(table, r, count_column, "count");
      if (count[d] > 0) {
        if (table.cell_empty(r, loss_column)) {
          fail("{}: step {}: domain '{}' has count {} but no loss", table.where(r), step, domain,
               count[d]);
        }
        loss[d] = table.number(r, loss_column);
        if (!std::isfinite(loss[d])) {
          fail("{}: step {}: domain '{}' has non-finite loss {}", table.where(r), step, domain,
               table.rows[r][loss_column]);
        }
      }
      if (!evals.empty() && !table.cell_empty(r, evals.at(domain))) ++filled;
    }
    if (filled == k) {
      for (const auto& domain : trace.domains) {
        double value = table.number(r, evals.at(domain));
        if (!std::isfinite(value)) {
          fail("{}: step {}: domain '{}' has non-finite held-out loss {}", table.where(r), step,
               domain, table.rows[r][evals.at(domain)]);
        }
        eval.push_back(value);
      }
    } else if (filled > 0) {
      fail("{}: step {}: held-out losses for {} of the {} domains; give all or none",
           table.where(r), step, filled, k);
    }
    trace.steps.push_back(step);
    trace.loss.push_back(std::move(loss));
    trace.count.push_back(std::move(count));
    trace.eval.push_back(std::move(eval));
    trace.where.push_back(table.where(r));
  }
  if (trace.steps.empty()) fail("{}: the trace has no rows", path.string());
  return trace;
}

std::vector<std::vector<double>> replay(Policy& policy, const LossTrace& trace) {
  std::vector<std::vector<double>> weights;
  weights.reserve(trace.steps.size());
  for (size_t r = 0; r < trace.steps.size(); ++r) {
    try {
      const auto& count = trace.count[r];
      bool present = std::any_of(count.begin(), count.end(), [](uint64_t c) { return c > 0; });
      if (present) policy.observe(trace.steps[r], trace.loss[r], count);
      if (!trace.eval[r].empty()) policy.observe_eval(trace.steps[r], trace.eval[r]);
    } catch (const Error& e) {
      fail("{}: {}", trace.where[r], e.what());
    }
    weights.push_back(policy.weights());
  }
  return weights;
}

void replay_policy(const nlohmann::json& mixing, const std::filesystem::path& trace_path,
                   const std::filesystem::path& out) {
  LossTrace trace = read_loss_trace(trace_path);
  PolicyContext context{trace.domains, std::vector<uint64_t>(trace.domains.size(), 1),
                        trace.steps.back()};
  auto policy = make_policy(mixing, context);
  bool has_eval = std::any_of(trace.eval.begin(), trace.eval.end(),
                              [](const auto& row) { return !row.empty(); });
  if (policy->name() == "velocitune" && !has_eval) {
    fail("{}: velocitune steers by held-out losses; the trace has no eval.<domain> values",
         trace_path.string());
  }
  auto weights = replay(*policy, trace);
  std::string text = "step";
  for (const auto& domain : trace.domains) {
    text += ',';
    text += csv_field("w." + domain);
  }
  text += '\n';
  for (size_t r = 0; r < weights.size(); ++r) {
    text += std::to_string(trace.steps[r]);
    for (double w : weights[r]) {
      text += ',';
      text += format_number(w);
    }
    text += '\n';
  }
  write_file_atomic(out, text);
}

}  // namespace cuvee
