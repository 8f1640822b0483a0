// Scheme exact (exact_step.hpp): the noiseless step is the exact solution of
// the membrane equation, the bridge uniforms and crossing test follow their
// formulas, and the CPU's lane vectors compute the scalar step's bits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

#include "srlif/physics/exact_step.hpp"
#include "srlif/planning/sweep_plan.hpp"
#include "srlif/running/trace.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

SweepConfig noiseless(double bias, double amplitude) {
  SweepConfig config = test::reference_config({0.0}, 1, 1000.0);
  config.scheme = Scheme::exact;
  config.grid[Axis::bias] = {bias};
  config.grid[Axis::amplitude] = {amplitude};
  return config;
}

// Subthreshold (I_bias 150, A 20): tau dv/dt = mu - v + (A/g_L) sin(w t) has
// v(t) = mu + a (sin wt - w tau cos wt)/(1 + (w tau)^2) + C e^{-t/tau}; the
// float engine follows it to float rounding (~1e-5 mV over 10^4 steps).
TEST(ExactScheme, NoiselessStepIsTheExactSolution) {
  const SweepConfig config = noiseless(150.0, 20.0);
  const NeuronParams n = config.grid.point(0).neuron();
  const double mu = n.e_leak + 150.0 / n.g_leak;
  const double a = 20.0 / n.g_leak;
  const double omega_tau = 2.0 * std::numbers::pi * 10.0 / 1000.0 * n.tau_m;
  const double c = n.v_init - mu + a * omega_tau / (1.0 + omega_tau * omega_tau);
  // Largest |v_k - v(t_k)| of a noiseless trace under `scheme`.
  const auto worst_error = [&](Scheme scheme) {
    SweepConfig run = config;
    run.scheme = scheme;
    double worst = 0.0;
    for (const TraceSample& sample : trace_neuron(make_plan(run), 0)) {
      const double phase = 2.0 * std::numbers::pi * 10.0 * sample.time_ms / 1000.0;
      const double exact =
          mu + a * (std::sin(phase) - omega_tau * std::cos(phase)) / (1.0 + omega_tau * omega_tau) +
          c * std::exp(-sample.time_ms / n.tau_m);
      worst = std::max(worst, std::fabs(sample.v_mv - exact));
      EXPECT_FALSE(sample.spike);
    }
    return worst;
  };
  EXPECT_LT(worst_error(Scheme::exact), 2e-4);
  // Euler's error at dt = 0.1 ms is ~100 times larger: the bound can tell them apart.
  const double euler_worst = worst_error(Scheme::euler);
  EXPECT_GT(euler_worst, 10 * 2e-4);
}

