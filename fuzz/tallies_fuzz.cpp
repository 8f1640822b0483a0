// Fuzz target `tallies`: a tally file (tally_file.hpp) -- a sweep's or shard's tallies.csv, a
// checkpoint's part -- as --resume and merge read it: parsed, its configuration read, its counts
// checked against that configuration (check_tallies). The input's first byte may ask for its
// checksum (file_input.hpp). An accepted file writes back to a file that reads
// back the same, and gives measures within their ranges: the rates within what the steps allow,
// every strength in [0, 1], fractions and p-values in [0, 1], spectral amplitudes not negative.
#include <cmath>
#include <numbers>
#include <string>

#include "file_input.hpp"
#include "fuzz_target.hpp"
#include "srlif/errors.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/tally_file.hpp"
#include "srlif/measures/metrics.hpp"
#include "srlif/planning/sweep_config.hpp"

namespace {

using srlif::fuzz::require;

bool within(double value, double low, double high) { return value >= low && value <= high; }

void check_measures(const srlif::TallyFile& file, const srlif::SweepConfig& config) {
  const double seconds = config.time.duration / 1000.0;
  const double most_rate = static_cast<double>(srlif::most_spikes_per_neuron(config)) / seconds;
  for (std::size_t i = 0; i < file.points.size(); ++i) {
    const srlif::PointMetrics m =
        srlif::compute_metrics(file.tallies[i], config.time.duration, file.spectra.empty() ? nullptr : &file.spectra[i]);
    const std::string at = "grid point " + std::to_string(file.points[i]) + ": ";
    require(within(m.mean_rate_hz, 0.0, most_rate * (1 + 1e-12)), at + "a mean rate beyond what the steps allow");
    const double neurons = static_cast<double>(file.tallies[i].neurons);
    if (neurons > 1) {
      // Rates in [0, most]: their sample deviation is at most most / 2 * sqrt(n / (n - 1)).
      require(within(m.rate_std_hz, 0.0, most_rate * std::sqrt(neurons / (neurons - 1)) * (1 + 1e-9)),
              at + "a rate deviation beyond what rates within the steps' reach give");
    }
    const bool spikes = file.tallies[i].spikes > 0;
    require(spikes ? within(m.pooled_vector_strength, 0.0, 1.0) : std::isnan(m.pooled_vector_strength),
            at + "a pooled vector strength outside [0, 1]");
    require(spikes ? within(m.preferred_phase_rad, 0.0, 2 * std::numbers::pi) : std::isnan(m.preferred_phase_rad),
            at + "a preferred phase outside [0, 2 pi]");
    require(spikes ? within(m.rayleigh_p, 0.0, 1.0) : std::isnan(m.rayleigh_p), at + "a Rayleigh p outside [0, 1]");
    require(within(m.valid_fraction, 0.0, 1.0), at + "a valid fraction outside [0, 1]");
    const bool valid = m.valid_neurons > 0;
    require(valid ? within(m.mean_vector_strength, 0.0, 1.0) : std::isnan(m.mean_vector_strength),
            at + "a mean vector strength outside [0, 1]");
    if (m.valid_neurons > 1) {
      // Strengths in [0, 1]: their sample deviation is at most 1/2 * sqrt(n / (n - 1)) <= 1/sqrt(2).
      require(within(m.std_vector_strength, 0.0, 0.7072), at + "a vector-strength deviation beyond 1/sqrt(2)");
    }
    if (!file.spectra.empty()) {
      require(std::isnan(m.spectral_amplitude_hz) || m.spectral_amplitude_hz >= 0.0,
              at + "a negative spectral amplitude");
    }
  }
}

}  // namespace

SRLIF_FUZZ_TARGET(tallies) {
  if (bytes.empty()) return;
  const std::string text = srlif::fuzz::checksummed_file_text(bytes);
  try {
    const srlif::TallyFile file = srlif::parse_tally_file(text, "fuzz.tallies");
    const srlif::SweepConfig config = srlif::parse_result_config_text(file.config_text, "fuzz.tallies");
    srlif::check_tallies(file, config, "fuzz.tallies");
    check_measures(file, config);
    const std::string written = srlif::format_tally_file(file);
    try {
      require(srlif::format_tally_file(srlif::parse_tally_file(written, "written")) == written,
              "an accepted tally file writes back to one that reads back changed");
    } catch (const srlif::InputError& error) {
      srlif::fuzz::fail(std::string("an accepted tally file writes back to one that is refused: ") + error.what());
    }
  } catch (const srlif::InputError&) {
  }
}
