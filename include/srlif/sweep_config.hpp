// Everything that defines a sweep's result, plus the execution options that
// must not change it (backend, threads, chunk and batch sizes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "srlif/accumulators.hpp"
#include "srlif/euler_step.hpp"
#include "srlif/grid.hpp"
#include "srlif/host_device.hpp"
#include "srlif/metrics.hpp"
#include "srlif/neuron_params.hpp"
#include "srlif/readouts.hpp"
#include "srlif/scheme.hpp"
#include "srlif/spread.hpp"

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

// Currents beyond 1 uA (and noise beyond 1 uA*sqrt(ms)) are no neuron's: a
// bound that also keeps every step coefficient far inside single precision.
inline constexpr double kMaxCurrent = 1e6;  // pA

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

// The most spikes one neuron can fire in the run: one per refractory period's
// samples (the shortest --t-ref of the grid).
std::int64_t most_spikes_per_neuron(const SweepConfig& config);

// The sinusoid of a drive table: sin(2 pi f t_k + phase).
struct DriveTable {
  double frequency_hz;
  double phase_rad;  // zero for euler, arg c for exact
};

// The resolved, backend-neutral description of a run.
struct SweepPlan {
  SweepConfig config;
  std::int64_t samples = 0;               // K
  std::int64_t steps = 0;                 // K - 1
  std::vector<PointCoefficients> points;  // one per grid point, grid order
  // Some spread is not 0: each neuron has coefficients of its own (neuron_coefficients).
  bool heterogeneous = false;
  // The drive tables that points refer to (PointCoefficients::drive_table):
  // for euler one per frequency; for exact one per (frequency, tau_m), since
  // the sinusoid integrated over a step is shifted by arg c(tau_m) (exact_step.hpp).
  std::vector<DriveTable> drive_tables;
  std::int64_t chunk_steps = 0;
  std::int64_t batch_points = 0;
  ReadoutLayout readout_layout;  // all zero without readouts

  std::uint64_t neuron_steps() const {
    return static_cast<std::uint64_t>(points.size()) * config.neurons * static_cast<std::uint64_t>(steps);
  }
};

// Whether make_plan fills plan.points; a plan without them (for a grid too
// large to hold them) gets each point's from point_coefficients when needed.
enum class PlanPoints { all, none };

// Validates `config` and derives the plan (coefficients in double, rounded to float).
SweepPlan make_plan(const SweepConfig& config, PlanPoints points = PlanPoints::all);

// The coefficients of grid point `index`: plan.points[index] of a plan with them.
PointCoefficients point_coefficients(const SweepPlan& plan, std::size_t index);

// The coefficients of neuron `neuron` at grid point `index`: the point's, with the neuron's own
// bias, threshold and tau_m (spread.hpp) when the point has spreads.
PointCoefficients neuron_coefficients(const SweepPlan& plan, std::size_t index, std::uint64_t neuron);
// Every neuron's of the grid points [first_point, first_point + points), point by point.
std::vector<PointCoefficients> batch_neuron_coefficients(const SweepPlan& plan, std::size_t first_point,
                                                         std::size_t points);

// The neuron `neuron` becomes at a point with these spreads: its own bias (returned) and
// parameters (in `neuron_params`), the same for every backend and every use (theory's tests too).
double spread_neuron(const SweepConfig& config, const GridPoint& point, std::uint64_t neuron,
                     NeuronParams& neuron_params);

// The PSTH bin of a spike emitted by step k (at t_{k+1}); exact integer
// arithmetic when the bin width is a whole number of steps.
std::int64_t psth_bin_of_step(const SweepPlan& plan, std::int64_t step);

// The stream id of neuron `neuron` at a point: high 32 bits tag, low 32 bits index.
SRLIF_HD std::uint64_t stream_id(std::uint32_t stream_tag, std::uint64_t neuron) {
  return (static_cast<std::uint64_t>(stream_tag) << 32) | neuron;
}

}  // namespace srlif
