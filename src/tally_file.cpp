#include "srlif/tally_file.hpp"

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "srlif/errors.hpp"

namespace srlif {
namespace {

constexpr std::string_view kMagic = "# srlif tallies 1\n";
constexpr std::string_view kColumns =
    "point,neurons,spikes,spikes_squared,cos_sum,sin_sum,valid_neurons,strength_sum,strength_squared_sum\n";
constexpr std::string_view kChecksumPrefix = "# fnv1a64 ";

std::string hex64(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016" PRIx64, value);
  return text;
}

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

}  // namespace

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char byte : bytes) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string format_tally_file(const TallyFile& file) {
  std::string out(kMagic);
  out += "# shard " + shard_text(file.shard) + "\n";
  std::istringstream config(file.config_text);
  for (std::string line; std::getline(config, line);) out += "# config " + line + "\n";
  out += kColumns;
  for (std::size_t i = 0; i < file.points.size(); ++i) {
    const PointTally& t = file.tallies[i];
    out += std::to_string(file.points[i]) + "," + std::to_string(t.neurons) + "," + std::to_string(t.spikes) +
           "," + std::to_string(t.spikes_squared) + "," + std::to_string(t.cos_sum) + "," +
           std::to_string(t.sin_sum) + "," + std::to_string(t.valid_neurons) + "," +
           std::to_string(t.strength_sum) + "," + std::to_string(t.strength_squared_sum) + "\n";
  }
  out += std::string(kChecksumPrefix) + hex64(fnv1a64(out)) + "\n";
  return out;
}

TallyFile parse_tally_file(const std::string& text, const std::string& path) {
  // The checksum line is last; everything before it is what it covers.
  const std::size_t last = text.size() >= 2 ? text.rfind('\n', text.size() - 2) : std::string::npos;
  const std::string_view trailer =
      last == std::string::npos ? std::string_view() : std::string_view(text).substr(last + 1);
  if (text.empty() || text.back() != '\n' || !trailer.starts_with(kChecksumPrefix) ||
      trailer.size() != kChecksumPrefix.size() + 17) {
    throw InputError(path, "truncated: it does not end with its checksum line");
  }
  const std::string_view body = std::string_view(text).substr(0, last + 1);
  const std::string expected(trailer.substr(kChecksumPrefix.size(), 16));
  if (hex64(fnv1a64(body)) != expected) {
    throw InputError(path, "corrupt: its checksum does not match its contents");
  }
  if (!body.starts_with(kMagic)) throw InputError(path, "not a srlif tallies file (version 1)");

  TallyFile file;
  std::istringstream lines{std::string(body.substr(kMagic.size()))};
  std::string line;
  std::size_t number = 1;
  bool columns_seen = false;
  while (std::getline(lines, line)) {
    ++number;
    if (!columns_seen) {
      if (line.starts_with("# shard ")) {
        file.shard = parse_shard(line.substr(8), path + " (shard)");
      } else if (line.starts_with("# config ")) {
        file.config_text += line.substr(9) + "\n";
      } else if (line + "\n" == kColumns) {
        columns_seen = true;
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
    if (fields.size() != 9) throw InputError(path, "line " + std::to_string(number) + ": expected 9 fields");
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
  }
  if (!columns_seen) throw InputError(path, "has no column header");
  return file;
}

TallyFile read_tally_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_tally_file(text.str(), path.string());
}

}  // namespace srlif
