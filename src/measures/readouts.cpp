#include "srlif/measures/readouts.hpp"

namespace srlif {

ReadoutConfig sweep_spectrum_readouts(double psth_bin_ms) {
  ReadoutConfig readouts;
  readouts.enabled = true;
  readouts.phase_bins = 1;
  readouts.psth_bin_ms = psth_bin_ms;
  readouts.raster_neurons = 0;
  return readouts;
}

void PopulationReadouts::resize(const ReadoutLayout& layout, const std::vector<float>& initial_max_v) {
  const std::size_t points = initial_max_v.size();
  phase_histogram.assign(points * layout.phase_bins, 0);
  psth.assign(points * layout.psth_bins, 0);
  max_v = initial_max_v;
  raster_counts.assign(points * layout.raster_neurons, 0);
  raster_steps.assign(points * std::size_t{layout.raster_neurons} * layout.raster_capacity, 0);
}

}  // namespace srlif
