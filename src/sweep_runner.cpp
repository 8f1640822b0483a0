#include "srlif/sweep_runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <set>
#include <span>
#include <stdexcept>
#include <thread>

#include "srlif/spectrum.hpp"

namespace srlif {
namespace {

std::vector<PointMetrics> metrics_of(const SweepPlan& plan, const std::vector<PointTally>& tallies) {
  std::vector<PointMetrics> metrics;
  metrics.reserve(tallies.size());
  for (const PointTally& tally : tallies)
    metrics.push_back(compute_metrics(tally, plan.config.time.duration));
  return metrics;
}

}  // namespace

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
  result.metrics = metrics_of(plan, result.tallies);
  if (plan.config.readouts.enabled) {
    const std::uint32_t bins = plan.readout_layout.psth_bins;
    for (std::size_t point = 0; point < result.metrics.size(); ++point) {
      const SpectralReadout spectrum =
          pooled_spectrum(std::span<const std::uint64_t>(result.readouts.psth.data() + point * bins, bins),
                          plan.config.readouts.psth_bin_ms, plan.config.time.duration, plan.config.neurons,
                          plan.config.grid.point(point).frequency);
      result.metrics[point].spectral_amplitude_hz = spectrum.amplitude_hz;
      result.metrics[point].snr_db = spectrum.snr_db;
    }
  }
  result.optima = find_optima(plan.config.grid, result.metrics, plan.config.objective);
  return result;
}

SweepResult measures_from_tallies(const SweepPlan& plan, std::uint64_t first,
                                  std::vector<PointTally> tallies) {
  SweepResult result;
  result.tallies = std::move(tallies);
  result.metrics = metrics_of(plan, result.tallies);
  if (first == 0 && result.tallies.size() == plan.config.grid.size()) {
    result.optima = find_optima(plan.config.grid, result.metrics, plan.config.objective);
  }
  return result;
}

std::vector<PointTally> run_points(const SweepPlan& plan, const std::vector<Backend*>& backends,
                                   const std::vector<std::uint64_t>& points, const ProgressCallback& progress,
                                   const SegmentHooks& hooks) {
  if (plan.config.readouts.enabled)
    throw std::logic_error("run_points: plans with readouts are not segmented");
  if (backends.empty()) throw std::logic_error("run_points: no backend");
  // Begun segments first, as they were; then the other points in segments of at most
  // batch_points, and at least one per worker when there are several.
  std::vector<std::vector<std::uint64_t>> segments;
  std::vector<const PopulationSnapshot*> start_states;
  std::set<std::uint64_t> begun;
  for (const StartedSegment& started : hooks.started) {
    segments.push_back(started.points);
    start_states.push_back(started.state);
    begun.insert(started.points.begin(), started.points.end());
  }
  std::vector<std::uint64_t> fresh;
  for (const std::uint64_t point : points) {
    if (!begun.contains(point)) fresh.push_back(point);
  }
  if (fresh.size() + begun.size() != points.size())
    throw std::logic_error("run_points: a begun segment holds points that are not to be run");
  auto segment_size = static_cast<std::size_t>(std::max<std::int64_t>(plan.batch_points, 1));
  if (backends.size() > 1) {
    segment_size =
        std::clamp<std::size_t>((fresh.size() + backends.size() - 1) / backends.size(), 1, segment_size);
  }
  for (std::size_t first = 0; first < fresh.size(); first += segment_size) {
    const auto begin = fresh.begin() + static_cast<std::ptrdiff_t>(first);
    segments.emplace_back(begin,
                          begin + static_cast<std::ptrdiff_t>(std::min(segment_size, fresh.size() - first)));
    start_states.push_back(nullptr);
  }

  // A segment's plan is the plan restricted to its points (a point's result depends on nothing
  // else in the grid), in one batch. Built from a copy without the points, so that no segment
  // copies them all.
  SweepPlan without_points = plan;
  without_points.points = {};
  const auto plan_for = [&](const std::vector<std::uint64_t>& segment) {
    SweepPlan part = without_points;
    part.points.reserve(segment.size());
    for (const std::uint64_t point : segment) part.points.push_back(plan.points.at(point));
    part.batch_points = std::max<std::int64_t>(part.batch_points, static_cast<std::int64_t>(segment.size()));
    return part;
  };

  std::vector<std::vector<PointTally>> results(segments.size());
  std::atomic<std::size_t> next_segment{0};
  std::atomic<bool> failed{false};
  std::mutex lock;  // serialises on_segment, progress and the first error
  std::exception_ptr first_error;
  std::uint64_t steps_done = 0;                                 // of finished segments, under `lock`
  std::vector<std::uint64_t> steps_in_flight(backends.size());  // per worker, under `lock`
  const auto work = [&](std::size_t worker) {
    try {
      for (std::size_t s = next_segment++; s < segments.size() && !failed; s = next_segment++) {
        const SweepPlan part = plan_for(segments[s]);
        ChunkHooks chunk_hooks;
        chunk_hooks.start = start_states[s];
        auto last_snapshot = std::chrono::steady_clock::now();
        if (hooks.snapshot_due) {
          chunk_hooks.snapshot_due = [&](std::int64_t) {
            const std::chrono::duration<double> since = std::chrono::steady_clock::now() - last_snapshot;
            const std::lock_guard<std::mutex> guard(lock);
            return hooks.snapshot_due(since.count());
          };
          chunk_hooks.on_snapshot = [&](const PopulationSnapshot& state) {
            {
              const std::lock_guard<std::mutex> guard(lock);
              hooks.on_snapshot(segments[s], state);
            }
            last_snapshot = std::chrono::steady_clock::now();
          };
        }
        std::uint64_t steps_in_run = 0;  // neuron-steps this call simulates
        {
          const std::int64_t first_step = start_states[s] ? start_states[s]->next_step : 0;
          steps_in_run =
              part.points.size() * plan.config.neurons * static_cast<std::uint64_t>(part.steps - first_step);
        }
        BackendResult result = backends[worker]->run(
            part,
            [&](std::uint64_t done) {
              if (failed) throw std::runtime_error("stopped: another worker failed");
              const std::lock_guard<std::mutex> guard(lock);
              steps_in_flight[worker] = done;
              std::uint64_t total = steps_done;
              for (const std::uint64_t steps : steps_in_flight) total += steps;
              if (progress) progress(total);
            },
            chunk_hooks);
        const std::lock_guard<std::mutex> guard(lock);
        steps_in_flight[worker] = 0;
        steps_done += steps_in_run;
        if (hooks.on_segment) hooks.on_segment(segments[s], result.tallies);
        results[s] = std::move(result.tallies);
      }
    } catch (...) {
      const std::lock_guard<std::mutex> guard(lock);
      if (!failed.exchange(true)) first_error = std::current_exception();
    }
  };
  if (backends.size() == 1) {
    work(0);
  } else {
    std::vector<std::thread> workers;
    for (std::size_t worker = 0; worker < backends.size(); ++worker) workers.emplace_back(work, worker);
    for (std::thread& thread : workers) thread.join();
  }
  if (first_error) std::rethrow_exception(first_error);

  // Back into the order of `points` (ascending; begun segments ran first).
  std::vector<PointTally> tallies(points.size());
  for (std::size_t s = 0; s < segments.size(); ++s) {
    for (std::size_t i = 0; i < segments[s].size(); ++i) {
      const auto at = std::lower_bound(points.begin(), points.end(), segments[s][i]) - points.begin();
      tallies[static_cast<std::size_t>(at)] = results[s][i];
    }
  }
  return tallies;
}

}  // namespace srlif
