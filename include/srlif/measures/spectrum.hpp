// Spectral readout of the pooled activity at the signal frequency.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>

namespace srlif {

// A measure without a value (too few spikes or neurons, no band, no spectrum asked): written `nan`.
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct SpectralReadout {
  double amplitude_hz;  // amplitude of the rate modulation at f, Hz per neuron
  double snr_db;        // 10 log10(power at f / median power in 0.6 < |f' - f| <= 2 Hz)
};

// From PSTH counts (bin width `bin_ms`, `neurons` neurons): the per-neuron rate
// series of the full bins within `duration_ms`, mean removed, Hann window,
// discrete Fourier transform at f and on the 1/T grid around it. A series that is
// r0 + a sin(2 pi f t) at the bins' centres gives amplitude_hz = a when f is on the grid; the
// PSTH of a rate r0 + a sin(2 pi f t) holds its bins' averages, a sinc(pi f bin) (0.984 a at
// 10 Hz in 10 ms bins).
// The band uses the grid frequencies f + m/T with 0.6 Hz < |m/T| <= 2 Hz and
// |m| >= 2 (outside the Hann main lobe). snr_db is NaN when the band is empty
// (runs under 1 s) or there is no activity.
SpectralReadout pooled_spectrum(std::span<const std::uint64_t> psth_counts, double bin_ms, double duration_ms,
                                std::uint64_t neurons, double frequency_hz);

// Whether `readout` is one that pooled_spectrum can return for such bins and frequency, when a
// neuron fires at most `most_per_bin` spikes in a bin and the point `spikes` in all: "" or the
// rule it breaks (for readouts read back from a file). NaN only where the estimator gives it (too
// few bins; no band; no activity); the amplitude in [0, 2 x the largest bin rate]; the SNR +-inf
// or within what a ratio of doubles can reach.
std::string spectral_readout_error(const SpectralReadout& readout, double bin_ms, double duration_ms,
                                   double frequency_hz, double most_per_bin, std::uint64_t spikes);

// The snr_db that pooled_spectrum should give for `neurons` independent neurons whose rate is
// r(t) = rate_hz + modulation_hz sin(2 pi f t - phase_rad) and whose spike trains have, without
// the signal, the two-sided spectrum spike_spectrum(f') (Hz, f' > 0; it tends to rate_hz at high
// f'): 10 log10((|X_s|^2 + E(f)) / (ln 2 E_band)) (docs/theory.md, "The SNR srlif measures"), where
//   X_s    the estimator's windowed transform of the bin-averaged sinusoid, computed as it does,
//   E(f')  the expected noise power at f', sum_n w_n^2 S_bin(f') / (neurons * bin), with the
//          binned spectrum S_bin(f') = sum_k S(f' + k/bin) sinc^2(pi (f' + k/bin) bin)
//          (spike_spectrum for |k| <= 1, rate_hz beyond),
//   E_band E at the mean frequency of each side of the estimator's band, averaged over the
//          sides it has; ln 2 E is the median of exponential powers of mean E.
// NaN where the estimator gives NaN (runs under 1 s, or no activity) and for f at or above the
// bins' Nyquist frequency.
double expected_pooled_snr_db(double rate_hz, double modulation_hz, double phase_rad,
                              const std::function<double(double)>& spike_spectrum, double bin_ms,
                              double duration_ms, std::uint64_t neurons, double frequency_hz);

}  // namespace srlif
