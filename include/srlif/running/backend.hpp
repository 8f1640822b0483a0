// The backend interface: a backend turns a plan into one PointTally per grid
// point. A backend supplies a BatchEngine (load a batch, advance a chunk, take
// or restore a snapshot, read the tallies); the loop over batches and chunks,
// the progress and the snapshot hooks are Backend::run's, one copy for all.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "srlif/measures/readouts.hpp"
#include "srlif/physics/accumulators.hpp"
#include "srlif/physics/neuron_vars.hpp"
#include "srlif/planning/drive_tables.hpp"
#include "srlif/planning/sweep_plan.hpp"

namespace srlif {

// What a backend returns: one exact tally per grid point, and the population
// readouts when the plan asks for them.
struct BackendResult {
  std::vector<PointTally> tallies;
  PopulationReadouts readouts;
};

// Called from the driving thread after each chunk with the neuron-steps done so far.
using ProgressCallback = std::function<void(std::uint64_t neuron_steps_done)>;

// Host memory, a storage kind of NeuronArrays (neuron_vars.hpp).
template <typename T>
using HostArray = std::vector<T>;

// The state of every neuron of a plan's grid points at a chunk boundary (the
// plan's order, neuron fastest), one array per variable of SRLIF_NEURON_VARS:
// all a run needs to go on from step `next_step` to the same bits as a run that
// never stopped, since a step's noise depends only on (seed, stream, step).
struct PopulationSnapshot : NeuronArrays<HostArray> {
  std::int64_t next_step = 0;  // the first step not yet simulated; a multiple of 4
};

// Optional hooks of a run for checkpoints inside a long run. Only for plans
// without readouts whose points form one batch (std::logic_error otherwise).
struct ChunkHooks {
  const PopulationSnapshot* start = nullptr;  // go on from this state instead of step 0
  // Asked after each chunk but the last with the next step; true: take a snapshot.
  std::function<bool(std::int64_t next_step)> snapshot_due;
  std::function<void(const PopulationSnapshot&)> on_snapshot;
};

// A result for the plan's points before any step: zero tallies and, with
// readouts, zero counts and each point's max_v at its V_init.
BackendResult make_backend_result(const SweepPlan& plan);

// Throws std::logic_error unless the hooks suit the plan: none, or a plan
// without readouts in one batch, and a start state of its neurons at a step
// that is a multiple of 4 inside the run.
void check_chunk_hooks(const SweepPlan& plan, const ChunkHooks& hooks);

// What a backend does; the one batch/chunk/snapshot loop (Backend::run,
// backend.cpp) drives it. The plan's points go through in batches of at most
// plan.batch_points consecutive points, each batch through the run's steps in
// chunks of at most plan.chunk_steps steps, one of them ending where a warm-up does.
class BatchEngine {
 public:
  virtual ~BatchEngine() = default;
  // Makes points [first_point, first_point + point_count) of the plan the
  // batch in flight, every neuron at its point's V_init before step 0.
  // `result` (make_backend_result) receives the batch's tallies and readouts
  // at their plan indices, during the chunks or in read_tallies; it outlives
  // the batch.
  virtual void load_batch(std::size_t first_point, std::size_t point_count, BackendResult& result) = 0;
  // The batch's neurons take the state of a snapshot of as many neurons.
  virtual void restore_snapshot(const PopulationSnapshot& snapshot) = 0;
  // Simulates steps [tables.first_step, tables.first_step + tables.length) of the batch, and
  // records its readouts when tables.readouts.
  virtual void advance_chunk(const ChunkTables& tables) = 0;
  // The warm-up's end (SweepPlan::warmup_steps): the batch's neurons keep their state, and
  // everything measured starts again from nothing: their tallies are 0 and each point's max V
  // is that of the samples from here on (the first included).
  virtual void start_measuring() = 0;
  // The batch's neurons after the last chunk; next_step is the chunk's end.
  virtual PopulationSnapshot take_snapshot(std::int64_t next_step) = 0;
  // Writes the batch's tallies (and readouts) into the load_batch result.
  virtual void read_tallies() = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;    // "cpu" or "cuda"
  virtual std::string device() const = 0;  // human-readable device description
  // An engine for the plan's batches, with the memory of one batch.
  virtual std::unique_ptr<BatchEngine> make_engine(const SweepPlan& plan) = 0;
  // Simulates every grid point of the plan; tallies[i] belongs to plan.points[i].
  // `progress` counts the neuron-steps simulated by this call.
  BackendResult run(const SweepPlan& plan, const ProgressCallback& progress, const ChunkHooks& hooks);
  BackendResult run(const SweepPlan& plan, const ProgressCallback& progress) {
    return run(plan, progress, ChunkHooks{});
  }
};

}  // namespace srlif
