// The online mixing policies' cost per training step for K = 22 (The Pile's domains): one
// observe() plus one weights() per step for ODM, ADO (between refits) and Velocitune, and one
// ADO refit on 100k steps of history. The peer is the same ODM update written plainly with
// NumPy (bench/peers/policies_numpy.py, run with /usr/bin/python3). Costs are absolute; give
// a training step's duration in milliseconds as the first argument to also see them as a
// fraction of it.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.h"
#include "cuvee/core/threads.h"
#include "cuvee/mixing/ado_policy.h"
#include "cuvee/mixing/policy.h"
#include "cuvee/mixing/policy_factory.h"

namespace {

constexpr size_t kDomains = 22;
constexpr uint64_t kSteps = 100000;

cuvee::PolicyContext context() {
  cuvee::PolicyContext c;
  for (size_t i = 0; i < kDomains; ++i) {
    c.domains.push_back(fmt::format("d{:02}", i));
    c.train_tokens.push_back(1000 + 37 * i);
  }
  c.total_steps = kSteps;
  return c;
}

// A deterministic synthetic observation: domain i's loss decays as its own power law; about
// one domain in ten is absent from a step, as with 480 sequences over 22 skewed domains.
void observation(uint64_t step, std::vector<double>& loss, std::vector<uint64_t>& count) {
  double n = 480.0 * static_cast<double>(step);
  for (size_t i = 0; i < kDomains; ++i) {
    loss[i] = 2 + 0.1 * static_cast<double>(i % 5) + (3 + 0.2 * i) * std::pow(n, -0.3);
    count[i] = (step * 7 + i * 13) % 10 == 0 ? 0 : 20 + i;
  }
}

// Seconds per step of observe() + weights() over steps [first, last].
double per_step(cuvee::Policy& policy, uint64_t first, uint64_t last) {
  std::vector<double> loss(kDomains), eval(kDomains);
  std::vector<uint64_t> count(kDomains);
  double sink = 0;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t step = first; step <= last; ++step) {
    observation(step, loss, count);
    policy.observe(step, loss, count);
    if (step % 100 == 0) policy.observe_eval(step, loss);
    sink += policy.weights()[0];
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!(sink > 0)) std::abort();
  return seconds / static_cast<double>(last - first + 1);
}

double numpy_peer_us(uint64_t steps) {
  auto script = cuvee::bench::source_dir() / "bench" / "peers" / "policies_numpy.py";
  std::string command =
      fmt::format("/usr/bin/python3 '{}' {} {}", script.string(), kDomains, steps);
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return NAN;
  double us = NAN;
  if (std::fscanf(pipe, "us_per_step %lf", &us) != 1) us = NAN;
  ::pclose(pipe);
  return us;
}

std::string fraction(double seconds, double step_ms) {
  return step_ms > 0
             ? fmt::format(" = {:.4f}% of a {} ms step", 100 * seconds / (step_ms / 1e3), step_ms)
             : std::string();
}

}  // namespace

