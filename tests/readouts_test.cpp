// Population readouts (DESIGN.md sections 2, 3 and 6): the phase histogram,
// the PSTH, the raster and the maximum membrane potential are consistent with
// the tallies and with each other; they are deterministic (threads, chunks,
// batches, the rest of the grid) and recording them does not change a single
// metric; `trace_neuron` replays exactly the engine's neuron.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "srlif/io/number_text.hpp"
#include "srlif/io/point_tables.hpp"
#include "srlif/io/population_output.hpp"
#include "srlif/measures/spectrum.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "srlif/running/trace.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

struct Simulation {
  SweepPlan plan;
  SweepResult result;
};

Simulation run_cpu(const SweepConfig& config) {
  Simulation run{make_plan(config), {}};
  const auto backend = make_cpu_backend(config.execution.threads);
  run.result = run_sweep(run.plan, *backend, {});
  return run;
}

SweepConfig with_readouts(SweepConfig config, std::uint32_t raster_neurons, double psth_bin_ms = 10.0,
                          std::uint32_t phase_bins = 30) {
  config.readouts.enabled = true;
  config.readouts.phase_bins = phase_bins;
  config.readouts.psth_bin_ms = psth_bin_ms;
  config.readouts.raster_neurons = raster_neurons;
  return config;
}

// ---------------------------------------------------------------------------
// Tiny CSV helpers.

std::vector<std::string> split(const std::string& line, char separator = ',') {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream stream(line);
  while (std::getline(stream, field, separator)) fields.push_back(field);
  if (!line.empty() && line.back() == separator) fields.emplace_back();
  return fields;
}

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::size_t column(const std::string& name) const {
    const auto at = std::find(header.begin(), header.end(), name);
    if (at == header.end()) throw std::runtime_error("no column " + name);
    return static_cast<std::size_t>(at - header.begin());
  }
  bool has(const std::string& name) const {
    return std::find(header.begin(), header.end(), name) != header.end();
  }
};

Csv parse_csv(const std::string& text) {
  Csv csv;
  std::istringstream lines(text);
  std::string line;
  if (std::getline(lines, line)) csv.header = split(line);
  while (std::getline(lines, line)) csv.rows.push_back(split(line));
  return csv;
}

const std::string& file_named(const std::vector<std::pair<std::string, std::string>>& files,
                              const std::string& name) {
  for (const auto& [file, contents] : files) {
    if (file == name) return contents;
  }
  throw std::runtime_error("no file " + name);
}

// points.csv without the columns that only a run with readouts can fill
// (the spectral measures, NaN in a plain sweep).
std::string points_csv_without_spectra(const SweepConfig& config, const SweepResult& result) {
  const Csv csv = parse_csv(points_csv(config.grid, config.neurons, result.metrics));
  std::vector<bool> keep(csv.header.size(), true);
  for (const char* spectral : {"spectral_amplitude_hz", "snr_db"}) {
    if (csv.has(spectral)) keep[csv.column(spectral)] = false;
  }
  std::string out;
  const auto append = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (keep[i]) out += fields[i] + ",";
    }
    out += "\n";
  };
  append(csv.header);
  for (const auto& row : csv.rows) append(row);
  return out;
}

template <typename T>
std::vector<T> slice(const std::vector<T>& values, std::size_t point, std::size_t per_point) {
  return std::vector<T>(values.begin() + static_cast<std::ptrdiff_t>(point * per_point),
                        values.begin() + static_cast<std::ptrdiff_t>((point + 1) * per_point));
}

// The first `count` raster steps of one neuron of one point.
std::vector<std::int32_t> raster_of(const Simulation& run, std::size_t point, std::uint32_t neuron) {
  const ReadoutLayout& layout = run.plan.readout_layout;
  const std::size_t slot = point * layout.raster_neurons + neuron;
  const std::uint32_t count = run.result.readouts.raster_counts[slot];
  const auto first =
      run.result.readouts.raster_steps.begin() + static_cast<std::ptrdiff_t>(slot * layout.raster_capacity);
  return std::vector<std::int32_t>(first, first + count);
}

// ---------------------------------------------------------------------------
// Consistency of the readouts with the tallies.

