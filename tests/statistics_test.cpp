// Statistical agreement of srlif's `euler` engine with an independent reference.
//
// The reference below is written from the model equations of DESIGN.md section 1 in
// double precision, with its own random numbers (std::mt19937_64 and the Marsaglia
// polar method) and none of srlif's step, Philox, normal-transform or table code. Its
// neurons are arrays stepped in lockstep (the update loop over neurons vectorises).
// Since the two use different noise realisations, their estimates can only agree in
// distribution: every comparison is "difference within 4 standard errors".
//
// Units: mV, ms, pA, nS, Hz; sigma in pA sqrt(ms).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <numbers>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "srlif/planning/sweep_plan.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"

namespace {

constexpr double kPi = std::numbers::pi;

// The study's reference neuron (DESIGN.md section 1), restated here for the reference.
constexpr double kThreshold = -55.0;   // mV
constexpr double kReset = -75.0;       // mV
constexpr double kLeak = -75.0;        // mV, E_L
constexpr double kInit = -75.0;        // mV
constexpr double kTau = 10.0;          // ms
constexpr double kConductance = 10.0;  // nS
constexpr double kRefractory = 2.0;    // ms
constexpr double kDt = 0.1;            // ms
constexpr double kDuration = 10000.0;  // ms
constexpr double kBias = 178.0;        // pA
constexpr double kAmplitude = 20.0;    // pA
constexpr double kFrequency = 10.0;    // Hz

constexpr std::uint64_t kNeurons = 600;   // per grid point, both implementations
constexpr std::uint32_t kMinSpikes = 10;  // validity rule of the study (DESIGN.md section 2)
constexpr std::uint32_t kMaxSpikes = 400;
constexpr double kStandardErrors = 4.0;  // acceptance band, in standard errors

// Per-neuron results of the reference: spike count and sums of cos/sin of the spike
// phases 2 pi f t_spike / 1000.
struct Population {
  std::vector<std::uint32_t> spikes;
  std::vector<double> cos_sum;
  std::vector<double> sin_sum;
};

// Standard normals by the Marsaglia polar method (32-bit uniforms: the largest |z| is
// sqrt(-2 ln 2^-62) = 9.3, beyond what the 2.4e8 draws here reach: P(|z| > 9.3) ~ 1e-20).
class PolarNormal {
 public:
  explicit PolarNormal(std::uint64_t seed) : engine_(seed) {}
  void fill(std::vector<double>& out) {
    std::size_t i = 0;
    if (has_spare_ && !out.empty()) out[i++] = spare_, has_spare_ = false;
    while (i < out.size()) {
      double a = 0.0, b = 0.0, s = 0.0;
      do {  // one 64-bit draw gives both coordinates, 32 bits each, in [-1, 1)
        const std::uint64_t word = engine_();
        a = static_cast<double>(static_cast<std::uint32_t>(word)) * 0x1p-31 - 1.0;
        b = static_cast<double>(word >> 32) * 0x1p-31 - 1.0;
        s = a * a + b * b;
      } while (s >= 1.0 || s == 0.0);
      const double factor = std::sqrt(-2.0 * std::log(s) / s);
      out[i++] = a * factor;
      if (i < out.size()) {
        out[i++] = b * factor;
      } else {
        spare_ = b * factor;
        has_spare_ = true;
      }
    }
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// Euler-Maruyama in double for `count` neurons in lockstep:
//   I_k = I_bias + A sin(2 pi f t_k/1000) + sigma z_k / sqrt(dt)
//   v'  = v + dt/tau (E_L - v + I_k/g_L)
// spike when v < V_th <= v' (time t_{k+1}); then V_reset for n_ref samples including
// the spike sample (counter n_ref - 1 after the spike step).
void simulate_block(double sigma, std::uint64_t seed, std::size_t first, std::size_t count, Population& out) {
  const auto samples = static_cast<std::int64_t>(std::ceil(kDuration / kDt - 1e-9));
  const std::int32_t hold = static_cast<std::int32_t>(std::llround(kRefractory / kDt)) - 1;
  const double rate = kDt / kTau;
  const double noise_pa = sigma / std::sqrt(kDt);  // pA per unit normal
  std::vector<double> v(count, kInit);
  std::vector<std::int32_t> refractory(count, 0);
  std::vector<std::uint32_t> spikes(count, 0);
  std::vector<double> cos_sum(count, 0.0), sin_sum(count, 0.0);
  std::vector<double> z(count);
  PolarNormal normal(seed);
  for (std::int64_t k = 0; k + 1 < samples; ++k) {
    normal.fill(z);
    const double t = static_cast<double>(k) * kDt;
    const double drive = kBias + kAmplitude * std::sin(2.0 * kPi * kFrequency * t / 1000.0);
    const double spike_phase = 2.0 * kPi * kFrequency * (t + kDt) / 1000.0;
    const double c = std::cos(spike_phase), s = std::sin(spike_phase);
    for (std::size_t i = 0; i < count; ++i) {
      const double current = drive + noise_pa * z[i];
      const double v_free = v[i] + rate * (kLeak - v[i] + current / kConductance);
      const bool held = refractory[i] > 0;
      const bool spike = !held && v[i] < kThreshold && v_free >= kThreshold;
      v[i] = (held || spike) ? kReset : v_free;
      refractory[i] = held ? refractory[i] - 1 : (spike ? hold : 0);
      spikes[i] += spike ? 1u : 0u;
      cos_sum[i] += spike ? c : 0.0;
      sin_sum[i] += spike ? s : 0.0;
    }
  }
  std::copy(spikes.begin(), spikes.end(), out.spikes.begin() + static_cast<std::ptrdiff_t>(first));
  std::copy(cos_sum.begin(), cos_sum.end(), out.cos_sum.begin() + static_cast<std::ptrdiff_t>(first));
  std::copy(sin_sum.begin(), sin_sum.end(), out.sin_sum.begin() + static_cast<std::ptrdiff_t>(first));
}

// Two blocks of neurons on two threads, each block with its own generator: the result
// depends on the seed only, not on the scheduling.
Population reference_population(double sigma, std::uint64_t neurons, std::uint64_t seed) {
  Population population{std::vector<std::uint32_t>(neurons), std::vector<double>(neurons),
                        std::vector<double>(neurons)};
  const std::size_t half = neurons / 2;
  std::thread other(simulate_block, sigma, seed * 2 + 1, half, neurons - half, std::ref(population));
  simulate_block(sigma, seed * 2, 0, half, population);
  other.join();
  return population;
}

struct ReferenceEstimates {
  double rate_hz;             // mean rate, Hz per neuron
  double rate_se_hz;          // its standard error: sample std of per-neuron rates / sqrt(N)
  double pooled_strength;     // |sum e^{i phi}| / n over all spikes
  double pooled_strength_se;  // jackknife over neurons
  double preferred_phase;     // rad
  double preferred_phase_se;  // jackknife over neurons, rad
  std::uint64_t total_spikes;
  double valid_fraction;  // neurons with kMinSpikes <= n <= kMaxSpikes
  std::uint64_t valid_neurons;
  double mean_strength;     // mean of the per-neuron R over valid neurons
  double mean_strength_se;  // sample std / sqrt(valid neurons)
};

double wrap(double angle) { return std::remainder(angle, 2.0 * kPi); }  // (-pi, pi]

ReferenceEstimates estimate(const Population& p) {
  const auto n = static_cast<double>(p.spikes.size());
  const double seconds = kDuration / 1000.0;
  double spikes = 0.0, spikes_squared = 0.0, c = 0.0, s = 0.0;
  for (std::size_t i = 0; i < p.spikes.size(); ++i) {
    spikes += p.spikes[i];
    spikes_squared += static_cast<double>(p.spikes[i]) * p.spikes[i];
    c += p.cos_sum[i];
    s += p.sin_sum[i];
  }
  ReferenceEstimates e{};
  e.total_spikes = static_cast<std::uint64_t>(spikes);
  e.rate_hz = spikes / n / seconds;
  const double count_variance = (spikes_squared - spikes * spikes / n) / (n - 1.0);
  e.rate_se_hz = std::sqrt(count_variance / n) / seconds;
  e.pooled_strength = std::hypot(c, s) / spikes;
  e.preferred_phase = std::atan2(s, c);
  // Jackknife: leave out one neuron (all its spikes) at a time. Pooled R is a ratio
  // of sums over neurons, so neurons, not spikes, are the independent units.
  std::vector<double> strength(p.spikes.size()), phase(p.spikes.size());
  double strength_mean = 0.0;
  for (std::size_t i = 0; i < p.spikes.size(); ++i) {
    const double ci = c - p.cos_sum[i], si = s - p.sin_sum[i];
    strength[i] = std::hypot(ci, si) / (spikes - p.spikes[i]);
    phase[i] = wrap(std::atan2(si, ci) - e.preferred_phase);  // relative to the full estimate
    strength_mean += strength[i] / n;
  }
  double phase_mean = 0.0;
  for (double value : phase) phase_mean += value / n;
  double strength_scatter = 0.0, phase_scatter = 0.0;
  for (std::size_t i = 0; i < p.spikes.size(); ++i) {
    strength_scatter += (strength[i] - strength_mean) * (strength[i] - strength_mean);
    phase_scatter += (phase[i] - phase_mean) * (phase[i] - phase_mean);
  }
  e.pooled_strength_se = std::sqrt((n - 1.0) / n * strength_scatter);
  e.preferred_phase_se = std::sqrt((n - 1.0) / n * phase_scatter);

  std::vector<double> valid_strength;
  for (std::size_t i = 0; i < p.spikes.size(); ++i) {
    if (p.spikes[i] < kMinSpikes || p.spikes[i] > kMaxSpikes) continue;
    valid_strength.push_back(std::hypot(p.cos_sum[i], p.sin_sum[i]) / p.spikes[i]);
  }
  e.valid_neurons = valid_strength.size();
  e.valid_fraction = static_cast<double>(valid_strength.size()) / n;
  const auto valid = static_cast<double>(valid_strength.size());
  double sum = 0.0, sum_squares = 0.0;
  for (double value : valid_strength) sum += value;
  e.mean_strength = sum / valid;
  for (double value : valid_strength) sum_squares += (value - e.mean_strength) * (value - e.mean_strength);
  e.mean_strength_se = std::sqrt(sum_squares / (valid - 1.0) / valid);
  return e;
}

srlif::PointMetrics run_engine(double sigma) {
  srlif::SweepConfig config;  // every model parameter set explicitly, from the constants above
  config.grid[srlif::Axis::v_threshold] = {kThreshold};
  config.grid[srlif::Axis::v_reset] = {kReset};
  config.grid[srlif::Axis::e_leak] = {kLeak};
  config.grid[srlif::Axis::v_init] = {kInit};
  config.grid[srlif::Axis::tau_m] = {kTau};
  config.grid[srlif::Axis::g_leak] = {kConductance};
  config.grid[srlif::Axis::t_ref] = {kRefractory};
  config.time.dt = kDt;
  config.time.duration = kDuration;
  config.grid[srlif::Axis::sigma] = {sigma};
  config.grid[srlif::Axis::amplitude] = {kAmplitude};
  config.grid[srlif::Axis::bias] = {kBias};
  config.grid[srlif::Axis::frequency] = {kFrequency};
  config.neurons = kNeurons;
  config.seed = 7177;
  config.validity = {kMinSpikes, kMaxSpikes};
  config.execution.threads = 2;
  const srlif::SweepPlan plan = srlif::make_plan(config);
  const auto backend = srlif::make_cpu_backend(config.execution.threads);
  return srlif::run_sweep(plan, *backend, {}).metrics.at(0);
}

// Each run costs about 1 s, and CTest runs every test in its own process, so each test
// computes only the noise levels it needs; within one process the runs are cached.
const srlif::PointMetrics& engine(double sigma) {
  static std::map<double, srlif::PointMetrics> cache;
  auto found = cache.find(sigma);
  if (found == cache.end()) found = cache.emplace(sigma, run_engine(sigma)).first;
  return found->second;
}

const ReferenceEstimates& reference(double sigma, std::uint64_t seed) {
  static std::map<double, ReferenceEstimates> cache;
  auto found = cache.find(sigma);
  if (found == cache.end()) {
    found = cache.emplace(sigma, estimate(reference_population(sigma, kNeurons, seed))).first;
  }
  return found->second;
}

// Every measure of one noise level against the reference.
//
// Mean rate: each implementation's standard error is its per-neuron spike-count sample
// std / sqrt(N) (converted to Hz); the difference of two independent estimates has the
// two combined in quadrature.
//
// Pooled vector strength: the reference's standard error comes from a jackknife over
// neurons. The engine's estimate has the same distribution if the engine is right
// (same model, same N), hence the same standard error, and the two are independent:
// the difference has standard error sqrt(2) SE_ref. The same holds for the preferred
// phase (compared on the circle).
//
// The study's own measure, the mean of the per-neuron R over valid neurons: standard
// error sample std / sqrt(valid neurons) for each implementation (the engine reports
// the std), combined in quadrature. The valid fraction is compared as two binomial
// proportions: under equal p the difference has standard error sqrt(2 p (1 - p) / N),
// with p estimated from both samples together.
void expect_matches_reference(double sigma, std::uint64_t reference_seed) {
  const srlif::PointMetrics& e = engine(sigma);
  const ReferenceEstimates& r = reference(sigma, reference_seed);
  ASSERT_GE(r.total_spikes, 1000u) << "too few spikes for a meaningful comparison";
  ASSERT_GE(r.valid_neurons, 100u) << "too few valid neurons for a meaningful comparison";

  const double rate_se = std::hypot(e.rate_std_hz / std::sqrt(static_cast<double>(kNeurons)), r.rate_se_hz);
  EXPECT_NEAR(e.mean_rate_hz, r.rate_hz, kStandardErrors * rate_se)
      << "mean rate: engine " << e.mean_rate_hz << " Hz, reference " << r.rate_hz << " Hz, SE " << rate_se;

  const double strength_se = std::sqrt(2.0) * r.pooled_strength_se;
  EXPECT_NEAR(e.pooled_vector_strength, r.pooled_strength, kStandardErrors * strength_se)
      << "pooled R: engine " << e.pooled_vector_strength << ", reference " << r.pooled_strength << ", SE "
      << strength_se;
  const double phase_se = std::sqrt(2.0) * r.preferred_phase_se;
  EXPECT_LT(std::abs(wrap(e.preferred_phase_rad - r.preferred_phase)), kStandardErrors * phase_se)
      << "preferred phase: engine " << e.preferred_phase_rad << " rad, reference " << r.preferred_phase
      << " rad, SE " << phase_se;

  ASSERT_GE(e.valid_neurons, 2u);
  const double mean_strength_se =
      std::hypot(e.std_vector_strength / std::sqrt(static_cast<double>(e.valid_neurons)), r.mean_strength_se);
  EXPECT_NEAR(e.mean_vector_strength, r.mean_strength, kStandardErrors * mean_strength_se)
      << "mean R of valid neurons: engine " << e.mean_vector_strength << ", reference " << r.mean_strength
      << ", SE " << mean_strength_se;
  const double pooled = 0.5 * (e.valid_fraction + r.valid_fraction);
  const double fraction_se = std::sqrt(2.0 * pooled * (1.0 - pooled) / static_cast<double>(kNeurons));
  EXPECT_NEAR(e.valid_fraction, r.valid_fraction, kStandardErrors * fraction_se)
      << "valid fraction: engine " << e.valid_fraction << ", reference " << r.valid_fraction << ", SE "
      << fraction_se;
}

// sigma in pA sqrt(ms). At 11 only about half the neurons reach the study's 10 spikes
// (the valid fraction is tested where it is informative); 15 and 30 are on the rising
// side of the SR curve, 60 on its high-noise side. Each reference run has its own seed.
TEST(Statistics, Sigma11MatchesIndependentReference) { expect_matches_reference(11.0, 1000); }
TEST(Statistics, Sigma15MatchesIndependentReference) { expect_matches_reference(15.0, 1001); }
TEST(Statistics, Sigma30MatchesIndependentReference) { expect_matches_reference(30.0, 1002); }
TEST(Statistics, Sigma60MatchesIndependentReference) { expect_matches_reference(60.0, 1003); }

// Power check: a 10% error in the noise intensity (engine at 33 against the reference
// at 30) must fall far outside the 4-standard-error band used above (here: beyond
// twice its width), or the comparisons above could not detect such an error.
TEST(Statistics, ComparisonResolvesTenPercentNoiseError) {
  const srlif::PointMetrics& e = engine(33.0);
  const ReferenceEstimates& r = reference(30.0, 1002);
  const double se = std::hypot(e.rate_std_hz / std::sqrt(static_cast<double>(kNeurons)), r.rate_se_hz);
  EXPECT_GT(std::abs(e.mean_rate_hz - r.rate_hz), 2.0 * kStandardErrors * se)
      << "engine(33) " << e.mean_rate_hz << " Hz, reference(30) " << r.rate_hz << " Hz, SE " << se;
}

}  // namespace
