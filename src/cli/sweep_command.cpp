// `srlif sweep`: simulate a grid and write points.csv, optimum.csv,
// tallies.csv and run.json, keeping a checkpoint while it runs (--resume), or
// one shard of the grid (--shard I/N) for `srlif merge`.
#include "cli/sweep_command.hpp"

#include <cstdio>
#include <memory>
#include <utility>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/stop_signals.hpp"
#include "cli/summary_table.hpp"
#include "srlif/errors.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/io/run_json.hpp"
#include "srlif/running/sweep_job.hpp"

namespace srlif::cli {

SweepJob to_sweep_job(const SweepOptions& options, const CLI::App& command) {
  SweepJob job;
  if (command.count("--shard") > 0 || !options.shard.empty())
    job.shard = parse_shard(options.shard, "--shard");
  // A grid whose results or files cannot fit is refused from the axes' counts, before any axis is built.
  const double points = grid_count(options.model.axes);
  check_grid_fits_memory(points, kStreamedBytesPerPoint);
  if (!options.output.out.empty()) check_sweep_fits_disk(points, job.shard, 0.0, options.output.out);
  job.config = to_sweep_config(options.model);
  job.config.objective = parse_objective(options.objective);
  if (options.spectrum || job.config.objective == Objective::snr) {
    job.config.readouts = sweep_spectrum_readouts(options.psth_bin_ms);
  }
  // A --psth given is checked even when no spectrum is recorded (make_plan checks it when one is).
  if (command.count("--psth") > 0 &&
      !(options.psth_bin_ms >= job.config.time.dt && options.psth_bin_ms <= job.config.time.duration)) {
    throw InputError("--psth", "bin width must be between --dt and --duration ms (got " +
                                   format_number(options.psth_bin_ms) + ")");
  }
  job.out = options.output.out;
  job.resume = options.resume;
  job.checkpoint_seconds = options.checkpoint_seconds;
  return job;
}

void add_sweep_options(CLI::App& command, SweepOptions& options) {
  add_model_options(command, options.model);
  add_devices_option(command, options.model);
  const char* measures = "Measures";
  command
      .add_option("--objective", options.objective,
                  "What sigma_opt maximises: vs-valid (the study's rule: mean R of valid neurons where the "
                  "valid fraction >= 0.5), snr (needs spectra), rayleigh-rate (rate x R^2)")
      ->capture_default_str()
      ->group(measures);
  command
      .add_flag("--spectrum", options.spectrum,
                "Record the pooled activity's spectrum: spectral_amplitude_hz and snr_db (implied by "
                "--objective snr)")
      ->group(measures);
  command.add_option("--psth", options.psth_bin_ms, "Bin width of the pooled activity for --spectrum, ms")
      ->capture_default_str()
      ->group(measures);
  const char* runs = "Long runs";
  command
      .add_option("--shard", options.shard,
                  "Compute only the I-th of N parts of the grid points (I/N, e.g. 3/8); join the parts with "
                  "srlif merge")
      ->group(runs);
  command
      .add_flag(
          "--resume", options.resume,
          "Continue the run whose checkpoint is in --out (same options), computing only the grid points "
          "it had not finished")
      ->group(runs);
  command
      .add_option("--checkpoint-seconds", options.checkpoint_seconds,
                  "Write finished grid points, and the neuron state of a batch running longer, to the "
                  "checkpoint at most this often (each write is an fsync; a stop signal writes at once); "
                  "0 = after every batch and time chunk")
      ->capture_default_str()
      ->group(runs);
  add_output_options(command, options.output);
}

namespace {

int run(const SweepOptions& options, const CLI::App& command, const std::string& command_line) {
  SweepJob job = to_sweep_job(options, command);
  job.command_line = command_line;
  const StopSignals signals;
  ProgressDisplay display(options.output.progress, options.output.quiet);
  RunControl control = display.control();
  control.stop_requested = [] { return StopSignals::received(); };
  const SweepJobReport report = run_sweep_job(job, control);
  display.finish();
  if (report.resume_found_nothing) {
    std::fprintf(stderr,
                 "srlif: --resume: %s held no checkpoint and no finished run; this run started afresh\n",
                 options.output.out.c_str());
  }

  if (options.output.quiet) return 0;
  const RunRecord& record = report.record;
  const bool whole = job.shard.count == 1;
  if (whole) std::fputs(summary_table(job.config, report.summary).c_str(), stdout);
  std::printf("wrote %s/{%s,tallies.csv,run.json}  (%s%s, %.3g s, %.3g neuron-steps/s)\n",
              options.output.out.c_str(), whole ? "points.csv,optimum.csv" : "points.csv",
              whole ? "" : ("shard " + shard_text(job.shard) + ", ").c_str(), record.device.c_str(),
              record.wall_seconds,
              record.wall_seconds > 0 ? static_cast<double>(record.neuron_steps) / record.wall_seconds : 0.0);
  if (record.points_resumed > 0) {
    std::printf("%llu grid points came from the checkpoint\n",
                static_cast<unsigned long long>(record.points_resumed));
  }
  for (const ContinuedSegment& segment : report.continued) {
    std::printf("grid points %llu..%llu went on from step %lld of %lld\n",
                static_cast<unsigned long long>(segment.first_point),
                static_cast<unsigned long long>(segment.last_point),
                static_cast<long long>(segment.from_step), static_cast<long long>(report.steps));
  }
  return 0;
}

}  // namespace

CommandRunner add_sweep_command(CLI::App& app, const std::string& command_line) {
  auto options = std::make_shared<SweepOptions>();
  CLI::App* command = app.add_subcommand(
      "sweep", "Simulate a grid of sigma x amplitude x bias x frequency (x any neuron parameter or spread)");
  add_sweep_options(*command, *options);
  return [options, command, command_line] {
    apply_config_file(*command, options->output.config);
    return run(*options, *command, command_line);
  };
}

}  // namespace srlif::cli