// A = 20 at several sigma, every neuron in the raster: each readout accounts
// for every spike exactly once.
TEST(Readouts, CountsAddUpToTheTalliesAtSeveralSigma) {
  SweepConfig config = with_readouts(test::reference_config({0.0, 10.0, 20.0, 30.0, 60.0}, 40, 2000.0), 40);
  const Simulation run = run_cpu(config);
  const ReadoutLayout& layout = run.plan.readout_layout;
  const PopulationReadouts& r = run.result.readouts;
  ASSERT_EQ(layout.phase_bins, 30u);
  ASSERT_EQ(layout.psth_bins, 200u);
  ASSERT_EQ(layout.raster_neurons, 40u);
  ASSERT_EQ(r.phase_histogram.size(), 5u * 30u);
  ASSERT_EQ(r.psth.size(), 5u * 200u);
  ASSERT_EQ(r.max_v.size(), 5u);
  ASSERT_EQ(r.raster_counts.size(), 5u * 40u);
  ASSERT_EQ(r.raster_steps.size(), 5u * 40u * layout.raster_capacity);

  const std::int64_t n_ref = TimeGrid::refractory_samples(config.grid[Axis::t_ref].front(), config.time.dt);
  ASSERT_EQ(n_ref, 20);
  for (std::size_t point = 0; point < 5; ++point) {
    SCOPED_TRACE("sigma " + format_number(config.grid[Axis::sigma][point]));
    const std::uint64_t total = run.result.metrics[point].total_spikes;
    const auto hist = slice(r.phase_histogram, point, 30);
    const auto psth = slice(r.psth, point, 200);
    EXPECT_EQ(std::accumulate(hist.begin(), hist.end(), std::uint64_t{0}), total);
    EXPECT_EQ(std::accumulate(psth.begin(), psth.end(), std::uint64_t{0}), total);

    std::uint64_t raster_total = 0;
    std::uint64_t raster_squares = 0;
    for (std::uint32_t neuron = 0; neuron < 40; ++neuron) {
      const std::uint32_t count = r.raster_counts[point * 40 + neuron];
      ASSERT_LE(count, layout.raster_capacity);
      raster_total += count;
      raster_squares += std::uint64_t{count} * count;
      const std::vector<std::int32_t> steps = raster_of(run, point, neuron);
      for (std::size_t j = 0; j < steps.size(); ++j) {
        ASSERT_GE(steps[j], 0);
        ASSERT_LT(steps[j], run.plan.steps);
        // A neuron is held at V_reset for n_ref samples, the spike sample included.
        if (j > 0) {
          ASSERT_GE(steps[j] - steps[j - 1], n_ref) << "neuron " << neuron << " spike " << j;
        }
      }
    }
    // With every neuron in the raster the raster holds every spike, and the
    // per-neuron counts reproduce the tally's sum of n_i^2 exactly.
    EXPECT_EQ(raster_total, total);
    EXPECT_EQ(raster_squares, run.result.tallies[point].spikes_squared);
  }
  // The reference input is subthreshold: no noise, no spikes; noise makes spikes.
  EXPECT_EQ(run.result.metrics[0].total_spikes, 0u);
  for (std::size_t point = 2; point < 5; ++point) EXPECT_GT(run.result.metrics[point].total_spikes, 100u);
}

// Per-neuron counts: with common random numbers neuron j's stream does not
// depend on the population size, so total(N = j + 1) - total(N = j) is neuron
// j's spike count, independently of the raster.
TEST(Readouts, RasterCountOfEachNeuronIsItsSpikeCount) {
  const SweepConfig base = with_readouts(test::reference_config({30.0}, 8, 2000.0), 8);
  const Simulation all = run_cpu(base);
  std::uint64_t previous_total = 0;
  for (std::uint64_t neurons = 1; neurons <= 8; ++neurons) {
    SweepConfig config = base;
    config.neurons = neurons;
    config.readouts.raster_neurons = static_cast<std::uint32_t>(neurons);
    const Simulation part = run_cpu(config);
    const std::uint64_t total = part.result.metrics[0].total_spikes;
    EXPECT_EQ(total - previous_total, all.result.readouts.raster_counts[neurons - 1])
        << "neuron " << neurons - 1;
    // ... and the raster of a neuron does not depend on the population either.
    EXPECT_EQ(raster_of(part, 0, static_cast<std::uint32_t>(neurons - 1)),
              raster_of(all, 0, static_cast<std::uint32_t>(neurons - 1)));
    previous_total = total;
  }
  EXPECT_EQ(previous_total, all.result.metrics[0].total_spikes);
  EXPECT_GT(previous_total, 20u);
}

