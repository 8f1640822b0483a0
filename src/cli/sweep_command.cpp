// `srlif sweep`: simulate a grid and write points.csv, optimum.csv,
// tallies.csv and run.json, keeping a checkpoint while it runs (--resume), or
// one shard of the grid (--shard I/N) for `srlif merge`.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <utility>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/model_options.hpp"
#include "cli/run_support.hpp"
#include "cli/stop_signals.hpp"
#include "cli/summary_table.hpp"
#include "srlif/checkpoint.hpp"
#include "srlif/config_text.hpp"
#include "srlif/errors.hpp"
#include "srlif/output.hpp"
#include "srlif/progress.hpp"
#include "srlif/shard.hpp"
#include "srlif/state_file.hpp"
#include "srlif/sweep_writer.hpp"
#include "srlif/version.hpp"

namespace srlif::cli {
namespace {

// At a chunk boundary that can take a state, a worker thread first asks whether
// one is due, then reports progress. The report stops the run only if the stop
// signal had arrived at the question: one that lands between the two (a progress
// draw is what a user, or a test, reacts to) waits for the next boundary, which
// writes the state first, instead of stopping the run without it.
thread_local bool state_asked_at_boundary = false;
thread_local bool stop_seen_at_boundary = false;

struct SweepOptions {
  ModelOptions model;
  OutputOptions output;
  std::string objective = "vs-valid";
  bool spectrum = false;
  double psth_bin_ms = 10.0;
  bool psth_given = false;  // --psth on the command line or in --config
  std::string shard;
  bool resume = false;
  double checkpoint_seconds = 10.0;
};

SweepConfig sweep_config(const SweepOptions& options) {
  SweepConfig config = to_sweep_config(options.model);
  config.objective = parse_objective(options.objective);
  if (options.spectrum || config.objective == Objective::snr) {
    config.readouts = sweep_spectrum_readouts(options.psth_bin_ms);
  }
  return config;
}

const char* signal_name(int signal) {
  return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal";
}

int run(const SweepOptions& options, const std::string& command_line) {
  // Each segment computes its points' coefficients: memory holds only the points in flight.
  const SweepPlan plan = make_plan(sweep_config(options), PlanPoints::none);
  // A --psth given is checked even when no spectrum is recorded (make_plan checks it when one is).
  if (options.psth_given &&
      !(options.psth_bin_ms >= plan.config.time.dt && options.psth_bin_ms <= plan.config.time.duration)) {
    throw InputError("--psth", "bin width must be between --dt and --duration ms (got " +
                                   format_number(options.psth_bin_ms) + ")");
  }
  const ShardSpec shard = options.shard.empty() ? ShardSpec{} : parse_shard(options.shard, "--shard");
  if (options.output.out.empty())
    throw InputError("--out", "is required (on the command line or in --config)");
  const std::vector<std::unique_ptr<Backend>> backends = make_backends(
      plan.config.execution.backend, plan.config.execution.threads, plan.config.execution.devices);
  std::vector<Backend*> workers;
  for (const auto& backend : backends) workers.push_back(backend.get());
  const std::filesystem::path out(options.output.out);
  OutputDirectoryGuard guard(out);
  prepare_output_directory(out);
  const PointRange range = shard_points(shard, plan.config.grid.size());
  const double points_in_flight =
      std::min(static_cast<double>(range.end - range.first),
               static_cast<double>(plan.batch_points) * static_cast<double>(workers.size()));
  check_output_fits_disk(sweep_output_bytes(static_cast<double>(range.end - range.first),
                                            points_in_flight * static_cast<double>(plan.config.neurons)),
                         free_disk_bytes(out), out);
  if (!(options.checkpoint_seconds >= 0.0 && options.checkpoint_seconds <= 86400.0)) {
    throw InputError("--checkpoint-seconds", "must be between 0 and 86400 s");
  }
  Checkpoint checkpoint(out, result_config_text(plan.config), shard, range, options.resume,
                        options.checkpoint_seconds);

  // The points not yet finished, as ranges.
  std::vector<PointRange> todo;
  std::uint64_t todo_points = 0;
  for (std::uint64_t point = range.first; point < range.end; ++point) {
    if (checkpoint.finished(point)) continue;
    if (todo.empty() || todo.back().end != point) todo.push_back({point, point});
    ++todo.back().end;
    ++todo_points;
  }
  const std::uint64_t resumed = (range.end - range.first) - todo_points;
  std::uint64_t neuron_steps = todo_points * plan.config.neurons * static_cast<std::uint64_t>(plan.steps);
  SegmentHooks hooks;
  for (const StateFile& state : checkpoint.started()) {
    if (state.neurons_per_point != plan.config.neurons || state.state.next_step >= plan.steps ||
        state.points.front() < range.first || state.points.back() >= range.end) {
      throw InputError("--resume", "the state of grid points from " + std::to_string(state.points.front()) +
                                       " in " + checkpoint.directory().string() +
                                       " does not fit this run: it is corrupt");
    }
    hooks.started.push_back({state.points, &state.state});
    neuron_steps -=
        state.points.size() * plan.config.neurons * static_cast<std::uint64_t>(state.state.next_step);
  }

  const StopSignals signals;
  hooks.on_segment = [&](const std::vector<std::uint64_t>& points, const std::vector<PointTally>& tallies,
                         const std::vector<SpectralReadout>& spectra) {
    checkpoint.save(points, tallies, spectra);
  };
  // Inside a long segment: its state, as often as finished points, and at once on a stop.
  // (Not with spectra: a batch's PSTHs are not part of the state; such a batch starts again.)
  if (!plan.config.readouts.enabled) {
    hooks.snapshot_due = [&](double seconds) {
      state_asked_at_boundary = true;
      stop_seen_at_boundary = StopSignals::received() != 0;
      return stop_seen_at_boundary || seconds >= options.checkpoint_seconds;
    };
    hooks.on_snapshot = [&](const std::vector<std::uint64_t>& points, const PopulationSnapshot& state) {
      checkpoint.save_state(points, plan.config.neurons, state);
    };
  }
  const bool show_progress = options.output.progress || (!options.output.quiet && ::isatty(STDERR_FILENO));
  ProgressBar bar(neuron_steps, show_progress);
  const auto start = std::chrono::steady_clock::now();
  try {
    run_point_ranges(
        plan, workers, todo,
        [&](std::uint64_t done) {
          bar.update(done);
          const bool state_asked = std::exchange(state_asked_at_boundary, false);
          const int signal = StopSignals::received();
          if (signal != 0 && (!state_asked || stop_seen_at_boundary))
            throw Interrupted(signal, "");  // at a chunk boundary
        },
        hooks);
    // A signal after the last boundary's question let the run finish.
    if (const int signal = StopSignals::received()) throw Interrupted(signal, "");
  } catch (const Interrupted& stop) {
    // Segments that other workers finished after the first stop are saved too.
    checkpoint.flush();
    throw Interrupted(stop.signal(),
                      std::string("interrupted by ") + signal_name(stop.signal()) + ": " +
                          std::to_string(checkpoint.finished_count()) + " of " +
                          std::to_string(range.end - range.first) + " grid points are saved in " +
                          checkpoint.directory().string() +
                          (hooks.snapshot_due ? " (and the state of the unfinished ones)" : "") +
                          "; run the same command with --resume to continue");
  }
  bar.finish();
  const double wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // The files, from the checkpoint's parts in grid order, a sigma slice at a time.
  SweepWriter writer(out, plan.config, shard, range);
  checkpoint.read_finished([&](std::uint64_t point, const PointTally& tally,
                               const SpectralReadout* spectrum) { writer.add(point, tally, spectrum); });
  RunRecord record;
  record.version = kVersion;
  record.command_line = command_line;
  record.backend = backends.front()->name();
  record.device = backends.front()->device();
  for (std::size_t more = 1; more < backends.size(); ++more)
    record.device += " + " + backends[more]->device();
  record.wall_seconds = wall_seconds;
  record.neuron_steps = neuron_steps;
  record.shard = shard.count > 1 ? shard_text(shard) : "";
  record.points_resumed = resumed;
  writer.finish(run_json(plan.config, record));
  checkpoint.remove();
  guard.commit();

  if (!options.output.quiet) {
    if (shard.count == 1) std::fputs(summary_table(plan.config, writer.summary()).c_str(), stdout);
    std::printf("wrote %s/{%s,tallies.csv,run.json}  (%s%s, %.3g s, %.3g neuron-steps/s)\n",
                options.output.out.c_str(), shard.count == 1 ? "points.csv,optimum.csv" : "points.csv",
                shard.count > 1 ? ("shard " + shard_text(shard) + ", ").c_str() : "", record.device.c_str(),
                wall_seconds, wall_seconds > 0 ? static_cast<double>(neuron_steps) / wall_seconds : 0.0);
    if (resumed > 0)
      std::printf("%llu grid points came from the checkpoint\n", static_cast<unsigned long long>(resumed));
    for (const StateFile& state : checkpoint.started()) {
      std::printf("grid points %llu..%llu went on from step %lld of %lld\n",
                  static_cast<unsigned long long>(state.points.front()),
                  static_cast<unsigned long long>(state.points.back()),
                  static_cast<long long>(state.state.next_step), static_cast<long long>(plan.steps));
    }
  }
  return 0;
}

}  // namespace

CommandRunner add_sweep_command(CLI::App& app, const std::string& command_line) {
  auto options = std::make_shared<SweepOptions>();
  CLI::App* command = app.add_subcommand(
      "sweep", "Simulate a grid of (sigma x amplitude x bias x frequency) and write the measures");
  add_model_options(*command, options->model);
  add_devices_option(*command, options->model);
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
  const char* runs = "Long runs";
  command
      ->add_option("--shard", options->shard,
                   "Compute only the I-th of N parts of the grid points (I/N, e.g. 3/8); join the parts with "
                   "srlif merge")
      ->group(runs);
  command
      ->add_flag(
          "--resume", options->resume,
          "Continue the run whose checkpoint is in --out (same options), computing only the grid points "
          "it had not finished")
      ->group(runs);
  command
      ->add_option("--checkpoint-seconds", options->checkpoint_seconds,
                   "Write finished grid points, and the neuron state of a batch running longer, to the "
                   "checkpoint at most this often (each write is an fsync; SIGINT/SIGTERM write at once); "
                   "0 = after every batch and time chunk")
      ->capture_default_str()
      ->group(runs);
  add_output_options(*command, options->output);
  return [options, command, command_line] {
    apply_config_file(*command, options->output.config);
    options->psth_given = command->count("--psth") > 0;
    return run(*options, command_line);
  };
}

}  // namespace srlif::cli
