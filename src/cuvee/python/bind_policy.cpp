// cuvee.Policy: every mixing policy of the trainer's [mixing] table, made by the same factory
// (make_policy) from the same settings, so that a Python loop gets the C++ trainer's weights
// bit for bit and new settings need no change here.
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "cuvee/core/error.h"
#include "cuvee/corpus/domain.h"
#include "cuvee/mixing/policy.h"
#include "cuvee/mixing/policy_factory.h"
#include "cuvee/python/bindings.h"
#include "cuvee/python/domains.h"
#include "cuvee/python/json_convert.h"

namespace py = pybind11;

namespace cuvee::python {
namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// `values` (any sequence or array of numbers) as K doubles; `what` names it in errors.
std::vector<double> numbers(const py::handle& values, size_t k, const char* what) {
  DoubleArray array;
  try {
    array = DoubleArray::ensure(values);
  } catch (const py::error_already_set&) {
  }
  if (!array || array.ndim() != 1) {
    fail("{}: expected a sequence of {} numbers (one per domain), got {}", what, k,
         std::string(py::repr(values)));
  }
  if (static_cast<size_t>(array.size()) != k) {
    fail("{}: {} values given for {} domains", what, array.size(), k);
  }
  return {array.data(), array.data() + k};
}

class PyPolicy {
 public:
  PyPolicy(const std::string& name, std::vector<std::string> domains, const py::dict& settings,
           std::vector<uint64_t> tokens, uint64_t total_steps)
      : domains_(std::move(domains)) {
    nlohmann::json mixing = from_python(settings, "settings");
    if (mixing.contains("policy")) {
      fail("settings: 'policy' is the first argument (Policy(\"{}\", ...)), not a setting", name);
    }
    mixing["policy"] = name;
    if (tokens.empty()) tokens.assign(domains_.size(), 1);  // unknown: natural = uniform
    if (tokens.size() != domains_.size()) {
      fail("tokens: {} counts given for {} domains", tokens.size(), domains_.size());
    }
    policy_ = make_policy(mixing, PolicyContext{domains_, tokens, total_steps});
  }

  std::string name() const { return policy_->name(); }
  const std::vector<std::string>& domains() const { return domains_; }

  py::array_t<double> weights() const {
    std::vector<double> w;
    {
      std::lock_guard lock(mutex_);
      w = policy_->weights();
    }
    py::array_t<double> out(static_cast<py::ssize_t>(w.size()));
    std::copy(w.begin(), w.end(), out.mutable_data());
    return out;
  }

  void observe(uint64_t step, const py::handle& losses, const py::handle& counts) {
    const size_t k = domains_.size();
    auto loss = numbers(losses, k, "losses");
    auto count_values = numbers(counts, k, "counts");
    std::vector<uint64_t> count(k);
    for (size_t i = 0; i < k; ++i) {
      double c = count_values[i];
      if (!(c >= 0) || c != std::floor(c) || c > 9.007199254740992e15) {
        fail("counts: domain '{}' has count {}, expected a whole number >= 0", domains_[i], c);
      }
      count[i] = static_cast<uint64_t>(c);
    }
    // ADO may wait here for its background refit; other Python threads run meanwhile.
    py::gil_scoped_release release;
    std::lock_guard lock(mutex_);
    policy_->observe(step, loss, count);
  }

  void observe_eval(uint64_t step, const py::handle& losses) {
    auto loss = numbers(losses, domains_.size(), "eval_losses");
    py::gil_scoped_release release;
    std::lock_guard lock(mutex_);
    policy_->observe_eval(step, loss);
  }

  py::object state_dict() const {
    std::lock_guard lock(mutex_);
    return to_python(policy_->save_state());
  }

  void load_state_dict(const py::handle& state) {
    auto json = from_python(state, "state");
    std::lock_guard lock(mutex_);
    policy_->load_state(json);
  }

