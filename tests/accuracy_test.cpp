// Accuracy of the schemes (issue 4): at A = 0 the stationary rate of the
// noisy LIF neuron is the Siegert rate (theory.hpp). At dt = 0.1 ms scheme
// exact matches it within 1 % and within 4 standard errors, while euler, which
// misses threshold crossings inside a step, is several percent low. With a
// signal, exact at dt = 0.1 ms agrees with euler at dt = 0.005 ms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "srlif/measures/theory.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

SweepResult run_cpu(const SweepConfig& config) {
  const SweepPlan plan = make_plan(config);
  const auto backend = make_cpu_backend(0);
  return run_sweep(plan, *backend, {});
}

// Four points from 3.5 to 21 Hz (noise-driven firing, where SR lives), sharing
// each neuron's noise; 2000 neurons x 20 s give a rate standard error of
// 0.1-0.2 %, so a 1 % error is > 4 SE and Euler's error is resolved.
SweepConfig siegert_grid(Scheme scheme) {
  SweepConfig config = test::reference_config({40.0, 60.0}, 2000, 20000.0);
  config.grid[Axis::amplitude] = {0.0};
  config.grid[Axis::bias] = {178.0, 190.0};
  config.scheme = scheme;
  return config;
}

// A run's rate at each grid point against its Siegert rate.
struct RateCheck {
  double rate_hz;
  double siegert_hz;
  double standard_error_hz;  // rate_std_hz / sqrt(neurons)
  std::string label;         // for SCOPED_TRACE
};
std::vector<RateCheck> rates_against_siegert(const SweepConfig& config) {
  const SweepResult result = run_cpu(config);
  std::vector<RateCheck> checks;
  for (std::size_t index = 0; index < config.grid.size(); ++index) {
    const GridPoint point = config.grid.point(index);
    const double theory = siegert(point.neuron(), point.bias(), point.sigma()).rate_hz;
    const PointMetrics& m = result.metrics[index];
    const double standard_error = m.rate_std_hz / std::sqrt(static_cast<double>(config.neurons));
    checks.push_back({m.mean_rate_hz, theory, standard_error,
                      std::string(scheme_name(config.scheme)) + " bias " + std::to_string(point.bias()) +
                          " sigma " + std::to_string(point.sigma()) + ": rate " +
                          std::to_string(m.mean_rate_hz) + " Hz, Siegert " + std::to_string(theory) +
                          " Hz, SE " + std::to_string(standard_error)});
  }
  return checks;
}

// Regular firing at 60 Hz (I_bias 260 pA, mu 6 mV above threshold), where the reset on the grid
// put the exact scheme's rate +nu dt/2 = +0.30 % high at dt 0.1 ms: with the reset off the grid it
// is within 0.05 % of Siegert (or 4 SE, were that larger: 1000 neurons x 20 s give about 0.01 %).
TEST(Accuracy, ExactResetsOffTheGridAtSixtyHertz) {
  SweepConfig config = test::reference_config({40.0, 60.0}, 1000, 20000.0);
  config.grid[Axis::amplitude] = {0.0};
  config.grid[Axis::bias] = {260.0};
  config.scheme = Scheme::exact;
  for (const RateCheck& check : rates_against_siegert(config)) {
    SCOPED_TRACE(check.label);
    ASSERT_GT(check.siegert_hz, 55.0);
    EXPECT_LT(std::fabs(check.rate_hz - check.siegert_hz),
              std::max(0.0005 * check.siegert_hz, 4.0 * check.standard_error_hz));
  }
}

TEST(Accuracy, ExactMatchesSiegertWhereEulerIsOffBySeveralPercent) {
  for (const Scheme scheme : {Scheme::exact, Scheme::euler}) {
    for (const RateCheck& check : rates_against_siegert(siegert_grid(scheme))) {
      const double theory = check.siegert_hz;
      const double standard_error = check.standard_error_hz;
      const double error = check.rate_hz - theory;
      SCOPED_TRACE(check.label);
      ASSERT_GT(theory, 1.0);
      ASSERT_LT(standard_error, 0.0025 * theory);  // the test can resolve 1 %
      if (scheme == Scheme::exact) {
        EXPECT_LT(std::fabs(error), 0.01 * theory);
        EXPECT_LT(std::fabs(error), 4.0 * standard_error);
      } else {
        EXPECT_LT(error, -0.03 * theory);  // several percent low
        EXPECT_LT(error, -4.0 * standard_error);
      }
    }
  }
}

struct Replicates {
  double rate_mean, rate_error, strength_mean, strength_error;
};

// Mean and standard error over independent seeds of the rate and pooled R.
Replicates replicate(SweepConfig config, int seeds) {
  std::vector<double> rates;
  std::vector<double> strengths;
  for (int seed = 1; seed <= seeds; ++seed) {
    config.seed = static_cast<std::uint64_t>(seed);
    const PointMetrics m = run_cpu(config).metrics.front();
    rates.push_back(m.mean_rate_hz);
    strengths.push_back(m.pooled_vector_strength);
  }
  const auto mean_and_error = [](const std::vector<double>& values) {
    const double mean =
        std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    double squares = 0.0;
    for (const double value : values) squares += (value - mean) * (value - mean);
    const double n = static_cast<double>(values.size());
    return std::pair{mean, std::sqrt(squares / (n - 1) / n)};
  };
  const auto [rate, rate_error] = mean_and_error(rates);
  const auto [strength, strength_error] = mean_and_error(strengths);
  return {rate, rate_error, strength, strength_error};
}

// The reference point (sigma 30, A 20, I_bias 178), 8 seeds x 250 neurons x 2 s.
TEST(Accuracy, ExactAgreesWithFineEulerUnderASignal) {
  SweepConfig config = test::reference_config({30.0}, 250, 2000.0);
  constexpr int kSeeds = 8;
  config.scheme = Scheme::exact;
  const Replicates exact = replicate(config, kSeeds);
  config.scheme = Scheme::euler;
  config.time.dt = 0.005;
  const Replicates fine_euler = replicate(config, kSeeds);
  config.time.dt = 0.1;
  const Replicates coarse_euler = replicate(config, kSeeds);

  const double rate_error = std::hypot(exact.rate_error, fine_euler.rate_error);
  const double strength_error = std::hypot(exact.strength_error, fine_euler.strength_error);
  EXPECT_LT(std::fabs(exact.rate_mean - fine_euler.rate_mean), 4.0 * rate_error)
      << exact.rate_mean << " vs " << fine_euler.rate_mean;
  EXPECT_LT(std::fabs(exact.strength_mean - fine_euler.strength_mean), 4.0 * strength_error)
      << exact.strength_mean << " vs " << fine_euler.strength_mean;
  // Power: the same comparison resolves euler's error at dt = 0.1 ms.
  EXPECT_GT(exact.rate_mean - coarse_euler.rate_mean,
            4.0 * std::hypot(exact.rate_error, coarse_euler.rate_error))
      << exact.rate_mean << " vs " << coarse_euler.rate_mean;
}

}  // namespace
}  // namespace srlif
