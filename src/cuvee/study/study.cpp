#include "cuvee/study/study.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/csv.h"
#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"
#include "cuvee/core/mixture_file.h"
#include "cuvee/core/nearest_name.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/threads.h"
#include "cuvee/core/version.h"
#include "cuvee/corpus/domain.h"
#include "cuvee/laws/observations.h"
#include "cuvee/mixing/policy_params.h"
#include "cuvee/mixing/velocitune_policy.h"
#include "cuvee/run/config.h"
#include "cuvee/run/metrics.h"
#include "cuvee/run/run_folder.h"
#include "cuvee/selection/keep_list.h"
#include "cuvee/study/bimix_quality.h"
#include "cuvee/study/child_commands.h"
#include "cuvee/study/child_process.h"
#include "cuvee/study/continual.h"
#include "cuvee/study/oracle.h"
#include "cuvee/study/provenance.h"
#include "cuvee/study/recipes.h"
#include "cuvee/study/report.h"
#include "cuvee/study/run_key.h"
#include "cuvee/study/scoring.h"
#include "cuvee/study/summary.h"
#include "cuvee/study/summary_file.h"

namespace cuvee::study {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr double kBimixFloor = 0.01;

// A domain of the study's data, with its documents per split (selection numbers documents by
// them).
struct StudyDomain {
  std::string name;
  fs::path folder;
  uint64_t train_documents = 0;
  uint64_t heldout_documents = 0;  // validation and test, numbered after train
  uint64_t train_tokens = 0;
  uint64_t vocab_size = 0;
};

std::vector<StudyDomain> study_domains(const fs::path& data) {
  fs::path domains_dir = data / "domains";
  std::vector<StudyDomain> domains;
  if (fs::is_directory(domains_dir)) {
    for (const auto& entry : fs::directory_iterator(domains_dir)) {
      if (!fs::exists(manifest_path(entry.path()))) continue;
      auto manifest = read_domain_manifest(entry.path());
      domains.push_back({entry.path().filename().string(), entry.path(), manifest.train.documents,
                         manifest.validation.documents + manifest.test.documents,
                         manifest.train.tokens, manifest.tokenizer.vocab_size});
    }
  }
  if (domains.size() < 2) {
    fail(
        "{}: no localpile domains there (expected at least two folders with a manifest.json); "
        "build them with `make localpile` (scripts/localpile --build build --out {})",
        domains_dir.string(), data.string());
  }
  std::sort(domains.begin(), domains.end(),
            [](const StudyDomain& a, const StudyDomain& b) { return a.name < b.name; });
  return domains;
}

// A run's mixing: its `mixing.*` overrides and the files they name (whose contents the run's key
// hashes, study/run_key.h).
struct Mixing {
  std::vector<std::string> sets;
  std::vector<fs::path> files;
};

// The fixed policy on the mixture file at `path`.
Mixing fixed_mixture(const fs::path& path) {
  return {{"mixing.policy=fixed", "mixing.file=" + path.string()}, {path}};
}

// The rows of observation tables whose step passes `keep`, as one table.
void write_rows(const std::vector<fs::path>& tables, const fs::path& out,
                const std::function<bool(const std::string& run, double step)>& keep) {
  CsvTable joined;
  for (const auto& path : tables) {
    CsvTable table = read_csv(path);
    if (joined.header.empty()) joined.header = table.header;
    if (table.header != joined.header)
      fail("{}: its columns differ from {}'s", path.string(), tables[0].string());
    size_t run = table.column("run"), step = table.column("step");
    for (size_t r = 0; r < table.rows.size(); ++r) {
      if (keep(table.rows[r][run], table.number(r, step))) joined.rows.push_back(table.rows[r]);
    }
  }
  write_file_atomic(out, format_csv(joined));
}

class Study {
 public:
  Study(const StudyConfig& config, const StudyOptions& options)
      : config_(config),
        scale_(config.scale(options.scale)),
        scale_name_(options.scale),
        out_(options.out),
        length_{scale_.steps, scale_.eval_every, config.odm_epsilon_reference_steps},
        all_domains_(config.data / "domains") {
    domains_ = study_domains(config.data);
    std::vector<uint64_t> train_tokens;
    for (const auto& d : domains_) {
      domain_names_.push_back(d.name);
      train_tokens.push_back(d.train_tokens);
    }
    scoring_.emplace(domain_names_, train_tokens, config.targets, config.source);
    for (const auto& base : config.continual_base) {
      if (std::find(domain_names_.begin(), domain_names_.end(), base) == domain_names_.end()) {
        fail("{}: continual.base: no domain '{}' in the data; did you mean '{}'?",
             config.source.string(), base, nearest_name(base, domain_names_));
      }
    }
    if (config.continual_base.size() >= domain_names_.size()) {
      fail("{}: continual.base names every domain; leave at least one to continue on",
           config.source.string());
    }
    train_text_ = read_file(config.train);
    // The training config as the uniform run's trainer reads it (every run has its model and
    // length): the study's other steps take the model's context from it.
    shared_config_ = parse_train_config(train_text_, config.train,
                                        run_sets("uniform", scale_.seeds.front(), all_domains_));
    shared_config_.model.vocab_size = static_cast<int64_t>(domains_.front().vocab_size);
    proxy_steps_ = std::max<uint64_t>(
        scale_.eval_every * 3,
        static_cast<uint64_t>(std::llround(config.proxy_fraction * scale_.steps)) /
            scale_.eval_every * scale_.eval_every);
    // BiMix's proxies and Velocitune's targets (the continual arm's too) need the proxy window.
    bool needs_proxies =
        !config.continual_base.empty() ||
        std::any_of(config.recipes.begin(), config.recipes.end(),
                    [](const auto& r) { return r == "bimix" || r == "velocitune"; });
    if (needs_proxies && proxy_steps_ >= scale_.steps) {
      fail(
          "{}: scales.{}: the proxy window ({} steps: at least 3 evaluations) must end before "
          "the run's {} steps; lower eval_every",
          config.source.string(), options.scale, proxy_steps_, scale_.steps);
    }
    fs::create_directories(out_ / "runs");
    fs::create_directories(out_ / "prep");
    plan_steps();
  }

