// `srlif sweep`: simulate a grid and write points.csv, optimum.csv and run.json.
#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/model_options.hpp"
#include "cli/run_support.hpp"
#include "cli/summary_table.hpp"
#include "srlif/output.hpp"

namespace srlif::cli {
namespace {

struct SweepOptions {
  ModelOptions model;
  OutputOptions output;
};

int run(const SweepOptions& options, const std::string& command_line) {
  const SweepPlan plan = make_plan(to_sweep_config(options.model));
  const SweepResult result = run_and_write(plan, options.output, command_line, [&](const SweepResult& r) {
    return FileList{{"points.csv", points_csv(plan.config.grid, plan.config.neurons, r.metrics)},
                    {"optimum.csv", optimum_csv(plan.config.grid, r.metrics, r.optima)}};
  });
  if (!options.output.quiet) {
    std::fputs(summary_table(plan.config, result).c_str(), stdout);
    std::printf(
        "wrote %s/{points.csv,optimum.csv,run.json}  (%s, %.3g s, %.3g neuron-steps/s)\n",
        options.output.out.c_str(), result.device.c_str(), result.wall_seconds,
        result.wall_seconds > 0 ? static_cast<double>(result.neuron_steps) / result.wall_seconds : 0.0);
  }
  return 0;
}

}  // namespace

CommandRunner add_sweep_command(CLI::App& app, const std::string& command_line) {
  auto options = std::make_shared<SweepOptions>();
  CLI::App* command = app.add_subcommand(
      "sweep", "Simulate a grid of (sigma x amplitude x bias x frequency) and write the measures");
  add_model_options(*command, options->model);
  add_output_options(*command, options->output);
  return [options, command, command_line] {
    apply_config_file(*command, options->output.config);
    return run(*options, command_line);
  };
}

}  // namespace srlif::cli
