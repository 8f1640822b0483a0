#include "srlif/running/sweep_job.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <utility>

#include "srlif/errors.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/output_folder.hpp"
#include "srlif/io/state_file.hpp"
#include "srlif/io/tally_file.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/checkpoint.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "srlif/version.hpp"

namespace srlif {
namespace {

// At a chunk boundary that can take a state, a worker thread first asks whether
// one is due, then reports progress. The report stops the run only if the stop
// had been requested at the question: one that lands between the two (a
// progress draw is what a user, or a test, reacts to) waits for the next
// boundary, which writes the state first, instead of stopping the run without it.
thread_local bool state_asked_at_boundary = false;
thread_local bool stop_seen_at_boundary = false;

// The points of `range` not yet finished, as ranges.
std::vector<PointRange> unfinished(const Checkpoint& checkpoint, PointRange range, std::uint64_t& count) {
  std::vector<PointRange> todo;
  count = 0;
  for (std::uint64_t point = range.first; point < range.end; ++point) {
    if (checkpoint.finished(point)) continue;
    if (todo.empty() || todo.back().end != point) todo.push_back({point, point});
    ++todo.back().end;
    ++count;
  }
  return todo;
}

}  // namespace

void check_sweep_fits_disk(double grid_points, const ShardSpec& shard, double neurons_in_flight,
                           const std::filesystem::path& out, double header_bytes, double parts,
                           double states) {
  const double shard_points = std::ceil(grid_points / static_cast<double>(shard.count));
  check_output_fits_disk(sweep_output_bytes(shard_points, neurons_in_flight, header_bytes, parts, states),
                         free_disk_bytes(out), out);
}

SweepJobReport run_sweep_job(const SweepJob& job, const RunControl& control) {
  // Each segment computes its points' coefficients: memory holds only the points in flight.
  const SweepPlan plan = make_plan(job.config, PlanPoints::none);
  if (job.out.empty()) throw InputError("--out", "is required (on the command line or in --config)");
  const std::vector<std::unique_ptr<Backend>> backends = make_backends(
      plan.config.execution.backend, plan.config.execution.threads, plan.config.execution.devices);
  std::vector<Backend*> workers;
  for (const auto& backend : backends) workers.push_back(backend.get());
  const std::filesystem::path& out = job.out;
  const PointRange range = shard_points(job.shard, plan.config.grid.size());
  const double points_in_flight =
      std::min(static_cast<double>(range.end - range.first),
               static_cast<double>(plan.batch_points) * static_cast<double>(workers.size()));
  // Each part holds at least one batch (a segment); each worker has at most one state in flight.
  const std::string config_text = result_config_text(plan.config);
  const double shard_points = static_cast<double>(range.end - range.first);
  check_sweep_fits_disk(
      static_cast<double>(plan.config.grid.size()), job.shard,
      points_in_flight * static_cast<double>(plan.config.neurons), out,
      static_cast<double>(tally_file_header(config_text, job.shard, plan.config.readouts.enabled).size()),
      std::ceil(shard_points / static_cast<double>(plan.batch_points)), static_cast<double>(workers.size()));
  if (!(job.checkpoint_seconds >= 0.0 && job.checkpoint_seconds <= 86400.0)) {
    throw InputError("--checkpoint-seconds", "must be between 0 and 86400 s");
  }
  OutputFolder folder(out);  // locked until the files are in place
  Checkpoint checkpoint(out, config_text, job.shard, range, job.resume, job.checkpoint_seconds);

  std::uint64_t todo_points = 0;
  const std::vector<PointRange> todo = unfinished(checkpoint, range, todo_points);
  const std::uint64_t resumed = (range.end - range.first) - todo_points;
  std::uint64_t neuron_steps = todo_points * plan.config.neurons * static_cast<std::uint64_t>(plan.steps);
  SegmentHooks hooks;
  for (const StateFile& state : checkpoint.started()) {  // each checked by Checkpoint to fit this run
    hooks.started.push_back({state.points, &state.state});
    neuron_steps -=
        state.points.size() * plan.config.neurons * static_cast<std::uint64_t>(state.state.next_step);
  }

  hooks.on_segment = [&](const std::vector<std::uint64_t>& points, const std::vector<PointTally>& tallies,
                         const std::vector<SpectralReadout>& spectra) {
    checkpoint.save(points, tallies, spectra);
  };
  // Inside a long segment: its state, as often as finished points, and at once on a stop.
  // (Not with spectra: a batch's PSTHs are not part of the state; such a batch starts again.)
  if (!plan.config.readouts.enabled) {
    hooks.snapshot_due = [&](double seconds) {
      state_asked_at_boundary = true;
      stop_seen_at_boundary = control.stop() != 0;
      return stop_seen_at_boundary || seconds >= job.checkpoint_seconds;
    };
    hooks.on_snapshot = [&](const std::vector<std::uint64_t>& points, const PopulationSnapshot& state) {
      checkpoint.save_state(points, plan.config.neurons, state);
    };
  }
  const auto start = std::chrono::steady_clock::now();
  try {
    run_point_ranges(
        plan, workers, todo,
        [&](std::uint64_t done) {
          if (control.progress) control.progress(done, neuron_steps);
          const bool state_asked = std::exchange(state_asked_at_boundary, false);
          const int stop = control.stop();
          if (stop != 0 && (!state_asked || stop_seen_at_boundary))
            throw Interrupted(stop, "");  // at a chunk boundary
        },
        hooks);
    // A stop after the last boundary's question let the run finish.
    if (const int stop = control.stop()) throw Interrupted(stop, "");
  } catch (const Interrupted& stop) {
    // Segments that other workers finished after the first stop are saved too.
    checkpoint.flush();
    throw Interrupted(
        stop.signal(),
        std::string("interrupted by ") + stop_name(stop.signal()) + ": " +
            std::to_string(checkpoint.finished_count()) + " of " + std::to_string(range.end - range.first) +
            " grid points are saved in " + checkpoint.directory().string() +
            (hooks.snapshot_due ? " (and the state of the unfinished ones)" : "") + "; " + job.resume_hint);
  }
  const double wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // The files, from the checkpoint's parts in grid order, a sigma slice at a time.
  SweepWriter writer(out, plan.config, job.shard, range);
  checkpoint.read_finished([&](std::uint64_t point, const PointTally& tally,
                               const SpectralReadout* spectrum) { writer.add(point, tally, spectrum); });
  SweepJobReport report;
  report.resume_found_nothing = checkpoint.found_nothing();
  RunRecord& record = report.record;
  record.version = kVersion;
  record.command_line = job.command_line;
  record.backend = backends.front()->name();
  record.device = backends.front()->device();
  for (std::size_t more = 1; more < backends.size(); ++more)
    record.device += " + " + backends[more]->device();
  record.wall_seconds = wall_seconds;
  record.neuron_steps = neuron_steps;
  record.shard = job.shard.count > 1 ? shard_text(job.shard) : "";
  record.points_resumed = resumed;
  writer.finish(run_json(plan.config, record));
  checkpoint.remove();
  folder.commit(writer.file_names());

  report.summary = writer.summary();
  report.steps = plan.steps;
  for (const StateFile& state : checkpoint.started())
    report.continued.push_back({state.points.front(), state.points.back(), state.state.next_step});
  return report;
}

}  // namespace srlif