  void run() {
    const int64_t first_seed = scale_.seeds.front();
    std::map<std::string, std::vector<fs::path>> runs;  // recipe → run folder per seed
    auto train_all = [&](const std::string& recipe, const Mixing& mixing, const fs::path& domains) {
      for (int64_t seed : scale_.seeds) {
        runs[recipe].push_back(train(recipe, seed, mixing, domains));
      }
    };
    if (has("natural")) train_all("natural", recipe_mixing("natural"), all_domains_);
    train_all("uniform", recipe_mixing("uniform"), all_domains_);
    // The oracle's search, first seed only: every candidate at the recipes' own budget.
    oracle_mixtures_ = dirichlet_mixtures(config_.oracle_samples, domain_names_.size(),
                                          static_cast<uint64_t>(first_seed));
    for (size_t k = 0; k < oracle_mixtures_.size(); ++k) {
      oracle_runs_.push_back(train(fmt::format("oracle.{}", k + 1), first_seed,
                                   fixed_mixture(oracle_mixture_file(k)), all_domains_));
    }
    if (!oracle_runs_.empty() && has("natural")) check_headroom(runs);
    std::optional<fs::path> entropy_file;
    if (has("entropy") || has("bimix")) {
      entropy_file = entropy_mixture(config_.entropy_measure);
      mixtures_.emplace_back("entropy (" + config_.entropy_measure + ")",
                             read_mixture_file(*entropy_file).weights_for(domain_names_));
    }
    if (has("entropy")) train_all("entropy", fixed_mixture(*entropy_file), all_domains_);
    if (has("bimix")) {
      const fs::path file = bimix_mixture(runs, *entropy_file);
      mixtures_.emplace_back("bimix", read_mixture_file(file).weights_for(domain_names_));
      train_all("bimix", fixed_mixture(file), all_domains_);
    }
    for (const char* policy : {"odm", "ado"}) {
      if (has(policy)) train_all(policy, recipe_mixing(policy), all_domains_);
    }
    if (has("velocitune"))
      train_all("velocitune", velocitune_mixing(runs.at("natural").front()), all_domains_);
    if (!config_.continual_base.empty())
      continual_ = continue_from_base(runs.at("natural").front());
    if (has("density")) train_all("density", recipe_mixing("density"), density_domains(first_seed));
    if (has("perplexity")) {
      train_all("perplexity", recipe_mixing("perplexity"),
                perplexity_domains(runs.at("natural").front()));
    }
    report(runs);
  }

