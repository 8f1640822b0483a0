#include "srlif/planning/sweep_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "srlif/errors.hpp"
#include "srlif/io/number_text.hpp"

namespace srlif {
namespace {

std::string gib(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g GiB", bytes / (1ULL << 30));
  return text;
}

}  // namespace

double physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 16.0 * (1ULL << 30);
  return static_cast<double>(pages) * static_cast<double>(page_size);
}

void validate_axis(const std::vector<double>& values, const char* flag, double minimum, bool strictly,
                   const char* rule, double maximum_magnitude) {
  if (values.empty()) throw InputError(flag, "needs at least one value");
  for (double value : values) {
    if (!std::isfinite(value)) throw InputError(flag, "values must be finite");
    if (strictly ? value <= minimum : value < minimum) throw InputError(flag, rule);
    if (std::fabs(value) > maximum_magnitude) {
      throw InputError(flag, "values must be at most " + format_number(maximum_magnitude) +
                                 " in magnitude (got " + format_number(value) + ")");
    }
  }
}

void check_grid_fits_memory(double grid_points, double bytes_per_point) {
  const double needed = grid_points * bytes_per_point;
  const double available = physical_memory_bytes() / 2.0;
  if (needed > available) {
    throw InputError("--sigma/--amplitude/--bias/--frequency",
                     "the grid has " + format_number(grid_points) + " points and its results need about " +
                         gib(needed) + ", more than the " + gib(available) +
                         " allowed (half of this machine's memory); split it into smaller sweeps");
  }
}

std::int64_t most_spikes_in_steps(const SweepConfig& config, std::int64_t steps) {
  // The fewest steps from one spike to the next: euler's n_ref; exact's reset off the grid can
  // spike again in the step of its release, floor(t_ref/dt) steps on.
  const double t_ref = smallest(config.grid[Axis::t_ref]);
  const std::int64_t spacing =
      config.scheme == Scheme::exact
          ? static_cast<std::int64_t>(std::floor(TimeGrid::refractory_ratio(t_ref, config.time.dt)))
          : TimeGrid::refractory_samples(t_ref, config.time.dt);
  const std::int64_t n_ref = std::max<std::int64_t>(spacing, 1);
  return (steps + n_ref - 1) / n_ref;
}

std::int64_t most_spikes_per_neuron(const SweepConfig& config) {
  return most_spikes_in_steps(config, config.time.steps());
}

