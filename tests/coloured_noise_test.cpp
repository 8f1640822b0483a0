// Coloured (Ornstein-Uhlenbeck) noise, --noise-tau (coloured_noise.hpp): the current's
// statistics, the exact scheme's joint (V, I) transition, the state through snapshots and state
// files, the trace against the backend, the Fourcaud-Brunel theory and bad input.
// Statistical checks use fixed seeds and tolerances of 4 standard errors of the estimate.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/io/checksummed_file.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/state_file.hpp"
#include "srlif/measures/theory.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/trace.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

constexpr double kSigma = 40.0;    // pA sqrt(ms)
constexpr double kNoiseTau = 2.0;  // ms

// One point without signal, chunks of 4 steps (a snapshot at every 4th step).
SweepConfig coloured_config(Scheme scheme, std::uint64_t neurons, double duration_ms) {
  SweepConfig config = test::reference_config({kSigma}, neurons, duration_ms);
  config.scheme = scheme;
  config.grid[Axis::amplitude] = {0.0};
  config.grid[Axis::noise_tau] = {kNoiseTau};
  config.execution.chunk_steps = 4;
  return config;
}

// The mean of `values` and its standard error.
struct Estimate {
  double mean;
  double standard_error;
};
Estimate estimate(const std::vector<double>& values) {
  double sum = 0.0;
  for (const double value : values) sum += value;
  const double mean = sum / static_cast<double>(values.size());
  double squares = 0.0;
  for (const double value : values) squares += (value - mean) * (value - mean);
  const double variance = squares / static_cast<double>(values.size() - 1);
  return {mean, std::sqrt(variance / static_cast<double>(values.size()))};
}

// Per neuron products a_i b_i of two snapshots' arrays (means of 0 known, so no centring).
template <typename A, typename B>
std::vector<double> products(const std::vector<A>& a, const std::vector<B>& b, double a_offset = 0.0) {
  std::vector<double> out;
  for (std::size_t i = 0; i < a.size(); ++i)
    out.push_back((static_cast<double>(a[i]) - a_offset) * static_cast<double>(b[i]));
  return out;
}

#define EXPECT_WITHIN_4SE(estimate_value, expected)                                                \
  EXPECT_NEAR((estimate_value).mean, (expected), 4.0 * (estimate_value).standard_error)            \
      << "estimate " << (estimate_value).mean << " +- " << (estimate_value).standard_error << ", " \
      << "expected " << (expected)

// The current starts stationary and stays so: mean 0, variance sigma^2 / (2 tau_s), and the
// autocorrelation at lag tau_s is e^{-1} of the variance; under both schemes (which step it alike).
TEST(ColouredNoise, CurrentHasTheOrnsteinUhlenbeckStatistics) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SCOPED_TRACE(scheme_name(scheme));
    const SweepPlan plan = make_plan(coloured_config(scheme, 20000, 10.0));
    ASSERT_TRUE(plan.coloured_noise);
    const auto backend = make_cpu_backend(2);
    const PopulationSnapshot early = test::snapshot_at(*backend, plan, 8);
    const PopulationSnapshot late = test::snapshot_at(*backend, plan, 28);  // 20 steps of 0.1 ms = tau_s
    ASSERT_EQ(early.next_step, 8);
    ASSERT_EQ(late.next_step, 28);
    const double variance = kSigma * kSigma / (2.0 * kNoiseTau);  // pA^2
    std::vector<double> currents(early.noise_current.begin(), early.noise_current.end());
    EXPECT_WITHIN_4SE(estimate(currents), 0.0);
    EXPECT_WITHIN_4SE(estimate(products(early.noise_current, early.noise_current)), variance);
    EXPECT_WITHIN_4SE(estimate(products(late.noise_current, late.noise_current)), variance);
    EXPECT_WITHIN_4SE(estimate(products(early.noise_current, late.noise_current)), variance * std::exp(-1.0));
  }
}

// Scheme exact's joint transition at a step of 0.5 ms (a quarter of tau_s): without threshold the
// free membrane reaches the stationary variance sigma^2 / (2 g_L^2 (tau_m + tau_s)) and its
// covariance with the current sigma^2 / (2 g_L (tau_m + tau_s)) (docs/theory.md).
TEST(ColouredNoise, ExactSchemeHasTheStationaryJointStatistics) {
  SweepConfig config = coloured_config(Scheme::exact, 20000, 200.0);
  config.time.dt = 0.5;
  config.grid[Axis::bias] = {0.0};            // mean potential E_L = V_init
  config.grid[Axis::v_threshold] = {1000.0};  // never reached
  const SweepPlan plan = make_plan(config);
  const auto backend = make_cpu_backend(2);
  const PopulationSnapshot state = test::snapshot_at(*backend, plan, 396);  // 20 tau_m
  ASSERT_EQ(state.next_step, 396);
  const NeuronParams neuron;
  const double e_leak = neuron.e_leak;
  const double total = neuron.tau_m + kNoiseTau;
  EXPECT_WITHIN_4SE(estimate(products(state.v, state.v, e_leak)),
                    kSigma * kSigma / (2.0 * neuron.g_leak * neuron.g_leak * total));
  EXPECT_WITHIN_4SE(estimate(products(state.v, state.noise_current, e_leak)),
                    kSigma * kSigma / (2.0 * neuron.g_leak * total));
}