 private:
  bool has(const char* recipe) const {
    return std::find(config_.recipes.begin(), config_.recipes.end(), recipe) !=
           config_.recipes.end();
  }

  // The recipe's own settings (study/recipes.h), scaled to the study's run length.
  Mixing recipe_mixing(const char* name) const { return {recipe(name).settings(length_), {}}; }

  // Estimated steps of all training, for the ETA (proxy runs count their proxy steps).
  void plan_steps() {
    size_t full_recipes = config_.recipes.size();
    total_steps_ = (full_recipes * scale_.seeds.size() + config_.oracle_samples) * scale_.steps;
    if (has("bimix")) {
      // Without the entropy recipe, its mixture is one more proxy (bimix_mixture).
      const size_t proxies = proxy_measures().size() + (has("entropy") ? 0 : 1);
      total_steps_ += proxies * proxy_steps_;
    }
    // The continual arm: a base run and two continued runs per seed.
    if (!config_.continual_base.empty()) total_steps_ += 3 * scale_.seeds.size() * scale_.steps;
  }

  std::vector<std::string> proxy_measures() const {
    std::vector<std::string> measures;
    for (const auto& m : config_.bimix_proxy_measures) {
      if (m != config_.entropy_measure) measures.push_back(m);
    }
    return measures;
  }

  void progress(const std::string& what) {
    double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    std::string eta = "unknown until a run has trained";
    if (done_steps_ >= total_steps_) {
      eta = human_duration(0);
    } else if (trained_steps_ > 0) {
      double per_step = trained_seconds_ / static_cast<double>(trained_steps_);
      eta = human_duration(per_step * static_cast<double>(total_steps_ - done_steps_));
    }
    fmt::print(stderr, "study: {} [{}/{} steps, {} elapsed, ETA {}]\n", what, done_steps_,
               total_steps_, human_duration(elapsed), eta);
  }

  // The overrides of the shared training config every run gets: its name, seed, data, length
  // and the scale's settings (a recipe adds its own).
  std::vector<std::string> run_sets(const std::string& name, int64_t seed,
                                    const fs::path& domains) const {
    std::vector<std::string> sets = {fmt::format("run={}", name), fmt::format("seed={}", seed),
                                     fmt::format("data.paths=[\"{}\"]", domains.string()),
                                     fmt::format("train.steps={}", scale_.steps),
                                     fmt::format("train.eval_every={}", scale_.eval_every)};
    for (const auto& [key, value] : scale_.set) sets.push_back(fmt::format("{}={}", key, value));
    return sets;
  }

