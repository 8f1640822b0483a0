#include "srlif/io/tally_file.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include "srlif/errors.hpp"
#include "srlif/io/bounded_file.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/csv_line.hpp"
#include "srlif/io/number_text.hpp"

namespace srlif {
namespace {

constexpr std::string_view kTallyMagic = "# srlif tallies 1\n";
constexpr std::string_view kColumns =
    "point,neurons,spikes,spikes_squared,cos_sum,sin_sum,valid_neurons,strength_sum,strength_squared_sum\n";
constexpr std::string_view kSpectralColumns =
    "point,neurons,spikes,spikes_squared,cos_sum,sin_sum,valid_neurons,strength_sum,strength_squared_sum,"
    "spectral_amplitude_hz,snr_db\n";

template <typename Integer>
Integer field(std::string_view text, const std::string& path, std::size_t line) {
  Integer value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw InputError(path,
                     "line " + std::to_string(line) + ": '" + std::string(text) + "' is not an integer");
  }
  return value;
}

double number_field(std::string_view text, const std::string& path, std::size_t line) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    throw InputError(path, "line " + std::to_string(line) + ": '" + std::string(text) + "' is not a number");
  }
  return value;
}

}  // namespace

std::string tally_file_header(const std::string& config_text, const ShardSpec& shard, bool with_spectra) {
  std::string out(kTallyMagic);
  out += "# shard " + shard_text(shard) + "\n";
  std::istringstream config(config_text);
  for (std::string line; std::getline(config, line);) out += "# config " + line + "\n";
  out += with_spectra ? kSpectralColumns : kColumns;
  return out;
}

std::string tally_file_row(std::uint64_t point, const PointTally& t, const SpectralReadout* spectrum) {
  std::string row = std::to_string(point) + "," + std::to_string(t.neurons) + "," + std::to_string(t.spikes) +
                    "," + std::to_string(t.spikes_squared) + "," + std::to_string(t.cos_sum) + "," +
                    std::to_string(t.sin_sum) + "," + std::to_string(t.valid_neurons) + "," +
                    std::to_string(t.strength_sum) + "," + std::to_string(t.strength_squared_sum);
  if (spectrum != nullptr) {
    row += ',';
    row += format_number(spectrum->amplitude_hz);
    row += ',';
    row += format_number(spectrum->snr_db);
  }
  return row + "\n";
}

std::string format_tally_file(const TallyFile& file) {
  const bool with_spectra = !file.spectra.empty();
  std::string out = tally_file_header(file.config_text, file.shard, with_spectra);
  for (std::size_t i = 0; i < file.points.size(); ++i) {
    out += tally_file_row(file.points[i], file.tallies[i], with_spectra ? &file.spectra[i] : nullptr);
  }
  append_checksum(out);
  return out;
}

TallyFile parse_tally_file(const std::string& text, const std::string& path) {
  const std::string_view body = verified_body(text, path);
  if (!body.starts_with(kTallyMagic)) throw InputError(path, "not a srlif tallies file (version 1)");

  TallyFile file;
  std::istringstream lines{std::string(body.substr(kTallyMagic.size()))};
  std::string line;
  std::size_t number = 1;
  bool columns_seen = false;
  bool with_spectra = false;
  while (std::getline(lines, line)) {
    ++number;
    if (!columns_seen) {
      if (line.starts_with("# shard ")) {
        file.shard = parse_shard(line.substr(8), path + " (shard)");
      } else if (line.starts_with("# config ")) {
        file.config_text += line.substr(9) + "\n";
      } else if (line + "\n" == kColumns || line + "\n" == kSpectralColumns) {
        columns_seen = true;
        with_spectra = line + "\n" == kSpectralColumns;
      } else {
        throw InputError(path, "line " + std::to_string(number) + ": unexpected '" + line + "'");
      }
      continue;
    }
    const std::vector<std::string_view> fields = csv_fields(line);
    const std::size_t expected = with_spectra ? 11 : 9;
    if (fields.size() != expected) {
      throw InputError(
          path, "line " + std::to_string(number) + ": expected " + std::to_string(expected) + " fields");
    }
    const auto point = field<std::uint64_t>(fields[0], path, number);
    if (!file.points.empty() && point <= file.points.back()) {
      throw InputError(path, "line " + std::to_string(number) + ": grid points not in ascending order");
    }
    file.points.push_back(point);
    file.tallies.push_back(PointTally{
        field<std::uint64_t>(fields[1], path, number), field<std::uint64_t>(fields[2], path, number),
        field<std::uint64_t>(fields[3], path, number), field<std::int64_t>(fields[4], path, number),
        field<std::int64_t>(fields[5], path, number), field<std::uint64_t>(fields[6], path, number),
        field<std::uint64_t>(fields[7], path, number), field<std::uint64_t>(fields[8], path, number)});
    if (with_spectra) {
      file.spectra.push_back(
          SpectralReadout{number_field(fields[9], path, number), number_field(fields[10], path, number)});
    }
  }
  if (!columns_seen) throw InputError(path, "has no column header");
  return file;
}

