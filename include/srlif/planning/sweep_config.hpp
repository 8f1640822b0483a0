// Everything that defines a sweep's result, plus the execution options that
// must not change it (backend, threads, chunk and batch sizes); its rules and
// the memory budgets they check (src/planning/sweep_config.cpp). The plan made from it:
// sweep_plan.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "srlif/measures/metrics.hpp"
#include "srlif/measures/readouts.hpp"
#include "srlif/physics/accumulators.hpp"
#include "srlif/planning/grid.hpp"
#include "srlif/planning/neuron_params.hpp"
#include "srlif/planning/scheme.hpp"
#include "srlif/planning/spread.hpp"

namespace srlif {

struct ExecutionOptions {
  std::string backend = "auto";     // auto | cpu | cuda
  std::int64_t threads = 0;         // CPU worker threads, 0 = all cores (validated: <= 4096)
  std::int64_t chunk_steps = 4096;  // time steps per chunk (multiple of 4)
  std::int64_t batch_points = 0;    // grid points in flight, 0 = automatic
  std::int64_t devices = 0;         // GPUs sharing a sweep's grid points, 0 = all usable (<= 1024)
};

struct SweepConfig {
  Scheme scheme = Scheme::euler;  // the reference study's scheme by default
  TimeGrid time;
  Grid grid;  // the input's axes, the neuron's and the spreads' (one value each unless swept)
  SpreadShape spread_shape = SpreadShape::normal;  // of every spread (--spread)
  std::uint64_t neurons = 1000;                    // per grid point
  std::uint64_t seed = 1;
  ValidityRule validity{10, 400};
  // false: every grid point sees the same noise realisations (common random
  // numbers); true: each point's streams are tagged with a hash of its values.
  bool decorrelate_points = false;
  ReadoutConfig readouts;  // population readouts (and spectra), off for plain sweeps
  Objective objective = Objective::valid_vector_strength;  // what sigma_opt maximises
  ExecutionOptions execution;
};

// Checks every rule on the configuration; throws InputError naming the flag.
void validate(const SweepConfig& config);

// kMaxCurrent (neuron_params.hpp) bounds every current. The step's float ranges (validate):
// dt / tau_m at least kLeakResolution (the float leak factor then holds the leak to 1 %), the
// membrane's drive and noise scale at most kMaxMembraneScale.
inline constexpr double kLeakResolution = 3e-6;
inline constexpr double kMaxMembraneScale = 1e15;  // mV

// Every value finite, >= (or >, `strictly`) `minimum` else InputError(flag,
// rule), and at most `maximum_magnitude` in magnitude.
void validate_axis(const std::vector<double>& values, const char* flag, double minimum, bool strictly,
                   const char* rule, double maximum_magnitude = 1e300);

// Bytes the host keeps per grid point: until the outputs are written, for a
// run held in memory (coefficients, tally, metrics, the formatted CSV row);
// one bit, for a sweep whose files are written as its points finish.
inline constexpr double kHeldBytesPerPoint = 640.0;
inline constexpr double kStreamedBytesPerPoint = 0.125;

// This machine's memory, bytes (16 GiB when it cannot be told): the budgets of the checks below.
double physical_memory_bytes();

// Refuses (InputError) a grid whose results would not fit in memory, with the
// estimate; callable before the axes are built.
void check_grid_fits_memory(double grid_points, double bytes_per_point);

// Refuses (InputError naming --neurons, and --batch-points when it was given)
// `neurons` in flight of `bytes_per_neuron` each beyond half of this machine's memory.
void check_neurons_in_flight_fit_memory(double neurons, double bytes_per_neuron, bool batch_given);

// The most spikes one neuron can fire in the run's measured steps (after any warm-up): one per
// refractory period's samples (the shortest --t-ref of the grid).
std::int64_t most_spikes_per_neuron(const SweepConfig& config);
// The same in any `steps` steps.
std::int64_t most_spikes_in_steps(const SweepConfig& config, std::int64_t steps);

}  // namespace srlif
