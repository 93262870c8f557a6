// Fit time of BiMix and of the exponential law (Data Mixing Laws) on the published table
// tests/data/published/mixinglaws-5mix/obs_70m.csv, against the same fits in SciPy (least_squares,
// trust-region reflective, analytic Jacobians) from the same starts, run by
// bench/peers/laws_fit.py in the same run. Prints the speed ratio and both objectives; exits 1
// if cuvee's objective is worse than SciPy's on any domain.
//
// Usage: bench_laws_fit [--root REPO] [--repeats N]
// (python: $CUVEE_PYTHON, else /usr/bin/python3, else python3 on PATH)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench_common.h"
#include "cuvee/core/csv.h"
#include "cuvee/core/json_file.h"
#include "cuvee/core/rng.h"
#include "cuvee/laws/law_factory.h"
#include "cuvee/laws/law_fit.h"
#include "cuvee/laws/observations.h"

namespace fs = std::filesystem;
using namespace cuvee;

namespace {

struct Case {
  std::string law;
  double huber;
  bool skip_zero;
  ObservationTable table;
};

// The data and starts fit_observations() uses for every domain of `c`, for the peer.
nlohmann::json problems_of(const Case& c) {
  nlohmann::json domains = nlohmann::json::array();
  for (size_t d = 0; d < c.table.loss_domains.size(); ++d) {
    LawContext context{c.table.proportion_domains, c.table.loss_domains[d],
                       c.table.find_proportion_domain(c.table.loss_domains[d])};
    auto law = make_law(c.law, context);
    FitData data;
    nlohmann::json r = nlohmann::json::array(), s = nlohmann::json::array();
    for (size_t row = 0; row < c.table.rows(); ++row) {
      auto p = c.table.proportion_row(row);
      if (!c.table.has_loss(row, d)) continue;
      if (c.skip_zero && p[*context.own_proportion] == 0) continue;
      data.inputs.push_back({p, c.table.steps[row], 0});
      data.losses.push_back(c.table.loss(row, d));
      if (c.law == "bimix") {
        r.push_back(p[*context.own_proportion]);
      } else {
        r.push_back(std::vector<double>(p.begin(), p.end()));
      }
      s.push_back(c.table.steps[row]);
    }
    nlohmann::json starts = nlohmann::json::array();
    for (size_t i = 0; i < law->default_starts(); ++i) {
      SequentialRng rng(0, Stream::kLawStarts, (uint64_t{d} << 32) | i);
      starts.push_back(law->start(i, data, rng));
    }
    domains.push_back({{"law", c.law},
                       {"name", c.table.loss_domains[d]},
                       {"huber", c.huber},
                       {"r", r},
                       {"s", s},
                       {"losses", data.losses},
                       {"starts", starts}});
  }
  return domains;
}

// A synthetic BiMix table: `mixtures` random mixtures of `domains` domains, each evaluated at
// `steps` steps, with losses exactly L_i = A_i / p_i^α_i · (B_i / s^β_i + C_i) times 1 ± 0.5%
// noise (every proportion at least 1%: BiMix needs p_i > 0).
ObservationTable synthetic_bimix(size_t domains, size_t mixtures, size_t steps) {
  SequentialRng rng(7, Stream::kTest, domains * 1000 + mixtures * 10 + steps);
  std::string csv = "run,step";
  for (size_t d = 0; d < domains; ++d) csv += fmt::format(",p.d{}", d);
  for (size_t d = 0; d < domains; ++d) csv += fmt::format(",loss.d{}", d);
  csv += "\n";
  for (size_t m = 0; m < mixtures; ++m) {
    std::vector<double> p(domains);
    double sum = 0;
    for (auto& v : p) sum += (v = 0.01 + rng.uniform());
    for (auto& v : p) v /= sum;
    for (size_t k = 1; k <= steps; ++k) {
      const double step = 1000.0 * static_cast<double>(k);
      csv += fmt::format("m{},{}", m, step);
      for (double v : p) csv += fmt::format(",{:.17g}", v);
      for (size_t d = 0; d < domains; ++d) {
        const double a = 1 + 0.1 * static_cast<double>(d),
                     alpha = 0.1 + 0.02 * static_cast<double>(d % 5);
        const double loss = a / std::pow(p[d], alpha) * (20 / std::pow(step, 0.3) + 1.5);
        csv += fmt::format(",{:.17g}", loss * (1 + 0.01 * (rng.uniform() - 0.5)));
      }
      csv += "\n";
    }
  }
  return parse_observations(parse_csv(csv, "synthetic"));
}

// How the BiMix fit's time grows with the domains (each fitted on its own) and with the
// observations (rows) per domain: cuvee alone, one thread, median of `repeats`.
void bimix_sweep(int repeats) {
  auto time_fit = [&](const ObservationTable& table) {
    TableFitOptions options;
    options.fit.threads = 1;
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
      times.push_back(bench::seconds([&] { fit_observations("bimix", table, options); }));
    }
    return bench::median(times);
  };
  std::printf("\nBiMix fit sweep (synthetic tables, 1 thread, median of %d):\n", repeats);
  std::printf("  %7s %8s %5s %6s %8s %10s %16s\n", "domains", "mixtures", "steps", "rows",
              "seconds", "ms/domain", "us/(domain·row)");
  auto line = [&](size_t domains, size_t mixtures, size_t steps) {
    const double s = time_fit(synthetic_bimix(domains, mixtures, steps));
    const double rows = static_cast<double>(mixtures * steps);
    std::printf("  %7zu %8zu %5zu %6.0f %8.4f %10.2f %16.2f\n", domains, mixtures, steps, rows, s,
                s / static_cast<double>(domains) * 1e3,
                s / static_cast<double>(domains) / rows * 1e6);
  };
  for (size_t domains : {2, 5, 10, 20}) line(domains, 8, 10);
  for (size_t mixtures : {4, 16, 32}) line(5, mixtures, 10);
  line(5, 8, 40);
}

}  // namespace

