#include "srlif/running/sweep_runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <span>
#include <stdexcept>
#include <thread>

#include "srlif/measures/spectrum.hpp"

namespace srlif {

std::vector<SpectralReadout> point_spectra(const SweepPlan& plan, const PopulationReadouts& readouts) {
  const std::uint32_t bins = plan.readout_layout.psth_bins;
  std::vector<SpectralReadout> spectra;
  spectra.reserve(plan.points.size());
  for (std::size_t point = 0; point < plan.points.size(); ++point) {
    spectra.push_back(
        pooled_spectrum(std::span<const std::uint64_t>(readouts.psth.data() + point * bins, bins),
                        plan.config.readouts.psth_bin_ms, plan.config.time.duration, plan.config.neurons,
                        plan.drive_tables[plan.points[point].drive_table].frequency_hz));
  }
  return spectra;
}

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
  const std::vector<SpectralReadout> spectra =
      plan.config.readouts.enabled ? point_spectra(plan, result.readouts) : std::vector<SpectralReadout>{};
  result.metrics.reserve(result.tallies.size());
  for (std::size_t point = 0; point < result.tallies.size(); ++point) {
    result.metrics.push_back(compute_metrics(result.tallies[point], plan.config.time.duration,
                                             spectra.empty() ? nullptr : &spectra[point]));
  }
  result.optima = find_optima(plan.config.grid, result.metrics, plan.config.objective);
  return result;
}

namespace {

// The points of `ranges` (ascending, disjoint) without those of `taken` (ascending).
std::vector<PointRange> without(const std::vector<PointRange>& ranges, std::vector<std::uint64_t> taken) {
  std::sort(taken.begin(), taken.end());
  std::vector<PointRange> rest;
  auto next = taken.begin();
  for (const PointRange& range : ranges) {
    std::uint64_t first = range.first;
    for (; next != taken.end() && *next < range.end; ++next) {
      if (*next < first)
        throw std::logic_error("run_points: a begun segment holds points that are not to be run");
      if (*next > first) rest.push_back({first, *next});
      first = *next + 1;
    }
    if (first < range.end) rest.push_back({first, range.end});
  }
  if (next != taken.end())
    throw std::logic_error("run_points: a begun segment holds points that are not to be run");
  return rest;
}

// Segments of `size` consecutive points of `ranges`, computed when asked for, so that the list
// of points is never spelt out.
class FreshSegments {
 public:
  FreshSegments(std::vector<PointRange> ranges, std::uint64_t size)
      : ranges_(std::move(ranges)), size_(size) {
    for (const PointRange& range : ranges_) {
      before_.push_back(points_);
      points_ += range.end - range.first;
    }
  }
  std::uint64_t count() const { return (points_ + size_ - 1) / size_; }
  std::vector<std::uint64_t> segment(std::uint64_t index) const {
    const std::uint64_t first = index * size_;
    const std::uint64_t end = std::min(points_, first + size_);
    // The range that holds the segment's first point, then on through the ranges.
    auto range =
        static_cast<std::size_t>(std::upper_bound(before_.begin(), before_.end(), first) - before_.begin()) -
        1;
    std::vector<std::uint64_t> points;
    points.reserve(static_cast<std::size_t>(end - first));
    for (std::uint64_t offset = first; offset < end; ++offset) {
      while (offset - before_[range] >= ranges_[range].end - ranges_[range].first) ++range;
      points.push_back(ranges_[range].first + (offset - before_[range]));
    }
    return points;
  }

 private:
  std::vector<PointRange> ranges_;
  std::vector<std::uint64_t> before_;  // points in the ranges before each
  std::uint64_t points_ = 0;
  std::uint64_t size_;
};

}  // namespace

std::vector<PointTally> run_points(const SweepPlan& plan, const std::vector<Backend*>& backends,
                                   const std::vector<std::uint64_t>& points, const ProgressCallback& progress,
                                   const SegmentHooks& hooks) {
  std::vector<PointRange> ranges;
  for (const std::uint64_t point : points) {
    if (!ranges.empty() && point == ranges.back().end) {
      ++ranges.back().end;
    } else {
      if (!ranges.empty() && point < ranges.back().end)
        throw std::logic_error("run_points: points not ascending");
      ranges.push_back({point, point + 1});
    }
  }
  std::vector<PointTally> tallies(points.size());
  SegmentHooks collecting = hooks;
  collecting.on_segment = [&](const std::vector<std::uint64_t>& segment,
                              const std::vector<PointTally>& results,
                              const std::vector<SpectralReadout>& spectra) {
    for (std::size_t i = 0; i < segment.size(); ++i) {
      const auto at = std::lower_bound(points.begin(), points.end(), segment[i]) - points.begin();
      tallies[static_cast<std::size_t>(at)] = results[i];
    }
    if (hooks.on_segment) hooks.on_segment(segment, results, spectra);
  };
  run_point_ranges(plan, backends, ranges, progress, collecting);
  return tallies;
}

