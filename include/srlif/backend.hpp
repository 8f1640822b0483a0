// The backend interface: a backend turns a plan into one PointTally per grid point.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "srlif/accumulators.hpp"
#include "srlif/readouts.hpp"
#include "srlif/sweep_plan.hpp"

namespace srlif {

// What a backend returns: one exact tally per grid point, and the population
// readouts when the plan asks for them.
struct BackendResult {
  std::vector<PointTally> tallies;
  PopulationReadouts readouts;
};

// Called from the driving thread after each chunk with the neuron-steps done so far.
using ProgressCallback = std::function<void(std::uint64_t neuron_steps_done)>;

// The state of every neuron of a plan's grid points at a chunk boundary (the
// plan's order, neuron fastest): all a run needs to go on from step
// `next_step` to the same bits as a run that never stopped, since a step's
// noise depends only on (seed, stream, step).
struct PopulationSnapshot {
  std::int64_t next_step = 0;  // the first step not yet simulated; a multiple of 4
  std::vector<float> v;        // mV
  std::vector<std::int32_t> refractory;
  std::vector<std::uint32_t> spikes;
  std::vector<std::int64_t> cos_sum;  // scale 2^24, as NeuronTally
  std::vector<std::int64_t> sin_sum;
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

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;    // "cpu" or "cuda"
  virtual std::string device() const = 0;  // human-readable device description
  // Simulates every grid point of the plan; tallies[i] belongs to plan.points[i].
  // `progress` counts the neuron-steps simulated by this call.
  virtual BackendResult run(const SweepPlan& plan, const ProgressCallback& progress,
                            const ChunkHooks& hooks) = 0;
  BackendResult run(const SweepPlan& plan, const ProgressCallback& progress) {
    return run(plan, progress, ChunkHooks{});
  }
};

// `threads` = 0 uses all cores.
std::unique_ptr<Backend> make_cpu_backend(int threads);

// Throws UnavailableError with the reason when no usable CUDA device exists
// (or the build has no CUDA backend). The first usable device, or the one at
// `device` in the list of usable devices.
std::unique_ptr<Backend> make_cuda_backend();
std::unique_ptr<Backend> make_cuda_backend(std::size_t device);

struct CudaDeviceInfo {
  int index;
  std::string name;
  int compute_major;
  int compute_minor;
  std::size_t memory_bytes;
  int multiprocessors;
};

bool cuda_backend_built();
// Usable devices, or an empty list with `why_not` filled in.
std::vector<CudaDeviceInfo> cuda_devices(std::string& why_not);

// auto | cpu | cuda -> a backend; auto picks CUDA when a device is usable.
std::unique_ptr<Backend> make_backend(const std::string& name, int threads);

// The backends that share a sweep's grid points: for CUDA one per usable
// device (at most `devices`, 0 = all), for the CPU one.
std::vector<std::unique_ptr<Backend>> make_backends(const std::string& name, int threads, int devices);

}  // namespace srlif
