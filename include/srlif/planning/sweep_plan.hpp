// The plan of a run: the configuration resolved into what the backends run
// (each point's coefficients in float, each neuron's for a heterogeneous
// population, the drive tables, the chunk and batch sizes), computed once on
// the host in double (src/planning/sweep_plan.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "srlif/measures/readouts.hpp"
#include "srlif/physics/euler_step.hpp"
#include "srlif/physics/host_device.hpp"
#include "srlif/planning/grid.hpp"
#include "srlif/planning/neuron_params.hpp"
#include "srlif/planning/sweep_config.hpp"

namespace srlif {

// The sinusoid of a drive table: sin(2 pi f t_k + phase).
struct DriveTable {
  double frequency_hz;
  double phase_rad;  // zero for euler, arg c for exact
};

// The resolved, backend-neutral description of a run.
struct SweepPlan {
  SweepConfig config;
  std::int64_t samples = 0;  // K, the measured samples
  // The warm-up's steps W (TimeGrid::warmup_steps; 0 without one): simulated from V_init, their
  // tallies and readouts cleared at their end (BatchEngine::start_measuring).
  std::int64_t warmup_steps = 0;
  std::int64_t steps = 0;                 // W + K - 1: the steps simulated, the last K - 1 measured
  std::vector<PointCoefficients> points;  // one per grid point, grid order
  // The grid index of each of `points` when the plan is a part of its grid (a
  // segment of run_points), else empty: points[i] is grid point i.
  std::vector<std::uint64_t> grid_points;
  // Some spread is not 0: each neuron has coefficients of its own (neuron_coefficients).
  bool heterogeneous = false;
  // Some point's noise is coloured (noise_tau > 0, coloured_noise.hpp): the backends carry each
  // neuron's noise current and step it (PointCoefficients::coloured).
  bool coloured_noise = false;
  // Scheme exact with a tau_m spread: the chunk tables also hold the drive's cos
  // (ChunkTables::drive_cos), weighted by each neuron's drive_quadrature.
  bool drive_quadrature = false;
  // The drive tables that points refer to (PointCoefficients::drive_table):
  // for euler one per frequency; for exact one per (frequency, tau_m), since
  // the sinusoid integrated over a step is shifted by arg c(tau_m) (exact_step.hpp).
  std::vector<DriveTable> drive_tables;
  std::int64_t chunk_steps = 0;
  std::int64_t batch_points = 0;
  ReadoutLayout readout_layout;  // all zero without readouts

  std::size_t grid_index(std::size_t plan_index) const {
    return grid_points.empty() ? plan_index : static_cast<std::size_t>(grid_points[plan_index]);
  }
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
// Every neuron's of the plan's points [first_point, first_point + points) (grid points
// plan.grid_index(first_point), ...), point by point; without spreads, each its point's.
std::vector<PointCoefficients> batch_neuron_coefficients(const SweepPlan& plan, std::size_t first_point,
                                                         std::size_t points);

// The neuron `neuron` becomes at a point with these spreads: its own bias (returned) and
// parameters (in `neuron_params`), the same for every backend and every use (theory's tests too).
double spread_neuron(const SweepConfig& config, const GridPoint& point, std::uint64_t neuron,
                     NeuronParams& neuron_params);

// The PSTH bin of a spike emitted by step k (at t_{k+1}), counted from the measured window's start
// t_W (a warm-up step's: 0); exact integer arithmetic when the bin width is a whole number of steps.
std::int64_t psth_bin_of_step(const SweepPlan& plan, std::int64_t step);

// The stream id of neuron `neuron` at a point: high 32 bits tag, low 32 bits index.
SRLIF_HD std::uint64_t stream_id(std::uint32_t stream_tag, std::uint64_t neuron) {
  return (static_cast<std::uint64_t>(stream_tag) << 32) | neuron;
}

}  // namespace srlif
