// Policy: the one seam between the trainer and whatever decides the domain proportions.
//
// The trainer asks a policy for the proportions of the next step (weights()), draws and trains
// that step, then reports what it saw: for every domain, the mean training loss of the step's
// sequences from that domain and how many sequences it contributed (observe()). A domain with
// count 0 was absent from the step; its loss entry is meaningless and must be ignored. Static
// recipes (natural, uniform, temperature, fixed) are policies whose weights never change;
// online policies (ODM, ADO, Velocitune) update them from the observations.
//
// Every data-parallel rank holds its own policy and feeds it the same all-reduced
// observations, so policies must be deterministic: same observations, same weights. The whole
// state round-trips through save_state()/load_state() with the checkpoint, so a resumed run
// continues with the weights it would have had.
//
// No libtorch types here (plain numbers, spans, strings, JSON): the interface is meant to be
// bound to Python as it is. policy_factory.h builds a policy by name.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cuvee {

class Policy {
 public:
  virtual ~Policy() = default;

  // The registered name ("natural", "temperature", ...).
  virtual std::string name() const = 0;
  // The proportions for the next step: one per domain, in the order of PolicyContext::domains,
  // non-negative, summing to 1.
  virtual std::vector<double> weights() const = 0;
  // The observation of step `step` (1-based: the step just trained, drawn with the weights
  // that weights() returned before this call). mean_loss[i] is ignored where count[i] == 0.
  virtual void observe(uint64_t step, std::span<const double> mean_loss,
                       std::span<const uint64_t> count) = 0;
  // The validation loss of every domain from an evaluation after step `step` (step 0: before the
  // first update). Only policies that steer by held-out loss (Velocitune) use it; the trainer
  // calls it after each evaluation, never with the test split, which only scores.
  virtual void observe_eval(uint64_t /*step*/, std::span<const double> /*eval_loss*/) {}
  // Everything needed to continue exactly after a restart.
  virtual nlohmann::json save_state() const = 0;
  // Restores a saved state; errors if it belongs to another policy or another setting.
  virtual void load_state(const nlohmann::json& state) = 0;
};

// What a policy may know about the run when it is made.
struct PolicyContext {
  std::vector<std::string> domains;    // names, in the trainer's (sorted) domain order
  std::vector<uint64_t> train_tokens;  // training tokens of each domain (natural proportions)
  uint64_t total_steps = 0;            // the run's planned length (schedules scale with it)
};

}  // namespace cuvee