 private:
  std::vector<std::string> domains_;
  std::unique_ptr<Policy> policy_;
  mutable std::mutex mutex_;
};

const char* kPolicyDoc = R"(A mixing policy: the domain proportions of every training step.

Policy(name, domains, settings={}, *, tokens=None, total_steps=0)

name
    One of cuvee.policy_names(): the static recipes "natural", "uniform",
    "temperature", "fixed", and the online policies "odm", "ado", "velocitune".
domains
    The domain names (weights() and observe() use this order), or a
    cuvee.Domains, whose names and training token counts are then used.
settings
    The policy's parameters, with the keys of the trainer's [mixing] table
    and of `cuvee policy replay --set` (docs/online_mixing.md,
    docs/training.md), e.g. {"variant": "paper", "warmup_steps": 100}.
    Unknown keys are errors naming the nearest known one.
tokens
    Training tokens per domain: the natural proportions (natural,
    temperature, and the online policies' init = "natural"). Without them,
    natural proportions are uniform, as in `cuvee policy replay`.
total_steps
    The run's planned length: schedules that scale with it (ODM's default
    warm-up, 2% of it) read it.

Each training step: w = policy.weights(); draw and train the step with w;
policy.observe(step, losses, counts) with each domain's mean training loss
and sequence count over the whole global batch (all-reduced under data
parallelism, so every rank's policy stays identical). Steps count from 1.
After an evaluation on the validation split, policy.observe_eval(step,
eval_losses) (Velocitune steers by it; call it once at step 0 of a fresh run,
before the first update). Never pass the test split: it only scores.

state_dict() and load_state_dict() carry the whole state in plain Python
containers (dict, list, float, int, str), for torch.save or a distributed
checkpoint; a resumed policy continues with exactly the weights it would
have had. The results are those of `cuvee policy replay` and the C++
trainer, to the last bit.)";

}  // namespace

void bind_policy(py::module_& module) {
  module.def("policy_names", &policy_names,
             "The names cuvee.Policy accepts: the static recipes, then the online policies.");

  py::class_<PyPolicy>(module, "Policy", kPolicyDoc)
      .def(py::init([](const std::string& name, const py::object& domains, const py::dict& settings,
                       std::optional<std::vector<uint64_t>> tokens, uint64_t total_steps) {
             std::vector<std::string> names;
             std::vector<uint64_t> counts = tokens.value_or(std::vector<uint64_t>{});
             if (py::isinstance<PyDomains>(domains)) {
               const auto& opened = domains.cast<const PyDomains&>();
               names = opened.names();
               if (!tokens) counts = opened.train_tokens();
             } else if (py::isinstance<py::str>(domains)) {
               fail(
                   "domains: expected a list of domain names or a cuvee.Domains, got the "
                   "string {}",
                   std::string(py::repr(domains)));
             } else {
               names = domains.cast<std::vector<std::string>>();
             }
             return std::make_unique<PyPolicy>(name, std::move(names), settings, std::move(counts),
                                               total_steps);
           }),
           py::arg("name"), py::arg("domains"), py::arg("settings") = py::dict(), py::kw_only(),
           py::arg("tokens") = py::none(), py::arg("total_steps") = 0)
      .def_property_readonly("name", &PyPolicy::name, "The policy's registered name.")
      .def_property_readonly("domains", &PyPolicy::domains,
                             "The domain names, in the order of weights() and observe().")
      .def("weights", &PyPolicy::weights,
           "The proportions of the next step: a float64 array, one per domain in `domains` "
           "order, non-negative, summing to 1.")
      .def("observe", &PyPolicy::observe, py::arg("step"), py::arg("losses"), py::arg("counts"),
           R"(Report step `step` (from 1: the step just trained, drawn with the last weights()).

losses[i] is domain i's mean training loss over the step's sequences from it,
counts[i] how many sequences it had (0: absent, its loss is ignored). Any
sequence of numbers or CPU array works (a list, NumPy, a CPU tensor). Under
data parallelism pass the global batch's figures (sum the per-domain loss
sums and counts over the ranks, then divide), so every rank's policy agrees.)")
      .def("observe_eval", &PyPolicy::observe_eval, py::arg("step"), py::arg("eval_losses"),
           "Report the validation loss of every domain after step `step` (used by Velocitune; "
           "call at step 0 of a fresh run, before the first update, to give it its initial "
           "losses).")
      .def("state_dict", &PyPolicy::state_dict,
           "The whole state as plain Python containers (for torch.save or a distributed "
           "checkpoint).")
      .def("load_state_dict", &PyPolicy::load_state_dict, py::arg("state"),
           "Restore a state_dict(); refused when it belongs to another policy, other domains or "
           "other settings.")
      .def("__repr__", [](const PyPolicy& p) {
        return fmt::format("cuvee.Policy('{}', {} domains)", p.name(), p.domains().size());
      });
}

}  // namespace cuvee::python
