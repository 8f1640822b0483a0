// Runs a sweep end to end: plan, backend, metrics, sigma_opt, output files.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "srlif/measures/metrics.hpp"
#include "srlif/measures/spectrum.hpp"
#include "srlif/planning/shard.hpp"
#include "srlif/planning/sweep_plan.hpp"
#include "srlif/running/backend.hpp"

namespace srlif {

struct SweepResult {
  std::vector<PointTally> tallies;
  std::vector<PointMetrics> metrics;
  std::vector<SliceOptimum> optima;
  PopulationReadouts readouts;  // filled when plan.config.readouts.enabled
  std::string backend;
  std::string device;
  double wall_seconds = 0.0;
  std::uint64_t neuron_steps = 0;
};

// Simulates the plan on `backend` and derives the measures.
SweepResult run_sweep(const SweepPlan& plan, Backend& backend, const ProgressCallback& progress);

// The spectra of a plan's points from its readouts (plans with readouts).
std::vector<SpectralReadout> point_spectra(const SweepPlan& plan, const PopulationReadouts& readouts);

// Called after each finished segment with its grid indices, tallies and, for
// plans with readouts, spectra (else empty).
using SegmentCallback =
    std::function<void(const std::vector<std::uint64_t>& points, const std::vector<PointTally>& tallies,
                       const std::vector<SpectralReadout>& spectra)>;

// A segment that an earlier, killed run had begun: its grid points (ascending)
// and their state at a chunk boundary.
struct StartedSegment {
  std::vector<std::uint64_t> points;
  const PopulationSnapshot* state;
};

struct SegmentHooks {
  SegmentCallback on_segment;  // after each finished segment
  // Asked at each chunk boundary inside a segment with the seconds since the
  // segment started or last gave a snapshot; true: on_snapshot gets its state.
  std::function<bool(double seconds)> snapshot_due;
  std::function<void(const std::vector<std::uint64_t>& points, const PopulationSnapshot& state)> on_snapshot;
  std::vector<StartedSegment> started;  // simulated first, each from its state; their points are in `points`
};

// Simulates the grid points `points` (ascending) in segments of at most
// plan.batch_points, so that each segment can be recorded (a checkpoint)
// before the next starts. Several backends (one per GPU) share the segments,
// one host thread each; a segment is simulated whole by one backend, so the
// result does not depend on which. The hooks and `progress` (with the
// neuron-steps simulated by all) are called under a lock. An exception in any
// worker stops the others at their next chunk and is rethrown. Returns the
// tallies in the order of `points`. Plans with readouts pass their points'
// spectra on; they take no snapshots nor begun segments (std::logic_error).
std::vector<PointTally> run_points(const SweepPlan& plan, const std::vector<Backend*>& backends,
                                   const std::vector<std::uint64_t>& points, const ProgressCallback& progress,
                                   const SegmentHooks& hooks);

// The same for the points of `ranges` (ascending, disjoint), whose results go
// only to hooks.on_segment: the list of points is never spelt out, and the
// plan may be one without points (PlanPoints::none), so memory holds only the
// segments in flight.
void run_point_ranges(const SweepPlan& plan, const std::vector<Backend*>& backends,
                      const std::vector<PointRange>& ranges, const ProgressCallback& progress,
                      const SegmentHooks& hooks);

}  // namespace srlif