int main(int argc, char** argv) {
  // The repository it was built from, unless --root says.
  fs::path root = bench::source_dir();
  int repeats = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--root") root = argv[i + 1];
    if (flag == "--repeats") repeats = std::max(1, std::atoi(argv[i + 1]));
  }
  fs::path obs = root / "tests/data/published/mixinglaws-5mix/obs_70m.csv";
  // Debian's python3-scipy belongs to the system interpreter, which a pyenv or venv python3
  // earlier on PATH may lack.
  const char* python_env = std::getenv("CUVEE_PYTHON");
  std::string python = python_env != nullptr            ? python_env
                       : fs::exists("/usr/bin/python3") ? "/usr/bin/python3"
                                                        : "python3";
  try {
    auto table = read_observations(obs);
    std::vector<Case> cases = {{"bimix", 0.0, true, table},
                               {"exponential", 0.05, false, table.at_step(30000)}};
    nlohmann::json problems = {{"repeats", repeats}, {"laws", nlohmann::json::object()}};
    for (const auto& c : cases) problems["laws"][c.law] = problems_of(c);
    fs::path work = fs::temp_directory_path() / fmt::format("cuvee-bench-laws-{}", ::getpid());
    fs::create_directories(work);
    write_json(work / "problems.json", problems);
    std::string command =
        fmt::format("{} {} {} {}", python, (root / "bench/peers/laws_fit.py").string(),
                    (work / "problems.json").string(), (work / "peer.json").string());
    if (std::system(command.c_str()) != 0) {
      std::fprintf(
          stderr,
          "bench_laws_fit: the SciPy peer failed: %s\n(set CUVEE_PYTHON to a python3 with scipy)\n",
          command.c_str());
      return 2;
    }
    auto peer = read_json(work / "peer.json");
    fs::remove_all(work);

    std::printf(
        "Law fits on obs_70m.csv (Ye et al. 2024, 70M models): cuvee (Ceres LM, 1 thread) vs "
        "SciPy least_squares (trf), same starts, median of %d runs\n",
        repeats);
    bool worse = false;
    for (const auto& c : cases) {
      TableFitOptions options;
      options.fit.huber = c.huber;
      options.fit.threads = 1;
      options.skip_zero_proportions = c.skip_zero;
      std::vector<double> times;
      LawFit fit;
      for (int r = 0; r < repeats; ++r) {
        auto begin = std::chrono::steady_clock::now();
        fit = fit_observations(c.law, c.table, options);
        times.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
      }
      double ours = bench::median(times), theirs = peer[c.law]["seconds"].get<double>();
      bench::goal(fmt::format("{} fit vs SciPy (x faster)", c.law), theirs / ours, 20,
                  fmt::format("{} domains x {} starts, same starts, objectives no worse",
                              fit.loss_domains.size(), fit.fits[0].starts));
      std::printf("\n%-12s %zu domains x %zu starts, %s: cuvee %.4f s, scipy %.4f s, ratio %.1fx\n",
                  c.law.c_str(), fit.loss_domains.size(), fit.fits[0].starts,
                  c.huber > 0 ? "Huber 0.05" : "least squares", ours, theirs, theirs / ours);
      std::printf("  %-10s %18s %18s\n", "domain", "cuvee objective", "scipy objective");
      for (size_t d = 0; d < fit.loss_domains.size(); ++d) {
        double a = fit.fits[d].objective;
        double b = peer[c.law]["objectives"][fit.loss_domains[d]].get<double>();
        bool ok = a <= b * (1 + 1e-9);
        worse = worse || !ok;
        std::printf("  %-10s %18.10e %18.10e %s\n", fit.loss_domains[d].c_str(), a, b,
                    ok ? "" : "WORSE");
      }
    }
    bimix_sweep(repeats);
    return worse ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_laws_fit: %s\n", e.what());
    return 2;
  }
}
