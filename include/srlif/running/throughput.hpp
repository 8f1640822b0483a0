// Throughput of the reference workload (DESIGN.md section 1 neuron, A = 20 pA,
// I_bias = 178 pA, f = 10 Hz) in neuron-steps per second, for `srlif bench`
// and bench/srlif_bench. One grid point is sigma = 30 (the reference
// workload); P > 1 points are the SR curve sigma = linspace(0, 60, P), where
// both backends share each neuron's noise across the points (common random
// numbers), unless `decorrelate` gives every point its own.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "srlif/planning/scheme.hpp"
#include "srlif/planning/sweep_plan.hpp"
#include "srlif/running/backend.hpp"

namespace srlif {

inline constexpr std::uint64_t kCurvePoints = 25;  // the GPU's SR-curve line of `srlif bench`

struct ThroughputWorkload {
  std::uint64_t neurons = 10000;  // per grid point
  std::int64_t steps = 100000;    // K - 1
  std::uint64_t points = 1;       // grid points (sigma values)
  bool decorrelate = false;       // every point its own noise (--decorrelate): nothing to share
  Scheme scheme = Scheme::euler;
  std::int64_t repeat = 1;       // the best of `repeat` runs counts (1..1000)
  std::string backends = "all";  // all, or one backend's name (backend_kinds): which to measure
};

struct Throughput {
  std::string label;  // e.g. "cpu, 2 threads"
  std::string device;
  double seconds = 0.0;  // best wall time of the runs
  double neuron_steps_per_second = 0.0;
  double mean_rate_hz = 0.0;  // of the first grid point: a check that backends agree
};

// Validates the workload (InputError naming the flag) and builds its plan.
SweepPlan throughput_plan(const ThroughputWorkload& workload);

Throughput measure_throughput(const std::string& label, Backend& backend, const SweepPlan& plan,
                              std::int64_t repeat);

// "label   1.23e+09 neuron-steps/s  (...)": one line per backend.
std::string throughput_line(const Throughput& throughput);

// The CPU with one thread and with every core, then the GPU when one is
// usable (workload.backends picks a subset: a GPU-sized workload would take
// minutes on one CPU thread); for one grid point the GPU also runs the SR curve
// of kCurvePoints sigma values with the same neurons and 1/kCurvePoints of the
// steps (as many neuron-steps; its shared-noise kernels). `on_line` sees each line as soon as it is measured.
std::vector<Throughput> measure_all_backends(const ThroughputWorkload& workload,
                                             const std::function<void(const std::string&)>& on_line);

}  // namespace srlif