// The trace (one neuron, scalar code) and the CPU backend (lane vectors) integrate the same
// neuron to the same bits, and the trace's input is the bias plus the backend's current.
TEST(ColouredNoise, TraceAndBackendCarryTheSameState) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SCOPED_TRACE(scheme_name(scheme));
    SweepConfig config = coloured_config(scheme, 16, 300.0);
    config.grid[Axis::amplitude] = {20.0};
    config.execution.chunk_steps = 400;
    const SweepPlan plan = make_plan(config);
    const auto backend = make_cpu_backend(1);
    const PopulationSnapshot state = test::snapshot_at(*backend, plan, 2000);
    ASSERT_EQ(state.next_step, 2000);
    std::uint32_t spikes = 0;
    for (std::uint64_t neuron = 0; neuron < 16; ++neuron) {
      const std::vector<TraceSample> trace = trace_neuron(plan, neuron);
      const TraceSample& sample = trace.at(2000);
      EXPECT_EQ(sample.v_mv, state.v[neuron]) << "neuron " << neuron;
      const double sinusoid = std::sin(2.0 * M_PI * 10.0 * sample.time_ms / 1000.0);
      EXPECT_NEAR(sample.input_pa - 178.0 - 20.0 * sinusoid, state.noise_current[neuron], 1e-9)
          << "neuron " << neuron;
      spikes += state.spikes[neuron];
    }
    EXPECT_GT(spikes, 0u) << "the neurons fired: the spikes and resets matched too";
  }
}

// A run resumed from a snapshot gives the unbroken run's bits; without the snapshot's currents it
// does not, so the current is state that the snapshot carries.
TEST(ColouredNoise, ResumeCarriesTheCurrent) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SCOPED_TRACE(scheme_name(scheme));
    SweepConfig config = coloured_config(scheme, 300, 400.0);
    config.grid[Axis::sigma] = {20.0, 50.0};
    config.grid[Axis::amplitude] = {20.0};
    config.execution.chunk_steps = 400;
    const SweepPlan plan = make_plan(config);
    const auto backend = make_cpu_backend(2);
    const std::vector<PointTally> unbroken = backend->run(plan, {}).tallies;
    PopulationSnapshot state = test::snapshot_at(*backend, plan, 1600);
    const std::vector<PointTally> resumed = test::tallies_from(*backend, plan, state);
    ASSERT_EQ(resumed.size(), unbroken.size());
    for (std::size_t i = 0; i < unbroken.size(); ++i) {
      EXPECT_EQ(resumed[i].spikes, unbroken[i].spikes);
      EXPECT_EQ(resumed[i].cos_sum, unbroken[i].cos_sum);
      EXPECT_EQ(resumed[i].strength_sum, unbroken[i].strength_sum);
    }
    for (float& current : state.noise_current) current = 0.0f;
    const std::vector<PointTally> forgotten = test::tallies_from(*backend, plan, state);
    EXPECT_NE(forgotten[1].cos_sum, unbroken[1].cos_sum);
  }
}

// A state file holds the currents and the pending releases (version 2); a version 1 file (white
// noise, reset on the grid) reads as both 0.
TEST(ColouredNoise, StateFilesCarryTheCurrent) {
  StateFile file;
  file.config_text = "sigma = 10\n";
  file.points = {0, 3};
  file.neurons_per_point = 2;
  file.state.next_step = 8;
  file.state.v = {-70.0f, -60.0f, -65.5f, -56.0f};
  file.state.refractory = {0, 3, 0, 1};
  file.state.spikes = {1, 2, 3, 4};
  file.state.cos_sum = {5, -6, 7, 8};
  file.state.sin_sum = {-9, 10, 11, 12};
  file.state.noise_current = {1.5f, -2.25f, 30.0f, -0.125f};
  file.state.release = {0.0f, 0.5f, 0.0f, 0.25f};
  const std::string bytes = format_state_file(file);
  EXPECT_EQ(bytes.rfind("# srlif state 2\n", 0), 0u);
  const StateFile read = parse_state_file(bytes, "state");
  EXPECT_EQ(read.state.noise_current, file.state.noise_current);
  EXPECT_EQ(read.state.release, file.state.release);
  EXPECT_EQ(read.state.sin_sum, file.state.sin_sum);

  // The same state written as version 1 did: the magic, and the data without the currents.
  std::string version1 = bytes.substr(0, bytes.rfind("\n# fnv1a64 ") + 1);
  version1.replace(0, 16, "# srlif state 1\n");
  const std::size_t data_line = version1.find("data 144\n");
  ASSERT_NE(data_line, std::string::npos) << version1;
  version1.replace(data_line, 9, "data 112\n");
  version1.erase(version1.size() - 1 - 32, 32);  // the currents and releases: the last 32 bytes
  append_checksum(version1);
  const StateFile old = parse_state_file(version1, "old state");
  EXPECT_EQ(old.state.noise_current, (std::vector<float>{0.0f, 0.0f, 0.0f, 0.0f}));
  EXPECT_EQ(old.state.release, (std::vector<float>{0.0f, 0.0f, 0.0f, 0.0f}));
  EXPECT_EQ(old.state.sin_sum, file.state.sin_sum);
}

