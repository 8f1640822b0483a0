#include "srlif/sweep_runner.hpp"

#include <chrono>

namespace srlif {

SweepResult run_sweep(const SweepPlan& plan, Backend& backend, const ProgressCallback& progress) {
  SweepResult result;
  result.backend = backend.name();
  result.device = backend.device();
  const auto start = std::chrono::steady_clock::now();
  BackendResult output = backend.run(plan, progress);
  result.tallies = std::move(output.tallies);
  result.readouts = std::move(output.readouts);
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.neuron_steps = plan.neuron_steps();
  result.metrics.reserve(result.tallies.size());
  for (const PointTally& tally : result.tallies) {
    result.metrics.push_back(compute_metrics(tally, plan.config.time.duration));
  }
  result.optima = find_optima(plan.config.grid, result.metrics);
  return result;
}

}  // namespace srlif