std::uint64_t tally_file_bound(std::uint64_t config_text_bytes, std::uint64_t points) {
  // Magic, shard and column lines, the checksum line, and "# config " before every config line.
  const double bytes = 4096.0 + 10.0 * static_cast<double>(config_text_bytes) +
                       static_cast<double>(kMaxTallyRowBytes) * static_cast<double>(points);
  return bytes >= 9e18 ? std::uint64_t{9000000000000000000ULL} : static_cast<std::uint64_t>(bytes);
}

TallyFile read_tally_file(const std::filesystem::path& path, std::uint64_t max_bytes) {
  return parse_tally_file(read_bounded_file(path, max_bytes), path.string());
}

TallyFile read_tally_file(const std::filesystem::path& path) {
  const std::string head = read_file_head(path, kMaxTallyHeaderBytes);
  // The header ends with the column line; its config says how many rows the file can hold.
  const std::size_t columns = head.find(std::string("\n") + std::string(kColumns.substr(0, 6)));
  if (!head.starts_with(kTallyMagic)) throw InputError(path.string(), "not a srlif tallies file (version 1)");
  if (columns == std::string::npos) {
    throw InputError(path.string(),
                     "has no column header in its first " + std::to_string(kMaxTallyHeaderBytes) + " bytes");
  }
  TallyFile header;
  std::istringstream lines(head.substr(kTallyMagic.size(), columns + 1 - kTallyMagic.size()));
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("# shard ")) header.shard = parse_shard(line.substr(8), path.string() + " (shard)");
    if (line.starts_with("# config ")) header.config_text += line.substr(9) + "\n";
  }
  const SweepConfig config = parse_result_config_text(header.config_text, path.string());
  const PointRange range = shard_points(header.shard, config.grid.size());
  return read_tally_file(path, tally_file_bound(header.config_text.size(), range.end - range.first));
}

void check_tallies(const TallyFile& file, const SweepConfig& config, const std::string& path) {
  const auto most = static_cast<unsigned __int128>(most_spikes_per_neuron(config));
  // A neuron's spikes in one PSTH bin: at most one per refractory spacing of its steps.
  const double most_per_bin = static_cast<double>(most_spikes_in_steps(
      config, static_cast<std::int64_t>(std::ceil(config.readouts.psth_bin_ms / config.time.dt)) + 1));
  for (std::size_t i = 0; i < file.points.size(); ++i) {
    const PointTally& t = file.tallies[i];
    const std::string where = "grid point " + std::to_string(file.points[i]) + ": ";
    const auto refuse = [&](const std::string& what) {
      throw InputError(path, where + what + "; the file does not belong to this configuration or is forged");
    };
    if (t.neurons != config.neurons) {
      refuse(std::to_string(t.neurons) + " neurons, but the run has " + std::to_string(config.neurons));
    }
    if (t.valid_neurons > t.neurons) refuse("more valid neurons than neurons");
    const unsigned __int128 neurons = t.neurons;
    if (t.spikes > neurons * most) {
      refuse(std::to_string(t.spikes) + " spikes, more than " + std::to_string(config.neurons) +
             " neurons can fire in " + std::to_string(config.time.samples() - 1) + " steps");
    }
    // Each neuron's count is at most `most`: sum n_i^2 <= most * sum n_i, and >= (sum n_i)^2 / neurons.
    const unsigned __int128 spikes = t.spikes;
    if (t.spikes_squared > most * spikes || (neurons > 0 && spikes * spikes > neurons * t.spikes_squared)) {
      refuse("spikes_squared does not fit the spike count");
    }
    if (!phase_sums_fit(t.cos_sum, t.sin_sum, t.spikes))
      refuse("phase sums larger than the spike count allows");
    // A valid neuron fired at least --min-spikes.
    if (static_cast<unsigned __int128>(t.valid_neurons) * config.validity.min_spikes > spikes) {
      refuse(std::to_string(t.valid_neurons) + " valid neurons, but " + std::to_string(t.spikes) +
             " spikes cannot give so many neurons --min-spikes " +
             std::to_string(config.validity.min_spikes) + " each");
    }
    // Each valid neuron's R in [0, 1], rounded to r = R 2^32 and r2 = R^2 2^32 (accumulators.hpp):
    // r2 <= r, sum r <= valid 2^32, and sum R^2 >= (sum R)^2 / valid (Cauchy-Schwarz), one unit of
    // rounding per neuron.
    const double valid = static_cast<double>(t.valid_neurons);
    const double sum = static_cast<double>(t.strength_sum);
    const double squares = static_cast<double>(t.strength_squared_sum);
    const double fewest_squares =
        valid > 0.0 ? std::pow(std::max(0.0, sum - valid), 2) / (valid * kStrengthScale) - valid : 0.0;
    if (sum > valid * kStrengthScale || t.strength_squared_sum > t.strength_sum || squares < fewest_squares) {
      refuse("vector-strength sums that no " + std::to_string(t.valid_neurons) + " valid neurons can give");
    }
    if (!file.spectra.empty()) {
      const std::string rule =
          spectral_readout_error(file.spectra[i], config.readouts.psth_bin_ms, config.time.duration,
                                 config.grid.point(file.points[i])[Axis::frequency], most_per_bin, t.spikes);
      if (!rule.empty()) refuse(rule);
    }
  }
}

}  // namespace srlif
