#include "srlif/planning/sweep_plan.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>

#include "srlif/errors.hpp"
#include "srlif/physics/coloured_noise.hpp"
#include "srlif/physics/exact_step.hpp"
#include "srlif/planning/spread.hpp"

namespace srlif {
namespace {

// The Philox counter ranges of a neuron's stream never meet: the steps' normals (blocks below 2^38:
// at most 10^12 steps, sweep_config.cpp), the coloured noise's second normals, the spread draws,
// the bridge uniforms and the initial noise current.
constexpr std::uint64_t kStepBlocks = std::uint64_t{1} << 38;
static_assert(kSecondNormalFlag >= kStepBlocks && kSecondNormalFlag + kStepBlocks <= kSpreadBlock);
static_assert(kSpreadBlock + 1 <= kBridgeBlockFlag && kBridgeBlockFlag + kStepBlocks <= kInitialNoiseBlock);

std::uint64_t mix64(std::uint64_t value) {  // splitmix64 finaliser
  value ^= value >> 30;
  value *= 0xBF58476D1CE4E5B9ULL;
  value ^= value >> 27;
  value *= 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

std::uint64_t mix_value(std::uint64_t hash, double value) {
  return mix64(hash ^ std::bit_cast<std::uint64_t>(value == 0.0 ? 0.0 : value));
}

// A 32-bit tag from the point's input values (sigma, amplitude, bias,
// frequency), so that a point's streams do not depend on the rest of the grid
// along those axes, and from its value on each neuron or spread axis that
// varies (axis and value), so that such points have noise of their own too. A
// neuron parameter or spread that is a constant leaves the tag as it was
// before they were axes (the same bytes). Never 0, which is the common-noise tag.
std::uint32_t point_tag(const Grid& grid, const GridPoint& point) {
  std::uint64_t hash = 0x5EED5EED5EED5EEDULL;
  for (const AxisInfo& info : kAxes) {
    if (is_input_axis(info.axis)) hash = mix_value(hash, point[info.axis]);
  }
  for (const AxisInfo& info : kAxes) {
    if (is_input_axis(info.axis) || !grid.varies(info.axis)) continue;
    hash = mix_value(mix64(hash ^ (axis_index(info.axis) + 1)), point[info.axis]);
  }
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  return tag == 0 ? 1u : tag;
}

}  // namespace

std::int64_t psth_bin_of_step(const SweepPlan& plan, std::int64_t step) {
  const double bin_ms = plan.config.readouts.psth_bin_ms;
  const double dt = plan.config.time.dt;
  const double steps_per_bin = bin_ms / dt;
  const double whole = std::round(steps_per_bin);
  step = std::max<std::int64_t>(step - plan.warmup_steps, 0);
  std::int64_t bin = 0;
  if (std::fabs(steps_per_bin - whole) < 1e-9 * whole) {
    bin = (step + 1) / static_cast<std::int64_t>(whole);
  } else {
    bin = static_cast<std::int64_t>(std::floor(static_cast<double>(step + 1) * dt / bin_ms));
  }
  return std::min<std::int64_t>(bin, static_cast<std::int64_t>(plan.readout_layout.psth_bins) - 1);
}

namespace {

// The sinusoid's weight (and phase) over one step: euler samples it at t_k (gain dt/tau, no
// phase); exact integrates it, (1/tau) int_0^dt e^{-(dt-s)/tau} e^{i w (t_k+s)} ds = c e^{i w t_k}
// with c = (1/tau)(e^{i w dt} - e^{-dt/tau})/(1/tau + i w).
std::complex<double> sinusoid_weight(Scheme scheme, double frequency, double tau_m, double dt) {
  const double rate = dt / tau_m;
  if (scheme == Scheme::euler) return rate;
  const double omega = 2.0 * std::numbers::pi * frequency / 1000.0;  // rad per ms
  return (std::polar(1.0, omega * dt) - std::exp(-rate)) / (tau_m * std::complex<double>(1.0 / tau_m, omega));
}

// The drive table of a point: its frequency's, and for exact its (frequency, tau_m)'s.
std::size_t drive_table_of(const SweepConfig& config, const GridPoint& point) {
  const std::size_t frequency = point.index_on(Axis::frequency);
  if (config.scheme == Scheme::euler) return frequency;
  return frequency + config.grid[Axis::frequency].size() * point.index_on(Axis::tau_m);
}

// (1 - e^{-x dt}) / x = int_0^dt e^{-x s} ds, for x >= 0.
double decayed_integral(double x, double dt) { return x > 0.0 ? -std::expm1(-x * dt) / x : dt; }

// The coloured noise's joint (V, I) process (coloured_noise.hpp) over a time t from a known
// state, in double. With a = 1/tau_m, b = 1/tau_s, c = 1/(tau_m g_L) and q = sigma / tau_s (the
// current's noise density), an impulse of current at time 0 leaves the current e^{-bs} and the
// membrane c g(s), g(s) = (e^{-bs} - e^{-as}) / (a - b), at time s; the noises accumulated over t
// then have the covariances
//   var(I) = q^2 int_0^t e^{-2bs} ds,  cov(V, I) = q^2 c int_0^t g(s) e^{-bs} ds,
//   var(V) = q^2 c^2 int_0^t g(s)^2 ds.
// The integrals are closed forms in (1 - e^{-x t}) / x where a and b differ enough
// (|a - b| t > 0.1: at most about two digits of cancellation), else 8-point Gauss-Legendre on 8
// pieces of [0, t], where the integrands are smooth (b t < a t + 0.1 < 1.1).
struct ColouredProcess {
  double a, b, c, q;

