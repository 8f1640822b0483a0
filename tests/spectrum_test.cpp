// pooled_spectrum (DESIGN.md section 2): the amplitude of the rate modulation
// at f from PSTH counts (Hann window) and the SNR, power at f over the median
// power in the band 0.6 Hz < |f' - f| <= 2 Hz, on synthetic PSTHs whose answer
// is known: exact sinusoids, inhomogeneous and homogeneous Poisson counts,
// strictly periodic trains, too-short runs and silence.
#include "srlif/measures/spectrum.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

namespace srlif {
namespace {

constexpr double kPi = std::numbers::pi;

// Bin centre of bin n, seconds.
double centre_s(std::size_t n, double bin_ms) { return (static_cast<double>(n) + 0.5) * bin_ms / 1000.0; }

// Periodic Hann window, as documented: w_n = 1/2 - 1/2 cos(2 pi n / N).
std::vector<double> hann(std::size_t bins) {
  std::vector<double> w(bins);
  for (std::size_t n = 0; n < bins; ++n) w[n] = 0.5 - 0.5 * std::cos(2.0 * kPi * n / bins);
  return w;
}

double sum(const std::vector<double>& values) {
  double total = 0.0;
  for (double v : values) total += v;
  return total;
}

// Expected counts of an inhomogeneous Poisson process of rate
// r(t) = r0 + a sin(2 pi f t) per neuron, N neurons, integrated over each bin.
std::vector<double> binned_means(std::size_t bins, double bin_ms, double neurons, double r0, double a,
                                 double f) {
  std::vector<double> means(bins);
  const double b = bin_ms / 1000.0;
  const double omega = 2.0 * kPi * f;
  for (std::size_t n = 0; n < bins; ++n) {
    const double t0 = static_cast<double>(n) * b;
    means[n] = neurons * (r0 * b + a * (std::cos(omega * t0) - std::cos(omega * (t0 + b))) / omega);
  }
  return means;
}

std::vector<std::uint64_t> poisson_counts(const std::vector<double>& means, std::mt19937_64& generator) {
  std::vector<std::uint64_t> counts(means.size());
  for (std::size_t n = 0; n < means.size(); ++n) {
    std::poisson_distribution<std::uint64_t> poisson(means[n]);
    counts[n] = poisson(generator);
  }
  return counts;
}

// An independent, direct implementation of the documented definition, with
// the band chosen in exact integer arithmetic (whole-ms bins and durations):
// T = full_bins * bin_ms, the grid offsets m / T with 0.6 Hz < m / T <= 2 Hz,
// i.e. 3 T_ms < 5000 m and 500 m <= T_ms, and m >= 2 (outside the Hann main
// lobe), inside (0, Nyquist).
SpectralReadout direct_spectrum(const std::vector<std::uint64_t>& counts, std::int64_t bin_ms,
                                std::int64_t duration_ms, double neurons, double f) {
  const auto full_bins = static_cast<std::size_t>(duration_ms / bin_ms);
  const double b = static_cast<double>(bin_ms) / 1000.0;
  std::vector<double> x(full_bins);
  for (std::size_t n = 0; n < full_bins; ++n) x[n] = static_cast<double>(counts[n]) / (neurons * b);
  const double mean = sum(x) / static_cast<double>(full_bins);
  const std::vector<double> w = hann(full_bins);
  const auto transform = [&](double frequency) {
    std::complex<double> total = 0.0;
    for (std::size_t n = 0; n < full_bins; ++n) {
      total += w[n] * (x[n] - mean) * std::polar(1.0, -2.0 * kPi * frequency * centre_s(n, bin_ms));
    }
    return total;
  };
  const std::complex<double> at_f = transform(f);
  SpectralReadout out{2.0 * std::abs(at_f) / sum(w), std::numeric_limits<double>::quiet_NaN()};
  const std::int64_t t_ms = static_cast<std::int64_t>(full_bins) * bin_ms;
  std::vector<double> band;
  for (std::int64_t m = 2; 500 * m <= t_ms; ++m) {
    if (3 * t_ms >= 5000 * m) continue;
    for (int side : {-1, 1}) {
      const double frequency = f + side * 1000.0 * static_cast<double>(m) / static_cast<double>(t_ms);
      if (frequency > 0.0 && frequency < 0.5 / b) band.push_back(std::norm(transform(frequency)));
    }
  }
  if (band.empty()) return out;
  std::sort(band.begin(), band.end());
  const std::size_t mid = band.size() / 2;
  const double median = band.size() % 2 == 1 ? band[mid] : 0.5 * (band[mid - 1] + band[mid]);
  out.snr_db = 10.0 * std::log10(std::norm(at_f) / median);
  return out;
}

// (a) Counts round(N b (r0 + a sin(2 pi f t_n))) at the bin centres t_n with f
// on the 1/T grid. With x_n = r0 + a sin(w t_n) + e_n (e_n the rounding,
// |e_n| <= 1/(2 N b)), Hann's transform vanishes at every grid bin except
// 0 and +-1, so sum w_n e^{-i w t_n} = sum w_n e^{-2 i w t_n} = 0 and
// X(f) = a W / (2i) + sum w_n e_n e^{-i w t_n}, W = sum w_n: the mean removal
// costs nothing and |amplitude - a| <= 2 max|e_n| <= 1 / (N b).
TEST(Spectrum, ExactSinusoidGivesItsAmplitude) {
  constexpr double kNeurons = 1e6;
  struct Case {
    double bin_ms;
    double duration_ms;
    double f;
    double r0;
    double a;
    double phase;
  };
  for (const Case c : {Case{10.0, 10000.0, 10.0, 20.0, 5.0, 0.0}, Case{10.0, 10000.0, 7.3, 8.0, 0.5, 1.0},
                       Case{5.0, 4000.0, 10.0, 30.0, 12.0, -2.0}, Case{1.0, 2000.0, 40.0, 50.0, 40.0, 0.3}}) {
    SCOPED_TRACE("bin " + std::to_string(c.bin_ms) + " f " + std::to_string(c.f));
    const auto bins = static_cast<std::size_t>(std::llround(c.duration_ms / c.bin_ms));
    const double b = c.bin_ms / 1000.0;
    // One more, partial, bin (duration + bin/2) with a wild count: it must be ignored.
    std::vector<std::uint64_t> counts(bins + 1, 1000000000000ULL);
    for (std::size_t n = 0; n < bins; ++n) {
      const double rate = c.r0 + c.a * std::sin(2.0 * kPi * c.f * centre_s(n, c.bin_ms) + c.phase);
      counts[n] = static_cast<std::uint64_t>(std::llround(kNeurons * b * rate));
    }
    const SpectralReadout readout = pooled_spectrum(counts, c.bin_ms, c.duration_ms + c.bin_ms / 2,
                                                    static_cast<std::uint64_t>(kNeurons), c.f);
    EXPECT_NEAR(readout.amplitude_hz, c.a, 1.0 / (kNeurons * b) + 1e-9 * c.a);
    EXPECT_GT(readout.snr_db, 40.0);
  }
}

// (b) Inhomogeneous Poisson counts (rate r0 + a sin(2 pi f t) integrated
// over each bin). The bin integral scales the modulation at the centre by
// sinc = sin(pi f b) / (pi f b), so the expected amplitude is a sinc.
// Standard error: the estimate is linear in the counts (the mean removal
// vanishes on the grid, see (a)), X = sum w_n x_n e^{-i w t_n}, with
// var x_n = lambda_n / (N b)^2 for Poisson counts (total complex variance
// sum w_n^2 var x_n). The expected X points along -i, so the amplitude's
// fluctuation is the component w_n x_n sin(w t_n) along it:
//   SE = (2 / W) sqrt(sum w_n^2 var(x_n) sin^2(w t_n)),
// and the orthogonal component biases |X| upwards by at most
// var_perp / (2 |E X|), added to the 4 SE tolerance.
TEST(Spectrum, InhomogeneousPoissonAmplitudeWithinFourStandardErrors) {
  constexpr double kNeurons = 50.0;
  constexpr double kBinMs = 10.0;
  constexpr std::size_t kBins = 1000;  // 10 s
  constexpr double kR0 = 10.0;
  constexpr double kA = 4.0;
  constexpr double kF = 10.0;
  const double b = kBinMs / 1000.0;
  const std::vector<double> means = binned_means(kBins, kBinMs, kNeurons, kR0, kA, kF);
  const std::vector<double> w = hann(kBins);
  const double window_sum = sum(w);
  double radial = 0.0;
  double total = 0.0;
  for (std::size_t n = 0; n < kBins; ++n) {
    const double var_x = means[n] / (kNeurons * b * kNeurons * b);
    const double s = std::sin(2.0 * kPi * kF * centre_s(n, kBinMs));
    radial += w[n] * w[n] * var_x * s * s;
    total += w[n] * w[n] * var_x;
  }
  const double expected = kA * std::sin(kPi * kF * b) / (kPi * kF * b);
  const double se = 2.0 * std::sqrt(radial) / window_sum;
  const double bias = 2.0 / window_sum * (total - radial) / (2.0 * expected * window_sum / 2.0);
  ASSERT_LT(se, 0.1 * kA) << "the test should resolve the modulation";
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    std::mt19937_64 generator(seed);
    const SpectralReadout readout =
        pooled_spectrum(poisson_counts(means, generator), kBinMs, kBins * kBinMs, 50, kF);
    EXPECT_NEAR(readout.amplitude_hz, expected + bias, 4.0 * se + bias) << "seed " << seed << " SE " << se;
  }
}

// pooled_spectrum is the documented definition, compared with a direct
// implementation whose band is chosen in exact arithmetic. Catches a band
// that includes |f' - f| = 0.6 Hz through rounding (0.6 / 0.1 < 6), or that
// drops 2 Hz, a wrong median or window.
TEST(Spectrum, MatchesTheDocumentedDefinition) {
  struct Case {
    std::int64_t bin_ms;
    std::int64_t duration_ms;
    double f;
  };
  std::mt19937_64 generator(77);
  for (const Case c : {Case{10, 10000, 10.0}, Case{5, 5000, 7.0}, Case{10, 1500, 10.0}, Case{1, 2000, 10.25},
                       Case{10, 20000, 10.0}, Case{2, 3000, 3.0}}) {
    SCOPED_TRACE("bin " + std::to_string(c.bin_ms) + " duration " + std::to_string(c.duration_ms) + " f " +
                 std::to_string(c.f));
    const auto bins = static_cast<std::size_t>((c.duration_ms + c.bin_ms - 1) / c.bin_ms);
    const std::vector<std::uint64_t> counts =
        poisson_counts(binned_means(bins, static_cast<double>(c.bin_ms), 40.0, 15.0, 3.0, c.f), generator);
    const SpectralReadout got =
        pooled_spectrum(counts, static_cast<double>(c.bin_ms), static_cast<double>(c.duration_ms), 40, c.f);
    const SpectralReadout want = direct_spectrum(counts, c.bin_ms, c.duration_ms, 40.0, c.f);
    EXPECT_NEAR(got.amplitude_hz, want.amplitude_hz, 1e-9 * want.amplitude_hz);
    ASSERT_TRUE(std::isfinite(want.snr_db));
    EXPECT_NEAR(got.snr_db, want.snr_db, 1e-9);
  }
}

// (c) All spikes at one phase of each cycle: N spikes in one 10 ms bin every
// 100 ms. The rate series is a pulse train of mean 10 Hz whose fundamental has
// amplitude 2 x 10 Hz; its power sits on the harmonics of f only, and the
// band bins (>= 6 grid bins from f, Hann leaks +-1) hold none: SNR >> 40 dB.
TEST(Spectrum, StrictlyPeriodicTrainHasHighSnr) {
  std::vector<std::uint64_t> counts(1000, 0);
  for (std::size_t n = 2; n < counts.size(); n += 10) counts[n] = 50;
  const SpectralReadout readout = pooled_spectrum(counts, 10.0, 10000.0, 50, 10.0);
  EXPECT_NEAR(readout.amplitude_hz, 20.0, 1e-9);
  EXPECT_GT(readout.snr_db, 40.0);
}

// (c) Homogeneous Poisson counts (20 Hz, 50 neurons, 10 ms bins, 10 s):
// white noise, so every grid frequency's power is (nearly) exponential with
// the same mean mu; the power P0 at f is independent of the band (the band is
// >= 6 bins away, Hann correlates bins only up to +-2 apart), and the median
// M of the ~28 band powers is about mu ln 2. So
//   P(SNR > s) = E[exp(-10^{s/10} M / mu)] and P(SNR < s) <= 10^{s/10} E[M / mu].
// Evaluated by Monte Carlo over M (2e6 draws, Hann = the 3-tap filter
// (-1/4, 1/2, -1/4) of independent rectangular-window bins):
// P(SNR > 15 dB) = 5e-6, P(SNR < -45 dB) = 2.3e-5: the interval (-45, 15) dB
// fails with probability < 1e-4. (A symmetric |SNR| bound would have to be
// about 46 dB: the exponential's lower tail is heavy on a log scale.)
TEST(Spectrum, HomogeneousPoissonSnrIsNearZeroDecibels) {
  const std::vector<double> means(1000, 50.0 * 0.01 * 20.0);
  std::mt19937_64 generator(2024);
  const SpectralReadout readout = pooled_spectrum(poisson_counts(means, generator), 10.0, 10000.0, 50, 10.0);
  EXPECT_GT(readout.snr_db, -45.0);
  EXPECT_LT(readout.snr_db, 15.0);
  EXPECT_LT(readout.amplitude_hz, 1.0);  // SE of the amplitude ~ 0.15 Hz here
}

// ... and over 200 independent realisations SNR > 0 dB about half the time:
// P(P0 > M) = 0.497 by the same Monte Carlo; binomial SE 0.035, 4 SE = 0.14.
TEST(Spectrum, HomogeneousPoissonSnrAboveZeroHalfTheTime) {
  const std::vector<double> means(1000, 50.0 * 0.01 * 20.0);
  std::mt19937_64 generator(99);
  constexpr int kRealisations = 200;
  int above = 0;
  for (int i = 0; i < kRealisations; ++i) {
    const SpectralReadout readout =
        pooled_spectrum(poisson_counts(means, generator), 10.0, 10000.0, 50, 10.0);
    ASSERT_TRUE(std::isfinite(readout.snr_db));
    above += readout.snr_db > 0.0 ? 1 : 0;
  }
  const double fraction = static_cast<double>(above) / kRealisations;
  EXPECT_NEAR(fraction, 0.497, 4.0 * std::sqrt(0.25 / kRealisations));
}

// (d) Under 1 s the only grid offset within 2 Hz is m = 1, inside the Hann
// main lobe, so the band is empty: SNR is NaN (the amplitude is still
// defined). At exactly 1 s the band is {f - 2 Hz, f + 2 Hz}.
TEST(Spectrum, RunsUnderOneSecondHaveNoSnr) {
  std::mt19937_64 generator(5);
  const std::vector<double> means(100, 5.0);
  const std::vector<std::uint64_t> counts = poisson_counts(means, generator);
  for (double duration : {990.0, 900.0, 500.0, 100.0}) {
    const SpectralReadout readout = pooled_spectrum(counts, 10.0, duration, 50, 10.0);
    EXPECT_TRUE(std::isnan(readout.snr_db)) << duration << " ms: " << readout.snr_db;
    EXPECT_TRUE(std::isfinite(readout.amplitude_hz)) << duration << " ms";
  }
  const SpectralReadout one_second = pooled_spectrum(counts, 10.0, 1000.0, 50, 10.0);
  EXPECT_TRUE(std::isfinite(one_second.snr_db));
  const std::vector<std::uint64_t> fine = poisson_counts(std::vector<double>(400, 1.0), generator);
  EXPECT_TRUE(std::isnan(pooled_spectrum(fine, 1.0, 400.0, 50, 10.0).snr_db));
}

// (e) No spikes: nothing to measure.
TEST(Spectrum, ZeroActivityHasNoSnr) {
  const std::vector<std::uint64_t> silent(1000, 0);
  const SpectralReadout readout = pooled_spectrum(silent, 10.0, 10000.0, 50, 10.0);
  EXPECT_TRUE(std::isnan(readout.snr_db));
  EXPECT_EQ(readout.amplitude_hz, 0.0);
  // Fewer than two full bins: no spectrum at all.
  const std::vector<std::uint64_t> short_run = {3, 4};
  const SpectralReadout too_short = pooled_spectrum(short_run, 10.0, 15.0, 50, 10.0);
  EXPECT_TRUE(std::isnan(too_short.amplitude_hz));
  EXPECT_TRUE(std::isnan(too_short.snr_db));
}

}  // namespace
}  // namespace srlif
