#include "cli/model_options.hpp"

#include "srlif/errors.hpp"
#include "srlif/running/backend_registry.hpp"

namespace srlif::cli {

namespace {
constexpr const char* kExecutionGroup = "Execution (never changes results)";
}  // namespace

void add_axis_options(CLI::App& command, AxisTexts& texts, std::span<const Axis> axes) {
  for (const Axis axis : axes) {
    const AxisInfo& info = axis_info(axis);
    command
        .add_option(std::string(info.flag), texts[axis_index(axis)],
                    std::string(info.help) + ", " + std::string(info.unit))
        ->capture_default_str()
        ->group(is_input_axis(axis)    ? kAxesGroup
                : is_neuron_axis(axis) ? kNeuronGroup
                                       : kSpreadGroup);
  }
}

std::vector<Axis> model_axes(bool initial_potential) {
  std::vector<Axis> axes;
  for (const AxisInfo& info : kAxes) {
    if (!is_input_axis(info.axis) && (initial_potential || info.axis != Axis::v_init))
      axes.push_back(info.axis);
  }
  return axes;
}

void add_model_options(CLI::App& command, ModelOptions& options, Simulates what) {
  const bool population = what == Simulates::population;
  std::vector<Axis> all_axes;
  for (const AxisInfo& info : kAxes) all_axes.push_back(info.axis);
  add_axis_options(command, options.axes, all_axes);

  const char* simulation = "Simulation";
  command.add_option("--dt", options.time.dt, "Time step, ms")->capture_default_str()->group(simulation);
  command
      .add_option("--duration", options.time.duration,
                  population ? "Measured time per neuron (after any --warmup), ms" : "Simulated time, ms")
      ->capture_default_str()
      ->group(simulation);
  if (population) {
    command
        .add_option("--warmup", options.time.warmup,
                    "Simulated before --duration and left out of every measure (the transient from V_init), "
                    "ms; rounded up to a whole 4 steps")
        ->capture_default_str()
        ->group(simulation);
    command.add_option("--neurons", options.neurons, "Neurons (trials) per grid point")
        ->capture_default_str()
        ->group(simulation);
  }
  command.add_option("--seed", options.seed, "Random seed (64-bit, >= 0)")
      ->capture_default_str()
      ->group(simulation);
  if (population) {
    command
        .add_option("--min-spikes", options.min_spikes, "A neuron is valid with at least this many spikes")
        ->capture_default_str()
        ->group(simulation);
    command.add_option("--max-spikes", options.max_spikes, "... and at most this many")
        ->capture_default_str()
        ->group(simulation);
  }
  command
      .add_option("--scheme", options.scheme,
                  "euler (the reference study's Euler-Maruyama step) | exact (exact Ornstein-Uhlenbeck step "
                  "with the Brownian-bridge crossing test)")
      ->capture_default_str()
      ->group(simulation);
  command
      .add_flag("--decorrelate", options.decorrelate,
                "Independent noise per grid point (default: common random numbers)")
      ->group(simulation);

  command
      .add_option(
          "--spread", options.spread,
          "normal | uniform: the shape of every spread (each the standard deviation of its parameter)")
      ->capture_default_str()
      ->group(kSpreadGroup);

  const char* execution = kExecutionGroup;
  command.add_option("--chunk-steps", options.execution.chunk_steps, "Time steps per chunk (multiple of 4)")
      ->capture_default_str()
      ->group(execution);
  if (!population) return;
  command.add_option("--backend", options.execution.backend, backend_help())
      ->capture_default_str()
      ->group(execution);
  command.add_option("--threads", options.execution.threads, "CPU threads, 0 = all cores")
      ->capture_default_str()
      ->group(execution);
  command
      .add_option("--batch-points", options.execution.batch_points, "Grid points in flight, 0 = automatic")
      ->capture_default_str()
      ->group(execution);
}

void add_devices_option(CLI::App& command, ModelOptions& options) {
  command
      .add_option("--devices", options.execution.devices,
                  "GPUs that share the grid points of a sweep, one host thread each (0 = all usable)")
      ->capture_default_str()
      ->group(kExecutionGroup);
}

SweepConfig to_sweep_config(const ModelOptions& options, double bytes_per_point) {
  // Refuse a huge grid from the axis counts alone, before building any axis (make_plan checks
  // again with the axes built).
  check_grid_fits_memory(grid_count(options.axes), bytes_per_point);
  SweepConfig config;
  config.time = options.time;
  config.grid = parse_grid(options.axes);
  if (options.neurons < 1) throw InputError("--neurons", "must be >= 1");
  config.neurons = static_cast<std::uint64_t>(options.neurons);
  config.seed = options.seed;
  constexpr std::int64_t kMaxCount = 4294967295LL;
  if (options.min_spikes < 0 || options.min_spikes > kMaxCount) {
    throw InputError("--min-spikes", "must be between 0 and 2^32-1");
  }
  if (options.max_spikes < 0 || options.max_spikes > kMaxCount) {
    throw InputError("--max-spikes", "must be between 0 and 2^32-1");
  }
  config.validity = ValidityRule{static_cast<std::uint32_t>(options.min_spikes),
                                 static_cast<std::uint32_t>(options.max_spikes)};
  config.decorrelate_points = options.decorrelate;
  config.spread_shape = parse_spread_shape(options.spread, "--spread");
  config.scheme = parse_scheme(options.scheme, "--scheme");
  config.execution = options.execution;
  return config;
}

}  // namespace srlif::cli