void run_point_ranges(const SweepPlan& plan, const std::vector<Backend*>& backends,
                      const std::vector<PointRange>& ranges, const ProgressCallback& progress,
                      const SegmentHooks& hooks) {
  if (plan.config.readouts.enabled && (hooks.snapshot_due || !hooks.started.empty()))
    throw std::logic_error("run_points: plans with readouts have no snapshots");
  if (backends.empty()) throw std::logic_error("run_points: no backend");
  // Begun segments first, as they were; then the other points in segments of at most
  // batch_points, and at least one per worker when there are several.
  std::vector<std::uint64_t> begun;
  for (const StartedSegment& started : hooks.started)
    begun.insert(begun.end(), started.points.begin(), started.points.end());
  std::vector<PointRange> fresh_ranges = without(ranges, begun);
  std::uint64_t fresh_points = 0;  // (FreshSegments counts them again, once the segment size is known)
  for (const PointRange& range : fresh_ranges) fresh_points += range.end - range.first;
  auto segment_size = static_cast<std::uint64_t>(std::max<std::int64_t>(plan.batch_points, 1));
  if (backends.size() > 1) {
    segment_size =
        std::clamp<std::uint64_t>((fresh_points + backends.size() - 1) / backends.size(), 1, segment_size);
  }
  const FreshSegments fresh(std::move(fresh_ranges), segment_size);
  const std::uint64_t segment_count = hooks.started.size() + fresh.count();

  // A segment's plan is the plan restricted to its points (a point's result depends on nothing
  // else in the grid), in one batch. Built from a copy without the points, so that no segment
  // copies them all, and the plan need not hold them.
  SweepPlan without_points = plan;
  without_points.points = {};
  const auto plan_for = [&](const std::vector<std::uint64_t>& segment) {
    SweepPlan part = without_points;
    part.points.reserve(segment.size());
    for (const std::uint64_t point : segment) {
      part.points.push_back(plan.points.empty() ? point_coefficients(plan, point) : plan.points.at(point));
    }
    part.grid_points = segment;  // a heterogeneous population's neurons come from their grid points
    part.batch_points = std::max<std::int64_t>(part.batch_points, static_cast<std::int64_t>(segment.size()));
    return part;
  };

  std::atomic<std::uint64_t> next_segment{0};
  std::atomic<bool> failed{false};
  std::mutex lock;  // serialises on_segment, progress and the first error
  std::exception_ptr first_error;
  std::uint64_t steps_done = 0;                                 // of finished segments, under `lock`
  std::vector<std::uint64_t> steps_in_flight(backends.size());  // per worker, under `lock`
  const auto work = [&](std::size_t worker) {
    try {
      for (std::uint64_t s = next_segment++; s < segment_count && !failed; s = next_segment++) {
        const bool begun_segment = s < hooks.started.size();
        const std::vector<std::uint64_t> segment =
            begun_segment ? hooks.started[s].points : fresh.segment(s - hooks.started.size());
        const PopulationSnapshot* start_state = begun_segment ? hooks.started[s].state : nullptr;
        const SweepPlan part = plan_for(segment);
        ChunkHooks chunk_hooks;
        chunk_hooks.start = start_state;
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
              hooks.on_snapshot(segment, state);
            }
            last_snapshot = std::chrono::steady_clock::now();
          };
        }
        const std::int64_t first_step = start_state ? start_state->next_step : 0;
        const std::uint64_t steps_in_run =  // neuron-steps this call simulates
            part.points.size() * plan.config.neurons * static_cast<std::uint64_t>(part.steps - first_step);
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
        // Readouts are not per-point tallies: only the spectra, the per-point measures from them, go on.
        const std::vector<SpectralReadout> spectra = plan.config.readouts.enabled
                                                         ? point_spectra(part, result.readouts)
                                                         : std::vector<SpectralReadout>{};
        const std::lock_guard<std::mutex> guard(lock);
        steps_in_flight[worker] = 0;
        steps_done += steps_in_run;
        if (hooks.on_segment) hooks.on_segment(segment, result.tallies, spectra);
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
}

}  // namespace srlif
