#include "srlif/sweep_runner.hpp"

#include <chrono>

#include "srlif/output.hpp"
#include "srlif/version.hpp"

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

std::vector<std::pair<std::string, std::string>> sweep_output_files(const SweepConfig& config,
                                                                    const SweepResult& result,
                                                                    const std::string& command_line) {
  RunRecord record;
  record.version = kVersion;
  record.command_line = command_line;
  record.backend = result.backend;
  record.device = result.device;
  record.wall_seconds = result.wall_seconds;
  record.neuron_steps = result.neuron_steps;
  return {{"points.csv", points_csv(config.grid, config.neurons, result.metrics)},
          {"optimum.csv", optimum_csv(config.grid, result.metrics, result.optima)},
          {"run.json", run_json(config, record)}};
}

}  // namespace srlif
