#include "srlif/measures/spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <string>
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

// The number of full bins the estimator uses.
std::size_t full_bin_count(std::size_t available, double bin_ms, double duration_ms) {
  return std::min(available, static_cast<std::size_t>(std::floor(duration_ms / bin_ms * (1.0 + 1e-12))));
}

// The Hann window of n bins.
std::vector<double> hann_window(std::size_t n) {
  std::vector<double> window(n);
  for (std::size_t k = 0; k < n; ++k)
    window[k] =
        0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n));
  return window;
}

// The grid frequencies f + m/T of the noise band, 0.6 Hz < |m/T| <= 2 Hz and |m| >= 2, inside
// (0, Nyquist), each side in turn.
std::vector<double> band_frequencies(std::size_t full_bins, double bin_ms, double frequency_hz) {
  const double bin_seconds = bin_ms / 1000.0;
  const double resolution_hz = 1.0 / (static_cast<double>(full_bins) * bin_seconds);
  const double nyquist_hz = 0.5 / bin_seconds;
  std::vector<double> frequencies;
  // m starts above 0.6 Hz (the slack keeps 0.6 / 0.1 = 5.999... from admitting
  // 0.6 Hz itself) and at 2 at least: the Hann window's main lobe spreads the
  // signal into f +- 1/T, which must not count as noise.
  const long first_m = std::max(2L, static_cast<long>(std::floor(0.6 / resolution_hz * (1.0 + 1e-12))) + 1);
  for (int side : {-1, 1}) {
    for (long m = first_m; static_cast<double>(m) * resolution_hz <= 2.0 * (1.0 + 1e-12); ++m) {
      const double frequency = frequency_hz + side * static_cast<double>(m) * resolution_hz;
      if (frequency <= 0.0 || frequency >= nyquist_hz) continue;
      frequencies.push_back(frequency);
    }
  }
  return frequencies;
}

}  // namespace