  // Trains (or finds, or resumes) one run and returns its folder: `stop_step` > 0 stops it early
  // (a proxy), `init_from` continues a base run.
  fs::path train(const std::string& recipe, int64_t seed, const Mixing& mixing,
                 const fs::path& domains, uint64_t stop_step = 0, const fs::path& init_from = {}) {
    if (stop_requested()) fail("interrupted; run the same command again to resume");
    RunSpec spec;
    spec.name = seed == scale_.seeds.front() ? recipe : fmt::format("{}.seed{}", recipe, seed);
    spec.train_config_text = train_text_;
    spec.stop_step = stop_step;
    spec.init_from = init_from;
    spec.sets = run_sets(spec.name, seed, domains);
    spec.sets.insert(spec.sets.end(), mixing.sets.begin(), mixing.sets.end());
    spec.inputs = mixing.files;
    fs::path folder = out_ / "runs" / spec.folder_name();
    const uint64_t steps = stop_step > 0 ? stop_step : scale_.steps;
    const RunState state = run_state(folder);
    if (state == RunState::finished) {
      done_steps_ += steps;
      ++runs_reused_;
      progress(fmt::format("{}: finished earlier ({})", spec.name, folder.string()));
      return folder;
    }
    TrainCommand command{
        config_.train, folder, stop_step, init_from, state == RunState::interrupted, spec.sets};
    if (state == RunState::fresh && fs::exists(folder)) {
      fs::remove_all(folder);  // nothing checkpointed: start again
    }
    fs::create_directories(folder);
    progress(fmt::format("{}: {} {} steps (log {})", spec.name,
                         command.resume ? "resuming" : "training", steps,
                         (folder / kTrainLogFile).string()));
    auto begin = Clock::now();
    if (int status = run_child(command.argv(), folder / kTrainLogFile); status != 0) {
      if (stop_requested() || status == 130) {
        fail("interrupted during {} (checkpointed in {}); run the same command again to resume",
             spec.name, folder.string());
      }
      fail("training {} failed with status {}; see {}", spec.name, status,
           (folder / kTrainLogFile).string());
    }
    mark_finished(folder, spec);
    trained_seconds_ += std::chrono::duration<double>(Clock::now() - begin).count();
    trained_steps_ += steps;
    done_steps_ += steps;
    ++runs_trained_;
    return folder;
  }

  // The oracle's k-th candidate as a mixture file (each invocation writes the same bytes: the draw
  // is seeded).
  fs::path oracle_mixture_file(size_t k) {
    fs::path path = out_ / "oracle" / fmt::format("mixture.{}.json", k + 1);
    fs::create_directories(path.parent_path());
    MixtureFile file;
    file.method = "dirichlet";
    file.mixture.domains = domain_names_;
    file.mixture.weights = oracle_mixtures_[k];
    file.provenance = {{"seed", scale_.seeds.front()}, {"candidate", k + 1}};
    write_mixture_file(path, file);
    return path;
  }

  // The entropy mixture of `measure` (`cuvee mix entropy`), computed once; its file.
  fs::path entropy_mixture(const std::string& measure) {
    fs::path out =
        out_ / "prep" / fmt::format("entropy.{}.{}.json", measure, config_.entropy_estimator);
    if (!fs::exists(out)) {
      progress(fmt::format("counting {} entropy of the domains", measure));
      EntropyMixtureCommand command{all_domains_, measure, config_.entropy_estimator,
                                    static_cast<uint64_t>(shared_config_.model.context), out};
      run_child_checked(command.argv(), out_ / "prep" / "prep.log");
    }
    return out;
  }

