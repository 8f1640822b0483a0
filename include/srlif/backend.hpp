// The backend interface: a backend turns a plan into one PointTally per grid point.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "srlif/accumulators.hpp"
#include "srlif/readouts.hpp"
#include "srlif/sweep_config.hpp"

namespace srlif {

// What a backend returns: one exact tally per grid point, and the population
// readouts when the plan asks for them.
struct BackendResult {
  std::vector<PointTally> tallies;
  PopulationReadouts readouts;
};

// Called from the driving thread after each chunk with the neuron-steps done so far.
using ProgressCallback = std::function<void(std::uint64_t neuron_steps_done)>;

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;    // "cpu" or "cuda"
  virtual std::string device() const = 0;  // human-readable device description
  // Simulates every grid point of the plan; tallies[i] belongs to plan.points[i].
  virtual BackendResult run(const SweepPlan& plan, const ProgressCallback& progress) = 0;
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