// Rebuilding the PSTH and the phase histogram from the raster of all neurons
// gives the engine's readouts. The PSTH bin of a spike at t_{k+1} is
// (k + 1) / 100 exactly (10 ms bins of 0.1 ms steps); its phase bin is
// floor(((k + 1) mod 1000) * 30 / 1000) (one 10 Hz period = 1000 steps). A
// spike exactly on a bin edge (one sample in 100 here) is accepted in either
// neighbouring bin: the edge is a floating-point tie.
TEST(Readouts, HistogramsAgreeWithTheRaster) {
  const SweepConfig config = with_readouts(test::reference_config({20.0, 45.0}, 24, 3000.0), 24);
  const Simulation run = run_cpu(config);
  const ReadoutLayout& layout = run.plan.readout_layout;
  for (std::size_t point = 0; point < 2; ++point) {
    std::vector<std::uint64_t> psth(layout.psth_bins, 0);
    std::vector<std::uint64_t> interior(layout.phase_bins, 0);  // strictly inside bin b
    std::vector<std::uint64_t> on_edge(layout.phase_bins, 0);   // exactly at the start of bin b
    for (std::uint32_t neuron = 0; neuron < 24; ++neuron) {
      for (const std::int32_t step : raster_of(run, point, neuron)) {
        const std::int64_t sample = step + 1;
        ++psth[static_cast<std::size_t>(sample / 100)];
        const std::int64_t scaled = (sample % 1000) * 30;  // phase / w, in units of 1/1000
        ++(scaled % 1000 == 0 ? on_edge : interior)[static_cast<std::size_t>(scaled / 1000)];
      }
    }
    EXPECT_EQ(slice(run.result.readouts.psth, point, layout.psth_bins), psth);
    const auto hist = slice(run.result.readouts.phase_histogram, point, layout.phase_bins);
    for (std::uint32_t bin = 0; bin < layout.phase_bins; ++bin) {
      // Bin b holds its interior spikes and at most the spikes on its two edges.
      EXPECT_GE(hist[bin], interior[bin]) << "bin " << bin;
      EXPECT_LE(hist[bin], interior[bin] + on_edge[bin] + on_edge[(bin + 1) % 30]) << "bin " << bin;
    }
    EXPECT_EQ(std::accumulate(hist.begin(), hist.end(), std::uint64_t{0}),
              run.result.metrics[point].total_spikes);
  }
}

// sum over bins of rate_hz * width / duration is the mean rate per neuron,
// also when the duration is not a multiple of the bin width (a shorter last bin).
TEST(Readouts, PsthIntegralEqualsMeanRate) {
  struct Case {
    double duration_ms;
    double psth_bin_ms;
  };
  for (const Case c : {Case{2000.0, 10.0}, Case{995.0, 10.0}, Case{1000.0, 7.5}, Case{1234.5, 25.0}}) {
    SCOPED_TRACE("duration " + format_number(c.duration_ms) + " bin " + format_number(c.psth_bin_ms));
    const SweepConfig config =
        with_readouts(test::reference_config({20.0, 60.0}, 30, c.duration_ms), 0, c.psth_bin_ms);
    const Simulation run = run_cpu(config);
    const std::uint32_t bins = run.plan.readout_layout.psth_bins;
    EXPECT_EQ(bins, static_cast<std::uint32_t>(std::ceil(c.duration_ms / c.psth_bin_ms - 1e-9)));
    const Csv psth = parse_csv(file_named(population_files(run.plan, run.result), "psth.csv"));
    ASSERT_EQ(psth.rows.size(), 2u * bins);
    const std::size_t start = psth.column("time_start_ms");
    const std::size_t end = psth.column("time_end_ms");
    const std::size_t rate = psth.column("rate_hz");
    const std::size_t spikes = psth.column("spikes");
    for (std::size_t point = 0; point < 2; ++point) {
      double integral = 0.0;
      std::uint64_t total = 0;
      for (std::uint32_t bin = 0; bin < bins; ++bin) {
        const auto& row = psth.rows[point * bins + bin];
        const double width = std::stod(row[end]) - std::stod(row[start]);
        EXPECT_GT(width, 0.0);
        EXPECT_LE(width, c.psth_bin_ms * (1 + 1e-12));
        integral += std::stod(row[rate]) * width / c.duration_ms;
        total += std::stoull(row[spikes]);
      }
      // The last bin ends at the duration.
      EXPECT_EQ(std::stod(psth.rows[point * bins + bins - 1][end]), c.duration_ms);
      const PointMetrics& m = run.result.metrics[point];
      EXPECT_EQ(total, m.total_spikes);
      ASSERT_GT(m.mean_rate_hz, 0.0);
      EXPECT_NEAR(integral, m.mean_rate_hz, 1e-12 * m.mean_rate_hz);
    }
  }
}

