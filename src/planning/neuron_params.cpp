#include "srlif/planning/neuron_params.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "srlif/errors.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/planning/axes.hpp"

namespace srlif {
namespace {

std::string show(double value) { return format_number(value); }

void require_finite(double value, const char* flag) {
  if (!std::isfinite(value)) throw InputError(flag, "must be a finite number");
}

constexpr double kLeakRange[] = {1e-6, 1e9};  // nS (kMaxPotential, kMaxTime: neuron_params.hpp)

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

std::int64_t TimeGrid::warmup_steps() const {
  if (!(warmup > 0.0)) return 0;
  const auto blocks = static_cast<std::int64_t>(std::ceil(warmup / dt / 4.0 * (1.0 - 1e-12)));
  return 4 * blocks;
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

double TimeGrid::refractory_ratio(double t_ref, double dt) {
  const double ratio = t_ref / dt;
  const double nearest = std::round(ratio);
  return std::fabs(ratio - nearest) <= 1e-9 * std::max(1.0, nearest) ? nearest : ratio;
}

void validate_parameter(double NeuronParams::*parameter, double value) {
  const auto info = std::find_if(kAxes.begin(), kAxes.end(),
                                 [parameter](const AxisInfo& axis) { return axis.parameter == parameter; });
  const std::string flag_text(info->flag);
  const char* flag = flag_text.c_str();
  require_finite(value, flag);
  if (parameter == &NeuronParams::tau_m && value <= 0.0) {
    throw InputError(flag, "must be > 0 ms (got " + show(value) + ")");
  }
  if (parameter == &NeuronParams::g_leak && value <= 0.0) {
    throw InputError(flag, "must be > 0 nS (got " + show(value) + ")");
  }
  if ((parameter == &NeuronParams::t_ref || parameter == &NeuronParams::noise_tau) && value < 0.0) {
    throw InputError(flag, "must be >= 0 ms (got " + show(value) + ")");
  }
  if (parameter == &NeuronParams::tau_m || parameter == &NeuronParams::t_ref ||
      parameter == &NeuronParams::noise_tau) {
    require_at_most(value, kMaxTime, flag, "ms");
  } else if (parameter == &NeuronParams::g_leak) {
    if (value < kLeakRange[0] || value > kLeakRange[1]) {
      throw InputError(flag, "must be between 1e-06 and 1e+09 nS (got " + show(value) + ")");
    }
  } else {
    require_at_most(value, kMaxPotential, flag, "mV");
  }
}

void validate_reset_below_threshold(double v_reset, double v_threshold) {
  if (v_reset >= v_threshold) {
    throw InputError("--v-reset",
                     "must be below --v-th (" + show(v_reset) + " mV >= " + show(v_threshold) + " mV)");
  }
}

void validate(const NeuronParams& neuron) {
  for (const AxisInfo& info : kAxes) {
    if (info.parameter != nullptr) validate_parameter(info.parameter, neuron.*info.parameter);
  }
  validate_reset_below_threshold(neuron.v_reset, neuron.v_threshold);
}

void validate(const TimeGrid& time, double tau_m, double t_ref) {
  require_finite(time.dt, "--dt");
  require_finite(time.duration, "--duration");
  if (time.dt <= 0.0) throw InputError("--dt", "must be > 0 ms (got " + show(time.dt) + ")");
  if (time.dt >= tau_m) {
    throw InputError("--dt", "must be smaller than --tau-m (" + show(time.dt) + " ms >= " + show(tau_m) +
                                 " ms makes Euler unstable)");
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
  require_finite(time.warmup, "--warmup");
  if (time.warmup < 0.0) throw InputError("--warmup", "must be >= 0 ms (got " + show(time.warmup) + ")");
  if (time.warmup / time.dt > 1e12) {
    throw InputError("--warmup", "needs more than 10^12 time steps; use a larger --dt or a shorter warm-up");
  }
  if (t_ref / time.dt > 1e9) {
    throw InputError("--t-ref", "is more than 10^9 time steps");
  }
}

void validate(const NeuronParams& neuron, const TimeGrid& time) {
  validate(neuron);
  validate(time, neuron.tau_m, neuron.t_ref);
}

}  // namespace srlif
