// Runs a sweep end to end: plan, backend, metrics, sigma_opt, output files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "srlif/backend.hpp"
#include "srlif/metrics.hpp"
#include "srlif/sweep_config.hpp"

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

}  // namespace srlif