// The circular mean of the phase histogram's bin centres, weighted by counts,
// is the pooled preferred phase up to the binning: moving each of n phases by
// at most w/2 (w the bin width) moves the resultant by at most n w / 2, so the
// resultant lengths differ by at most w/2 and the angles by at most
// asin(w / (2 R)), which is below w for R above about 1/2.
TEST(Readouts, PhaseHistogramCircularMeanIsThePreferredPhase) {
  const SweepConfig config = with_readouts(test::reference_config({30.0}, 200, 5000.0), 0);
  const Simulation run = run_cpu(config);
  const std::uint32_t bins = run.plan.readout_layout.phase_bins;
  const double width = 2.0 * std::numbers::pi / bins;
  double c = 0.0;
  double s = 0.0;
  double n = 0.0;
  for (std::uint32_t bin = 0; bin < bins; ++bin) {
    const auto count = static_cast<double>(run.result.readouts.phase_histogram[bin]);
    c += count * std::cos((bin + 0.5) * width);
    s += count * std::sin((bin + 0.5) * width);
    n += count;
  }
  const PointMetrics& m = run.result.metrics[0];
  ASSERT_GT(n, 1000.0);
  const double binned_phase = std::atan2(s, c);
  const double difference = std::remainder(binned_phase - m.preferred_phase_rad, 2.0 * std::numbers::pi);
  EXPECT_LE(std::fabs(difference), width) << "binned " << binned_phase << " pooled " << m.preferred_phase_rad
                                          << " R " << m.pooled_vector_strength;
  if (m.pooled_vector_strength > width / 2) {
    EXPECT_LE(std::fabs(difference), std::asin(std::min(1.0, width / (2.0 * m.pooled_vector_strength))));
  }
  EXPECT_NEAR(std::hypot(c, s) / n, m.pooled_vector_strength, width / 2);
}

// At sigma = 0 the reference input (I_bias 178 pA, A 20 pA, f 10 Hz) is
// subthreshold by about half a millivolt. The steady state of
// tau dV/dt = E_L - V + I(t)/g_L peaks at
//   V_max = E_L + (I_bias + A / sqrt(1 + (2 pi f tau)^2)) / g_L = -55.5065 mV;
// the transient from V_init = E_L approaches it from below, and Euler's
// discrete filter with dt / tau = 0.01 differs from the continuous one by
// about 1e-3 mV, so the simulated maximum is V_max within 0.05 mV.
TEST(Readouts, SubthresholdMarginAtZeroNoise) {
  const SweepConfig config = with_readouts(test::reference_config({0.0}, 1, 10000.0), 1);
  const Simulation run = run_cpu(config);
  const NeuronParams neuron = config.grid.point(0).neuron();
  const double omega_tau = 2.0 * std::numbers::pi * 10.0 * neuron.tau_m / 1000.0;
  const double analytic_max =
      neuron.e_leak + (178.0 + 20.0 / std::sqrt(1.0 + omega_tau * omega_tau)) / neuron.g_leak;
  const PopulationMeasures measures = population_measures(run.plan, run.result, 0);
  EXPECT_EQ(run.result.metrics[0].total_spikes, 0u);
  EXPECT_EQ(measures.max_v_mv, static_cast<double>(run.result.readouts.max_v[0]));
  EXPECT_EQ(measures.subthreshold_margin_mv, neuron.v_threshold - measures.max_v_mv);
  EXPECT_GT(measures.subthreshold_margin_mv, 0.3);
  EXPECT_LT(measures.subthreshold_margin_mv, 0.7);
  EXPECT_NEAR(measures.max_v_mv, analytic_max, 0.05);
  EXPECT_NEAR(measures.subthreshold_margin_mv, neuron.v_threshold - analytic_max, 0.05);

  // The same in population.csv.
  const Csv summary = parse_csv(file_named(population_files(run.plan, run.result), "population.csv"));
  ASSERT_EQ(summary.rows.size(), 1u);
  EXPECT_EQ(std::stod(summary.rows[0][summary.column("max_v_mv")]), measures.max_v_mv);
  EXPECT_EQ(std::stod(summary.rows[0][summary.column("subthreshold_margin_mv")]),
            measures.subthreshold_margin_mv);
}