  // Proxy runs (natural, uniform, the entropy recipe's mixture, and the other entropy measures'
  // mixtures, trained for the proxy window), a BiMix fit of their evaluations up to the window,
  // and the mixture it predicts best at the full length: its file.
  fs::path bimix_mixture(std::map<std::string, std::vector<fs::path>>& runs,
                         const fs::path& entropy_file) {
    const BimixFolder bimix{out_ / "bimix"};
    fs::create_directories(bimix.dir);
    std::vector<fs::path> tables;
    for (const char* recipe : {"natural", "uniform", "entropy"}) {
      if (runs.contains(recipe)) tables.push_back(runs[recipe].front() / kObservationsFile);
    }
    if (!runs.contains("entropy")) {
      auto folder = train("proxy." + config_.entropy_measure, scale_.seeds.front(),
                          fixed_mixture(entropy_file), all_domains_, proxy_steps_);
      tables.push_back(folder / kObservationsFile);
    }
    for (const auto& measure : proxy_measures()) {
      auto folder = train("proxy." + measure, scale_.seeds.front(),
                          fixed_mixture(entropy_mixture(measure)), all_domains_, proxy_steps_);
      tables.push_back(folder / kObservationsFile);
    }
    proxy_tables_ = tables;
    const double window = static_cast<double>(proxy_steps_);
    write_rows(tables, bimix.proxies(),
               [&](const std::string&, double step) { return step > 0 && step <= window; });
    write_rows(tables, bimix.extrapolation_data(),
               [&](const std::string&, double step) { return step > 0 && step < window; });
    write_rows(tables, bimix.extrapolation_held_out(),
               [&](const std::string&, double step) { return step == window; });
    progress("fitting BiMix to the proxy runs");
    run_child_checked(
        LawFitCommand{"bimix", bimix.extrapolation_data(), bimix.extrapolation_fit()}.argv(),
        bimix.log());
    run_child_checked(LawFitCommand{"bimix", bimix.proxies(), bimix.fit()}.argv(), bimix.log());
    // A domain whose fitted loss does not fall with its share (α = 0) would get nothing, where
    // BiMix is undefined: every domain keeps at least kBimixFloor.
    LawOptimizeCommand optimize{bimix.fit(), scale_.steps, {}, bimix.mixture()};
    for (const auto& domain : domain_names_) optimize.floors[domain] = kBimixFloor;
    run_child_checked(optimize.argv(), bimix.log());
    return bimix.mixture();
  }

  // Velocitune's mixing: its schedule, and as targets the natural run's evaluations up to the
  // proxy window fitted with the step law, which the policy extrapolates to the full length.
  Mixing velocitune_mixing(const fs::path& natural_run) {
    const fs::path dir = out_ / "velocitune";
    const fs::path proxy = dir / "proxy.csv", fit_file = dir / "step_fit.json";
    if (velocitune_targets_.empty()) {
      fs::create_directories(dir);
      const double window = static_cast<double>(proxy_steps_);
      write_rows({natural_run / kObservationsFile}, proxy,
                 [&](const std::string&, double step) { return step > 0 && step <= window; });
      run_child_checked(LawFitCommand{"step", proxy, fit_file}.argv(), dir / "law.log");
      // The summary's copy of the targets, computed as the policy computes them from the fit.
      PolicyParams params({{"targets_fit", fit_file.string()}, {"target_steps", scale_.steps}},
                          "velocitune");
      const std::vector<double> targets = velocitune_targets(params, domain_names_);
      for (size_t d = 0; d < domain_names_.size(); ++d) {
        velocitune_targets_[domain_names_[d]] = targets[d];
      }
    }
    Mixing mixing = recipe_mixing("velocitune");
    mixing.sets.push_back("mixing.targets_fit=" + fit_file.string());
    mixing.sets.push_back(fmt::format("mixing.target_steps={}", scale_.steps));
    mixing.files.push_back(fit_file);
    return mixing;
  }

  // The continual-pretraining arm (study/continual.h): per seed, a natural run on the base
  // domains alone, then natural and Velocitune continued from it on every domain, with
  // Velocitune's targets of the from-scratch recipe. Returns the arm's summary.
  ContinualArm continue_from_base(const fs::path& natural_run) {
    // The base domains as a folder of domains: links to the data's own folders.
    const fs::path base_dir = out_ / "continual" / "base-domains";
    fs::create_directories(base_dir);
    for (const auto& domain : domains_) {
      const bool base = std::find(config_.continual_base.begin(), config_.continual_base.end(),
                                  domain.name) != config_.continual_base.end();
      const fs::path link = base_dir / domain.name;
      if (base && !fs::exists(link))
        fs::create_directory_symlink(fs::absolute(domain.folder), link);
    }
    const Mixing natural = recipe_mixing("natural");
    const Mixing velocitune = velocitune_mixing(natural_run);
    std::map<std::string, std::vector<RunCurves>> continued;
    for (int64_t seed : scale_.seeds) {
      const fs::path base = train("continual.base", seed, natural, base_dir);
      continued["natural"].push_back(
          read_run_metrics(train("continual.natural", seed, natural, all_domains_, 0, base)));
      continued["velocitune"].push_back(
          read_run_metrics(train("continual.velocitune", seed, velocitune, all_domains_, 0, base)));
    }
    return summarise_continual(config_.continual_base, scoring_->targets(), continued);
  }

