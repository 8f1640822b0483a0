#include "srlif/tally_file.hpp"

#include <charconv>
#include <sstream>

#include "srlif/errors.hpp"
#include "srlif/output.hpp"

namespace srlif {
namespace {

constexpr std::string_view kMagic = "# srlif tallies 1\n";
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
  std::string out(kMagic);
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
  if (!body.starts_with(kMagic)) throw InputError(path, "not a srlif tallies file (version 1)");

  TallyFile file;
  std::istringstream lines{std::string(body.substr(kMagic.size()))};
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
    std::vector<std::string_view> fields;
    std::string_view rest(line);
    for (std::size_t comma; (comma = rest.find(',')) != std::string_view::npos;
         rest.remove_prefix(comma + 1)) {
      fields.push_back(rest.substr(0, comma));
    }
    fields.push_back(rest);
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

TallyFile read_tally_file(const std::filesystem::path& path) {
  return parse_tally_file(read_file_bytes(path), path.string());
}

}  // namespace srlif
