#include "srlif/neuron_params.hpp"

#include <cmath>
#include <string>

#include "srlif/errors.hpp"
#include "srlif/output.hpp"

namespace srlif {
namespace {

std::string show(double value) { return format_number(value); }

void require_finite(double value, const char* flag) {
  if (!std::isfinite(value)) throw InputError(flag, "must be a finite number");
}

// Bounds far outside any neuron's values: they keep every derived quantity
// finite in single precision, so that no input can make the step overflow.
constexpr double kMaxPotential = 1e4;         // mV
constexpr double kMaxTime = 1e7;              // ms (tau_m, t_ref)
constexpr double kLeakRange[] = {1e-6, 1e9};  // nS

void require_at_most(double value, double bound, const char* flag, const char* unit) {
  if (std::fabs(value) > bound) {
    throw InputError(
        flag, "must be at most " + show(bound) + " " + unit + " in magnitude (got " + show(value) + ")");
  }
}

}  // namespace

std::int64_t TimeGrid::samples() const {
  return static_cast<std::int64_t>(std::ceil(duration / dt * (1.0 - 1e-12)));
}

double TimeGrid::time_of(std::int64_t k) const {
  const double per_ms = 1.0 / dt;
  const double whole = std::round(per_ms);
  if (whole >= 1.0 && std::fabs(per_ms - whole) < 1e-9 * whole) return static_cast<double>(k) / whole;
  return static_cast<double>(k) * dt;
}

std::int64_t TimeGrid::refractory_samples(double t_ref, double dt) {
  const double samples = std::round(t_ref / dt);
  return samples > 0.0 ? static_cast<std::int64_t>(samples) : 0;
}

void validate(const NeuronParams& neuron) {
  require_finite(neuron.v_threshold, "--v-th");
  require_finite(neuron.v_reset, "--v-reset");
  require_finite(neuron.e_leak, "--e-leak");
  require_finite(neuron.v_init, "--v-init");
  require_finite(neuron.tau_m, "--tau-m");
  require_finite(neuron.g_leak, "--g-leak");
  require_finite(neuron.t_ref, "--t-ref");
  if (neuron.tau_m <= 0.0) {
    throw InputError("--tau-m", "must be > 0 ms (got " + show(neuron.tau_m) + ")");
  }
  if (neuron.g_leak <= 0.0) {
    throw InputError("--g-leak", "must be > 0 nS (got " + show(neuron.g_leak) + ")");
  }
  if (neuron.v_reset >= neuron.v_threshold) {
    throw InputError("--v-reset", "must be below --v-th (" + show(neuron.v_reset) +
                                      " mV >= " + show(neuron.v_threshold) + " mV)");
  }
  if (neuron.t_ref < 0.0) {
    throw InputError("--t-ref", "must be >= 0 ms (got " + show(neuron.t_ref) + ")");
  }
  require_at_most(neuron.v_threshold, kMaxPotential, "--v-th", "mV");
  require_at_most(neuron.v_reset, kMaxPotential, "--v-reset", "mV");
  require_at_most(neuron.e_leak, kMaxPotential, "--e-leak", "mV");
  require_at_most(neuron.v_init, kMaxPotential, "--v-init", "mV");
  require_at_most(neuron.tau_m, kMaxTime, "--tau-m", "ms");
  require_at_most(neuron.t_ref, kMaxTime, "--t-ref", "ms");
  if (neuron.g_leak < kLeakRange[0] || neuron.g_leak > kLeakRange[1]) {
    throw InputError("--g-leak", "must be between 1e-06 and 1e+09 nS (got " + show(neuron.g_leak) + ")");
  }
}

void validate(const NeuronParams& neuron, const TimeGrid& time) {
  validate(neuron);
  require_finite(time.dt, "--dt");
  require_finite(time.duration, "--duration");
  if (time.dt <= 0.0) throw InputError("--dt", "must be > 0 ms (got " + show(time.dt) + ")");
  if (time.dt >= neuron.tau_m) {
    throw InputError("--dt", "must be smaller than --tau-m (" + show(time.dt) +
                                 " ms >= " + show(neuron.tau_m) + " ms makes Euler unstable)");
  }
  if (time.duration <= 0.0) {
    throw InputError("--duration", "must be > 0 ms (got " + show(time.duration) + ")");
  }
  if (time.duration / time.dt > 1e12) {
    throw InputError("--duration", "needs more than 10^12 time steps; use a larger --dt");
  }
  if (time.samples() < 2) {
    throw InputError("--duration", "must be longer than --dt so that at least one step is taken");
  }
  if (neuron.t_ref / time.dt > 1e9) {
    throw InputError("--t-ref", "is more than 10^9 time steps");
  }
}

}  // namespace srlif