namespace {

void validate_readouts(const SweepConfig& config, double max_spikes_per_neuron) {
  const ReadoutConfig& readouts = config.readouts;
  if (!readouts.enabled) return;
  if (readouts.phase_bins < 1 || readouts.phase_bins > 3600) {
    throw InputError("--phase-bins", "must be between 1 and 3600");
  }
  if (!std::isfinite(readouts.psth_bin_ms) || readouts.psth_bin_ms < config.time.dt) {
    throw InputError("--psth", "bin width must be a finite number of ms >= --dt (got " +
                                   format_number(readouts.psth_bin_ms) + ")");
  }
  if (readouts.psth_bin_ms > config.time.duration) {
    throw InputError("--psth", "bin width must not exceed --duration");
  }
  if (readouts.raster_neurons > 0 &&
      config.time.warmup_steps() + config.time.steps() > std::int64_t{2147483647}) {
    throw InputError("--raster",
                     "keeps a spike's step in 32 bits: --warmup and --duration together must "
                     "be below 2^31 steps of --dt");
  }
  if (readouts.raster_neurons > config.neurons) {
    throw InputError("--raster",
                     "cannot show more neurons than --neurons (" + std::to_string(config.neurons) + ")");
  }
  const double points = static_cast<double>(config.grid.size());
  const double psth_bins = std::ceil(config.time.duration / readouts.psth_bin_ms);
  const double bytes = points * (8.0 * (readouts.phase_bins + psth_bins) +
                                 4.0 * readouts.raster_neurons * (max_spikes_per_neuron + 1.0));
  if (bytes > physical_memory_bytes() / 4.0) {
    throw InputError("--raster/--psth", "the readouts of " + format_number(points) + " points need about " +
                                            gib(bytes) + ", more than a quarter of this machine's memory");
  }
}

// The step runs in single precision (euler_step.hpp, coloured_noise.hpp; the coefficients are
// computed in double and rounded once). Each rule keeps a quantity of the step finite and
// meaningful in float for every combination the grid holds (its extremes, spreads' reach included);
// docs/accuracy.md, "Ranges".
void validate_float_ranges(const SweepConfig& config) {
  const Grid& grid = config.grid;
  const double reach = spread_reach(config.spread_shape);
  const double dt = config.time.dt;
  // The leak: the float factor 1 - dt/tau_m (euler) or e^{-dt/tau_m} (exact) is rounded by up to
  // 2^-25; at dt/tau_m >= kLeakResolution that is at most 1 % of the leak of a step.
  const double longest_tau = largest(grid[Axis::tau_m]) + reach * largest(grid[Axis::tau_m_spread]);
  if (dt / longest_tau < kLeakResolution) {
    throw InputError("--dt", "must be at least " + format_number(kLeakResolution) + " x tau_m (" +
                                 format_number(longest_tau) +
                                 " ms: " + format_number(kLeakResolution * longest_tau) +
                                 " ms): a shorter step's float leak factor is rounded by more than 1 % of "
                                 "its leak (got " +
                                 format_number(dt) + " ms)");
  }
  // The coloured noise's current, sigma / sqrt(2 tau_s), is a current: at most kMaxCurrent (its
  // square, the variance, then stays far inside float as well).
  const double loudest = largest(grid[Axis::sigma]);
  for (const double noise_tau : grid[Axis::noise_tau]) {
    if (noise_tau == 0.0) continue;
    const double shortest = loudest * loudest / (2.0 * kMaxCurrent * kMaxCurrent);
    if (noise_tau < shortest) {
      throw InputError("--noise-tau",
                       "must be 0 (white noise) or at least sigma^2 / (2 x 10^12 pA^2) = " +
                           format_number(shortest) + " ms at --sigma " + format_number(loudest) +
                           ": the noise current's standard deviation sigma / sqrt(2 tau_s) would exceed " +
                           format_number(kMaxCurrent) + " pA (got " + format_number(noise_tau) + " ms)");
    }
  }
  // The membrane's scale, mV: the free membrane's standard deviation sigma / (g_L sqrt(2 tau_m)).
  // The crossing test multiplies two potential differences (mV^2): at most kMaxMembraneScale each
  // keeps those products below 10^30, far inside float. (The mean drive |E_L| + |I| / g_L needs no
  // rule of its own: the bounds of its parameters keep it below 2.1 x 10^12 mV.)
  const double weakest_leak = smallest(grid[Axis::g_leak]);
  const double spread_v =
      loudest / (weakest_leak * std::sqrt(2.0 * shortest_tau_m(grid, config.spread_shape)));
  if (spread_v > kMaxMembraneScale) {
    throw InputError("--sigma/--g-leak/--tau-m",
                     "the free membrane's standard deviation sigma / (g_L sqrt(2 tau_m)) reaches " +
                         format_number(spread_v) + " mV, beyond " + format_number(kMaxMembraneScale) +
                         " mV, which single precision cannot step");
  }
}

}  // namespace

