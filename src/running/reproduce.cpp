#include "srlif/running/reproduce.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "srlif/io/csv_line.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/io/point_tables.hpp"
#include "srlif/io/population_output.hpp"
#include "srlif/io/theory_table.hpp"
#include "srlif/running/sweep_runner.hpp"

namespace srlif {
namespace {

constexpr std::uint32_t kNoUpperLimit = 0xFFFFFFFFu;

struct Experiment {
  SweepPlan plan;
  SweepResult result;
};

SweepConfig base_config(const StudyProtocol& protocol, const std::string& sigma, const std::string& amplitude,
                        const std::string& bias, std::uint64_t neurons, ValidityRule validity) {
  SweepConfig config;
  config.time = protocol.time;
  config.scheme = protocol.scheme;
  config.seed = protocol.seed;
  config.execution = protocol.execution;
  config.grid[Axis::sigma] = parse_axis(sigma, "--sigma");
  config.grid[Axis::amplitude] = parse_axis(amplitude, "--amplitude");
  config.grid[Axis::bias] = parse_axis(bias, "--bias");
  config.grid[Axis::frequency] = {10.0};
  config.neurons = neurons;
  config.validity = validity;
  // Spectra of the pooled activity (10 ms bins) for the SNR measure.
  config.readouts.enabled = true;
  config.readouts.phase_bins = 1;
  config.readouts.psth_bin_ms = 10.0;
  return config;
}

// Spearman rank correlation (average ranks for ties); NaN for fewer than 3 pairs.
double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() < 3 || x.size() != y.size()) return kNaN;
  const auto ranks = [](const std::vector<double>& values) {
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> rank(values.size());
    for (std::size_t i = 0; i < order.size();) {
      std::size_t j = i;
      while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
      for (std::size_t k = i; k <= j; ++k) rank[order[k]] = 0.5 * static_cast<double>(i + j);
      i = j + 1;
    }
    return rank;
  };
  const std::vector<double> rx = ranks(x);
  const std::vector<double> ry = ranks(y);
  const double mx = std::accumulate(rx.begin(), rx.end(), 0.0) / static_cast<double>(rx.size());
  const double my = std::accumulate(ry.begin(), ry.end(), 0.0) / static_cast<double>(ry.size());
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  return sxx > 0.0 && syy > 0.0 ? sxy / std::sqrt(sxx * syy) : kNaN;
}

