#include "cuvee/study/report.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "cuvee/core/progress.h"
#include "cuvee/study/svg_chart.h"

namespace cuvee::study {
namespace {

const char* kStyle = R"(<style>
body{font-family:sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#222}
h1{font-size:24px;margin-bottom:4px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:12px;margin:8px 0}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}tr.best td{background:#e8f5e9;font-weight:bold}
.headline{font-size:16px;background:#f7f7fb;border-left:4px solid #1f77b4;padding:8px 12px}
.muted{color:#666;font-size:13px}.charts{display:flex;flex-wrap:wrap;gap:12px}
</style>
)";

std::string number(double value, int digits = 4) {
  return std::isfinite(value) ? fmt::format("{:.{}f}", value, digits) : "–";
}

// "better than natural (−0.0291, 95% CI −0.0395 … −0.0187)" and the like, for one baseline.
std::string verdict_text(const RecipeSummary& recipe, const std::string& baseline) {
  auto it = recipe.versus.find(baseline);
  if (it == recipe.versus.end()) return "";
  const auto& c = it->second.balanced;
  if (!c.ci95_low) return fmt::format("{:+.4f} against {} (one seed)", c.mean, baseline);
  std::string verdict = c.verdict == "indistinguishable" ? "indistinguishable from " + baseline
                                                         : c.verdict + " than " + baseline;
  return fmt::format("{} ({:+.4f}, 95% CI {:+.4f} … {:+.4f})", verdict, c.mean, *c.ci95_low,
                     *c.ci95_high);
}

std::string headline(const ReportData& data, const RecipeSummary& best) {
  std::string text = fmt::format("<p class=\"headline\">Lowest balanced score: <b>{}</b>, {}",
                                 escape_html(best.name), number(best.balanced));
  std::vector<std::string> verdicts;
  for (const char* baseline : {"natural", "uniform"}) {
    if (best.name != baseline && best.versus.contains(baseline)) {
      verdicts.push_back(escape_html(verdict_text(best, baseline)));
    }
  }
  if (!verdicts.empty()) text += ": " + fmt::format("{}", fmt::join(verdicts, "; "));
  if (best.balanced_per_seed.size() < 2) {
    text +=
        ". One seed per recipe: no difference here is tested against seed noise (use "
        "<code>--scale small</code>)";
  } else {
    text += fmt::format(". Paired over {} seeds (same initialisation and data order)",
                        best.balanced_per_seed.size());
  }
  return text + ".</p>\n";
}

// "mean [low, high]" of a paired comparison, or the mean alone with one seed.
std::string interval_text(const PairedComparison& c) {
  return c.ci95_low ? fmt::format("{:+.4f} [{:+.4f}, {:+.4f}]", c.mean, *c.ci95_low, *c.ci95_high)
                    : fmt::format("{:+.4f}", c.mean);
}

std::string paired_cell(const RecipeSummary& recipe, const std::string& baseline) {
  auto it = recipe.versus.find(baseline);
  if (it == recipe.versus.end() || recipe.name == baseline) return "<td>–</td><td>–</td>";
  const auto& c = it->second.balanced;
  return fmt::format("<td>{}</td><td>{}</td>", interval_text(c), escape_html(c.verdict));
}

std::string steps_cell(const RecipeSummary& recipe, const std::string& baseline) {
  auto it = recipe.versus.find(baseline);
  if (it == recipe.versus.end()) return "<td>–</td>";
  if (!it->second.steps_to_final) return "<td>never</td>";
  const double steps = *it->second.steps_to_final;
  return fmt::format("<td>{:.0f} ({:.0f}% saved; {:.2f}M tokens)</td>", steps,
                     100.0 * (1.0 - steps / static_cast<double>(recipe.final_step)),
                     *it->second.tokens_to_final / 1e6);
}

std::string results_table(const ReportData& data, const RecipeSummary& best) {
  std::string html = fmt::format(
      "<section id=\"results\"><h2>Results</h2>\n<p class=\"muted\">Scored on {}.</p>\n"
      "<table><tr><th>recipe</th><th>balanced score</th><th>± std (seeds)</th>"
      "<th>natural-weighted</th><th>vs natural: mean diff [95% CI]</th><th>verdict</th>"
      "<th>vs uniform: mean diff [95% CI]</th><th>verdict</th>"
      "<th>steps to natural's final</th><th>steps to uniform's final</th></tr>\n",
      escape_html(fmt::format("{}", fmt::join(data.targets, ", "))));
  for (const auto& recipe : data.recipes) {
    html += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}{}{}{}</tr>\n",
                        recipe.name == best.name ? " class=\"best\"" : "", escape_html(recipe.name),
                        number(recipe.balanced),
                        recipe.balanced_per_seed.size() > 1 ? number(recipe.balanced_std) : "–",
                        number(recipe.natural_weighted), paired_cell(recipe, "natural"),
                        paired_cell(recipe, "uniform"), steps_cell(recipe, "natural"),
                        steps_cell(recipe, "uniform"));
  }
  html +=
      "</table>\n<p class=\"muted\">Loss on the test split in nats per token at the last step. "
      "Balanced score: the mean over the target domains, then over seeds; natural-weighted: the "
      "targets weighted by the corpus's own token proportions. Against each baseline: the "
      "per-seed differences of the balanced score (recipe − baseline; negative is better), "
      "their mean and Student t 95% interval; the verdict is better or worse only where the "
      "interval excludes 0. Steps to a baseline's final score: where the recipe's seed-mean "
      "balanced score first reaches it, interpolated between evaluations.</p>\n";
  html += "<h3>Test loss per domain (lowest in bold)</h3>\n<table><tr><th>recipe</th>";
  const auto& domains = data.recipes.front().domains;
  for (const auto& domain : domains) html += "<th>" + escape_html(domain) + "</th>";
  html += "</tr>\n";
  std::vector<double> lowest(domains.size(), std::numeric_limits<double>::infinity());
  for (const auto& recipe : data.recipes) {
    for (size_t d = 0; d < domains.size(); ++d)
      lowest[d] = std::min(lowest[d], recipe.test_loss[d]);
  }
  for (const auto& recipe : data.recipes) {
    html += "<tr><td>" + escape_html(recipe.name) + "</td>";
    for (size_t d = 0; d < domains.size(); ++d) {
      bool is_lowest = recipe.test_loss[d] == lowest[d];
      html += fmt::format("<td>{}{}{}</td>", is_lowest ? "<b>" : "", number(recipe.test_loss[d], 3),
                          is_lowest ? "</b>" : "");
    }
    html += "</tr>\n";
  }
  html += "</table>\n";
  std::vector<Bar> bars;
  std::vector<const RecipeSummary*> sorted;
  for (const auto& recipe : data.recipes) sorted.push_back(&recipe);
  std::sort(sorted.begin(), sorted.end(),
            [](auto* a, auto* b) { return a->balanced < b->balanced; });
  for (const auto* recipe : sorted) {
    bars.push_back(
        {recipe->name, recipe->balanced, recipe->balanced_std, recipe->name == best.name});
  }
  Axes axes{"Final balanced score (lower is better)", "loss (nats/token)", "", 960,
            80 + 28 * static_cast<int>(bars.size())};
  return html + bar_chart(axes, bars) + "</section>\n";
}

std::string oracle_section(const ReportData& data) {
  std::string html = "<section id=\"oracle\"><h2>Oracle: the best static mixture found</h2>\n";
  if (!data.oracle) return html + "<p>The config asks for no oracle search.</p></section>\n";
  const auto& oracle = *data.oracle;
  const auto& best = oracle.candidates[oracle.best];
  html += fmt::format(
      "<p>{} mixtures drawn from the flat Dirichlet and the natural and uniform mixtures, each "
      "trained once (first seed) for the recipes' steps. Best: <b>{}</b>, balanced score {}: "
      "{:.4f} below natural and {:.4f} below uniform.</p>\n",
      oracle.candidates.size() - 2, escape_html(best.name), number(best.balanced),
      oracle.gain_over_natural, oracle.gain_over_uniform);
  if (!oracle.seed_noise) {
    html +=
        "<p><b>Headroom not judged:</b> with one seed there is no paired seed noise to compare "
        "the oracle's gain with, so the gaps below may be noise.</p>\n";
  } else {
    html += fmt::format(
        "<p><b>Headroom {}:</b> the paired seed noise (sd of natural − uniform over seeds) is "
        "{:.4f}; {}.</p>\n",
        *oracle.can_rank ? "enough" : "too small", *oracle.seed_noise,
        *oracle.can_rank ? "both gains are at least three times it"
                         : "a gain is under three times it, so this scenario cannot rank methods");
  }
  html += "<table><tr><th>candidate</th><th>balanced score</th>";
  for (const auto& domain : data.domains) html += "<th>" + escape_html(domain) + "</th>";
  html += "</tr>\n";
  for (size_t i = 0; i < oracle.candidates.size(); ++i) {
    const auto& c = oracle.candidates[i];
    html += fmt::format("<tr{}><td>{}</td><td>{}</td>", i == oracle.best ? " class=\"best\"" : "",
                        escape_html(c.name), number(c.balanced));
    for (double w : c.weights) html += "<td>" + number(w, 3) + "</td>";
    html += "</tr>\n";
  }
  return html + "</table>\n</section>\n";
}

std::string continual_section(const ReportData& data) {
  if (!data.continual) return "";
  const ContinualArm& arm = *data.continual;
  std::string html =
      "<section id=\"continual\"><h2>Continual pretraining: a base model continued on every "
      "domain</h2>\n";
  html += fmt::format(
      "<p>The base model trains on {} under natural proportions; each seed's base is then "
      "continued on every domain from its weights (a fresh optimizer and schedule), under "
      "natural and under Velocitune, whose initial losses are the base model's. New domains: "
      "{}. Scores are balanced test losses; lower is better.</p>\n",
      escape_html(fmt::format("{}", fmt::join(arm.base_domains, ", "))),
      escape_html(fmt::format("{}", fmt::join(arm.new_domains, ", "))));
  html += "<table><tr><th>model</th><th>new domains</th><th>base domains (retention)</th></tr>\n";
  html += fmt::format("<tr><td>base model</td><td>{}</td><td>{}</td></tr>\n",
                      number(arm.base.new_mean), number(arm.base.old_mean));
  for (const auto& [recipe, scores] : arm.recipes) {
    html += fmt::format("<tr><td>continued, {}</td><td>{}</td><td>{}</td></tr>\n",
                        escape_html(recipe), number(scores.new_mean), number(scores.old_mean));
  }
  html += "</table>\n";
  if (arm.velocitune_new) {
    auto line = [](const char* what, const PairedComparison& c) {
      return fmt::format("<li>{}: {} ({})</li>\n", what, interval_text(c), escape_html(c.verdict));
    };
    html += "<p>Velocitune − natural, paired by seed:</p>\n<ul>\n";
    html += line("new domains", *arm.velocitune_new);
    html += line("base domains (retention)", *arm.velocitune_old);
    html += "</ul>\n";
  }
  return html + "</section>\n";
}

// Millions of training tokens after `step` steps: the curves' x axis.
double million_tokens(const ReportData& data, uint64_t step) {
  return static_cast<double>(step) * data.tokens_per_step / 1e6;
}

std::string curves_section(const ReportData& data) {
  const char* x_label = "training tokens (millions)";
  std::vector<Series> series;
  bool seeds = false;
  for (size_t i = 0; i < data.recipes.size(); ++i) {
    Series s{data.recipes[i].name, palette(i), {}, data.recipes[i].name == "uniform", {}};
    for (const auto& point : data.recipes[i].balanced_curve) {
      if (point.step == 0) continue;  // the untrained model dwarfs every difference
      s.points.emplace_back(million_tokens(data, point.step), point.mean);
      s.band.emplace_back(point.low, point.high);
      seeds = seeds || point.low < point.high;
    }
    series.push_back(std::move(s));
  }
  if (!seeds) {
    for (auto& s : series) s.band.clear();  // one seed: nothing to shade
  }
  Axes axes{"Balanced test score during training (seed mean)", x_label, "loss (nats/token)", 960,
            420};
  // The first evaluations dwarf the differences that matter; a second chart shows the second
  // half of training.
  std::vector<Series> late = series;
  const double half = 0.5 * million_tokens(data, data.recipes.front().final_step);
  for (auto& s : late) {
    for (size_t i = s.points.size(); i-- > 0;) {
      if (s.points[i].first >= half) continue;
      s.points.erase(s.points.begin() + static_cast<std::ptrdiff_t>(i));
      if (!s.band.empty()) s.band.erase(s.band.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  Axes late_axes{"The second half of training, enlarged", x_label, "loss (nats/token)", 960, 420};
  std::string html = "<section id=\"curves\"><h2>Loss curves</h2>\n";
  html += seeds ? "<p class=\"muted\">Shaded: the range of the seeds around each mean.</p>\n"
                : "<p class=\"muted\">One seed: no band of seeds to shade.</p>\n";
  html += line_chart(axes, series) + line_chart(late_axes, late);
  // Small multiples: each domain's test loss under every recipe, second half of training.
  html += "<h3>Per domain (test loss, seed mean, second half of training)</h3>\n";
  html += "<div class=\"charts\">\n";
  const auto& domains = data.recipes.front().domains;
  for (size_t d = 0; d < domains.size(); ++d) {
    std::vector<Series> per_domain;
    for (size_t i = 0; i < data.recipes.size(); ++i) {
      const auto& recipe = data.recipes[i];
      Series s{recipe.name, palette(i), {}, recipe.name == "uniform", {}};
      for (size_t e = 0; e < recipe.balanced_curve.size(); ++e) {
        const double x = million_tokens(data, recipe.balanced_curve[e].step);
        if (x >= half) s.points.emplace_back(x, recipe.domain_curve[e][d]);
      }
      per_domain.push_back(std::move(s));
    }
    const bool target =
        std::find(data.targets.begin(), data.targets.end(), domains[d]) != data.targets.end();
    Axes small{domains[d] + (target ? "" : " (not scored)"), x_label, "loss", 310, 230};
    html += line_chart(small, per_domain);
  }
  return html + "</div>\n</section>\n";
}

std::string trajectories_section(const ReportData& data) {
  std::string html =
      "<section id=\"trajectories\"><h2>Proportions chosen by the online "
      "policies</h2>\n<div class=\"charts\">\n";
  if (data.trajectories.empty()) html += "<p>No online policy was run.</p>\n";
  for (const auto& [policy, run] : data.trajectories) {
    std::vector<double> x;
    for (const auto& point : run.weights) x.push_back(static_cast<double>(point.step));
    std::vector<Series> layers;
    for (size_t d = 0; d < run.domains.size(); ++d) {
      Series layer{run.domains[d], palette(d), {}, false, {}};
      for (const auto& point : run.weights) {
        layer.points.emplace_back(static_cast<double>(point.step), point.weights[d]);
      }
      layers.push_back(std::move(layer));
    }
    Axes axes{policy + ": proportion of each domain per step", "step", "proportion", 960, 340};
    html += stacked_area(axes, x, layers);
  }
  html += "</div>\n";
  if (!data.mixtures.empty()) {
    html += "<h3>Static mixtures</h3>\n<table><tr><th>recipe</th>";
    for (const auto& domain : data.domains) html += "<th>" + escape_html(domain) + "</th>";
    html += "</tr>\n";
    for (const auto& [recipe, weights] : data.mixtures) {
      html += "<tr><td>" + escape_html(recipe) + "</td>";
      for (double w : weights) html += "<td>" + number(w, 3) + "</td>";
      html += "</tr>\n";
    }
    html += "</table>\n";
  }
  return html + "</section>\n";
}

std::string bimix_section(const ReportData& data) {
  std::string html = "<section id=\"bimix\"><h2>BiMix: predictions against observations</h2>\n";
  if (!data.bimix) return html + "<p>The BiMix recipe was not run.</p></section>\n";
  const auto& q = *data.bimix;
  html += fmt::format(
      "<p>Fitted on the proxy runs' evaluations up to the proxy window. Extrapolation "
      "protocol (each proxy's last evaluation held out): mean relative error <b>{:.2f}%</b>. "
      "The fit's predictions for the evaluations after the window (later steps of the proxy "
      "mixtures, and the BiMix recipe's own run): R² on log loss <b>{}</b>, mean relative "
      "error <b>{:.2f}%</b>.</p>\n",
      100 * q.extrapolation_rel_error, number(q.r2_log, 3), 100 * q.future_rel_error);
  std::vector<Series> series;
  for (size_t i = 0; i < q.points.size(); ++i) {
    Series s{q.points[i].first, palette(i), {}, false, {}};
    for (const auto& [predicted, observed] : q.points[i].second) {
      s.points.emplace_back(observed, predicted);
    }
    series.push_back(std::move(s));
  }
  Axes axes{"BiMix prediction against observed validation loss (every domain and step)",
            "observed loss", "predicted loss", 960, 460};
  return html + scatter_chart(axes, series) + "</section>\n";
}

// Where the numbers came from: cuvee, the configs' hash, the model, the machine, the time.
std::string provenance_section(const ReportData& data) {
  const Provenance& p = data.provenance;
  const Invocation& i = data.invocation;
  std::string runs =
      fmt::format("{} runs trained in {}", i.runs_trained, human_duration(i.training_seconds));
  if (i.runs_reused > 0)
    runs += fmt::format(", {} found finished from an earlier invocation", i.runs_reused);
  return fmt::format(
      "<section id=\"provenance\"><h2>Provenance</h2>\n<table>\n"
      "<tr><th>cuvee</th><td>{}</td></tr>\n"
      "<tr><th>configs (hash of the study's and the training config's text)</th><td>{}</td></tr>\n"
      "<tr><th>model</th><td>{}, {} parameters</td></tr>\n"
      "<tr><th>machine</th><td>{}, {} cores</td></tr>\n"
      "<tr><th>wall time</th><td>{} for this invocation: {}</td></tr>\n"
      "</table></section>\n",
      escape_html(p.version_line), escape_html(p.config_hash), escape_html(p.model), p.parameters,
      escape_html(i.cpu), i.cores, human_duration(i.wall_seconds), escape_html(runs));
}

}  // namespace

std::string render_report(const ReportData& data) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>cuvee study report</title>\n";
  html += kStyle;
  html += "</head>\n<body>\n<h1>cuvee study: which data mixture trains best?</h1>\n";
  html += fmt::format(
      "<p class=\"muted\">Config {}, scale <b>{}</b>, made by {}. Every recipe trains the "
      "same model for the same steps with the same seeds. Scores are losses on each domain's "
      "test split, which nothing steers by; online policies and the BiMix fit read the "
      "validation split.</p>\n",
      escape_html(data.config), escape_html(data.scale), escape_html(data.provenance.version_line));
  if (data.recipes.empty()) {
    html += "<p>No recipe has finished.</p>\n";
  } else {
    const RecipeSummary* best = &data.recipes.front();
    for (const auto& recipe : data.recipes) {
      if (recipe.balanced < best->balanced) best = &recipe;
    }
    html += headline(data, *best);
    html += results_table(data, *best);
    html += oracle_section(data);
    html += continual_section(data);
    html += curves_section(data);
    html += trajectories_section(data);
    html += bimix_section(data);
  }
  html += provenance_section(data);
  return html + "</body>\n</html>\n";
}

}  // namespace cuvee::study
