#include "srlif/sweep_runner.hpp"

#include <chrono>
#include <span>

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

}  // namespace srlif