std::string fmt(double value, const char* format = "%.4g") {
  if (std::isnan(value)) return "n/a";
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

const char* verdict(bool supported, bool decidable = true) {
  if (!decidable) return "**inconclusive**";
  return supported ? "**supported**" : "**not supported**";
}

// optimum.csv rows for all three objectives (one header).
std::string optima_table(const Experiment& experiment) {
  std::string out;
  for (const Objective objective : kObjectives) {
    const std::string table = optimum_csv(
        experiment.plan.config.grid, experiment.result.metrics,
        find_optima(experiment.plan.config.grid, experiment.result.metrics, objective), objective);
    out += out.empty() ? table : table.substr(table.find('\n') + 1);
  }
  return out;
}

std::string spectral_table(const Experiment& h1) {
  std::string out = csv_line({"sigma", "mean_rate_hz", "pooled_vector_strength", "spectral_amplitude_hz",
                              "snr_db", "rayleigh_rate_hz"});
  for (std::size_t i = 0; i < h1.result.metrics.size(); ++i) {
    const PointMetrics& m = h1.result.metrics[i];
    out += csv_line({format_number(h1.plan.config.grid[Axis::sigma][i]), format_number(m.mean_rate_hz),
                     format_number(m.pooled_vector_strength), format_number(m.spectral_amplitude_hz),
                     format_number(m.snr_db), format_number(m.rayleigh_rate_hz)});
  }
  return out;
}

std::string sigma_opt_section(const Experiment& experiment, const std::vector<double>& axis,
                              const char* axis_name, const char* unit, double& rho) {
  const Grid& grid = experiment.plan.config.grid;
  const std::vector<PointMetrics>& metrics = experiment.result.metrics;
  const auto by_rule = find_optima(grid, metrics, Objective::valid_vector_strength);
  const auto by_snr = find_optima(grid, metrics, Objective::snr);
  const auto by_rate = find_optima(grid, metrics, Objective::rayleigh_rate);
  std::string out = std::string("| ") + axis_name + " (" + unit +
                    ") | sigma_opt, study's rule | refined | mean R there | sigma_opt by SNR | sigma_opt by "
                    "Rayleigh rate |\n|---|---|---|---|---|---|\n";
  std::vector<double> xs, ys;
  for (std::size_t slice = 0; slice < by_rule.size(); ++slice) {
    const SliceOptimum& o = by_rule[slice];
    out += "| " + fmt(axis[slice]) + " | " + fmt(o.sigma_opt) + " | " + fmt(o.sigma_opt_refined, "%.3g") +
           " | " + (o.found ? fmt(metrics[o.point].mean_vector_strength, "%.3f") : "n/a") + " | " +
           fmt(by_snr[slice].sigma_opt_refined, "%.3g") + " | " +
           fmt(by_rate[slice].sigma_opt_refined, "%.3g") + " |\n";
    if (o.found) {
      xs.push_back(axis[slice]);
      ys.push_back(o.sigma_opt_refined);
    }
  }
  rho = spearman(xs, ys);
  return out;
}

// The periodic Fokker-Planck state (theory_table.hpp) at H1's point for its sigma where the solver is
// within 1 %: the reduced amplitude a = A sqrt(tau_m) / sigma (the signal in units of the free
// membrane's noise) at most 6. Beyond, its grid budget caps the accuracy (a = 6.3, sigma 10 at
// A 20: 1 %; sigma 5: 40 % in 20 s).
constexpr double kTheoryLargestReducedAmplitude = 6.0;

TheoryTable h1_theory(const Experiment& h1) {
  TheoryTable table;
  table.grid = h1.plan.config.grid;
  table.response = TheoryResponse::periodic;
  const GridPoint first = table.grid.point(0);
  const double reach = first.amplitude() * std::sqrt(first.neuron().tau_m) / kTheoryLargestReducedAmplitude;
  std::vector<double> sigmas;
  for (const double sigma : table.grid[Axis::sigma])
    if (sigma > 0.0 && sigma >= reach) sigmas.push_back(sigma);
  table.grid[Axis::sigma] = sigmas;
  compute_theory_rows(table, SpreadShape::normal);  // no spreads: the shape plays no role
  return table;
}

// The report's section on the theory beside H1: sigma_opt of the Rayleigh rate, and the simulated rate
// and pooled R against the theory's at a few sigma.
std::string theory_section(const Experiment& h1, const TheoryTable& theory, const SliceOptimum& simulated) {
  const TheoryOptima optima = theory_optima(theory, Objective::rayleigh_rate);
  const SliceOptimum& predicted = optima.optima.front();
  const std::vector<double>& sigma = h1.plan.config.grid[Axis::sigma];
  const auto neurons = static_cast<double>(h1.plan.config.neurons);
  std::string out = "## Theory beside the simulation: the periodic Fokker-Planck state\n\n";
  out +=
      "`srlif theory --response periodic` at H1's neuron and signal gives the mean rate and pooled R of an "
      "infinite population in its periodic state (white noise, continuous time; `h1_theory.csv`, its rate "
      "over a period `h1_theory_rate_curve.csv`), for the " +
      std::to_string(theory.points.size()) + " sigma from " + fmt(theory.grid[Axis::sigma].front()) +
      " (below, the signal is more than " + fmt(kTheoryLargestReducedAmplitude) +
      " noise sds and the solver's error above 1 %). The Rayleigh rate's sigma_opt: theory " +
      fmt(predicted.sigma_opt_refined, "%.3g") + " (value " + fmt(optima.values.front(), "%.3g") +
      " Hz), simulated " + fmt(simulated.sigma_opt_refined, "%.3g") + " (refined).\n\n";
  out += "| sigma | rate (Hz) | theory | deviation (SE) | pooled R | theory |\n|---|---|---|---|---|---|\n";
  double lowest = 1e300, highest = -1e300;
  for (std::size_t t = 0; t < theory.points.size(); ++t) {
    const double s = theory.grid[Axis::sigma][t];
    const std::size_t i = static_cast<std::size_t>(std::find(sigma.begin(), sigma.end(), s) - sigma.begin());
    const PointMetrics& m = h1.result.metrics[i];
    const PeriodicPoint& p = theory.periodic[t];
    const double standard_error = m.rate_std_hz / std::sqrt(neurons);
    const double relative = m.mean_rate_hz / p.periodic_mean_rate_hz - 1.0;
    lowest = std::min(lowest, relative);
    highest = std::max(highest, relative);
    if (t % 4 != 0 && t + 1 != theory.points.size()) continue;  // a few rows; the CSV has them all
    out += "| " + fmt(s) + " | " + fmt(m.mean_rate_hz, "%.3f") + " | " +
           fmt(p.periodic_mean_rate_hz, "%.3f") + " | " +
           fmt((m.mean_rate_hz - p.periodic_mean_rate_hz) / standard_error, "%+.1f") + " | " +
           fmt(m.pooled_vector_strength, "%.3f") + " | " + fmt(p.periodic_vector_strength, "%.3f") + " |\n";
  }
  out += "\nOver these sigma the simulated rate differs from the theory's by " +
         fmt(100.0 * lowest, "%+.1f") + " to " + fmt(100.0 * highest, "%+.1f") +
         " % (standard error: rate_std_hz / sqrt(" + fmt(neurons) + ")). The study's protocol (scheme " +
         std::string(scheme_name(h1.plan.config.scheme)) + ", dt " + fmt(h1.plan.config.time.dt) +
         " ms, every neuron from V_init, no warm-up) is not the theory's: " +
         (h1.plan.config.scheme == Scheme::euler
              ? "euler misses threshold crossings inside a step and fires about 4-7 % less at dt 0.1 ms; "
              : "") +
         "the transient from V_init lowers the rate of " + fmt(h1.plan.config.time.duration / 1000.0) +
         " s by about " + fmt(30.0 / h1.plan.config.time.duration * 100.0, "%.2g") +
         " % (some 30 ms of firing missed). With `--scheme exact` and "
         "`--warmup` the simulation agrees with this theory within 4 standard errors (docs/accuracy.md, "
         "\"Under a signal\"). Figures: `h1_sr_curve.png` and `h5_raster_psth.png` draw the theory.\n\n";
  return out;
}

}  // namespace

