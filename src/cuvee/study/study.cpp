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
#include "cuvee/core/json_file.h"
#include "cuvee/core/mixture_file.h"
#include "cuvee/core/nearest_name.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/version.h"
#include "cuvee/corpus/domain.h"
#include "cuvee/laws/law_fit.h"
#include "cuvee/laws/metrics.h"
#include "cuvee/laws/observations.h"
#include "cuvee/run/config.h"
#include "cuvee/run/metrics.h"
#include "cuvee/run/run_folder.h"
#include "cuvee/selection/keep_list.h"
#include "cuvee/study/child_process.h"
#include "cuvee/study/continual.h"
#include "cuvee/study/oracle.h"
#include "cuvee/study/report.h"
#include "cuvee/study/run_key.h"
#include "cuvee/study/schedules.h"
#include "cuvee/study/scoring.h"
#include "cuvee/study/summary.h"

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
                         manifest.train.tokens});
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

std::string weights_setting(const std::vector<std::string>& domains,
                            const std::vector<double>& weights) {
  std::vector<std::string> parts;
  for (size_t d = 0; d < domains.size(); ++d) {
    parts.push_back(fmt::format("{}={}", domains[d], format_number(weights[d])));
  }
  return fmt::format("mixing.weights={}", fmt::join(parts, ","));
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
        out_(options.out) {
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
    shared_config_ = parse_train_config(
        train_text_, config.train,
        run_sets("uniform", scale_.seeds.front(), (config.data / "domains").string()));
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
    auto has = [&](const char* recipe) {
      return std::find(config_.recipes.begin(), config_.recipes.end(), recipe) !=
             config_.recipes.end();
    };
    const int64_t first_seed = scale_.seeds.front();
    std::map<std::string, std::vector<fs::path>> runs;  // recipe → run folder per seed
    auto train_all = [&](const std::string& recipe, const std::vector<std::string>& sets,
                         const std::string& domains_path) {
      for (int64_t seed : scale_.seeds) {
        runs[recipe].push_back(train(recipe, seed, sets, domains_path, 0));
      }
    };
    std::string domains_path = (config_.data / "domains").string();
    if (has("natural")) train_all("natural", {"mixing.policy=natural"}, domains_path);
    train_all("uniform", {"mixing.policy=uniform"}, domains_path);
    // The oracle's search, first seed only: every candidate at the recipes' own budget.
    oracle_mixtures_ = dirichlet_mixtures(config_.oracle_samples, domain_names_.size(),
                                          static_cast<uint64_t>(first_seed));
    for (size_t k = 0; k < oracle_mixtures_.size(); ++k) {
      oracle_runs_.push_back(
          train(fmt::format("oracle.{}", k + 1), first_seed,
                {"mixing.policy=fixed", weights_setting(domain_names_, oracle_mixtures_[k])},
                domains_path, 0));
    }
    if (!oracle_runs_.empty() && has("natural")) check_headroom(runs);
    if (has("entropy") || has("bimix")) {
      mixtures_.emplace_back("entropy (" + config_.entropy_measure + ")",
                             entropy_mixture(config_.entropy_measure));
    }
    if (has("entropy")) {
      train_all("entropy",
                {"mixing.policy=fixed", weights_setting(domain_names_, mixtures_.back().second)},
                domains_path);
    }
    if (has("bimix")) {
      auto weights = bimix_mixture(runs);
      mixtures_.emplace_back("bimix", weights);
      train_all("bimix", {"mixing.policy=fixed", weights_setting(domain_names_, weights)},
                domains_path);
    }
    for (const char* policy : {"odm", "ado"}) {
      if (has(policy))
        train_all(policy,
                  policy_settings(policy, scale_.steps, scale_.eval_every,
                                  config_.odm_epsilon_reference_steps),
                  domains_path);
    }
    if (has("velocitune")) {
      auto sets = policy_settings("velocitune", scale_.steps, scale_.eval_every);
      sets.push_back(velocitune_targets(runs.at("natural").front()));
      train_all("velocitune", sets, domains_path);
    }
    if (!config_.continual_base.empty())
      continual_ = continue_from_base(runs.at("natural").front());
    if (has("density")) {
      train_all("density", {"mixing.policy=natural"}, density_domains(first_seed).string());
    }
    if (has("perplexity")) {
      train_all("perplexity", {"mixing.policy=natural"},
                perplexity_domains(runs.at("natural").front()).string());
    }
    report(runs);
  }

 private:
  // Estimated steps of all training, for the ETA (proxy runs count their proxy steps).
  void plan_steps() {
    size_t full_recipes = config_.recipes.size();
    total_steps_ = (full_recipes * scale_.seeds.size() + config_.oracle_samples) * scale_.steps;
    const auto has = [&](const char* recipe) {
      return std::find(config_.recipes.begin(), config_.recipes.end(), recipe) !=
             config_.recipes.end();
    };
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
                                    const std::string& domains_path) const {
    std::vector<std::string> sets = {fmt::format("run={}", name), fmt::format("seed={}", seed),
                                     fmt::format("data.paths=[\"{}\"]", domains_path),
                                     fmt::format("train.steps={}", scale_.steps),
                                     fmt::format("train.eval_every={}", scale_.eval_every)};
    for (const auto& [key, value] : scale_.set) sets.push_back(fmt::format("{}={}", key, value));
    return sets;
  }

  // Trains (or finds, or resumes) one run and returns its folder.
  fs::path train(const std::string& recipe, int64_t seed,
                 const std::vector<std::string>& recipe_sets, const std::string& domains_path,
                 uint64_t stop_step, const fs::path& init_from = {}) {
    if (stop_requested()) fail("interrupted; run the same command again to resume");
    RunSpec spec;
    spec.name = seed == scale_.seeds.front() ? recipe : fmt::format("{}.seed{}", recipe, seed);
    spec.train_config_text = train_text_;
    spec.stop_step = stop_step;
    spec.init_from = init_from;
    spec.sets = run_sets(spec.name, seed, domains_path);
    spec.sets.insert(spec.sets.end(), recipe_sets.begin(), recipe_sets.end());
    fs::path folder = out_ / "runs" / spec.folder_name();
    uint64_t steps = stop_step > 0 ? stop_step : scale_.steps;
    RunState state = run_state(folder);
    if (state == RunState::finished) {
      if (!std::filesystem::exists(folder / kFinishedMarker)) mark_finished(folder, spec);
      done_steps_ += steps;
      progress(fmt::format("{}: finished earlier ({})", spec.name, folder.string()));
      return folder;
    }
    std::vector<std::string> command = {cuvee_program().string(), "--quiet", "train",
                                        config_.train.string(),   "--out",   folder.string()};
    if (stop_step > 0) command.insert(command.end(), {"--steps", std::to_string(stop_step)});
    if (!init_from.empty()) command.insert(command.end(), {"--init-from", init_from.string()});
    if (state == RunState::interrupted) {
      command.push_back("--resume");
    } else if (fs::exists(folder)) {
      fs::remove_all(folder);  // nothing checkpointed: start again
    }
    for (const auto& set : spec.sets) command.insert(command.end(), {"--set", set});
    fs::create_directories(folder);
    progress(fmt::format("{}: {} {} steps (log {})", spec.name,
                         state == RunState::interrupted ? "resuming" : "training", steps,
                         (folder / kTrainLogFile).string()));
    auto begin = Clock::now();
    if (int status = run_child(command, folder / kTrainLogFile); status != 0) {
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
    return folder;
  }

  std::vector<double> entropy_mixture(const std::string& measure) {
    fs::path out =
        out_ / "prep" / fmt::format("entropy.{}.{}.json", measure, config_.entropy_estimator);
    if (!fs::exists(out)) {
      progress(fmt::format("counting {} entropy of the domains", measure));
      run_child_checked({cuvee_program().string(), "--quiet", "mix", "entropy", "--data",
                         (config_.data / "domains").string(), "--measure", measure, "--estimator",
                         config_.entropy_estimator, "--context-length",
                         std::to_string(shared_config_.model.context), "--out", out.string()},
                        out_ / "prep" / "prep.log");
    }
    return read_mixture_file(out).weights_for(domain_names_);
  }

  void law_command(const std::vector<std::string>& arguments) {
    std::vector<std::string> command = {cuvee_program().string(), "--quiet", "law"};
    command.insert(command.end(), arguments.begin(), arguments.end());
    run_child_checked(command, out_ / "bimix" / "law.log");
  }

  // Proxy runs (natural, uniform, the entropy recipe's mixture, and the other entropy measures'
  // mixtures, trained for the proxy window), a BiMix fit of their evaluations up to the window,
  // and the mixture it predicts best at the full length.
  std::vector<double> bimix_mixture(std::map<std::string, std::vector<fs::path>>& runs) {
    fs::create_directories(out_ / "bimix");
    std::vector<fs::path> tables;
    for (const char* recipe : {"natural", "uniform", "entropy"}) {
      if (runs.contains(recipe)) tables.push_back(runs[recipe].front() / kObservationsFile);
    }
    if (!runs.contains("entropy")) {
      auto folder =
          train("proxy." + config_.entropy_measure, scale_.seeds.front(),
                {"mixing.policy=fixed", weights_setting(domain_names_, mixtures_.back().second)},
                (config_.data / "domains").string(), proxy_steps_);
      tables.push_back(folder / kObservationsFile);
    }
    for (const auto& measure : proxy_measures()) {
      auto weights = entropy_mixture(measure);
      auto folder = train("proxy." + measure, scale_.seeds.front(),
                          {"mixing.policy=fixed", weights_setting(domain_names_, weights)},
                          (config_.data / "domains").string(), proxy_steps_);
      tables.push_back(folder / kObservationsFile);
    }
    proxy_tables_ = tables;
    const double window = static_cast<double>(proxy_steps_);
    fs::path dir = out_ / "bimix";
    write_rows(tables, dir / "proxies.csv",
               [&](const std::string&, double step) { return step > 0 && step <= window; });
    // The paper's extrapolation protocol: fit without each proxy's last evaluation.
    write_rows(tables, dir / "extrapolation_fit.csv",
               [&](const std::string&, double step) { return step > 0 && step < window; });
    write_rows(tables, dir / "extrapolation_held_out.csv",
               [&](const std::string&, double step) { return step == window; });
    progress("fitting BiMix to the proxy runs");
    law_command({"fit", "--law", "bimix", "--data", (dir / "extrapolation_fit.csv").string(),
                 "--out", (dir / "extrapolation_fit.json").string()});
    law_command({"fit", "--law", "bimix", "--data", (dir / "proxies.csv").string(), "--out",
                 (dir / "fit.json").string()});
    // A domain whose fitted loss does not fall with its share (α = 0) would get nothing, where
    // BiMix is undefined: every domain keeps at least kBimixFloor.
    std::vector<std::string> floors;
    for (const auto& domain : domain_names_)
      floors.push_back(fmt::format("{}={}", domain, kBimixFloor));
    law_command({"optimize", "--fit", (dir / "fit.json").string(), "--step",
                 std::to_string(scale_.steps), "--floor", fmt::format("{}", fmt::join(floors, ",")),
                 "--out", (dir / "mixture.json").string()});
    return read_mixture_file(dir / "mixture.json").weights_for(domain_names_);
  }

  // The natural run's evaluations up to the proxy window, fitted with the step law and
  // extrapolated to the full length: Velocitune's target loss per domain.
  std::string velocitune_targets(const fs::path& natural_run) {
    if (!targets_setting_.empty()) return targets_setting_;
    fs::path dir = out_ / "velocitune";
    fs::create_directories(dir);
    const double window = static_cast<double>(proxy_steps_);
    write_rows({natural_run / kObservationsFile}, dir / "proxy.csv",
               [&](const std::string&, double step) { return step > 0 && step <= window; });
    run_child_checked({cuvee_program().string(), "--quiet", "law", "fit", "--law", "step", "--data",
                       (dir / "proxy.csv").string(), "--out", (dir / "step_fit.json").string()},
                      dir / "law.log");
    LawFit fit = read_law_fit(dir / "step_fit.json");
    ObservationTable proxy = read_observations(dir / "proxy.csv");
    std::vector<std::string> targets;
    for (size_t d = 0; d < fit.loss_domains.size(); ++d) {
      LawInput x;
      x.step = static_cast<double>(scale_.steps);
      x.proportions = proxy.proportion_row(0);
      auto target = fit.predict(d, x);
      if (!target || !std::isfinite(*target)) {
        fail("{}: no finite target for domain {}", (dir / "step_fit.json").string(),
             fit.loss_domains[d]);
      }
      targets_[fit.loss_domains[d]] = *target;
      targets.push_back(fmt::format("{}={}", fit.loss_domains[d], format_number(*target)));
    }
    targets_setting_ = fmt::format("mixing.targets={}", fmt::join(targets, ","));
    return targets_setting_;
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
    const std::string all_domains = (config_.data / "domains").string();
    auto velocitune = policy_settings("velocitune", scale_.steps, scale_.eval_every);
    velocitune.push_back(velocitune_targets(natural_run));
    std::map<std::string, std::vector<RunCurves>> continued;
    for (int64_t seed : scale_.seeds) {
      const fs::path base =
          train("continual.base", seed, {"mixing.policy=natural"}, base_dir.string(), 0);
      continued["natural"].push_back(read_run_metrics(
          train("continual.natural", seed, {"mixing.policy=natural"}, all_domains, 0, base)));
      continued["velocitune"].push_back(
          read_run_metrics(train("continual.velocitune", seed, velocitune, all_domains, 0, base)));
    }
    return summarise_continual(config_.continual_base, scoring_->targets(), continued);
  }

  // Density selection at `selection_keep` over train documents (TF-IDF embeddings, RACE,
  // inverse propensity).
  fs::path density_domains(int64_t seed) {
    return selected_domains(
        "density", "density selection", [&](const fs::path& dir, const fs::path& log) {
          std::string domains = (config_.data / "domains").string();
          run_child_checked({cuvee_program().string(), "--quiet", "embed", "tfidf", "--data",
                             domains, "--out", (dir / "tfidf.npy").string()},
                            log);
          run_child_checked(
              {cuvee_program().string(), "--quiet", "select", "density", "--embeddings",
               (dir / "tfidf.npy").string(), "--keep", format_number(config_.selection_keep),
               "--seed", std::to_string(seed), "--out", (dir / "keep.txt").string()},
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
              {cuvee_program().string(), "--quiet", "score", "perplexity", "--checkpoint",
               reference_run.string(), "--data", (config_.data / "domains").string(),
               "--max-tokens", std::to_string(shared_config_.model.context), "--out",
               (dir / "scores.tsv").string()},
              log);
          // The band starts at this quantile of each domain's ranking (ascending perplexity): a
          // band over all documents at once would empty the domains whose text is easiest
          // (arithmetic) or hardest.
          double start = config_.perplexity_band == "low"   ? 0.0
                         : config_.perplexity_band == "mid" ? (1 - config_.selection_keep) / 2
                                                            : 1 - config_.selection_keep;
          run_child_checked({cuvee_program().string(), "--quiet", "select", "--scores",
                             (dir / "scores.tsv").string(), "--method", "band", "--keep",
                             format_number(config_.selection_keep), "--band-start",
                             format_number(start), "--within", (config_.data / "domains").string(),
                             "--out", (dir / "keep.txt").string()},
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
    run_child_checked({cuvee_program().string(), "--quiet", "filter", "--keep",
                       (dir / "keep_with_heldout.txt").string(), "--data",
                       (config_.data / "domains").string(), "--out", filtered.string()},
                      log);
    write_file_atomic(dir / "COMPLETE", "");
    return filtered;
  }

  std::optional<BimixQuality> bimix_quality(
      const std::map<std::string, std::vector<fs::path>>& runs) {
    if (!runs.contains("bimix")) return std::nullopt;
    fs::path dir = out_ / "bimix";
    BimixQuality quality;
    {
      LawFit fit = read_law_fit(dir / "extrapolation_fit.json");
      ObservationTable held = read_observations(dir / "extrapolation_held_out.csv");
      auto predicted = predict_observations(fit, held);
      quality.extrapolation_rel_error =
          evaluate(held.loss_domains, held.losses, predicted).mean.mean_relative_error;
    }
    LawFit fit = read_law_fit(dir / "fit.json");
    const double window = static_cast<double>(proxy_steps_);
    std::vector<fs::path> tables = proxy_tables_;
    for (const auto& folder : runs.at("bimix")) tables.push_back(folder / kObservationsFile);
    std::vector<double> observed, predicted_all;
    std::vector<std::string> loss_domains;
    for (const auto& table_path : tables) {
      ObservationTable all = read_observations(table_path);
      bool is_bimix = all.rows() > 0 && all.runs[0].rfind("bimix", 0) == 0;
      std::vector<size_t> rows;
      for (size_t r = 0; r < all.rows(); ++r) {
        if (all.steps[r] > (is_bimix ? 0.0 : window)) rows.push_back(r);
      }
      if (rows.empty()) continue;
      ObservationTable table = all.select(rows);
      auto predicted = predict_observations(fit, table);
      loss_domains = table.loss_domains;
      std::vector<std::pair<double, double>> points;
      for (size_t i = 0; i < predicted.size(); ++i) {
        points.emplace_back(predicted[i], table.losses[i]);
      }
      quality.points.emplace_back(table.runs[0], std::move(points));
      observed.insert(observed.end(), table.losses.begin(), table.losses.end());
      predicted_all.insert(predicted_all.end(), predicted.begin(), predicted.end());
    }
    auto evaluation = evaluate(loss_domains, observed, predicted_all);
    quality.r2_log = evaluation.mean.r2_log;
    quality.future_rel_error = evaluation.mean.mean_relative_error;
    return quality;
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

  void report(const std::map<std::string, std::vector<fs::path>>& runs) {
    ReportData data;
    data.scale = scale_name_;
    data.config = config_.source.string();
    data.domains = domain_names_;
    for (const auto& recipe : recipe_names()) {
      if (!runs.contains(recipe)) continue;
      const std::vector<RunCurves> curves = read_curves(runs.at(recipe));
      if (recipe == "odm" || recipe == "ado" || recipe == "velocitune") {
        data.trajectories[recipe] = curves.front();
      }
      data.recipes.push_back(summarise_recipe(recipe, curves, *scoring_));
    }
    compare_with_baselines(data.recipes, {"natural", "uniform"}, tokens_per_step());
    data.targets = scoring_->targets();
    data.mixtures.emplace_back(
        "uniform", std::vector<double>(domain_names_.size(), 1.0 / domain_names_.size()));
    if (runs.contains("natural")) {
      auto curves = read_run_metrics(runs.at("natural").front(), 2);
      data.mixtures.emplace_back("natural", curves.weights.front().weights);
    }
    data.mixtures.insert(data.mixtures.end(), mixtures_.begin(), mixtures_.end());
    data.bimix = bimix_quality(runs);
    std::optional<Oracle> oracle = choose_oracle_of(runs, data);
    data.oracle = oracle;
    data.notes = notes_;
    data.continual = continual_;
    data.tokens_per_step = tokens_per_step();
    data.version = version_line();

    nlohmann::json summary;
    summary["cuvee"] = {{"version", version()}, {"commit", commit()}};
    summary["scale"] = scale_name_;
    summary["steps"] = scale_.steps;
    summary["seeds"] = scale_.seeds;
    summary["domains"] = domain_names_;
    summary["targets"] = scoring_->targets();
    summary["natural_weights"] = nlohmann::json::object();
    for (size_t t = 0; t < scoring_->targets().size(); ++t) {
      summary["natural_weights"][scoring_->targets()[t]] = scoring_->natural_weights()[t];
    }
    summary["recipes"] = nlohmann::json::array();
    const RecipeSummary* natural = nullptr;
    for (const auto& recipe : data.recipes) {
      if (recipe.name == "natural") natural = &recipe;
    }
    for (const auto& recipe : data.recipes) {
      nlohmann::json json = recipe_json(recipe);
      if (oracle && natural != nullptr) {
        auto share = oracle_share(*oracle, natural->balanced_per_seed.front(),
                                  recipe.balanced_per_seed.front());
        json["oracle_share"] = share ? nlohmann::json(*share) : nlohmann::json(nullptr);
      }
      summary["recipes"].push_back(std::move(json));
    }
    if (oracle) summary["oracle"] = oracle_json(*oracle, domain_names_);
    if (data.bimix) {
      summary["bimix"] = {{"extrapolation_rel_error", data.bimix->extrapolation_rel_error},
                          {"r2_log", data.bimix->r2_log},
                          {"later_steps_rel_error", data.bimix->future_rel_error},
                          {"proxy_steps", proxy_steps_}};
    }
    if (!targets_.empty()) summary["velocitune_targets"] = targets_;
    if (continual_) summary["continual"] = continual_json(*continual_);
    write_json(out_ / "summary.json", summary);
    write_file_atomic(out_ / "report.html", render_report(data));
    progress(fmt::format("done: {} and {}", (out_ / "summary.json").string(),
                         (out_ / "report.html").string()));
  }

  const StudyConfig& config_;
  const ScaleConfig& scale_;
  std::string scale_name_;
  fs::path out_;
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
  std::map<std::string, double> targets_;
  std::string targets_setting_;            // velocitune_targets(), once fitted
  std::optional<ContinualArm> continual_;  // when the config asks for the arm
  std::vector<std::string> notes_;
  Clock::time_point start_ = Clock::now();
  uint64_t total_steps_ = 0, done_steps_ = 0, trained_steps_ = 0;
  double trained_seconds_ = 0;
};

}  // namespace

void run_study(const StudyConfig& config, const StudyOptions& options) {
  Study(config, options).run();
}

}  // namespace cuvee::study