// Suprathreshold without noise (I_bias 250, mu = -50 mV): from V_reset the membrane reaches V_th
// after T = tau ln((mu - V_r)/(mu - V_th)) = 16.094 ms, so spike n crosses at t_n = T + n (t_ref + T)
// and is released at t_n + t_ref (the reset off the grid; with t_ref < dt at its sample at the
// earliest, and the next crossing T after that). Each spike is marked at the first sample
// at or after t_n, and the first sample after the release, at t, holds
// mu + (V_r - mu) e^{-(t - t_release)/tau}, from which the release time is read back. From each
// release the next crossing is `charge` later (closed form) and the next release t_ref after it:
// the engine's is that to 1e-4 ms for every one of some 550 spikes (with the reset on the grid the
// release came up to dt early).
TEST(ExactScheme, NoiselessSpikeTimesAndReleasesAreTheClosedForm) {
  for (const double t_ref : {2.0, 2.04, 0.0}) {
    SweepConfig config = noiseless(250.0, 0.0);
    config.time.duration = 10000.0;
    config.grid[Axis::t_ref] = {t_ref};
    const NeuronParams n = config.grid.point(0).neuron();
    const double mu = n.e_leak + 250.0 / n.g_leak;
    const double charge = n.tau_m * std::log((mu - n.v_reset) / (mu - n.v_threshold));
    const double dt = config.time.dt;
    const std::vector<TraceSample> trace = trace_neuron(make_plan(config), 0);
    std::int64_t spike_count = 0;
    double worst = 0.0;
    double last_release = 0.0;  // the closed form: each crossing `charge` after the last release
    for (std::size_t k = 0; k < trace.size(); ++k) {
      if (!trace[k].spike) continue;
      const double crossing = last_release + charge;
      ++spike_count;
      ASSERT_GT(crossing, trace[k].time_ms - dt - 1e-5) << "spike " << spike_count << ", t_ref " << t_ref;
      ASSERT_LE(crossing, trace[k].time_ms + 1e-5) << "spike " << spike_count << ", t_ref " << t_ref;
      std::size_t after = k + 1;  // the first sample off V_reset
      while (after < trace.size() && trace[after].v_mv == static_cast<float>(n.v_reset)) ++after;
      if (after >= trace.size()) break;
      const double released =
          trace[after].time_ms +
          n.tau_m * std::log((mu - static_cast<double>(trace[after].v_mv)) / (mu - n.v_reset));
      // t_ref below dt: the release falls at the spike's own sample at the earliest.
      const double expected = std::max(crossing + t_ref, trace[k].time_ms);
      worst = std::max(worst, std::fabs(released - expected));
      last_release = released;  // the next crossing: `charge` after this release, as measured
    }
    EXPECT_GT(spike_count, 500) << "t_ref " << t_ref;
    EXPECT_LT(worst, 1e-4) << "t_ref " << t_ref;
    RecordProperty("worst_release_error_ms_t_ref_" + std::to_string(static_cast<int>(t_ref * 100)),
                   std::to_string(worst));
  }
}

