// Spectral readout of the pooled activity at the signal frequency.
#pragma once

#include <cstdint>
#include <limits>
#include <span>

namespace srlif {

// A measure without a value (too few spikes or neurons, no band, no spectrum asked): written `nan`.
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct SpectralReadout {
  double amplitude_hz;  // amplitude of the rate modulation at f, Hz per neuron
  double snr_db;        // 10 log10(power at f / median power in 0.6 < |f' - f| <= 2 Hz)
};

// From PSTH counts (bin width `bin_ms`, `neurons` neurons): the per-neuron rate
// series of the full bins within `duration_ms`, mean removed, Hann window,
// discrete Fourier transform at f and on the 1/T grid around it. A sinusoidal
// rate r(t) = r0 + a sin(2 pi f t) gives amplitude_hz = a when f is on the grid.
// The band uses the grid frequencies f + m/T with 0.6 Hz < |m/T| <= 2 Hz and
// |m| >= 2 (outside the Hann main lobe). snr_db is NaN when the band is empty
// (runs under 1 s) or there is no activity.
SpectralReadout pooled_spectrum(std::span<const std::uint64_t> psth_counts, double bin_ms, double duration_ms,
                                std::uint64_t neurons, double frequency_hz);

}  // namespace srlif
