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

#include "srlif/neuron_params.hpp"

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
};
inline constexpr std::size_t kAxisCount = 11;
// sigma, amplitude, bias, frequency: the input's axes, always columns of the
// output files. The neuron's axes follow; one of them is a column only when
// it has more than one value, so that a sweep of one neuron writes the bytes
// it wrote before neuron parameters were axes.
inline constexpr std::size_t kInputAxisCount = 4;

// A neuron parameter, as a member of NeuronParams.
using NeuronField = double NeuronParams::*;

struct AxisInfo {
  Axis axis;
  std::string_view name;          // column, Python keyword and dimension: "sigma", "tau_m"
  std::string_view flag;          // "--tau-m"; without the dashes, the config key
  std::string_view unit;          // "ms"
  std::string_view help;          // the option's help text
  std::string_view default_text;  // the input axes' default; the neuron's come from NeuronParams{}
  NeuronField parameter;          // the neuron's parameter; null for the input's axes
};

inline constexpr std::array<AxisInfo, kAxisCount> kAxes = {{
    {Axis::sigma, "sigma", "--sigma", "pA*sqrt(ms)", "Noise intensity sigma", "0:60:25", nullptr},
    {Axis::amplitude, "amplitude", "--amplitude", "pA", "Signal amplitude A", "20", nullptr},
    {Axis::bias, "bias", "--bias", "pA", "Bias current I_bias", "178", nullptr},
    {Axis::frequency, "frequency", "--frequency", "Hz", "Signal frequency f", "10", nullptr},
    {Axis::v_threshold, "v_th", "--v-th", "mV", "Threshold V_th", "", &NeuronParams::v_threshold},
    {Axis::v_reset, "v_reset", "--v-reset", "mV", "Reset potential V_reset", "", &NeuronParams::v_reset},
    {Axis::e_leak, "e_leak", "--e-leak", "mV", "Leak reversal E_L", "", &NeuronParams::e_leak},
    {Axis::v_init, "v_init", "--v-init", "mV", "Initial potential V_init", "", &NeuronParams::v_init},
    {Axis::tau_m, "tau_m", "--tau-m", "ms", "Membrane time constant tau_m", "", &NeuronParams::tau_m},
    {Axis::g_leak, "g_leak", "--g-leak", "nS", "Leak conductance g_L", "", &NeuronParams::g_leak},
    {Axis::t_ref, "t_ref", "--t-ref", "ms", "Absolute refractory period t_ref", "", &NeuronParams::t_ref},
}};

constexpr std::size_t axis_index(Axis axis) { return static_cast<std::size_t>(axis); }
constexpr const AxisInfo& axis_info(Axis axis) { return kAxes[axis_index(axis)]; }
constexpr bool is_neuron_axis(Axis axis) { return axis_index(axis) >= kInputAxisCount; }

// The config text's key: the flag without its dashes ("tau-m").
inline std::string axis_key(Axis axis) { return std::string(axis_info(axis).flag.substr(2)); }

static_assert([] {
  for (std::size_t i = 0; i < kAxisCount; ++i) {
    if (axis_index(kAxes[i].axis) != i || (kAxes[i].parameter == nullptr) != (i < kInputAxisCount)) return false;
  }
  return true;
}());

}  // namespace srlif