void validate(const SweepConfig& config) {
  const Grid& grid = config.grid;
  validate_neuron_axes(grid, config.spread_shape);
  const double shortest_tau = shortest_tau_m(grid, config.spread_shape);
  if (largest(grid[Axis::tau_m_spread]) > 0.0) {
    if (config.time.dt >= shortest_tau) {
      throw InputError("--tau-m-spread", "a neuron's tau_m can fall to " + format_number(shortest_tau) +
                                             " ms, not above --dt " + format_number(config.time.dt) + " ms");
    }
  }
  validate(config.time, smallest(grid[Axis::tau_m]), largest(grid[Axis::t_ref]));
  if (config.scheme == Scheme::euler) {
    // The Euler step holds the noise current over a step: it cannot represent a shorter correlation.
    for (const double noise_tau : grid[Axis::noise_tau]) {
      if (noise_tau > 0.0 && noise_tau < config.time.dt) {
        throw InputError("--noise-tau", "must be 0 (white noise) or at least --dt " +
                                            format_number(config.time.dt) + " ms under --scheme euler (got " +
                                            format_number(noise_tau) + " ms; --scheme exact takes any)");
      }
    }
  }
  validate_float_ranges(config);
  if (config.objective == Objective::snr && !config.readouts.enabled) {
    throw InputError("--objective", "snr needs recorded spectra (--spectrum)");
  }
  validate_axis(grid[Axis::sigma], "--sigma", 0.0, false, "noise intensity must be >= 0 pA*sqrt(ms)",
                kMaxCurrent);
  validate_axis(grid[Axis::amplitude], "--amplitude", 0.0, false, "amplitude must be >= 0 pA", kMaxCurrent);
  validate_axis(grid[Axis::bias], "--bias", -1e300, false, "bias must be finite", kMaxCurrent);
  const double nyquist = 1000.0 / (2.0 * config.time.dt);
  validate_axis(grid[Axis::frequency], "--frequency", 0.0, true, "frequency must be > 0 Hz");
  for (double frequency : grid[Axis::frequency]) {
    if (frequency >= nyquist) {
      throw InputError("--frequency",
                       "must be below the Nyquist frequency 1000/(2 dt) = " + format_number(nyquist) + " Hz");
    }
  }
  if (config.neurons == 0) throw InputError("--neurons", "must be >= 1");
  if (config.neurons > (1ULL << 32)) throw InputError("--neurons", "must be <= 2^32 per grid point");
  if (config.validity.min_spikes > config.validity.max_spikes) {
    throw InputError("--min-spikes", "must not exceed --max-spikes");
  }
  if (config.execution.threads < 0 || config.execution.threads > 4096) {
    throw InputError("--threads", "must be >= 0 (0 = all cores) and at most 4096");
  }
  if (config.execution.chunk_steps < 4 || config.execution.chunk_steps % 4 != 0 ||
      config.execution.chunk_steps > (std::int64_t{1} << 40)) {
    throw InputError("--chunk-steps", "must be a positive multiple of 4, at most 2^40");
  }
  if (config.execution.batch_points < 0 || config.execution.batch_points > 1000000000) {
    throw InputError("--batch-points", "must be >= 0 (0 = automatic) and at most 10^9");
  }
  if (config.execution.devices < 0 || config.execution.devices > 1024) {
    throw InputError("--devices", "must be >= 0 (0 = all usable GPUs) and at most 1024");
  }
  // --backend is checked against the backend table where the run makes its backends
  // (make_backends, backend_registry.hpp), before anything is written.

  // Exact accumulation bounds (accumulators.hpp): the pooled phase sums hold at
  // most 2^63 / 2^24 = 2^39 spikes, and sum n_i^2 must fit in 63 bits.
  const auto max_spikes_per_neuron = static_cast<double>(most_spikes_per_neuron(config));
  const double neurons = static_cast<double>(config.neurons);
  if (max_spikes_per_neuron > 4294967295.0 || neurons * max_spikes_per_neuron > 549755813888.0 ||  // 2^39
      neurons * max_spikes_per_neuron * max_spikes_per_neuron > 9.2e18) {
    throw InputError("--neurons",
                     "with this --duration, --dt and --t-ref a grid point could "
                     "produce more spikes than exact accumulation allows (2^39); "
                     "use fewer neurons per point");
  }
  // The warm-up's spikes go through the same per-neuron counters before they are cleared.
  if (most_spikes_in_steps(config, config.time.warmup_steps()) > 4294967295LL) {
    throw InputError("--warmup",
                     "is so long that a neuron could fire more than 2^32-1 spikes in it; "
                     "shorten it or use a larger --dt");
  }
  validate_readouts(config, max_spikes_per_neuron);
}

void check_neurons_in_flight_fit_memory(double neurons, double bytes_per_neuron, bool batch_given) {
  if (neurons * bytes_per_neuron > physical_memory_bytes() / 2.0) {
    throw InputError(batch_given ? "--neurons/--batch-points" : "--neurons",
                     std::to_string(static_cast<unsigned long long>(neurons)) +
                         " neurons in flight would need about " + gib(neurons * bytes_per_neuron) +
                         ", more than the " + gib(physical_memory_bytes() / 2.0) +
                         " allowed (half of this machine's memory); use fewer neurons per point or "
                         "fewer --batch-points");
  }
}

}  // namespace srlif
