// `srlif population`: one or more sigma for a population, with the readouts:
// phase histogram, PSTH, spectral amplitude and SNR at f, raster, and the
// subthreshold margin V_th - max V.
#include "cli/population_command.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/stop_signals.hpp"
#include "cli/summary_table.hpp"
#include "srlif/errors.hpp"
#include "srlif/io/population_output.hpp"

namespace srlif::cli {
namespace {

constexpr std::int64_t kDefaultRaster = 50;

int run(const PopulationOptions& options, const CLI::App& command, const std::string& command_line) {
  PopulationJob job = to_population_job(options, command);
  job.command_line = command_line;
  ProgressDisplay display(options.output.progress, options.output.quiet);
  RunControl control = display.control();
  const StopSignals signals;  // a stop signal ends the run at a chunk boundary: the folder is left as it was
  control.stop_requested = [] { return StopSignals::received(); };
  const PopulationReport report = run_population_job(job, control);
  display.finish();
  if (options.output.quiet) return 0;
  const SweepPlan& plan = report.plan;
  const SweepResult& result = report.result;
  const Grid& grid = plan.config.grid;
  std::printf("%s  %9s %9s %8s %11s %8s %10s\n", axis_header_cells(grid, 6).c_str(), "rate_Hz", "pooled_R",
              "mean_R", "amp_f_Hz", "SNR_dB", "margin_mV");
  for (std::size_t index = 0; index < result.metrics.size(); ++index) {
    const PointMetrics& m = result.metrics[index];
    const PopulationMeasures measures = population_measures(plan, result, index);
    std::printf("%s  %9.4f %9.4f %8.4f %11.4f %8.2f %10.4f\n", axis_cells(grid, grid.point(index), 6).c_str(),
                m.mean_rate_hz, m.pooled_vector_strength, m.mean_vector_strength,
                measures.spectrum.amplitude_hz, measures.spectrum.snr_db, measures.subthreshold_margin_mv);
  }
  std::printf("wrote %s/{population.csv,phase_histogram.csv,psth.csv%s,run.json}  (%s, %.3g s)\n",
              options.output.out.c_str(), plan.readout_layout.raster_neurons > 0 ? ",raster.csv" : "",
              result.device.c_str(), result.wall_seconds);
  return 0;
}

}  // namespace

PopulationJob to_population_job(const PopulationOptions& options, const CLI::App& command) {
  PopulationJob job;
  SweepConfig& config = job.config;
  config = to_sweep_config(options.model, kHeldBytesPerPoint);  // a population holds its results
  if (options.phase_bins < 1 || options.phase_bins > 3600) {
    throw InputError("--phase-bins", "must be between 1 and 3600");
  }
  if (command.count("--raster") > 0 && options.raster < 0)
    throw InputError("--raster", "must be >= 0 neurons");
  config.readouts.enabled = true;
  config.readouts.phase_bins = static_cast<std::uint32_t>(options.phase_bins);
  config.readouts.psth_bin_ms = options.psth_bin_ms;
  const std::int64_t raster =
      options.raster >= 0 ? options.raster
                          : std::min<std::int64_t>(kDefaultRaster, static_cast<std::int64_t>(config.neurons));
  if (raster > static_cast<std::int64_t>(config.neurons)) {
    throw InputError("--raster",
                     "cannot show more neurons than --neurons (" + std::to_string(config.neurons) + ")");
  }
  config.readouts.raster_neurons = static_cast<std::uint32_t>(raster);
  job.out = options.output.out;
  return job;
}

void add_population_options(CLI::App& command, PopulationOptions& options) {
  add_model_options(command, options.model);
  const char* readouts = "Readouts";
  command.add_option("--phase-bins", options.phase_bins, "Bins of the phase (period) histogram")
      ->capture_default_str()
      ->group(readouts);
  command.add_option("--psth", options.psth_bin_ms, "PSTH bin width, ms")
      ->capture_default_str()
      ->group(readouts);
  command
      .add_option("--raster", options.raster, "Raster of the first M neurons (default min(50, --neurons))")
      ->group(readouts);
  add_output_options(command, options.output);
}

CommandRunner add_population_command(CLI::App& app, const std::string& command_line) {
  auto options = std::make_shared<PopulationOptions>();
  CLI::App* command = app.add_subcommand(
      "population",
      "Simulate a population at one or more sigma and write its readouts: phase histogram, "
      "PSTH, spectral amplitude and SNR at f, raster, subthreshold margin");
  add_population_options(*command, *options);
  return [options, command, command_line] {
    apply_config_file(*command, options->output.config);
    return run(*options, *command, command_line);
  };
}

}  // namespace srlif::cli