  // Density selection at `selection_keep` over train documents (TF-IDF embeddings, RACE,
  // inverse propensity).
  fs::path density_domains(int64_t seed) {
    return selected_domains(
        "density", "density selection", [&](const fs::path& dir, const fs::path& log) {
          run_child_checked(TfidfEmbedCommand{all_domains_, dir / "tfidf.npy"}.argv(), log);
          run_child_checked(DensitySelectCommand{dir / "tfidf.npy", config_.selection_keep, seed,
                                                 dir / "keep.txt"}
                                .argv(),
                            log);
        });
  }

  // Perplexity selection at `selection_keep`: documents scored under the natural run's final
  // model (their first context of tokens), the `perplexity_band` of each domain's ranking kept.
  fs::path perplexity_domains(const fs::path& reference_run) {
    return selected_domains(
        "perplexity", fmt::format("perplexity selection ({} band)", config_.perplexity_band),
        [&](const fs::path& dir, const fs::path& log) {
          // Each document's first context of tokens, one forward pass each: whole documents
          // would cost about as much again as the training runs.
          run_child_checked(
              PerplexityScoreCommand{reference_run, all_domains_,
                                     static_cast<uint64_t>(shared_config_.model.context),
                                     dir / "scores.tsv"}
                  .argv(),
              log);
          // The band starts at this quantile of each domain's ranking (ascending perplexity): a
          // band over all documents at once would empty the domains whose text is easiest
          // (arithmetic) or hardest.
          double start = config_.perplexity_band == "low"   ? 0.0
                         : config_.perplexity_band == "mid" ? (1 - config_.selection_keep) / 2
                                                            : 1 - config_.selection_keep;
          run_child_checked(BandSelectCommand{dir / "scores.tsv", config_.selection_keep, start,
                                              all_domains_, dir / "keep.txt"}
                                .argv(),
                            log);
        });
  }

  // A selection arm's domains, in selection/NAME-KEEP: `choose` writes keep.txt (document
  // numbers of docs/selection.md) in its work folder selection/NAME, with progress in log; every
  // held-out document is added to it so that evaluation is the same as the other recipes', and the
  // kept documents become new domains. Done once: a COMPLETE marker skips it on later runs.
  fs::path selected_domains(const std::string& name, const std::string& what,
                            const std::function<void(const fs::path&, const fs::path&)>& choose) {
    fs::path dir = out_ / "selection" / name;
    fs::path filtered =
        out_ / "selection" / fmt::format("{}-{}", name, format_number(config_.selection_keep));
    if (fs::exists(dir / "COMPLETE")) return filtered;
    fs::create_directories(dir);
    progress(
        fmt::format("{}: keeping {:.0f}% of the documents", what, 100 * config_.selection_keep));
    fs::path log = dir / "selection.log";
    choose(dir, log);
    auto chosen = read_keep_list(dir / "keep.txt");
    std::set<uint64_t> keep(chosen.begin(), chosen.end());
    uint64_t first = 0;
    for (const auto& domain : domains_) {
      for (uint64_t i = 0; i < domain.heldout_documents; ++i) {
        keep.insert(first + domain.train_documents + i);
      }
      first += domain.train_documents + domain.heldout_documents;
    }
    write_keep_list(dir / "keep_with_heldout.txt", {keep.begin(), keep.end()});
    fs::remove_all(filtered);
    run_child_checked(FilterCommand{dir / "keep_with_heldout.txt", all_domains_, filtered}.argv(),
                      log);
    write_file_atomic(dir / "COMPLETE", "");
    return filtered;
  }

