// The grid's axes, in one list. Every place that names, parses, validates,
// writes or reads an axis loops over kAxes: the command-line and Python
// options, the config text, points.csv / optimum.csv / the readout files, the
// summary table, run.json and the Python dimensions. A neuron parameter that
// becomes an axis is one entry here plus its use in the step coefficients
// (docs/ARCHITECTURE.md, "Adding an axis").
// Units: pA, pA*sqrt(ms), Hz, mV, ms, nS.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "srlif/planning/neuron_params.hpp"

namespace srlif {

// Grid points are numbered with the first axis varying fastest (sigma, so that
// each sigma slice is a contiguous run), then the others in this order.
enum class Axis : std::uint8_t {
  sigma,
  amplitude,
  bias,
  frequency,
  v_threshold,
  v_reset,
  e_leak,
  v_init,
  tau_m,
  g_leak,
  t_ref,
  noise_tau,
  bias_spread,
  v_threshold_spread,
  tau_m_spread,
};
inline constexpr std::size_t kAxisCount = 15;

// The input's axes (sigma, amplitude, bias, frequency) are always columns of
// the output files. The neuron's parameters and the population's spreads
// (spread.hpp) follow; one of them is a column only when it has more than one
// value, so that a sweep of one neuron writes the bytes it wrote before they were axes.
enum class AxisKind { input, neuron, spread };

// A neuron parameter, as a member of NeuronParams.
using NeuronField = double NeuronParams::*;

struct AxisInfo {
  Axis axis;
  AxisKind kind;
  std::string_view name;  // column, Python keyword and dimension: "sigma", "tau_m"
  std::string_view flag;  // "--tau-m"; without the dashes, the config key
  std::string_view unit;  // "ms"
  std::string_view help;  // the option's help text
  // The input axes' and the spreads' default (the neuron's come from NeuronParams{}).
  std::string_view default_text;
  NeuronField parameter;  // the neuron's parameter; null for the other axes
};

inline constexpr std::array<AxisInfo, kAxisCount> kAxes = {{
    {Axis::sigma, AxisKind::input, "sigma", "--sigma", "pA*sqrt(ms)", "Noise intensity sigma", "0:60:25",
     nullptr},
    {Axis::amplitude, AxisKind::input, "amplitude", "--amplitude", "pA", "Signal amplitude A", "20", nullptr},
    {Axis::bias, AxisKind::input, "bias", "--bias", "pA", "Bias current I_bias", "178", nullptr},
    {Axis::frequency, AxisKind::input, "frequency", "--frequency", "Hz", "Signal frequency f", "10", nullptr},
    {Axis::v_threshold, AxisKind::neuron, "v_th", "--v-th", "mV", "Threshold V_th", "",
     &NeuronParams::v_threshold},
    {Axis::v_reset, AxisKind::neuron, "v_reset", "--v-reset", "mV", "Reset potential V_reset", "",
     &NeuronParams::v_reset},
    {Axis::e_leak, AxisKind::neuron, "e_leak", "--e-leak", "mV", "Leak reversal E_L", "",
     &NeuronParams::e_leak},
    {Axis::v_init, AxisKind::neuron, "v_init", "--v-init", "mV", "Initial potential V_init", "",
     &NeuronParams::v_init},
    {Axis::tau_m, AxisKind::neuron, "tau_m", "--tau-m", "ms", "Membrane time constant tau_m", "",
     &NeuronParams::tau_m},
    {Axis::g_leak, AxisKind::neuron, "g_leak", "--g-leak", "nS", "Leak conductance g_L", "",
     &NeuronParams::g_leak},
    {Axis::t_ref, AxisKind::neuron, "t_ref", "--t-ref", "ms", "Absolute refractory period t_ref", "",
     &NeuronParams::t_ref},
    {Axis::noise_tau, AxisKind::neuron, "noise_tau", "--noise-tau", "ms",
     "Correlation time tau_s of the noise current (Ornstein-Uhlenbeck; 0 = white noise)", "",
     &NeuronParams::noise_tau},
    {Axis::bias_spread, AxisKind::spread, "bias_spread", "--bias-spread", "pA",
     "Standard deviation of each neuron's bias around I_bias (--spread)", "0", nullptr},
    {Axis::v_threshold_spread, AxisKind::spread, "v_th_spread", "--v-th-spread", "mV",
     "Standard deviation of each neuron's threshold around V_th (--spread)", "0", nullptr},
    {Axis::tau_m_spread, AxisKind::spread, "tau_m_spread", "--tau-m-spread", "ms",
     "Standard deviation of each neuron's tau_m around the point's (--spread)", "0", nullptr},
}};

constexpr std::size_t axis_index(Axis axis) { return static_cast<std::size_t>(axis); }
constexpr const AxisInfo& axis_info(Axis axis) { return kAxes[axis_index(axis)]; }
constexpr bool is_input_axis(Axis axis) { return axis_info(axis).kind == AxisKind::input; }
constexpr bool is_neuron_axis(Axis axis) { return axis_info(axis).kind == AxisKind::neuron; }
constexpr bool is_spread_axis(Axis axis) { return axis_info(axis).kind == AxisKind::spread; }

// Axes whose value 0 means "not there" (a spread of 0, white noise): the config text and run.json
// leave them out while they are 0, so that a run without them writes the bytes it wrote before
// they existed, and a text without them reads as 0.
constexpr bool is_absent_at_zero(Axis axis) { return is_spread_axis(axis) || axis == Axis::noise_tau; }

// The value of an axis that is not the input's in the reference run: the reference neuron's
// parameter, a spread of 0.
inline double axis_reference(Axis axis) {
  return is_neuron_axis(axis) ? NeuronParams{}.*axis_info(axis).parameter : 0.0;
}

// The config text's key: the flag without its dashes ("tau-m").
inline std::string axis_key(Axis axis) { return std::string(axis_info(axis).flag.substr(2)); }

static_assert([] {
  for (std::size_t i = 0; i < kAxisCount; ++i) {
    const AxisInfo& info = kAxes[i];
    if (axis_index(info.axis) != i) return false;
    if ((info.kind == AxisKind::neuron) != (info.parameter != nullptr)) return false;
    if ((info.kind == AxisKind::neuron) != info.default_text.empty()) return false;
  }
  return true;
}());

}  // namespace srlif
