// The `euler` scheme at sigma = 0 against references that share no code with srlif:
//  - an independent double-precision integrator of DESIGN.md section 1, written here
//    from the model equations in their original form v' = v + dt/tau (E_L - v + I/g_L);
//  - the closed-form solution of the Euler recurrence for constant input, and the
//    continuous-time first-passage time tau ln((mu - V_reset)/(mu - V_th)).
//
// srlif returns only per-grid-point tallies, so the engine is compared through what a
// tally determines: the spike count and the pooled mean resultant vector of the
// spike phases. Identical spike steps give identical counts and (up to the 2^-24
// fixed point of the phase tables) identical resultants; a spike moved by one step
// changes the mean resultant by ~(2 pi f dt / 1000) / n, far above the tolerance used.
//
// Threshold decisions closer to a tie than float32 rounding can reach cannot be
// predicted by a double reference; inputs compared against it are chosen (and checked)
// to have none, and the remaining inputs are compared against a float32 replica of
// the documented arithmetic instead.
//
// Units: mV, ms, pA, nS, Hz.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "srlif/planning/sweep_plan.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"

namespace {

constexpr double kPi = std::numbers::pi;

// Model parameters of the reference study (DESIGN.md section 1), kept here so that
// the reference does not read srlif's defaults.
struct Model {
  double v_threshold = -55.0;  // mV
  double v_reset = -75.0;      // mV
  double e_leak = -75.0;       // mV
  double v_init = -75.0;       // mV
  double tau_m = 10.0;         // ms
  double g_leak = 10.0;        // nS
  double t_ref = 2.0;          // ms
  double dt = 0.1;             // ms
  double duration = 10000.0;   // ms
};

// K = ceil(duration / dt) samples; the small slack keeps 10000/0.1 from becoming 100001.
std::int64_t sample_count(const Model& m) {
  return static_cast<std::int64_t>(std::ceil(m.duration / m.dt - 1e-9));
}

// n_ref = max(round(t_ref / dt), 0): samples held at V_reset, the spike sample included.
std::int64_t refractory_samples(const Model& m) {
  return std::max<std::int64_t>(std::llround(m.t_ref / m.dt), 0);
}

// Worst-case deviation (mV) of the float32 engine from exact arithmetic between two
// resets (both restart from V_reset exactly). Per step the engine rounds twice
// (decay*v and + drive, |values| < 128 so half an ulp <= 2^-18 = 3.8e-6 mV each) and
// carries coefficient rounding (|float(1 - dt/tau) - 0.99| * 75 mV = 7e-7 mV, the drive
// terms ~1e-7 mV): < 8.5e-6 mV per step. The recurrence contracts errors by
// decay = 0.99, so they accumulate to at most 8.5e-6 / (1 - 0.99) = 8.5e-4 mV.
constexpr double kFloatDeviationBound = 1e-3;  // mV

struct ReferenceRun {
  std::vector<std::int64_t> spike_samples;  // k + 1 for a spike emitted by step k
  // min over all integrated steps of |v' - V_th| (mV): how far every threshold
  // decision is from a tie. Must exceed the float32 engine's worst-case deviation
  // from exact arithmetic for "identical spike steps" to be a fair expectation.
  double min_threshold_margin = std::numeric_limits<double>::infinity();
  double max_v = -std::numeric_limits<double>::infinity();  // mV, over all samples
  // The sample k + 1 of the first step k whose |v' - V_th| <= kFloatDeviationBound;
  // spikes at earlier samples are decided beyond doubt for a float32 engine.
  std::int64_t first_ambiguous_sample = std::numeric_limits<std::int64_t>::max();
};

// Independent double-precision Euler integrator of one noiseless neuron.
ReferenceRun reference_euler(const Model& m, double bias, double amplitude, double frequency) {
  ReferenceRun run;
  const std::int64_t samples = sample_count(m);
  const std::int64_t n_ref = refractory_samples(m);
  double v = m.v_init;
  std::int64_t refractory = 0;
  run.max_v = v;
  for (std::int64_t k = 0; k + 1 < samples; ++k) {
    if (refractory > 0) {  // held at V_reset; no integration
      v = m.v_reset;
      --refractory;
      continue;
    }
    const double t = static_cast<double>(k) * m.dt;                                          // ms
    const double current = bias + amplitude * std::sin(2.0 * kPi * frequency * t / 1000.0);  // pA
    const double v_next = v + (m.dt / m.tau_m) * (m.e_leak - v + current / m.g_leak);
    const double margin = std::abs(v_next - m.v_threshold);
    run.min_threshold_margin = std::min(run.min_threshold_margin, margin);
    if (margin <= kFloatDeviationBound) {
      run.first_ambiguous_sample = std::min(run.first_ambiguous_sample, k + 1);
    }
    if (v < m.v_threshold && v_next >= m.v_threshold) {
      run.spike_samples.push_back(k + 1);
      v = m.v_reset;
      refractory = std::max<std::int64_t>(n_ref - 1, 0);
    } else {
      v = v_next;
    }
    run.max_v = std::max(run.max_v, v);
  }
  return run;
}

// Mean resultant vector (1/n) sum e^{i phi} of the spike phases phi = 2 pi f t / 1000.
struct Resultant {
  double x = 0.0;
  double y = 0.0;
  double strength() const { return std::hypot(x, y); }
  double phase() const {  // [0, 2 pi)
    const double phase = std::atan2(y, x);
    return phase < 0.0 ? phase + 2.0 * kPi : phase;
  }
};

Resultant reference_resultant(const std::vector<std::int64_t>& spike_samples, double dt, double frequency) {
  Resultant r;
  for (std::int64_t sample : spike_samples) {
    const double phase = 2.0 * kPi * frequency * (static_cast<double>(sample) * dt) / 1000.0;
    r.x += std::cos(phase);
    r.y += std::sin(phase);
  }
  const auto n = static_cast<double>(spike_samples.size());
  r.x /= n;
  r.y /= n;
  return r;
}

srlif::SweepConfig noiseless_config(const Model& m, std::vector<double> amplitude, std::vector<double> bias,
                                    std::vector<double> frequency) {
  srlif::SweepConfig config;
  config.grid[srlif::Axis::v_threshold] = {m.v_threshold};
  config.grid[srlif::Axis::v_reset] = {m.v_reset};
  config.grid[srlif::Axis::e_leak] = {m.e_leak};
  config.grid[srlif::Axis::v_init] = {m.v_init};
  config.grid[srlif::Axis::tau_m] = {m.tau_m};
  config.grid[srlif::Axis::g_leak] = {m.g_leak};
  config.grid[srlif::Axis::t_ref] = {m.t_ref};
  config.time.dt = m.dt;
  config.time.duration = m.duration;
  config.grid[srlif::Axis::sigma] = {0.0};
  config.grid[srlif::Axis::amplitude] = std::move(amplitude);
  config.grid[srlif::Axis::bias] = std::move(bias);
  config.grid[srlif::Axis::frequency] = std::move(frequency);
  config.neurons = 1;
  config.seed = 20240601;
  config.execution.threads = 1;  // one neuron per point: one work item; no thread team to wake
  return config;
}

srlif::SweepResult run_engine(const srlif::SweepConfig& config) {
  const srlif::SweepPlan plan = srlif::make_plan(config);
  const auto backend = srlif::make_cpu_backend(config.execution.threads);
  return srlif::run_sweep(plan, *backend, {});
}

// Tolerance on the mean resultant vector: each spike's cos/sin enters in fixed point
// with scale 2^24, i.e. rounded by <= 2^-25 per component, so the mean resultant is
// within sqrt(2) 2^-25 = 4.2e-8 of the exact one. A spike one step (0.1 ms) early or
// late moves it by ~2 pi f dt / 1000 / n >= 1e-6 only for n < 3000 spikes at 5 Hz, so
// 1e-6 still detects any moved spike in these runs (n < 1200).
constexpr double kResultantTolerance = 1e-6;

// Compares one engine grid point (1 neuron) with the spike samples of a reference run.
void expect_same_spikes(const srlif::PointMetrics& engine, const std::vector<std::int64_t>& spike_samples,
                        double dt, double frequency) {
  EXPECT_EQ(engine.total_spikes, spike_samples.size());
  if (spike_samples.empty()) return;
  const Resultant expected = reference_resultant(spike_samples, dt, frequency);
  EXPECT_NEAR(engine.pooled_vector_strength, expected.strength(), kResultantTolerance);
  // The whole mean resultant vector: well conditioned even when R is small.
  const double engine_x = engine.pooled_vector_strength * std::cos(engine.preferred_phase_rad);
  const double engine_y = engine.pooled_vector_strength * std::sin(engine.preferred_phase_rad);
  EXPECT_LT(std::hypot(engine_x - expected.x, engine_y - expected.y), kResultantTolerance)
      << "mean resultant vector";
  // The angle itself carries an error <= 4.2e-8 / R, below 1e-6 rad for R >= 0.1.
  if (expected.strength() >= 0.1) {
    const double difference = std::remainder(engine.preferred_phase_rad - expected.phase(), 2.0 * kPi);
    EXPECT_LT(std::abs(difference), kResultantTolerance) << "preferred phase, rad";
  }
}

struct DriveCase {
  double t_ref;      // ms
  double bias;       // pA
  double amplitude;  // pA
  double frequency;  // Hz
};

std::string describe(const DriveCase& c) {
  return "t_ref " + std::to_string(c.t_ref) + " ms, I_bias " + std::to_string(c.bias) + " pA, A " +
         std::to_string(c.amplitude) + " pA, f " + std::to_string(c.frequency) + " Hz";
}

// Each case through the engine (1 neuron, sigma = 0) and the double reference.
void expect_engine_matches_double_reference(const std::vector<DriveCase>& cases) {
  for (const DriveCase& c : cases) {
    SCOPED_TRACE(describe(c));
    Model m;
    m.t_ref = c.t_ref;
    const ReferenceRun reference = reference_euler(m, c.bias, c.amplitude, c.frequency);
    // Precondition on the chosen inputs, not on srlif: no threshold decision is
    // closer to a tie than float32 arithmetic can move it.
    if (reference.min_threshold_margin <= kFloatDeviationBound) {
      ADD_FAILURE() << "ill-conditioned test input (margin " << reference.min_threshold_margin
                    << " mV): pick another one";
      continue;
    }
    EXPECT_GE(reference.spike_samples.size(), 90u) << "test input meant to fire";
    const srlif::SweepResult result = run_engine(noiseless_config(m, {c.amplitude}, {c.bias}, {c.frequency}));
    ASSERT_EQ(result.metrics.size(), 1u);
    expect_same_spikes(result.metrics[0], reference.spike_samples, m.dt, c.frequency);
  }
}

// Constant suprathreshold input (mu = E_L + I_bias/g_L = -54.5, -50, -45 mV, above V_th):
// every ISI is the same, and 5, 10 and 37 Hz put the spikes at different phases of the
// (absent) signal, which exercises the phase tables. t_ref 0 (n_ref 0: reset only),
// 1.3 (n_ref 13) and 2 ms (n_ref 20).
TEST(EulerReference, NoiselessConstantInputMatchesDoubleReference) {
  std::vector<DriveCase> cases;
  for (double t_ref : {0.0, 1.3, 2.0}) {
    for (double bias : {205.0, 250.0, 300.0}) {
      for (double frequency : {5.0, 10.0, 37.0}) cases.push_back({t_ref, bias, 0.0, frequency});
    }
  }
  expect_engine_matches_double_reference(cases);
}

// Sinusoidal drive around threshold (I_bias 195-300 pA, A 10-20 pA) at frequencies whose
// period is a whole number of steps: the neuron locks to the signal (1 or more spikes per
// cycle at fixed phases), so the trajectory settles into a cycle and every threshold
// decision stays far from a tie (the precondition checks it). Strongly locked, so the
// preferred phase is tested at large R.
TEST(EulerReference, NoiselessPhaseLockedInputMatchesDoubleReference) {
  expect_engine_matches_double_reference({
      {2.0, 195.0, 20.0, 10.0}, {2.0, 195.0, 20.0, 20.0}, {2.0, 195.0, 20.0, 25.0}, {2.0, 195.0, 20.0, 50.0},
      {2.0, 200.0, 20.0, 20.0}, {2.0, 205.0, 20.0, 5.0},  {2.0, 205.0, 20.0, 25.0}, {2.0, 205.0, 20.0, 50.0},
      {2.0, 270.0, 10.0, 5.0},  {2.0, 300.0, 20.0, 50.0}, {0.0, 195.0, 20.0, 5.0},  {0.0, 195.0, 20.0, 25.0},
      {0.0, 200.0, 20.0, 50.0}, {0.0, 205.0, 20.0, 10.0}, {0.0, 210.0, 20.0, 20.0}, {0.0, 230.0, 20.0, 50.0},
      {0.0, 300.0, 20.0, 50.0}, {1.3, 195.0, 20.0, 20.0}, {1.3, 205.0, 20.0, 20.0}, {1.3, 205.0, 10.0, 50.0},
      {1.3, 210.0, 20.0, 20.0},
  });
}

// Float32 replica of the documented step (euler_step.hpp, DESIGN.md section 3):
//   v' = (decay v + (drive_base + drive_amplitude sin_k)) + noise_gain z_k,
// coefficients computed in double and rounded to float, sin_k = float(sin(2 pi x)) with
// x the fractional part of f k dt / 1000 (the drive table's reduction). At sigma = 0
// the noise term is +-0 and changes nothing. Written here without srlif's code.
std::vector<std::int64_t> float32_replica(const Model& m, double bias, double amplitude, double frequency) {
  const double rate = m.dt / m.tau_m;
  const auto decay = static_cast<float>(1.0 - rate);
  const auto drive_base = static_cast<float>(rate * (m.e_leak + bias / m.g_leak));
  const auto drive_amplitude = static_cast<float>(rate * amplitude / m.g_leak);
  const auto threshold = static_cast<float>(m.v_threshold);
  const auto reset = static_cast<float>(m.v_reset);
  const std::int64_t hold = std::max<std::int64_t>(refractory_samples(m) - 1, 0);
  std::vector<std::int64_t> spikes;
  float v = static_cast<float>(m.v_init);
  std::int64_t refractory = 0;
  for (std::int64_t k = 0; k + 1 < sample_count(m); ++k) {
    if (refractory > 0) {
      v = reset;
      --refractory;
      continue;
    }
    const double cycles = frequency * (static_cast<double>(k) * m.dt) / 1000.0;
    const auto sin_k = static_cast<float>(std::sin(2.0 * kPi * (cycles - std::floor(cycles))));
    const float drive = drive_base + drive_amplitude * sin_k;
    const float v_free = decay * v + drive;
    if (v < threshold && v_free >= threshold) {
      spikes.push_back(k + 1);
      v = reset;
      refractory = hold;
    } else {
      v = v_free;
    }
  }
  return spikes;
}

// Modulated suprathreshold input that does not lock: hundreds of distinct threshold
// crossings, some inevitably within float32 rounding of a tie, where the double
// reference cannot decide what a float32 engine must do. Here the engine must follow
// the float32 arithmetic it documents, spike for spike.
TEST(EulerReference, NoiselessModulatedInputMatchesFloat32Replica) {
  for (double t_ref : {0.0, 2.0}) {
    Model m;
    m.t_ref = t_ref;
    const srlif::SweepConfig config = noiseless_config(m, {0.0, 20.0}, {250.0, 300.0}, {5.0, 10.0, 37.0});
    const srlif::SweepResult result = run_engine(config);
    ASSERT_EQ(result.metrics.size(), config.grid.size());
    for (std::size_t index = 0; index < config.grid.size(); ++index) {
      const srlif::GridPoint point = config.grid.point(index);
      SCOPED_TRACE(describe({t_ref, point.bias(), point.amplitude(), point.frequency()}));
      const std::vector<std::int64_t> replica =
          float32_replica(m, point.bias(), point.amplitude(), point.frequency());
      ASSERT_GT(replica.size(), 500u);
      expect_same_spikes(result.metrics[index], replica, m.dt, point.frequency());
      // The replica is itself checked against the double reference: up to the first
      // threshold decision within float32 reach of a tie, the spike trains must be
      // identical (afterwards a one-step shift may persist: the phase of a
      // non-locked orbit is neutrally stable).
      const ReferenceRun reference = reference_euler(m, point.bias(), point.amplitude(), point.frequency());
      const auto before = [&](const std::vector<std::int64_t>& spikes) {
        return std::vector<std::int64_t>(
            spikes.begin(), std::lower_bound(spikes.begin(), spikes.end(), reference.first_ambiguous_sample));
      };
      const std::vector<std::int64_t> reference_prefix = before(reference.spike_samples);
      EXPECT_EQ(before(replica), reference_prefix);
    }
  }
}

// The reference neuron at sigma = 0 is subthreshold (DESIGN.md section 6): the
// stationary response to 178 pA + 20 pA at 10 Hz peaks at mu + (A/g_L)/sqrt(1 + (2 pi f tau)^2)
// = -57.2 + 1.69 = -55.5 mV, about 0.5 mV below V_th.
TEST(EulerReference, SubthresholdReferenceNeuronIsSilentWithoutNoise) {
  const Model m;
  const ReferenceRun reference = reference_euler(m, 178.0, 20.0, 10.0);
  EXPECT_TRUE(reference.spike_samples.empty());
  EXPECT_LT(reference.max_v, m.v_threshold - 0.25);  // mV: far from a tie
  const srlif::SweepResult result = run_engine(noiseless_config(m, {20.0}, {178.0}, {10.0}));
  ASSERT_EQ(result.metrics.size(), 1u);
  EXPECT_EQ(result.metrics[0].total_spikes, 0u);
  EXPECT_DOUBLE_EQ(result.metrics[0].mean_rate_hz, 0.0);
  EXPECT_TRUE(std::isnan(result.metrics[0].pooled_vector_strength));  // undefined without spikes
}

// ---------------------------------------------------------------------------------
// Constant suprathreshold input (A = 0, sigma = 0).
//
// Continuous time: from V_reset the membrane relaxes to mu = E_L + I_bias/g_L and
// reaches V_th after T = tau ln((mu - V_reset)/(mu - V_th)).
//
// Euler: v_k - mu = (V_reset - mu) d^k with d = 1 - dt/tau, so the first sample at or
// above V_th is k_E = ceil(kappa), kappa = ln((mu - V_th)/(mu - V_reset)) / ln d
// = T' / dt, with T' = T (dt/tau) / (-ln(1 - dt/tau)) <= T the Euler passage time.
// Since k_E dt in [T', T' + dt): k_E dt - T in [-(T - T'), dt - (T - T')), which is
// inside (-dt, dt) whenever T - T' < dt (first-order Euler bias T - T' ~ T dt/(2 tau),
// so for T below ~2 tau = 20 ms).
//
// Refractory hold: the spike sample and the next n_ref - 1 samples are V_reset, and
// integration resumes from the last held sample, so the ISI is (hold + k_E) steps with
// hold = max(n_ref - 1, 0) (n_ref = 0 and 1 both give hold 0): the discrete hold is
// t_ref - dt, because the spike sample, which already lies up to one step after the
// continuous crossing, is the first held sample. The first spike (V_init = V_reset) is
// at sample k_E.
// ---------------------------------------------------------------------------------

struct ConstantInputPrediction {
  double passage_ms;                 // T, continuous time
  double euler_passage_ms;           // T'
  std::int64_t first_passage_steps;  // k_E
  std::int64_t hold_steps;           // max(n_ref - 1, 0)
  double margin_mv;                  // min(|v_{k_E} - V_th|, |v_{k_E - 1} - V_th|): distance from a tie
};

ConstantInputPrediction predict_constant_input(const Model& m, double bias) {
  const double mu = m.e_leak + bias / m.g_leak;  // mV
  const double x = m.dt / m.tau_m;
  ConstantInputPrediction p{};
  p.passage_ms = m.tau_m * std::log((mu - m.v_reset) / (mu - m.v_threshold));
  const double kappa = std::log((mu - m.v_threshold) / (mu - m.v_reset)) / std::log1p(-x);
  p.euler_passage_ms = kappa * m.dt;
  p.first_passage_steps = static_cast<std::int64_t>(std::ceil(kappa));
  p.hold_steps = std::max<std::int64_t>(refractory_samples(m) - 1, 0);
  const auto v_at = [&](std::int64_t k) {
    return mu + (m.v_reset - mu) * std::pow(1.0 - x, static_cast<double>(k));
  };
  p.margin_mv = std::min(std::abs(v_at(p.first_passage_steps) - m.v_threshold),
                         std::abs(v_at(p.first_passage_steps - 1) - m.v_threshold));
  return p;
}

// Spikes at samples k_E + j (hold + k_E), j >= 0, up to the last sample K - 1.
std::uint64_t closed_form_count(const Model& m, const ConstantInputPrediction& p) {
  const std::int64_t last = sample_count(m) - 1;
  if (p.first_passage_steps > last) return 0;
  return static_cast<std::uint64_t>((last - p.first_passage_steps) / (p.hold_steps + p.first_passage_steps)) +
         1;
}

// Exact: the engine's spike count equals the closed-form Euler solution's (the ISI in
// steps is an integer, so there is nothing to round; the margin precondition keeps the
// ceil() away from a tie that float32 could tip).
TEST(EulerReference, ConstantInputSpikeCountMatchesClosedFormEulerSolution) {
  const std::vector<double> biases = {205.0, 230.0, 250.0, 270.0, 300.0, 400.0, 1000.0};  // pA
  for (double t_ref : {0.0, 0.1, 1.0, 2.0, 5.0}) {
    Model m;
    m.t_ref = t_ref;
    const srlif::SweepResult result = run_engine(noiseless_config(m, {0.0}, biases, {10.0}));
    ASSERT_EQ(result.metrics.size(), biases.size());
    for (std::size_t i = 0; i < biases.size(); ++i) {
      SCOPED_TRACE("t_ref " + std::to_string(t_ref) + " ms, I_bias " + std::to_string(biases[i]) + " pA");
      const ConstantInputPrediction p = predict_constant_input(m, biases[i]);
      ASSERT_GT(p.margin_mv, kFloatDeviationBound) << "ill-conditioned test input";
      EXPECT_EQ(result.metrics[i].total_spikes, closed_form_count(m, p));
    }
  }
}

// Continuous time: the ISI is within one step of hold + tau ln((mu - V_reset)/(mu - V_th)),
// checked through the count. With first spike t_1 in (T - dt, T + dt) and ISI P in
// (hold + T - dt, hold + T + dt), the count n = floor((t_end - t_1)/P) + 1 over
// t_end = (K - 1) dt lies in
//   [floor((t_end - T - dt)/(hold + T + dt)) + 1, floor((t_end - T + dt)/(hold + T - dt)) + 1],
// a window about 2 n dt / P wide (7 spikes at 250 pA, t_ref 2 ms; the exact count is
// checked by ConstantInputSpikeCountMatchesClosedFormEulerSolution).
TEST(EulerReference, ConstantInputIsiWithinOneStepOfContinuousTimeFormula) {
  // T = 16.1, 11.0, 6.9, 2.2 ms, all with T - T' < dt (asserted below).
  const std::vector<double> biases = {250.0, 300.0, 400.0, 1000.0};  // pA
  for (double t_ref : {0.0, 0.1, 2.0, 5.0}) {
    Model m;
    m.t_ref = t_ref;
    const srlif::SweepResult result = run_engine(noiseless_config(m, {0.0}, biases, {10.0}));
    ASSERT_EQ(result.metrics.size(), biases.size());
    for (std::size_t i = 0; i < biases.size(); ++i) {
      SCOPED_TRACE("t_ref " + std::to_string(t_ref) + " ms, I_bias " + std::to_string(biases[i]) + " pA");
      const ConstantInputPrediction p = predict_constant_input(m, biases[i]);
      ASSERT_LT(p.passage_ms - p.euler_passage_ms, m.dt) << "Euler bias exceeds one step";
      ASSERT_GE(p.passage_ms, p.euler_passage_ms);
      const double hold_ms = static_cast<double>(p.hold_steps) * m.dt;
      const double t_end = static_cast<double>(sample_count(m) - 1) * m.dt;
      const double isi = hold_ms + p.passage_ms;  // continuous-time ISI, ms
      const double low = std::floor((t_end - p.passage_ms - m.dt) / (isi + m.dt)) + 1.0;
      const double high = std::floor((t_end - p.passage_ms + m.dt) / (isi - m.dt)) + 1.0;
      const auto count = static_cast<double>(result.metrics[i].total_spikes);
      EXPECT_GE(count, low) << "continuous ISI " << isi << " ms";
      EXPECT_LE(count, high) << "continuous ISI " << isi << " ms";
    }
  }
}

}  // namespace
