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
  std::string objective = "vs-valid";
  bool spectrum = false;
  double psth_bin_ms = 10.0;
};

SweepConfig sweep_config(const SweepOptions& options) {
  SweepConfig config = to_sweep_config(options.model);
  config.objective = parse_objective(options.objective);
  if (options.spectrum || config.objective == Objective::snr) {
    // Spectra come from the PSTH; one phase bin and no raster keep the cost low.
    config.readouts.enabled = true;
    config.readouts.phase_bins = 1;
    config.readouts.psth_bin_ms = options.psth_bin_ms;
    config.readouts.raster_neurons = 0;
  }
  return config;
}

int run(const SweepOptions& options, const std::string& command_line) {
  const SweepPlan plan = make_plan(sweep_config(options));
  const SweepResult result = run_and_write(plan, options.output, command_line, [&](const SweepResult& r) {
    return FileList{
        {"points.csv", points_csv(plan.config.grid, plan.config.neurons, r.metrics)},
        {"optimum.csv", optimum_csv(plan.config.grid, r.metrics, r.optima, plan.config.objective)}};
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
  const char* measures = "Measures";
  command
      ->add_option("--objective", options->objective,
                   "What sigma_opt maximises: vs-valid (the study's rule: mean R of valid neurons where the "
                   "valid fraction >= 0.5), snr (needs spectra), rayleigh-rate (rate x R^2)")
      ->capture_default_str()
      ->group(measures);
  command
      ->add_flag("--spectrum", options->spectrum,
                 "Record the pooled activity's spectrum: spectral_amplitude_hz and snr_db (implied by "
                 "--objective snr)")
      ->group(measures);
  command->add_option("--psth", options->psth_bin_ms, "Bin width of the pooled activity for --spectrum, ms")
      ->capture_default_str()
      ->group(measures);
  add_output_options(*command, options->output);
  return [options, command, command_line] {
    apply_config_file(*command, options->output.config);
    return run(*options, command_line);
  };
}

}  // namespace srlif::cli