void StudyProtocol::set_trials(std::uint64_t trials) {
  h1_trials = trials;
  h2_h3_trials = trials;
  heatmap_trials = trials;
  population = std::max<std::uint64_t>(50, trials);
}

StudyOutput reproduce_study(const StudyProtocol& protocol, Backend& backend,
                            const std::function<void(double)>& progress) {
  const ValidityRule at_least_ten{10, kNoUpperLimit};  // H1: valid with >= 10 spikes
  const ValidityRule study_rule{10, 400};              // H2, H3: 10 <= n <= 400

  std::vector<SweepConfig> configs;
  configs.push_back(
      base_config(protocol, protocol.sigma_axis, "20", "178", protocol.h1_trials, at_least_ten));
  configs.push_back(
      base_config(protocol, protocol.sigma_axis, "5,10,15,20", "178", protocol.h2_h3_trials, study_rule));
  configs.push_back(base_config(protocol, protocol.sigma_axis, "10", "168,172,176,178,180,182",
                                protocol.h2_h3_trials, study_rule));
  SweepConfig population = base_config(protocol, "0,12.5,60", "20", "178", protocol.population, study_rule);
  population.readouts.phase_bins = 30;
  population.readouts.raster_neurons =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(50, protocol.population));
  configs.push_back(population);
  configs.push_back(base_config(protocol, protocol.sigma_axis, protocol.heatmap_amplitude_axis, "178",
                                protocol.heatmap_trials, study_rule));

  std::vector<SweepPlan> plans;
  double total_steps = 0.0;
  for (const SweepConfig& config : configs) {
    plans.push_back(make_plan(config));
    total_steps += static_cast<double>(plans.back().neuron_steps());
  }

  const auto start = std::chrono::steady_clock::now();
  std::vector<Experiment> experiments;
  double steps_before = 0.0;
  for (const SweepPlan& plan : plans) {
    experiments.push_back(Experiment{plan, run_sweep(plan, backend, [&](std::uint64_t done) {
                                       if (progress)
                                         progress((steps_before + static_cast<double>(done)) / total_steps);
                                     })});
    steps_before += static_cast<double>(plan.neuron_steps());
  }
  const Experiment& h1 = experiments[0];
  const Experiment& h2 = experiments[1];
  const Experiment& h3 = experiments[2];
  const Experiment& h5 = experiments[3];
  const Experiment& map = experiments[4];

  StudyOutput output;
  output.neuron_steps = static_cast<std::uint64_t>(total_steps);
  FileList& files = output.files;
  const auto points_of = [](const Experiment& e) {
    return points_csv(e.plan.config.grid, e.plan.config.neurons, e.result.metrics);
  };
  files.emplace_back("h1_curve.csv", points_of(h1));
  files.emplace_back("h2_curves.csv", points_of(h2));
  files.emplace_back("h2_sigma_opt_vs_amplitude.csv", optima_table(h2));
  files.emplace_back("h3_curves.csv", points_of(h3));
  files.emplace_back("h3_sigma_opt_vs_bias.csv", optima_table(h3));
  for (auto& [name, contents] : population_files(h5.plan, h5.result))
    files.emplace_back("h5_" + name, contents);
  files.emplace_back("spectral_readout.csv", spectral_table(h1));
  files.emplace_back("heatmap_sigma_amplitude.csv", points_of(map));
  const TheoryTable theory = protocol.theory ? h1_theory(h1) : TheoryTable{};
  if (protocol.theory) {
    files.emplace_back("h1_theory.csv", theory_csv(theory));
    files.emplace_back("h1_theory_rate_curve.csv", theory_rate_curve_csv(theory));
  }

  // ---- report.md
  const std::vector<PointMetrics>& c1 = h1.result.metrics;
  const std::vector<double>& sigma = h1.plan.config.grid[Axis::sigma];
  const SliceOptimum o1 = find_optima(h1.plan.config.grid, c1, Objective::valid_vector_strength).front();
  const SliceOptimum o1_snr = find_optima(h1.plan.config.grid, c1, Objective::snr).front();
  const SliceOptimum o1_rate = find_optima(h1.plan.config.grid, c1, Objective::rayleigh_rate).front();
  std::string report = "# The reference study reproduced with srlif\n\n";
  report += "Reference neuron (DESIGN.md section 1), f = 10 Hz, " + fmt(protocol.time.duration / 1000.0) +
            " s per neuron, dt = " + fmt(protocol.time.dt) + " ms, scheme " + scheme_name(protocol.scheme) +
            ", seed " + std::to_string(protocol.seed) + ". Trials (neurons) per point: H1 " +
            std::to_string(protocol.h1_trials) + ", H2/H3 " + std::to_string(protocol.h2_h3_trials) +
            ", H5 population " + std::to_string(protocol.population) + ". Backend: " + h1.result.device +
            ".\n\n";
  report +=
      "sigma_opt follows the study's rule unless stated: the sigma maximising the mean vector strength R of "
      "valid trials among the sigma whose valid fraction is >= 0.5; 'refined' is the vertex of the parabola "
      "through it and its neighbours. Two measures with a genuine interior optimum are reported beside it: "
      "the SNR of the pooled activity at 10 Hz and the Rayleigh rate (rate x pooled R^2).\n\n";

  // H1
  bool monotone_r = true;
  for (std::size_t i = 1; i < c1.size(); ++i) {
    if (c1[i].pooled_vector_strength > c1[i - 1].pooled_vector_strength) monotone_r = false;
  }
  report += "## H1 - Noise enables and tunes phase locking: an intermediate sigma is optimal (SR)\n\n";
  report += "| measure | sigma_opt | refined | value there |\n|---|---|---|---|\n";
  report += "| mean R of valid trials (study's rule) | " + fmt(o1.sigma_opt) + " | " +
            fmt(o1.sigma_opt_refined, "%.3g") + " | " +
            (o1.found ? fmt(c1[o1.point].mean_vector_strength, "%.3f") : "n/a") + " |\n";
  report += "| SNR at 10 Hz (dB) | " + fmt(o1_snr.sigma_opt) + " | " + fmt(o1_snr.sigma_opt_refined, "%.3g") +
            " | " + (o1_snr.found ? fmt(c1[o1_snr.point].snr_db, "%.1f") : "n/a") + " |\n";
  report += "| Rayleigh rate (Hz) | " + fmt(o1_rate.sigma_opt) + " | " +
            fmt(o1_rate.sigma_opt_refined, "%.3g") + " | " +
            (o1_rate.found ? fmt(c1[o1_rate.point].rayleigh_rate_hz, "%.3g") : "n/a") + " |\n\n";
  const bool h1_supported = o1.found && o1.sigma_opt > sigma.front();
  report += std::string("Verdict: ") + verdict(h1_supported, o1.found) +
            ". Without noise the neuron is silent (" + std::to_string(c1.front().total_spikes) +
            " spikes at sigma = " + fmt(sigma.front()) +
            "); the study's rule finds sigma_opt = " + fmt(o1.sigma_opt) + ". " +
            (monotone_r ? "Note that the pooled R falls monotonically with sigma wherever it is defined: the "
                          "study's optimum is set by the spike-count validity rule, not by a peak of R. "
                        : "") +
            "The SNR and the Rayleigh rate, which weigh locking by how much the neuron fires, peak inside "
            "the range "
            "at sigma = " +
            fmt(o1_snr.sigma_opt_refined, "%.3g") + " and " + fmt(o1_rate.sigma_opt_refined, "%.3g") +
            ": a genuine stochastic-resonance optimum. Figures: `h1_sr_curve.png`, `h1_spectral.png`.\n\n";

  // H2, H3
  double rho2 = kNaN, rho3 = kNaN;
  report += "## H2 - Weaker signals need more noise: sigma_opt decreases as the amplitude A grows\n\n";
  report += sigma_opt_section(h2, h2.plan.config.grid[Axis::amplitude], "A", "pA", rho2);
  report += "\nSpearman correlation of A and the refined sigma_opt: " + fmt(rho2, "%.2f") +
            ". Verdict: " + verdict(rho2 < 0.0, !std::isnan(rho2) && rho2 != 0.0) +
            ". Figures: `h2_curves.png`, `sigma_opt.png`.\n\n";
  report +=
      "## H3 - Neurons further below threshold need more noise: sigma_opt decreases as I_bias grows\n\n";
  report += sigma_opt_section(h3, h3.plan.config.grid[Axis::bias], "I_bias", "pA", rho3);
  report += "\nSpearman correlation of I_bias and the refined sigma_opt: " + fmt(rho3, "%.2f") +
            ". Verdict: " + verdict(rho3 < 0.0, !std::isnan(rho3) && rho3 != 0.0) +
            ". Figures: `h3_curves.png`, `sigma_opt.png`.\n\n";

  // H4
  std::vector<double> high_sigma, high_rate, high_r;
  for (std::size_t i = 0; i < c1.size(); ++i) {
    if (o1.found && sigma[i] > o1.sigma_opt && std::isfinite(c1[i].mean_vector_strength)) {
      high_sigma.push_back(sigma[i]);
      high_rate.push_back(c1[i].mean_rate_hz);
      high_r.push_back(c1[i].mean_vector_strength);
    }
  }
  const double rho_rate = spearman(high_sigma, high_rate);
  const double rho_r = spearman(high_sigma, high_r);
  report += "## H4 - On the high-noise side the rate keeps rising while locking falls\n\n";
  report +=
      "Over the " + std::to_string(high_sigma.size()) + " sigma above sigma_opt = " + fmt(o1.sigma_opt) +
      " (H1): Spearman(sigma, rate) = " + fmt(rho_rate, "%.2f") +
      ", Spearman(sigma, mean R) = " + fmt(rho_r, "%.2f") + "; the rate goes from " +
      fmt(high_rate.empty() ? kNaN : high_rate.front(), "%.2f") + " to " +
      fmt(high_rate.empty() ? kNaN : high_rate.back(), "%.2f") + " Hz while R goes from " +
      fmt(high_r.empty() ? kNaN : high_r.front(), "%.3f") + " to " +
      fmt(high_r.empty() ? kNaN : high_r.back(), "%.3f") +
      ". Verdict: " + verdict(rho_rate > 0.0 && rho_r < 0.0, !std::isnan(rho_rate) && !std::isnan(rho_r)) +
      ". Figure: `h1_sr_curve.png`.\n\n";

  if (protocol.theory) report += theory_section(h1, theory, o1_rate);

  // H5
  const std::vector<PointMetrics>& c5 = h5.result.metrics;
  report += "## H5 - A population at intermediate noise carries the 10 Hz signal\n\n";
  report +=
      "| sigma | rate (Hz) | pooled R | mean R (valid) | amplitude at 10 Hz (Hz) | SNR (dB) | V_th - max V "
      "(mV) "
      "|\n|---|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < c5.size(); ++i) {
    const PopulationMeasures measures = population_measures(h5.plan, h5.result, i);
    report += "| " + fmt(h5.plan.config.grid[Axis::sigma][i]) + " | " + fmt(c5[i].mean_rate_hz, "%.2f") +
              " | " + fmt(c5[i].pooled_vector_strength, "%.3f") + " | " +
              fmt(c5[i].mean_vector_strength, "%.3f") + " | " + fmt(c5[i].spectral_amplitude_hz, "%.2f") +
              " | " + fmt(c5[i].snr_db, "%.1f") + " | " + fmt(measures.subthreshold_margin_mv, "%.3f") +
              " |\n";
  }
  const bool silent_without_noise = c5[0].total_spikes == 0;
  const bool locks_better = c5[1].pooled_vector_strength > c5[2].pooled_vector_strength;
  report +=
      std::string("\nVerdict: ") + verdict(silent_without_noise && locks_better) +
      " for phase locking: at sigma = 0 the population is silent, at 12.5 it locks with pooled R = " +
      fmt(c5[1].pooled_vector_strength, "%.3f") + " against " + fmt(c5[2].pooled_vector_strength, "%.3f") +
      " at 60. The SNR of the pooled activity is " + fmt(c5[1].snr_db, "%.1f") + " dB at 12.5 and " +
      fmt(c5[2].snr_db, "%.1f") + " dB at 60: by the spectral measure the stronger noise " +
      (c5[2].snr_db > c5[1].snr_db ? "carries the signal better (more spikes outweigh the weaker locking)"
                                   : "does not carry the signal better") +
      ". Figures: `h5_raster_psth.png`, `h5_phase_polar.png`.\n\n";

  // Subthreshold check
  const double margin = population_measures(h5.plan, h5.result, 0).subthreshold_margin_mv;
  report += "## The input is subthreshold\n\nAt sigma = 0 the largest membrane potential is " +
            fmt(static_cast<double>(h5.result.readouts.max_v[0]), "%.3f") + " mV, " + fmt(margin, "%.3f") +
            " mV below threshold: " + verdict(margin > 0.0) + ".\n\n";
  report += "## Beyond the notebook\n\nThe mean R and the SNR over sigma x A (" +
            std::to_string(map.plan.points.size()) + " points, " + std::to_string(protocol.heatmap_trials) +
            " neurons each): `heatmap_r.png`, `heatmap_snr.png`.\n";
  files.emplace_back("report.md", report);
  output.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return output;
}

}  // namespace srlif