// A suprathreshold bias (250 pA: steady state about -50 mV) fires without
// noise; the recorded v is reset on each crossing, so max V stays below V_th
// and the "margin" stays >= 0 although the neuron spikes.
TEST(Readouts, SuprathresholdNeuronSpikesButMaxVStaysBelowThreshold) {
  SweepConfig config = with_readouts(test::reference_config({0.0}, 1, 2000.0), 1);
  config.grid[Axis::bias] = {250.0};
  const Simulation run = run_cpu(config);
  const PopulationMeasures measures = population_measures(run.plan, run.result, 0);
  EXPECT_GT(run.result.metrics[0].total_spikes, 50u);
  EXPECT_LT(measures.max_v_mv, config.grid[Axis::v_threshold].front());
  EXPECT_GE(measures.subthreshold_margin_mv, 0.0);
}

// ---------------------------------------------------------------------------
// Determinism and non-interference.

// 37 neurons (four full 8-lane blocks and a ragged one), 4999 steps (the last
// Philox block is partial), 2 amplitudes x 3 sigma, a raster of 5 neurons.
SweepConfig small_population() {
  SweepConfig config = with_readouts(test::reference_config({20.0, 30.0, 60.0}, 37, 500.0), 5);
  config.grid[Axis::amplitude] = {10.0, 20.0};
  config.validity = {1, 400};
  return config;
}

TEST(Readouts, FilesIdenticalAcrossThreadsChunksAndBatches) {
  SweepConfig config = small_population();
  config.execution.threads = 1;
  const Simulation reference = run_cpu(config);
  const auto expected = population_files(reference.plan, reference.result);
  ASSERT_EQ(expected.size(), 4u);
  EXPECT_NE(file_named(expected, "raster.csv").find('\n'), file_named(expected, "raster.csv").rfind('\n'))
      << "the raster should hold spikes";
  for (int threads : {2, 5}) {
    config.execution.threads = threads;
    const Simulation run = run_cpu(config);
    EXPECT_EQ(population_files(run.plan, run.result), expected) << threads << " threads";
  }
  config.execution.threads = 2;
  for (std::int64_t chunk : {4, 1000, 1 << 20}) {
    config.execution.chunk_steps = chunk;
    const Simulation run = run_cpu(config);
    EXPECT_EQ(population_files(run.plan, run.result), expected) << "chunk " << chunk;
  }
  config.execution.chunk_steps = 4096;
  for (std::int64_t batch : {1, 2, 0}) {
    config.execution.batch_points = batch;
    const Simulation run = run_cpu(config);
    EXPECT_EQ(population_files(run.plan, run.result), expected) << "batch " << batch;
  }
}

// A point's readouts do not depend on the rest of the grid.
TEST(Readouts, PointAloneEqualsPointInGrid) {
  for (bool decorrelate : {false, true}) {
    SCOPED_TRACE(decorrelate ? "decorrelated" : "common random numbers");
    SweepConfig full = small_population();
    full.decorrelate_points = decorrelate;
    const Simulation grid = run_cpu(full);
    SweepConfig alone_config = full;
    alone_config.grid[Axis::sigma] = {30.0};
    alone_config.grid[Axis::amplitude] = {20.0};
    const Simulation alone = run_cpu(alone_config);
    const std::size_t in_grid = 4;  // sigma 30 (index 1) at amplitude 20 (index 1)
    const ReadoutLayout& layout = grid.plan.readout_layout;
    const PopulationReadouts& g = grid.result.readouts;
    const PopulationReadouts& a = alone.result.readouts;
    EXPECT_EQ(slice(g.phase_histogram, in_grid, layout.phase_bins), a.phase_histogram);
    EXPECT_EQ(slice(g.psth, in_grid, layout.psth_bins), a.psth);
    EXPECT_EQ(g.max_v[in_grid], a.max_v[0]);
    EXPECT_EQ(slice(g.raster_counts, in_grid, layout.raster_neurons), a.raster_counts);
    EXPECT_EQ(slice(g.raster_steps, in_grid, std::size_t{layout.raster_neurons} * layout.raster_capacity),
              a.raster_steps);
    // population.csv: the same row but for the point index.
    const Csv grid_summary =
        parse_csv(file_named(population_files(grid.plan, grid.result), "population.csv"));
    const Csv alone_summary =
        parse_csv(file_named(population_files(alone.plan, alone.result), "population.csv"));
    ASSERT_EQ(alone_summary.rows.size(), 1u);
    ASSERT_EQ(grid_summary.rows.size(), 6u);
    auto grid_row = grid_summary.rows[in_grid];
    auto alone_row = alone_summary.rows[0];
    grid_row.erase(grid_row.begin());
    alone_row.erase(alone_row.begin());
    EXPECT_EQ(grid_row, alone_row);
  }
}

