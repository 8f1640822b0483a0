// Command-line options shared by the commands that simulate: the neuron
// (DESIGN.md section 1), the time grid, the axes, the population and the
// execution options. Defaults are the reference study's values.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "srlif/sweep_config.hpp"

namespace srlif::cli {

struct ModelOptions {
  NeuronParams neuron;
  TimeGrid time;
  std::string sigma = "0:60:25";
  std::string amplitude = "20";
  std::string bias = "178";
  std::string frequency = "10";
  std::int64_t neurons = 1000;
  std::uint64_t seed = 1;
  std::int64_t min_spikes = 10;
  std::int64_t max_spikes = 400;
  bool decorrelate = false;
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

// --v-th, --v-reset, --e-leak, --v-init (with `initial_potential`), --tau-m, --g-leak, --t-ref:
// the neuron, for the commands that simulate it and for `theory`, where V_init plays no role.
void add_neuron_options(CLI::App& command, NeuronParams& neuron, bool initial_potential);

// `--devices`: only `sweep` shares its grid among several GPUs.
void add_devices_option(CLI::App& command, ModelOptions& options);

// The number of grid points, from the axes' texts alone (InputError for a bad axis).
double grid_count(const ModelOptions& options);

// Parses the axes and checks the integer options; throws InputError.
// `bytes_per_point`: what the command keeps per grid point (kStreamedBytesPerPoint for a sweep
// written as it goes, kHeldBytesPerPoint for one held until the end): a grid whose results
// would not fit is refused from the axes' counts, before any axis is built.
SweepConfig to_sweep_config(const ModelOptions& options, double bytes_per_point = kStreamedBytesPerPoint);

}  // namespace srlif::cli
