// Command-line options shared by the commands that simulate: the neuron
// (DESIGN.md section 1), the time grid, the axes, the population and the
// execution options. Defaults are the reference study's values.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "srlif/planning/axes.hpp"
#include "srlif/planning/sweep_config.hpp"

namespace srlif::cli {

struct ModelOptions {
  AxisTexts axes = default_axis_texts();
  TimeGrid time;
  std::int64_t neurons = 1000;
  std::uint64_t seed = 1;
  std::int64_t min_spikes = 10;
  std::int64_t max_spikes = 400;
  bool decorrelate = false;
  std::string spread = "normal";
  std::string scheme = "euler";
  ExecutionOptions execution;
};

// What a command simulates: a population per grid point, or one neuron (`trace`, which
// has no --neurons, --min-spikes, --max-spikes, --backend, --threads or --batch-points:
// a flag it would ignore is not offered, so that giving it is refused).
enum class Simulates { population, one_neuron };

void add_model_options(CLI::App& command, ModelOptions& options, Simulates what = Simulates::population);

// The help group of the axis flags.
inline constexpr const char* kAxesGroup = "Axes (start:stop:count | log:start:stop:count | a,b,c)";

// The help groups of the neuron's flags and of the spreads (each a value or an axis).
inline constexpr const char* kNeuronGroup = "Neuron (a value, or an axis like the flags above)";
inline constexpr const char* kSpreadGroup =
    "Heterogeneous population (each neuron's parameter drawn around the point's; a value or an axis)";

// One option per axis of `axes` (kAxes' flag and help), reading into texts[axis]: the input's
// axes in kAxesGroup, the neuron's in kNeuronGroup, the spreads in kSpreadGroup.
void add_axis_options(CLI::App& command, AxisTexts& texts, std::span<const Axis> axes);

// The neuron's axes and the population's spreads (all, or all but --v-init, which `theory` has
// no use for).
std::vector<Axis> model_axes(bool initial_potential);

// `--devices`: only `sweep` shares its grid among several GPUs.
void add_devices_option(CLI::App& command, ModelOptions& options);

// Parses the axes and checks the integer options; throws InputError.
// `bytes_per_point`: what the command keeps per grid point (kStreamedBytesPerPoint for a sweep
// written as it goes, kHeldBytesPerPoint for one held until the end): a grid whose results
// would not fit is refused from the axes' counts, before any axis is built.
SweepConfig to_sweep_config(const ModelOptions& options, double bytes_per_point = kStreamedBytesPerPoint);

}  // namespace srlif::cli