// Recording the readouts does not change any metric of points.csv.
TEST(Readouts, RecordingDoesNotChangeTheMetrics) {
  SweepConfig with = small_population();
  SweepConfig without = with;
  without.readouts = ReadoutConfig{};
  const Simulation recorded = run_cpu(with);
  const Simulation plain = run_cpu(without);
  EXPECT_TRUE(plain.result.readouts.phase_histogram.empty());
  EXPECT_EQ(points_csv_without_spectra(with, recorded.result),
            points_csv_without_spectra(without, plain.result));
  for (std::size_t point = 0; point < recorded.result.tallies.size(); ++point) {
    const PointTally& a = recorded.result.tallies[point];
    const PointTally& b = plain.result.tallies[point];
    EXPECT_EQ(a.spikes, b.spikes);
    EXPECT_EQ(a.spikes_squared, b.spikes_squared);
    EXPECT_EQ(a.cos_sum, b.cos_sum);
    EXPECT_EQ(a.sin_sum, b.sin_sum);
    EXPECT_EQ(a.strength_sum, b.strength_sum);
  }
}

// The spectral measures of a point are pooled_spectrum of its PSTH; without
// spikes the SNR is undefined.
TEST(Readouts, SpectralMeasuresArePooledSpectrumOfThePsth) {
  const SweepConfig config = with_readouts(test::reference_config({0.0, 30.0}, 40, 2000.0), 0);
  const Simulation run = run_cpu(config);
  const std::uint32_t bins = run.plan.readout_layout.psth_bins;
  for (std::size_t point = 0; point < 2; ++point) {
    const SpectralReadout expected =
        pooled_spectrum(std::span<const std::uint64_t>(run.result.readouts.psth.data() + point * bins, bins),
                        10.0, 2000.0, 40, 10.0);
    const SpectralReadout got = population_measures(run.plan, run.result, point).spectrum;
    EXPECT_EQ(format_number(got.amplitude_hz), format_number(expected.amplitude_hz)) << "point " << point;
    EXPECT_EQ(format_number(got.snr_db), format_number(expected.snr_db)) << "point " << point;
  }
  EXPECT_TRUE(std::isnan(population_measures(run.plan, run.result, 0).spectrum.snr_db));
  EXPECT_TRUE(std::isfinite(population_measures(run.plan, run.result, 1).spectrum.snr_db));
}

// ---------------------------------------------------------------------------
// trace_neuron replays the engine's neuron.

// Sample indices of the spikes in a trace.
std::vector<std::int64_t> spike_samples(const std::vector<TraceSample>& trace) {
  std::vector<std::int64_t> samples;
  for (std::size_t k = 0; k < trace.size(); ++k) {
    if (trace[k].spike) samples.push_back(static_cast<std::int64_t>(k));
  }
  return samples;
}

class TracePerScheme : public ::testing::TestWithParam<Scheme> {};

INSTANTIATE_TEST_SUITE_P(Trace, TracePerScheme, ::testing::Values(Scheme::euler, Scheme::exact),
                         [](const ::testing::TestParamInfo<Scheme>& info) {
                           return scheme_name(info.param);
                         });