SpectralReadout pooled_spectrum(std::span<const std::uint64_t> psth_counts, double bin_ms, double duration_ms,
                                std::uint64_t neurons, double frequency_hz) {
  const std::size_t full_bins = full_bin_count(psth_counts.size(), bin_ms, duration_ms);
  if (full_bins < 2) return SpectralReadout{kNaN, kNaN};

  const double bin_seconds = bin_ms / 1000.0;
  std::vector<double> series(full_bins);
  double mean = 0.0;
  for (std::size_t n = 0; n < full_bins; ++n) {
    series[n] = static_cast<double>(psth_counts[n]) / (static_cast<double>(neurons) * bin_seconds);
    mean += series[n];
  }
  mean /= static_cast<double>(full_bins);
  const std::vector<double> window = hann_window(full_bins);
  double window_sum = 0.0;
  for (std::size_t n = 0; n < full_bins; ++n) {
    series[n] -= mean;
    window_sum += window[n];
  }

  const std::complex<double> at_signal = windowed_transform(series, window, bin_ms, frequency_hz);
  SpectralReadout readout{2.0 * std::abs(at_signal) / window_sum, kNaN};

  // The band 0.6 Hz < |f' - f| <= 2 Hz on the 1/T grid, inside (0, Nyquist).
  std::vector<double> band_power;
  for (const double frequency : band_frequencies(full_bins, bin_ms, frequency_hz))
    band_power.push_back(std::norm(windowed_transform(series, window, bin_ms, frequency)));
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

std::string spectral_readout_error(const SpectralReadout& readout, double bin_ms, double duration_ms,
                                   double frequency_hz, double most_per_bin, std::uint64_t spikes) {
  const std::size_t full_bins = full_bin_count(std::numeric_limits<std::size_t>::max(), bin_ms, duration_ms);
  const double amplitude = readout.amplitude_hz;
  const double snr = readout.snr_db;
  if (full_bins < 2) {
    return std::isnan(amplitude) && std::isnan(snr)
               ? ""
               : "a spectral readout where the run has too few bins for one";
  }
  // |x_n - mean| <= the largest per-neuron bin rate, and 2 |sum w x| / sum w <= 2 max |x|.
  const double largest_rate = most_per_bin / (bin_ms / 1000.0);
  if (!(amplitude >= 0.0 && amplitude <= 2.0 * largest_rate * (1.0 + 1e-9))) {
    return "spectral_amplitude_hz " + std::to_string(amplitude) + " outside [0, " +
           std::to_string(2.0 * largest_rate) + "] Hz";
  }
  if (spikes == 0 && (amplitude != 0.0 || !std::isnan(snr))) return "a spectrum of a point without spikes";
  if (band_frequencies(full_bins, bin_ms, frequency_hz).empty() && !std::isnan(snr)) {
    return "an snr_db where the run has no noise band for one";
  }
  // A finite SNR is 10 log10 of a ratio of powers no larger than (largest rate x bins)^2, over a
  // median no smaller than the least positive double.
  const double most_power = std::pow(largest_rate * static_cast<double>(full_bins), 2);
  const double reach =
      10.0 * (std::log10(most_power) - std::log10(std::numeric_limits<double>::denorm_min()));
  if (std::isfinite(snr) && std::fabs(snr) > reach) {
    return "snr_db " + std::to_string(snr) + " beyond the +-" + std::to_string(reach) +
           " dB a spectrum can reach";
  }
  return "";
}

double expected_pooled_snr_db(double rate_hz, double modulation_hz, double phase_rad,
                              const std::function<double(double)>& spike_spectrum, double bin_ms,
                              double duration_ms, std::uint64_t neurons, double frequency_hz) {
  const std::size_t full_bins = full_bin_count(std::numeric_limits<std::size_t>::max(), bin_ms, duration_ms);
  const std::vector<double> band = band_frequencies(full_bins, bin_ms, frequency_hz);
  const double bin_seconds = bin_ms / 1000.0;
  if (full_bins < 2 || band.empty() || !(rate_hz > 0.0) || frequency_hz >= 0.5 / bin_seconds) return kNaN;
  const auto sinc = [](double x) { return x == 0.0 ? 1.0 : std::sin(x) / x; };

  // The signal's part, as the estimator transforms it: the bin averages of the sinusoid
  // (sinc(pi f bin) times its value at the bin's centre), their mean removed.
  const std::vector<double> window = hann_window(full_bins);
  std::vector<double> series(full_bins);
  double mean = 0.0;
  const double averaged = modulation_hz * sinc(std::numbers::pi * frequency_hz * bin_seconds);
  for (std::size_t n = 0; n < full_bins; ++n) {
    const double t = (static_cast<double>(n) + 0.5) * bin_seconds;
    series[n] = averaged * std::sin(2.0 * std::numbers::pi * frequency_hz * t - phase_rad);
    mean += series[n];
  }
  mean /= static_cast<double>(full_bins);
  for (double& value : series) value -= mean;
  const double signal_power = std::norm(windowed_transform(series, window, bin_ms, frequency_hz));

  // The noise's expected power at f': sum w^2 S_bin(f') / (N bin), S_bin aliased as above.
  double window_squares = 0.0;
  for (const double w : window) window_squares += w * w;
  const double sampling_hz = 1.0 / bin_seconds;
  const auto noise_power = [&](double frequency) {
    double binned = 0.0;
    double weight = 0.0;
    for (int k = -1; k <= 1; ++k) {
      const double alias = frequency + k * sampling_hz;
      const double attenuation = std::pow(sinc(std::numbers::pi * alias * bin_seconds), 2);
      binned += spike_spectrum(std::fabs(alias)) * attenuation;
      weight += attenuation;
    }
    binned += rate_hz * (1.0 - weight);  // the further aliases, where S = r0 (sum of all sinc^2 is 1)
    return window_squares * binned / (static_cast<double>(neurons) * bin_seconds);
  };
  // The band's expected median: ln 2 times the power at the middle of each side it has.
  double band_mean = 0.0;
  int sides = 0;
  for (int side : {-1, 1}) {
    double sum = 0.0;
    int count = 0;
    for (const double f : band) {
      if ((f - frequency_hz) * side <= 0.0) continue;
      sum += f;
      ++count;
    }
    if (count == 0) continue;
    band_mean += noise_power(sum / count);
    ++sides;
  }
  band_mean /= sides;
  return 10.0 * std::log10((signal_power + noise_power(frequency_hz)) / (std::numbers::ln2 * band_mean));
}

}  // namespace srlif