int main(int argc, char** argv) {
  using cuvee::bench::report;
  const double step_ms = argc > 1 ? std::atof(argv[1]) : 0;
  const auto ctx = context();
  std::string targets;
  for (const auto& d : ctx.domains) targets += (targets.empty() ? "" : ",") + d + "=2";

  auto odm =
      cuvee::make_policy({{"policy", "odm"}, {"variant", "paper"}}, ctx);  // as the NumPy peer
  double odm_s = per_step(*odm, 1, kSteps);
  double peer_us = numpy_peer_us(20000);
  report("odm observe+weights K=22", fmt::format("{:.3f} us/step", odm_s * 1e6),
         fmt::format("{:.3f} us/step", peer_us), peer_us / (odm_s * 1e6),
         "NumPy time / ours: how many times faster");
  if (step_ms > 0) std::printf("  odm%s\n", fraction(odm_s, step_ms).c_str());

  auto velocitune = cuvee::make_policy({{"policy", "velocitune"}, {"targets", targets}}, ctx);
  double velocitune_s = per_step(*velocitune, 1, kSteps);
  std::printf("velocitune observe+weights K=22: %.3f us/step (eval every 100 steps)%s\n",
              velocitune_s * 1e6, fraction(velocitune_s, step_ms).c_str());

  // ADO: 100k steps of history without a refit, then one refit timed on its own, then the
  // per-step cost between refits.
  auto ado = cuvee::make_policy({{"policy", "ado"},
                                 {"start_step", kSteps + 1},
                                 {"refit_every", uint64_t{1} << 40},
                                 {"refit_lag", 0}},
                                ctx);
  double ado_fill_s = per_step(*ado, 1, kSteps);
  auto& ado_policy = dynamic_cast<cuvee::AdoPolicy&>(*ado);
  double refit_s = cuvee::bench::best_seconds(3, [&] { ado_policy.refit(); });
  std::printf("ado refit on %llu steps of history, K=22: %.1f ms (%d threads)%s\n",
              static_cast<unsigned long long>(kSteps), refit_s * 1e3, cuvee::default_threads(),
              fraction(refit_s, step_ms).c_str());
  std::printf("  amortised over refit_every = 1000 steps: %.3f us/step%s\n", refit_s / 1000 * 1e6,
              fraction(refit_s / 1000, step_ms).c_str());
  per_step(*ado, kSteps + 1, kSteps + 1);  // the scheduled first fit, not timed
  double ado_s = per_step(*ado, kSteps + 2, kSteps + 2001);
  std::printf("ado observe+weights K=22 between refits: %.3f us/step (history only: %.3f)%s\n",
              ado_s * 1e6, ado_fill_s * 1e6, fraction(ado_s, step_ms).c_str());
  std::printf("ado in total (observe+weights, and the refit's work spread over 1000 steps)%s\n",
              fraction(ado_s + refit_s / 1000, step_ms).c_str());
  if (step_ms > 0) {
    // A background refit (the default, refit_lag = 10) while training steps go on: the steps
    // here are sleeps of the given length, as on a GPU where the host's cores are free. The
    // stall is the time observe() waits for the refit when its laws are due.
    auto lagged = cuvee::make_policy(
        {{"policy", "ado"}, {"start_step", kSteps + 1}, {"refit_every", 1000}, {"refit_lag", 10}},
        ctx);
    per_step(*lagged, 1, kSteps);
    double started = per_step(*lagged, kSteps + 1, kSteps + 1);  // copies the history
    double stall = 0;
    for (uint64_t step = kSteps + 2; step <= kSteps + 11; ++step) {
      std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(step_ms));
      stall = std::max(stall, per_step(*lagged, step, step));
    }
    std::printf("ado background refit: the step that starts it %.2f ms%s\n", started * 1e3,
                fraction(started, step_ms).c_str());
    std::printf("  the slowest of the next 10 steps' observe() %.2f ms%s\n", stall * 1e3,
                fraction(stall, step_ms).c_str());
    std::printf("  per step, spread over 1000 steps%s\n",
                fraction((started + stall) / 1000 + ado_s, step_ms).c_str());
  }
  // How the refit grows with the history: a fresh policy filled with each length, one refit
  // timed (best of 2). Its fits subsample the history every 10 steps, so the work is linear in it.
  std::printf("\nado refit sweep over history length (K=22, %d threads):\n",
              cuvee::default_threads());
  for (uint64_t history : {uint64_t{10000}, uint64_t{30000}, kSteps, uint64_t{300000}}) {
    double s = refit_s;  // kSteps of history: measured above
    if (history != kSteps) {
      auto policy = cuvee::make_policy({{"policy", "ado"},
                                        {"start_step", history + 1},
                                        {"refit_every", uint64_t{1} << 40},
                                        {"refit_lag", 0}},
                                       ctx);
      per_step(*policy, 1, history);
      auto& ado_at = dynamic_cast<cuvee::AdoPolicy&>(*policy);
      s = cuvee::bench::best_seconds(2, [&] { ado_at.refit(); });
    }
    std::printf("  %7llu steps  %8.1f ms  %6.2f ms per 1000 steps of history\n",
                static_cast<unsigned long long>(history), s * 1e3,
                s * 1e3 / (static_cast<double>(history) / 1000));
  }
  if (step_ms <= 0) {
    std::printf("(absolute costs; pass a training step in ms to see them as a fraction of it)\n");
  }
  return 0;
}