// The scalar trace (the GPU's code path) against the CPU's lane vectors.
TEST_P(TracePerScheme, SpikesAndMaximumMatchTheEngine) {
  constexpr std::uint32_t kNeurons = 6;  // trace neurons 0..5, the last one is n = 5
  SweepConfig config = with_readouts(test::reference_config({30.0}, kNeurons, 2000.0), kNeurons);
  config.scheme = GetParam();
  config.execution.chunk_steps = 1000;  // the trace crosses chunk boundaries too
  const Simulation run = run_cpu(config);
  const std::int64_t n_ref = TimeGrid::refractory_samples(config.grid[Axis::t_ref].front(), config.time.dt);
  const auto v_reset = static_cast<float>(config.grid[Axis::v_reset].front());
  float max_v = -1e30f;
  std::uint64_t total = 0;
  for (std::uint32_t neuron = 0; neuron < kNeurons; ++neuron) {
    SCOPED_TRACE("neuron " + std::to_string(neuron));
    const std::vector<TraceSample> trace = trace_neuron(run.plan, neuron);
    ASSERT_EQ(static_cast<std::int64_t>(trace.size()), run.plan.samples);
    EXPECT_EQ(trace[0].time_ms, 0.0);
    EXPECT_EQ(trace[0].v_mv, static_cast<float>(config.grid[Axis::v_init].front()));
    EXPECT_FALSE(trace[0].spike);
    EXPECT_EQ(trace.back().time_ms, config.time.time_of(run.plan.samples - 1));

    const std::vector<std::int64_t> spikes = spike_samples(trace);
    std::vector<std::int64_t> raster;
    for (const std::int32_t step : raster_of(run, 0, neuron)) raster.push_back(step + 1);  // spike at t_{k+1}
    EXPECT_EQ(spikes, raster);
    EXPECT_EQ(spikes.size(), run.result.readouts.raster_counts[neuron]);
    for (const std::int64_t k : spikes) {
      EXPECT_EQ(trace[static_cast<std::size_t>(k)].time_ms, config.time.time_of(k));
      // Held at V_reset for n_ref samples, the spike sample included.
      for (std::int64_t j = k; j < std::min<std::int64_t>(k + n_ref, run.plan.samples); ++j) {
        ASSERT_EQ(trace[static_cast<std::size_t>(j)].v_mv, v_reset) << "sample " << j << " after spike " << k;
      }
    }
    for (const TraceSample& sample : trace) max_v = std::max(max_v, sample.v_mv);
    total += spikes.size();
  }
  EXPECT_EQ(total, run.result.metrics[0].total_spikes);
  EXPECT_GT(total, 20u);
  EXPECT_EQ(max_v, run.result.readouts.max_v[0]);
}

// At A = 0 the input is I_bias plus white noise sigma z_k / sqrt(dt): over K
// samples its mean is I_bias within 4 standard errors s / sqrt(K), its sample
// standard deviation is s = sigma / sqrt(dt) within 4 s / sqrt(2 (K - 1)), and
// its lag-1 autocorrelation is 0 within 4 / sqrt(K).
TEST(Trace, InputIsBiasPlusWhiteNoise) {
  SweepConfig config = test::reference_config({12.5}, 1, 10000.0);
  config.grid[Axis::amplitude] = {0.0};
  const SweepPlan plan = make_plan(config);
  const std::vector<TraceSample> trace = trace_neuron(plan, 0);
  const auto k = static_cast<double>(trace.size());
  ASSERT_EQ(trace.size(), 100000u);
  const double s = 12.5 / std::sqrt(config.time.dt);
  double mean = 0.0;
  for (const TraceSample& sample : trace) mean += sample.input_pa;
  mean /= k;
  double variance = 0.0;
  double lag1 = 0.0;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const double x = trace[i].input_pa - mean;
    variance += x * x;
    if (i > 0) lag1 += x * (trace[i - 1].input_pa - mean);
  }
  const double sd = std::sqrt(variance / (k - 1.0));
  EXPECT_NEAR(mean, 178.0, 4.0 * s / std::sqrt(k));
  EXPECT_NEAR(sd, s, 4.0 * s / std::sqrt(2.0 * (k - 1.0)));
  EXPECT_NEAR(lag1 / variance, 0.0, 4.0 / std::sqrt(k));
  // And with sigma = 0 the input is exactly the bias.
  config.grid[Axis::sigma] = {0.0};
  for (const TraceSample& sample : trace_neuron(make_plan(config), 0)) ASSERT_EQ(sample.input_pa, 178.0);
}

}  // namespace
}  // namespace srlif