  // g(s) = s e^{-as} (e^{(a-b)s} - 1) / ((a-b)s), stable for any a, b.
  double response(double time) const {
    const double y = (a - b) * time;
    const double ratio = y == 0.0 ? 1.0 : std::expm1(y) / y;
    return time * std::exp(-a * time) * ratio;
  }

  struct Covariance {
    double membrane;  // var(V), mV^2
    double cross;     // cov(V, I), mV pA
    double current;   // var(I), pA^2
  };
  Covariance covariance(double t) const {
    double cross = 0.0;    // int g(s) e^{-bs} ds
    double squared = 0.0;  // int g(s)^2 ds
    if (std::fabs(a - b) * t > 0.1) {
      const double two_b = decayed_integral(2.0 * b, t);
      const double a_plus_b = decayed_integral(a + b, t);
      const double two_a = decayed_integral(2.0 * a, t);
      cross = (two_b - a_plus_b) / (a - b);
      squared = (two_b - 2.0 * a_plus_b + two_a) / ((a - b) * (a - b));
    } else {
      static constexpr double kNodes[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267,
                                           0.9602898564975363};
      static constexpr double kWeights[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745,
                                             0.1012285362903763};
      constexpr int kPieces = 8;
      const double half = t / (2.0 * kPieces);
      for (int piece = 0; piece < kPieces; ++piece) {
        const double middle = (2.0 * piece + 1.0) * half;
        for (int node = 0; node < 4; ++node) {
          for (const double sign : {-1.0, 1.0}) {
            const double time = middle + sign * kNodes[node] * half;
            const double g = response(time);
            cross += kWeights[node] * half * g * std::exp(-b * time);
            squared += kWeights[node] * half * g * g;
          }
        }
      }
    }
    return {q * q * c * c * squared, q * q * c * cross, q * q * decayed_integral(2.0 * b, t)};
  }
};

// The coloured noise's coefficients over one step (coloured_noise.hpp), in double: the current's
// exact step, and for exact the membrane's: I_k weighs c g(dt), and (noise_gain z1 +
// second_gain z2, gain z1) is the Cholesky factor of the step's covariance.
struct ColouredStep {
  double decay;            // e^{-dt/tau_s}
  double gain;             // pA per z1
  double coupling;         // mV per pA
  double membrane_gain;    // mV per z1
  double second_gain;      // mV per z2
  double bridge_variance;  // mV^2: the exact scheme's bridge (set_bridge)
};

ColouredStep coloured_step(double sigma, double tau_m, double g_leak, double tau_s, double dt, bool exact) {
  const ColouredProcess process{1.0 / tau_m, 1.0 / tau_s, 1.0 / (tau_m * g_leak), sigma / tau_s};
  ColouredStep step{};
  step.decay = std::exp(-dt * process.b);
  step.gain = sigma * std::sqrt(-std::expm1(-2.0 * dt * process.b) / (2.0 * tau_s));
  if (!exact) {
    step.coupling = dt * process.c;
    return step;
  }
  step.coupling = process.c * process.response(dt);
  const ColouredProcess::Covariance whole = process.covariance(dt);
  step.membrane_gain = step.gain > 0.0 ? whole.cross / step.gain : 0.0;
  step.second_gain = std::sqrt(std::max(0.0, whole.membrane - step.membrane_gain * step.membrane_gain));
  // The bridge: a Brownian bridge of variance s^2 over the step has variance s^2 / 4 at its middle
  // given both ends. The membrane here is smoother: given the step's ends of both V and I, its
  // variance at the middle is var(V_h) - k' S^-1 k (h = dt/2, S the step's covariance, k the
  // covariances of (V, I) at the end with V_h, through e^{A h} = [[e^{-ah}, c g(h)], [0, e^{-bh}]]);
  // the bridge takes s^2 = 4 times that, so that it has the membrane's own spread in the step.
  const double h = dt / 2.0;
  const ColouredProcess::Covariance middle = process.covariance(h);
  const double with_membrane =
      std::exp(-process.a * h) * middle.membrane + process.c * process.response(h) * middle.cross;
  const double with_current = std::exp(-process.b * h) * middle.cross;
  const double determinant = whole.membrane * whole.current - whole.cross * whole.cross;
  double conditional = 0.0;
  if (determinant > 0.0) {
    conditional = middle.membrane - (with_membrane * with_membrane * whole.current -
                                     2.0 * with_membrane * with_current * whole.cross +
                                     with_current * with_current * whole.membrane) /
                                        determinant;
  }
  step.bridge_variance = 4.0 * std::max(0.0, conditional);
  return step;
}

// Scheme exact's bridge from its effective variance (exact_step.hpp); with coloured noise an
// approximation (ColouredStep::bridge_variance) whose error docs/accuracy.md measures.
void set_bridge(PointCoefficients& coefficients, double bridge_variance) {
  coefficients.bridge_half_variance = static_cast<float>(bridge_variance / 2.0);
  coefficients.bridge_limit = static_cast<float>(kBridgeLimitFactor * bridge_variance / 2.0);
}

// The coefficients of `neuron` with bias `bias` at `point` (whose sigma, amplitude, frequency
// and drive table they take).
PointCoefficients coefficients_of(const SweepPlan& plan, const GridPoint& point, const NeuronParams& neuron,
                                  double bias) {
  const SweepConfig& config = plan.config;
  const std::size_t drive_table = drive_table_of(config, point);
  const double dt = config.time.dt;
  const double rate = dt / neuron.tau_m;  // dt / tau_m, dimensionless
  const bool exact = config.scheme == Scheme::exact;
  // The complement of the decay: exact 1 - e^{-dt/tau}, euler dt/tau.
  const double relaxed = exact ? -std::expm1(-rate) : rate;
  PointCoefficients coefficients{};
  StepConstants& constants = coefficients.constants;
  // exact: e^{-dt/tau}; euler: 1 - dt/tau.
  constants.decay = static_cast<float>(exact ? std::exp(-rate) : 1.0 - rate);
  constants.v_threshold = static_cast<float>(neuron.v_threshold);
  constants.v_reset = static_cast<float>(neuron.v_reset);
  constants.v_init = static_cast<float>(neuron.v_init);
  if (exact) {
    // The reset off the grid (exact_step.hpp): t_ref in steps, whole and fraction.
    const double ref_steps = TimeGrid::refractory_ratio(neuron.t_ref, dt);
    const double whole = std::floor(ref_steps);
    constants.hold_steps = static_cast<std::int32_t>(whole);
    constants.ref_fraction = static_cast<float>(ref_steps - whole);
    constants.step_rate = static_cast<float>(rate);
    constants.inverse_rate = static_cast<float>(neuron.tau_m / dt);
    constants.relaxed = static_cast<float>(relaxed);
  } else {
    const std::int64_t n_ref = TimeGrid::refractory_samples(neuron.t_ref, dt);
    constants.hold_steps = static_cast<std::int32_t>(std::max<std::int64_t>(n_ref - 1, 0));
  }
  coefficients.drive_base = static_cast<float>(relaxed * (neuron.e_leak + bias / neuron.g_leak));
  const std::complex<double> weight = sinusoid_weight(config.scheme, point.frequency(), neuron.tau_m, dt);
  double in_phase = std::abs(weight);
  double quadrature = 0.0;
  if (exact && neuron.tau_m != point.neuron().tau_m) {
    // A neuron of a tau_m spread: its drive table is its point's, shifted by arg c of the point's
    // tau_m; sin(x + delta) = cos(delta) sin(x) + sin(delta) cos(x) gives its own arg c(tau_m).
    const double delta = std::arg(weight) - plan.drive_tables[drive_table].phase_rad;
    quadrature = in_phase * std::sin(delta);
    in_phase *= std::cos(delta);
  }
  coefficients.drive_amplitude = static_cast<float>(in_phase * point.amplitude() / neuron.g_leak);
  coefficients.drive_quadrature = static_cast<float>(quadrature * point.amplitude() / neuron.g_leak);
  if (neuron.noise_tau > 0.0) {
    const ColouredStep step =
        coloured_step(point.sigma(), neuron.tau_m, neuron.g_leak, neuron.noise_tau, dt, exact);
    ColouredNoise& coloured = coefficients.coloured;
    coloured.decay = static_cast<float>(step.decay);
    coloured.gain = static_cast<float>(step.gain);
    coloured.coupling = static_cast<float>(step.coupling);
    coloured.second_gain = static_cast<float>(step.second_gain);
    coloured.stationary_sd = static_cast<float>(point.sigma() / std::sqrt(2.0 * neuron.noise_tau));
    coefficients.noise_gain = static_cast<float>(step.membrane_gain);
    if (exact) set_bridge(coefficients, step.bridge_variance);
  } else if (exact) {
    // OU variance over one step: sigma^2 (1 - e^{-2 dt/tau}) / (2 g_L^2 tau), mV^2.
    const double variance = point.sigma() * point.sigma() * -std::expm1(-2.0 * rate) /
                            (2.0 * neuron.g_leak * neuron.g_leak * neuron.tau_m);
    coefficients.noise_gain = static_cast<float>(std::sqrt(variance));
    // The bridge's effective variance s^2 e^{dt/tau} (exact_step.hpp): the OU
    // step seen as a Brownian motion in its own clock.
    set_bridge(coefficients, variance * std::exp(rate));
  } else {
    coefficients.noise_gain = static_cast<float>(rate * point.sigma() / (neuron.g_leak * std::sqrt(dt)));
  }
  coefficients.drive_table = static_cast<std::uint32_t>(drive_table);
  coefficients.stream_tag = config.decorrelate_points ? point_tag(config.grid, point) : 0u;
  return coefficients;
}

}  // namespace

PointCoefficients point_coefficients(const SweepPlan& plan, std::size_t index) {
  const GridPoint point = plan.config.grid.point(index);
  return coefficients_of(plan, point, point.neuron(), point.bias());
}

double spread_neuron(const SweepConfig& config, const GridPoint& point, std::uint64_t neuron,
                     NeuronParams& neuron_params) {
  neuron_params = point.neuron();
  double bias = point.bias();
  // A spread of 0 leaves the value untouched (not even -0 + 0).
  const auto spread = [&](double& value, Axis axis, SpreadOf of) {
    if (point[axis] != 0.0)
      value += point[axis] * spread_deviation(config.seed, neuron, of, config.spread_shape);
  };
  spread(bias, Axis::bias_spread, SpreadOf::bias);
  spread(neuron_params.v_threshold, Axis::v_threshold_spread, SpreadOf::v_threshold);
  spread(neuron_params.tau_m, Axis::tau_m_spread, SpreadOf::tau_m);
  return bias;
}

PointCoefficients neuron_coefficients(const SweepPlan& plan, std::size_t index, std::uint64_t neuron) {
  const GridPoint point = plan.config.grid.point(index);
  NeuronParams neuron_params;
  const double bias = spread_neuron(plan.config, point, neuron, neuron_params);
  return coefficients_of(plan, point, neuron_params, bias);
}

std::vector<PointCoefficients> batch_neuron_coefficients(const SweepPlan& plan, std::size_t first_point,
                                                         std::size_t points) {
  const std::uint64_t neurons = plan.config.neurons;
  std::vector<PointCoefficients> coefficients(points * neurons);
  if (!plan.heterogeneous) {  // every neuron is its point's (a coloured-noise run without spreads)
    for (std::size_t point = 0; point < points; ++point) {
      const PointCoefficients own = point_coefficients(plan, plan.grid_index(first_point + point));
      std::fill_n(coefficients.begin() + static_cast<std::ptrdiff_t>(point * neurons), neurons, own);
    }
    return coefficients;
  }
#pragma omp parallel for schedule(static)
  for (std::int64_t at = 0; at < static_cast<std::int64_t>(coefficients.size()); ++at) {
    const auto flat = static_cast<std::uint64_t>(at);
    coefficients[flat] =
        neuron_coefficients(plan, plan.grid_index(first_point + flat / neurons), flat % neurons);
  }
  return coefficients;
}

SweepPlan make_plan(const SweepConfig& config, PlanPoints points) {
  // The product in double: it may not fit in 64 bits.
  check_grid_fits_memory(config.grid.count(),
                         points == PlanPoints::all ? kHeldBytesPerPoint : kStreamedBytesPerPoint);
  validate(config);
  SweepPlan plan;
  plan.config = config;
  plan.samples = config.time.samples();
  plan.warmup_steps = config.time.warmup_steps();
  plan.steps = plan.warmup_steps + plan.samples - 1;

  // The drive tables: per frequency, and for exact per (frequency, tau_m) (drive_table_of).
  const Grid& grid = config.grid;
  const std::vector<double>& frequencies = grid[Axis::frequency];
  const std::size_t tau_count = config.scheme == Scheme::exact ? grid[Axis::tau_m].size() : 1;
  for (std::size_t tau = 0; tau < tau_count; ++tau) {
    for (const double frequency : frequencies) {
      const double phase =
          std::arg(sinusoid_weight(config.scheme, frequency, grid[Axis::tau_m][tau], config.time.dt));
      plan.drive_tables.push_back(DriveTable{frequency, phase});
    }
  }

  for (const AxisInfo& info : kAxes) {
    if (!is_spread_axis(info.axis)) continue;
    for (const double spread : grid[info.axis]) plan.heterogeneous = plan.heterogeneous || spread != 0.0;
  }
  plan.coloured_noise =
      std::ranges::any_of(grid[Axis::noise_tau], [](double noise_tau) { return noise_tau > 0.0; });
  plan.drive_quadrature =
      config.scheme == Scheme::exact &&
      std::ranges::any_of(grid[Axis::tau_m_spread], [](double spread) { return spread != 0.0; });

  if (points == PlanPoints::all) {
    plan.points.reserve(grid.size());
    for (std::size_t index = 0; index < grid.size(); ++index)
      plan.points.push_back(point_coefficients(plan, index));
  }

  if (config.readouts.enabled) {
    ReadoutLayout& layout = plan.readout_layout;
    layout.phase_bins = config.readouts.phase_bins;
    layout.psth_bins = static_cast<std::uint32_t>(
        std::ceil(config.time.duration / config.readouts.psth_bin_ms * (1.0 - 1e-12)));
    layout.raster_neurons = config.readouts.raster_neurons;
    layout.raster_capacity = static_cast<std::uint32_t>(most_spikes_per_neuron(config));
  }

  plan.chunk_steps = config.execution.chunk_steps;
  // Per-neuron state in flight is about 49-52 bytes on the CPU (docs/scaling.md);
  // 8 Mi neurons in flight keep it near 350 MB by default.
  constexpr std::uint64_t kNeuronsInFlight = 8ULL << 20;
  const std::uint64_t automatic = std::max<std::uint64_t>(1, kNeuronsInFlight / config.neurons);
  plan.batch_points = config.execution.batch_points > 0
                          ? config.execution.batch_points
                          : static_cast<std::int64_t>(std::min<std::uint64_t>(automatic, grid.size()));
  // The neurons in flight (about 54 bytes each, docs/scaling.md; a state snapshot as much again)
  // must fit in half of this machine's memory: --neurons 4e9 is refused, not left to bad_alloc.
  // A heterogeneous population holds each neuron's coefficients too, and so does a coloured-noise
  // run on the CPU.
  const double kBytesPerNeuronInFlight =
      2.0 * 54.0 + (plan.heterogeneous || plan.coloured_noise ? sizeof(PointCoefficients) : 0.0);
  const double in_flight =
      std::min(static_cast<double>(plan.batch_points), static_cast<double>(grid.size())) *
      static_cast<double>(config.neurons);
  check_neurons_in_flight_fit_memory(in_flight, kBytesPerNeuronInFlight, config.execution.batch_points > 0);
  return plan;
}

}  // namespace srlif
