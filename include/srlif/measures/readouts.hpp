// Population readouts (DESIGN.md section 2, optional per grid point): the
// phase (period) histogram, the PSTH, the spectral amplitude and SNR of the
// pooled activity at f, a raster of the first M neurons and the maximum
// membrane potential (for the subthreshold margin V_th - max V).
//
// All counts are integers and the maximum is a float max, so the readouts do
// not depend on the order in which neurons are processed.
#pragma once

#include <cstdint>
#include <vector>

#include "srlif/physics/host_device.hpp"

namespace srlif {

struct ReadoutConfig {
  bool enabled = false;
  std::uint32_t phase_bins = 30;     // bins over one signal period [0, 2 pi)
  double psth_bin_ms = 10.0;         // PSTH bin width, ms
  std::uint32_t raster_neurons = 0;  // spike times of neurons 0 .. M-1 of each point
};

// What `srlif sweep --spectrum` records: the PSTH for the spectra, one phase
// bin and no raster, to keep the cost low.
ReadoutConfig sweep_spectrum_readouts(double psth_bin_ms);

// Sizes derived from the configuration (see make_plan).
struct ReadoutLayout {
  std::uint32_t phase_bins = 0;
  std::uint32_t psth_bins = 0;  // ceil(duration / psth_bin_ms)
  std::uint32_t raster_neurons = 0;
  std::uint32_t raster_capacity = 0;  // most spikes one neuron can fire in the run
};

// What a backend returns besides the tallies when readouts are enabled.
struct PopulationReadouts {
  std::vector<std::uint64_t> phase_histogram;  // [point][phase_bins] spike counts
  std::vector<std::uint64_t> psth;             // [point][psth_bins] spike counts
  std::vector<float> max_v;                    // [point] max of v over neurons and samples, mV
  std::vector<std::uint32_t> raster_counts;    // [point][raster_neurons] spikes per neuron
  std::vector<std::int32_t> raster_steps;      // [point][raster_neurons][capacity] k of a spike at t_{k+1}

  // Zero counts; max_v of each point starts at its own V_init (`initial_max_v[point]`).
  void resize(const ReadoutLayout& layout, const std::vector<float>& initial_max_v);
};

// Order-preserving map of a float onto unsigned integers, so a float maximum
// can be taken with integer atomics on the device (and compared on the host).
SRLIF_HD std::uint32_t ordered_float_key(float value) {
  const std::uint32_t bits = float_bits(value);
  return (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
}

SRLIF_HD float float_from_ordered_key(std::uint32_t key) {
  return float_from_bits((key & 0x80000000u) != 0 ? key & 0x7FFFFFFFu : ~key);
}

}  // namespace srlif