// The bridge uniforms: mean 1/2 and variance 1/12 within 4 standard errors,
// and drawn from other Philox counters than the normals of the same steps.
TEST(ExactScheme, BridgeUniformsAreUniformAndApartFromTheNormals) {
  constexpr int kDraws = 1 << 20;
  double sum = 0.0;
  double squares = 0.0;
  int same_word = 0;
  for (int k = 0; k < kDraws; ++k) {
    const float u = bridge_uniform(7, 42, k);
    ASSERT_GT(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    sum += u;
    squares += static_cast<double>(u) * u;
    const float normal_word_uniform =
        uniform_open(philox4x32_10(7, 42, static_cast<std::uint64_t>(k / 4)).word[k % 4]);
    same_word += normal_word_uniform == u ? 1 : 0;
  }
  const double mean = sum / kDraws;
  const double variance = squares / kDraws - mean * mean;
  EXPECT_NEAR(mean, 0.5, 4.0 * std::sqrt(1.0 / 12.0 / kDraws));
  // Var of the sample variance: (mu_4 - sigma^4)/n = (1/80 - 1/144)/n = 1/(180 n).
  EXPECT_NEAR(variance, 1.0 / 12.0, 4.0 * std::sqrt(1.0 / 180.0 / kDraws));
  EXPECT_LT(same_word, 5);  // independent words agree with probability 2^-24 each
}

// The crossing test fires with probability exp(-product / half_variance).
TEST(ExactScheme, CrossingProbabilityIsTheBridgeFormula) {
  constexpr int kDraws = 1 << 20;
  for (const double ratio : {0.1, 1.0, 3.0, 8.0}) {
    int crossed = 0;
    for (int k = 0; k < kDraws; ++k) {
      crossed += bridge_crossed(static_cast<float>(ratio) * 0.5f, 0.5f, bridge_uniform(3, 9, k)) ? 1 : 0;
    }
    const double p = std::exp(-ratio);
    EXPECT_NEAR(static_cast<double>(crossed) / kDraws, p, 4.0 * std::sqrt(p * (1 - p) / kDraws)) << ratio;
  }
}

// The CPU backend steps 8 lanes at once with GCC vector types; lane by lane
// the bits equal the scalar step (the GPU's and the trace's), bridge included.
using LaneFloat = float __attribute__((vector_size(8 * sizeof(float))));
using LaneInt = std::int32_t __attribute__((vector_size(8 * sizeof(std::int32_t))));

TEST(ExactScheme, LaneVectorsEqualTheScalarStep) {
  const SweepPlan plan = make_plan(test::reference_config({30.0}, 8, 100.0));
  SweepConfig exact_config = test::reference_config({30.0}, 8, 100.0);
  exact_config.scheme = Scheme::exact;
  const SweepPlan exact = make_plan(exact_config);
  const PointCoefficients& point = exact.points[0];
  const StepConstants& constants = point.constants;
  int crossings = 0;
  int candidates_seen = 0;
  for (int round = 0; round < 20000; ++round) {
    LaneFloat v;
    LaneFloat noise;
    LaneInt refractory;
    for (int lane = 0; lane < 8; ++lane) {
      const PhiloxWords words =
          philox4x32_10(99, static_cast<std::uint64_t>(lane), static_cast<std::uint64_t>(round));
      v[lane] = constants.v_threshold - 0.6f * uniform_open(words.word[0]);  // within 0.6 mV below V_th
      noise[lane] = point.noise_gain * normals_from_block(words).z[1];
      refractory[lane] = (words.word[2] & 15u) == 0 ? 3 : 0;
    }
    const float drive = step_drive(point, 0.25f);
    const std::int64_t step = round;
    LaneFloat vector_v = v;
    LaneInt vector_refractory = refractory;
    LaneFloat vector_release = {};
    SpikeTiming<LaneInt, LaneFloat> timing{};
    const auto crossed = [&](LaneInt candidates, LaneFloat product) __attribute__((always_inline)) {
      LaneInt result = {};
      for (int lane = 0; lane < 8; ++lane) {
        if (!candidates[lane]) continue;
        ++candidates_seen;
        result[lane] = bridge_crossed(product[lane], point.bridge_half_variance,
                                      bridge_uniform(5, static_cast<std::uint64_t>(lane), step))
                           ? -1
                           : 0;
      }
      return result;
    };
    const LaneInt vector_spike =
        exact_step_lanes(vector_v, vector_refractory, vector_release, timing, constants, drive, noise,
                         point.bridge_limit, crossed, [](LaneInt mask) {
                           bool any = false;
                           for (int lane = 0; lane < 8; ++lane) any = any || mask[lane] != 0;
                           return any;
                         });
    for (int lane = 0; lane < 8; ++lane) {
      NeuronState state{v[lane], refractory[lane]};
      const float v_free = (constants.decay * v[lane] + drive) + noise[lane];
      const BridgeStream bridge{5, static_cast<std::uint64_t>(lane), 0};
      const bool spike = exact_step(state, constants, point, drive, noise[lane], bridge, step);
      ASSERT_EQ(spike, vector_spike[lane] != 0) << "round " << round << " lane " << lane;
      const float lane_v = vector_v[lane];  // a vector's element has no address (Clang)
      const float lane_release = vector_release[lane];
      ASSERT_EQ(std::memcmp(&state.v, &lane_v, sizeof(float)), 0);
      ASSERT_EQ(state.refractory, vector_refractory[lane]);
      ASSERT_EQ(std::memcmp(&state.release, &lane_release, sizeof(float)), 0);
      crossings += (spike && refractory[lane] == 0 && v_free < constants.v_threshold) ? 1 : 0;
    }
  }
  EXPECT_GT(candidates_seen, 1000);
  EXPECT_GT(crossings, 100);  // bridge crossings (spikes that ended the step below V_th) were exercised
  EXPECT_EQ(plan.drive_tables[0].phase_rad, 0.0);  // euler's drive table is the plain sinusoid
  EXPECT_NE(exact.drive_tables[0].phase_rad, 0.0);
}

}  // namespace
}  // namespace srlif
