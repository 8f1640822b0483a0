#include "srlif/sweep_runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
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
                                   const SegmentCallback& on_segment) {
  if (plan.config.readouts.enabled)
    throw std::logic_error("run_points: plans with readouts are not segmented");
  if (backends.empty()) throw std::logic_error("run_points: no backend");
  // Segments of at most batch_points points, and at least one per worker when there are several.
  auto segment_size = static_cast<std::size_t>(std::max<std::int64_t>(plan.batch_points, 1));
  if (backends.size() > 1) {
    segment_size =
        std::clamp<std::size_t>((points.size() + backends.size() - 1) / backends.size(), 1, segment_size);
  }
  std::vector<std::vector<std::uint64_t>> segments;
  for (std::size_t first = 0; first < points.size(); first += segment_size) {
    const auto begin = points.begin() + static_cast<std::ptrdiff_t>(first);
    segments.emplace_back(begin,
                          begin + static_cast<std::ptrdiff_t>(std::min(segment_size, points.size() - first)));
  }

  // A segment's plan is the plan restricted to its points (a point's result depends on nothing
  // else in the grid). Built from a copy without the points, so that no segment copies them all.
  SweepPlan without_points = plan;
  without_points.points = {};
  const auto plan_for = [&](const std::vector<std::uint64_t>& segment) {
    SweepPlan part = without_points;
    part.points.reserve(segment.size());
    for (const std::uint64_t point : segment) part.points.push_back(plan.points.at(point));
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
        BackendResult result = backends[worker]->run(part, [&](std::uint64_t done) {
          if (failed) throw std::runtime_error("stopped: another worker failed");
          const std::lock_guard<std::mutex> guard(lock);
          steps_in_flight[worker] = done;
          std::uint64_t total = steps_done;
          for (const std::uint64_t steps : steps_in_flight) total += steps;
          if (progress) progress(total);
        });
        const std::lock_guard<std::mutex> guard(lock);
        steps_in_flight[worker] = 0;
        steps_done += part.neuron_steps();
        if (on_segment) on_segment(segments[s], result.tallies);
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

  std::vector<PointTally> tallies;
  tallies.reserve(points.size());
  for (const auto& segment : results) tallies.insert(tallies.end(), segment.begin(), segment.end());
  return tallies;
}

}  // namespace srlif
