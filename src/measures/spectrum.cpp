#include "srlif/measures/spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <vector>

namespace srlif {
namespace {

// Hann-windowed DFT of `series` (bin centres t_n = (n + 1/2) bin_ms) at frequency_hz.
std::complex<double> windowed_transform(const std::vector<double>& series, const std::vector<double>& window,
                                        double bin_ms, double frequency_hz) {
  std::complex<double> sum = 0.0;
  for (std::size_t n = 0; n < series.size(); ++n) {
    const double angle =
        -2.0 * std::numbers::pi * frequency_hz * (static_cast<double>(n) + 0.5) * bin_ms / 1000.0;
    sum += window[n] * series[n] * std::complex<double>(std::cos(angle), std::sin(angle));
  }
  return sum;
}

}  // namespace

SpectralReadout pooled_spectrum(std::span<const std::uint64_t> psth_counts, double bin_ms, double duration_ms,
                                std::uint64_t neurons, double frequency_hz) {
  const std::size_t full_bins = std::min(
      psth_counts.size(), static_cast<std::size_t>(std::floor(duration_ms / bin_ms * (1.0 + 1e-12))));
  if (full_bins < 2) return SpectralReadout{kNaN, kNaN};

  const double bin_seconds = bin_ms / 1000.0;
  std::vector<double> series(full_bins);
  double mean = 0.0;
  for (std::size_t n = 0; n < full_bins; ++n) {
    series[n] = static_cast<double>(psth_counts[n]) / (static_cast<double>(neurons) * bin_seconds);
    mean += series[n];
  }
  mean /= static_cast<double>(full_bins);
  std::vector<double> window(full_bins);
  double window_sum = 0.0;
  for (std::size_t n = 0; n < full_bins; ++n) {
    series[n] -= mean;
    window[n] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(n) /
                                     static_cast<double>(full_bins));
    window_sum += window[n];
  }

  const std::complex<double> at_signal = windowed_transform(series, window, bin_ms, frequency_hz);
  SpectralReadout readout{2.0 * std::abs(at_signal) / window_sum, kNaN};

  // The band 0.6 Hz < |f' - f| <= 2 Hz on the 1/T grid, inside (0, Nyquist).
  const double resolution_hz = 1.0 / (static_cast<double>(full_bins) * bin_seconds);
  const double nyquist_hz = 0.5 / bin_seconds;
  std::vector<double> band_power;
  // m starts above 0.6 Hz (the slack keeps 0.6 / 0.1 = 5.999... from admitting
  // 0.6 Hz itself) and at 2 at least: the Hann window's main lobe spreads the
  // signal into f +- 1/T, which must not count as noise.
  const long first_m = std::max(2L, static_cast<long>(std::floor(0.6 / resolution_hz * (1.0 + 1e-12))) + 1);
  for (int side : {-1, 1}) {
    for (long m = first_m; static_cast<double>(m) * resolution_hz <= 2.0 * (1.0 + 1e-12); ++m) {
      const double frequency = frequency_hz + side * static_cast<double>(m) * resolution_hz;
      if (frequency <= 0.0 || frequency >= nyquist_hz) continue;
      band_power.push_back(std::norm(windowed_transform(series, window, bin_ms, frequency)));
    }
  }
  if (band_power.empty()) return readout;
  std::sort(band_power.begin(), band_power.end());
  const std::size_t middle = band_power.size() / 2;
  const double median =
      band_power.size() % 2 == 1 ? band_power[middle] : 0.5 * (band_power[middle - 1] + band_power[middle]);
  const double signal_power = std::norm(at_signal);
  if (median > 0.0) {
    readout.snr_db = 10.0 * std::log10(signal_power / median);
  } else if (signal_power > 0.0) {
    readout.snr_db = std::numeric_limits<double>::infinity();
  }  // else no activity at all: NaN
  return readout;
}

}  // namespace srlif
