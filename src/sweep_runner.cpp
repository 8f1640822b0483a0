#include "srlif/sweep_runner.hpp"

#include <algorithm>
#include <chrono>
#include <span>
#include <stdexcept>

#include "srlif/spectrum.hpp"

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
  result.metrics.reserve(result.tallies.size());
  for (const PointTally& tally : result.tallies) {
    result.metrics.push_back(compute_metrics(tally, plan.config.time.duration));
  }
  if (first == 0 && result.tallies.size() == plan.config.grid.size()) {
    result.optima = find_optima(plan.config.grid, result.metrics, plan.config.objective);
  }
  return result;
}

SweepPlan plan_for_points(const SweepPlan& plan, const std::vector<std::uint64_t>& points) {
  SweepPlan subset = plan;
  subset.points.clear();
  subset.points.reserve(points.size());
  for (const std::uint64_t point : points) subset.points.push_back(plan.points.at(point));
  return subset;
}

std::vector<PointTally> run_points(const SweepPlan& plan, Backend& backend,
                                   const std::vector<std::uint64_t>& points, const ProgressCallback& progress,
                                   const SegmentCallback& on_segment) {
  if (plan.config.readouts.enabled)
    throw std::logic_error("run_points: plans with readouts are not segmented");
  std::vector<PointTally> tallies;
  tallies.reserve(points.size());
  const auto segment_size = static_cast<std::size_t>(std::max<std::int64_t>(plan.batch_points, 1));
  std::uint64_t steps_before = 0;
  for (std::size_t first = 0; first < points.size(); first += segment_size) {
    const std::vector<std::uint64_t> segment(
        points.begin() + static_cast<std::ptrdiff_t>(first),
        points.begin() + static_cast<std::ptrdiff_t>(std::min(points.size(), first + segment_size)));
    const SweepPlan part = plan_for_points(plan, segment);
    BackendResult result = backend.run(part, [&](std::uint64_t done) {
      if (progress) progress(steps_before + done);
    });
    steps_before += part.neuron_steps();
    if (on_segment) on_segment(segment, result.tallies);
    tallies.insert(tallies.end(), result.tallies.begin(), result.tallies.end());
  }
  return tallies;
}

}  // namespace srlif