  // The oracle over its search's runs and the natural and uniform runs (first seed), with the
  // paired seed noise of natural against uniform when there are seeds to measure it.
  std::optional<Oracle> choose_oracle_of(const std::map<std::string, std::vector<fs::path>>& runs,
                                         const ReportData& data) {
    if (oracle_runs_.empty()) return std::nullopt;
    std::vector<OracleCandidate> candidates;
    std::optional<double> noise;
    const RecipeSummary *natural = nullptr, *uniform = nullptr;
    for (const auto& recipe : data.recipes) {
      if (recipe.name == "natural") natural = &recipe;
      if (recipe.name == "uniform") uniform = &recipe;
    }
    if (natural == nullptr || uniform == nullptr) fail("the oracle needs natural and uniform runs");
    auto first_weights = [](const fs::path& run) {
      return read_run_metrics(run, 2).weights.front().weights;
    };
    candidates.push_back(
        {"natural", first_weights(runs.at("natural").front()), natural->balanced_per_seed.front()});
    candidates.push_back(
        {"uniform", first_weights(runs.at("uniform").front()), uniform->balanced_per_seed.front()});
    for (size_t k = 0; k < oracle_runs_.size(); ++k) {
      auto curves = read_run_metrics(oracle_runs_[k]);
      candidates.push_back({fmt::format("oracle.{}", k + 1), oracle_mixtures_[k],
                            scoring_->balanced(curves.evals.back().test)});
    }
    if (natural->balanced_per_seed.size() > 1) {
      noise = natural->versus.at("uniform").balanced.sd;
    }
    return choose_oracle(std::move(candidates), noise);
  }

  // Training tokens per step, the same for every run (batch × context).
  double tokens_per_step() const {
    return static_cast<double>(shared_config_.batch_size) *
           static_cast<double>(shared_config_.model.context);
  }

  // The metrics of a recipe's runs, one per seed.
  static std::vector<RunCurves> read_curves(const std::vector<fs::path>& folders) {
    std::vector<RunCurves> curves;
    curves.reserve(folders.size());
    for (const auto& folder : folders) curves.push_back(read_run_metrics(folder));
    return curves;
  }

  // The headroom check, before any method runs: the oracle's search against natural and uniform,
  // and the paired seed noise (study/oracle.h). The summary and the page repeat it at the end.
  void check_headroom(const std::map<std::string, std::vector<fs::path>>& runs) {
    ReportData baselines;
    for (const char* recipe : {"natural", "uniform"}) {
      baselines.recipes.push_back(
          summarise_recipe(recipe, read_curves(runs.at(recipe)), *scoring_));
    }
    compare_with_baselines(baselines.recipes, {"natural", "uniform"}, tokens_per_step());
    const Oracle oracle = *choose_oracle_of(runs, baselines);
    const std::string verdict =
        !oracle.can_rank ? "not judged with one seed"
        : *oracle.can_rank
            ? fmt::format("at least 3 times the seed noise {:.4f}: methods can be ranked",
                          *oracle.seed_noise)
            : fmt::format("under 3 times the seed noise {:.4f}: this scenario cannot rank methods",
                          *oracle.seed_noise);
    progress(
        fmt::format("headroom: the oracle's best is {:.4f} below natural, {:.4f} below "
                    "uniform; {}",
                    oracle.gain_over_natural, oracle.gain_over_uniform, verdict));
  }