// White noise (noise_tau 0, the default) is not a coloured run and leaves no trace in the config
// text, so its files are the bytes they were before coloured noise existed (the values are pinned
// by Determinism.OutputBitsArePinned); a text without the key reads as white noise.
TEST(ColouredNoise, WhiteNoiseKeepsItsBytes) {
  const SweepConfig white = test::reference_config({10.0, 20.0}, 10, 100.0);
  EXPECT_FALSE(make_plan(white).coloured_noise);
  const std::string text = result_config_text(white);
  EXPECT_EQ(text.find("noise-tau"), std::string::npos) << text;
  EXPECT_EQ(parse_result_config_text(text, "config").grid[Axis::noise_tau], std::vector<double>{0.0});
  SweepConfig coloured = white;
  coloured.grid[Axis::noise_tau] = {2.0};
  const std::string coloured_text = result_config_text(coloured);
  EXPECT_NE(coloured_text.find("noise-tau = 2\n"), std::string::npos) << coloured_text;
  EXPECT_EQ(parse_result_config_text(coloured_text, "config").grid[Axis::noise_tau],
            std::vector<double>{2.0});
}

// Fourcaud & Brunel (2002): the Siegert rate with both bounds shifted up by
// sigma_V (alpha/2) sqrt(tau_s/tau_m), alpha = sqrt(2) |zeta(1/2)|, zeta(1/2) = -1.4603545088095868.
TEST(ColouredNoiseTheory, FourcaudBrunelShiftsThresholdAndReset) {
  EXPECT_NEAR(kFourcaudBrunelAlpha, std::sqrt(2.0) * 1.4603545088095868, 1e-15);
  const double bias = 178.0;
  for (const double sigma : {20.0, 40.0, 80.0}) {
    for (const double noise_tau : {0.1, 0.5, 1.0}) {
      NeuronParams neuron;
      neuron.noise_tau = noise_tau;
      const TheoryPoint coloured = siegert(neuron, bias, sigma);
      NeuronParams shifted;
      const double sigma_v = sigma / (shifted.g_leak * std::sqrt(shifted.tau_m));
      const double shift = sigma_v * kFourcaudBrunelAlpha / 2.0 * std::sqrt(noise_tau / shifted.tau_m);
      shifted.v_threshold += shift;
      shifted.v_reset += shift;
      const TheoryPoint white = siegert(shifted, bias, sigma);
      EXPECT_NEAR(coloured.rate_hz, white.rate_hz, 1e-9 * white.rate_hz) << sigma << " " << noise_tau;
      EXPECT_LT(coloured.rate_hz, siegert(NeuronParams{}, bias, sigma).rate_hz)
          << "filtering lowers the rate";
      EXPECT_DOUBLE_EQ(coloured.noise_tau_ratio, noise_tau / 10.0);
    }
  }
  // The white-noise limit.
  NeuronParams almost_white;
  almost_white.noise_tau = 1e-12;
  EXPECT_NEAR(siegert(almost_white, bias, 40.0).rate_hz, siegert(NeuronParams{}, bias, 40.0).rate_hz, 1e-4);
}

TEST(ColouredNoise, BadInputNamesTheFlag) {
  SweepConfig negative = coloured_config(Scheme::exact, 10, 10.0);
  negative.grid[Axis::noise_tau] = {1.0, -0.5};
  try {
    make_plan(negative);
    FAIL() << "a negative --noise-tau was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(error.flag(), "--noise-tau");
  }
  // Euler holds the current over a step: a correlation time below dt is refused; exact takes it.
  SweepConfig short_tau = coloured_config(Scheme::euler, 10, 10.0);
  short_tau.grid[Axis::noise_tau] = {0.05};
  try {
    make_plan(short_tau);
    FAIL() << "--noise-tau below --dt was accepted under euler";
  } catch (const InputError& error) {
    EXPECT_EQ(error.flag(), "--noise-tau");
    EXPECT_NE(std::string(error.what()).find("--scheme exact"), std::string::npos) << error.what();
  }
  short_tau.scheme = Scheme::exact;
  EXPECT_TRUE(make_plan(short_tau).coloured_noise);

  const std::string out = test::temporary_directory("coloured_bad") + "/run";
  const test::CommandResult result =
      test::run_srlif("sweep --noise-tau=-1 --sigma 10 --neurons 4 --duration 10 --out " + out);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("--noise-tau"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(out)) << "no partial output";
}

}  // namespace
}  // namespace srlif