  // Where the numbers came from, and this invocation's machine and time (study/provenance.h).
  Provenance provenance() const {
    return {std::string(version()),
            std::string(commit()),
            version_line(),
            hex64(hash64(read_file(config_.source) + train_text_)),
            shared_config_.model.describe(),
            shared_config_.model.parameters()};
  }
  Invocation invocation() const {
    return {cpu_model_name(),
            static_cast<unsigned>(available_cores()),
            std::chrono::duration<double>(Clock::now() - start_).count(),
            runs_trained_,
            runs_reused_,
            trained_seconds_};
  }

  void report(const std::map<std::string, std::vector<fs::path>>& runs) {
    ReportData data;
    data.scale = scale_name_;
    data.config = config_.source.string();
    data.steps = scale_.steps;
    data.seeds = scale_.seeds;
    data.domains = domain_names_;
    for (const auto& recipe : recipe_names()) {
      if (!runs.contains(recipe)) continue;
      const std::vector<RunCurves> curves = read_curves(runs.at(recipe));
      if (study::recipe(recipe).kind == RecipeKind::online_policy) {
        data.trajectories[recipe] = curves.front();
      }
      data.recipes.push_back(summarise_recipe(recipe, curves, *scoring_));
    }
    compare_with_baselines(data.recipes, {"natural", "uniform"}, tokens_per_step());
    data.targets = scoring_->targets();
    data.natural_weights = scoring_->natural_weights();
    data.mixtures.emplace_back(
        "uniform", std::vector<double>(domain_names_.size(), 1.0 / domain_names_.size()));
    if (runs.contains("natural")) {
      auto curves = read_run_metrics(runs.at("natural").front(), 2);
      data.mixtures.emplace_back("natural", curves.weights.front().weights);
    }
    data.mixtures.insert(data.mixtures.end(), mixtures_.begin(), mixtures_.end());
    if (runs.contains("bimix")) {
      std::vector<fs::path> bimix_tables;
      for (const auto& folder : runs.at("bimix"))
        bimix_tables.push_back(folder / kObservationsFile);
      data.bimix =
          bimix_quality(BimixFolder{out_ / "bimix"}, proxy_tables_, bimix_tables, proxy_steps_);
      data.proxy_steps = proxy_steps_;
    }
    data.velocitune_targets = velocitune_targets_;
    data.oracle = choose_oracle_of(runs, data);
    data.continual = continual_;
    data.tokens_per_step = tokens_per_step();
    data.provenance = provenance();
    data.invocation = invocation();
    write_summary_file(out_ / "summary.json", data);
    write_invocation_file(out_ / "invocation.json", data.invocation);
    write_file_atomic(out_ / "report.html", render_report(data));
    progress(fmt::format("done: {} and {}", (out_ / "summary.json").string(),
                         (out_ / "report.html").string()));
  }

  const StudyConfig& config_;
  const ScaleConfig& scale_;
  std::string scale_name_;
  fs::path out_;
  RunLength length_;      // what the online policies' schedules scale with
  fs::path all_domains_;  // the data's domains folder
  std::vector<StudyDomain> domains_;
  std::vector<std::string> domain_names_;
  std::optional<Scoring> scoring_;  // set in the constructor, once the domains are known
  std::string train_text_;
  TrainConfig shared_config_;
  uint64_t proxy_steps_ = 0;
  std::vector<std::pair<std::string, std::vector<double>>> mixtures_;
  std::vector<fs::path> proxy_tables_;
  std::vector<std::vector<double>> oracle_mixtures_;  // the oracle's search, and its runs
  std::vector<fs::path> oracle_runs_;
  std::map<std::string, double> velocitune_targets_;  // velocitune_mixing(), once fitted
  std::optional<ContinualArm> continual_;             // when the config asks for the arm
  Clock::time_point start_ = Clock::now();
  uint64_t total_steps_ = 0, done_steps_ = 0, trained_steps_ = 0;
  uint64_t runs_trained_ = 0, runs_reused_ = 0;
  double trained_seconds_ = 0;
};

}  // namespace

void run_study(const StudyConfig& config, const StudyOptions& options) {
  Study(config, options).run();
}

}  // namespace cuvee::study
