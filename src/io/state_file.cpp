#include "srlif/io/state_file.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <sstream>

#include "srlif/errors.hpp"
#include "srlif/io/bounded_file.hpp"
#include "srlif/io/checksummed_file.hpp"
#include "srlif/physics/accumulators.hpp"
#include "srlif/physics/neuron_vars.hpp"

namespace srlif {
namespace {

static_assert(std::endian::native == std::endian::little, "state files are little-endian");

// The layout follows SRLIF_NEURON_VARS (neuron_vars.hpp): the file's version is the newest
// variable's, and a file of an older version is read with the variables it lacks at 0 (version 2
// added the noise current of coloured noise and scheme exact's pending release; a version 1 file,
// white noise with the reset on the grid, has neither).
constexpr int kStateVersion = [] {
  int version = 1;
  for (const NeuronVar& var : kNeuronVars)
    version = var.since_version > version ? var.since_version : version;
  return version;
}();
constexpr std::string_view kStateMagicPrefix = "# srlif state ";

// The magic line of a version ("# srlif state 2\n").
std::string state_magic(int version) {
  return std::string(kStateMagicPrefix) + std::to_string(version) + "\n";
}

// Bytes per neuron in a file of `version`: one element of each of its arrays.
constexpr std::uint64_t bytes_per_neuron(int version) {
  std::uint64_t bytes = 0;
  std::size_t index = 0;
  PopulationSnapshot state;
  for_each_state_array(
      [&](const auto& array) {
        if (kNeuronVars[index++].since_version <= version) bytes += sizeof(array[0]);
      },
      state);
  return bytes;
}
constexpr std::uint64_t kBytesPerNeuron = bytes_per_neuron(kStateVersion);

template <typename T>
void append_array(std::string& out, const std::vector<T>& values) {
  out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

template <typename T>
void take_array(std::string_view& data, std::size_t count, std::vector<T>& values) {
  values.resize(count);
  std::memcpy(values.data(), data.data(), count * sizeof(T));
  data.remove_prefix(count * sizeof(T));
}

// The next '\n'-terminated line of `rest`, removed from it.
std::string_view take_line(std::string_view& rest, const std::string& path) {
  const std::size_t end = rest.find('\n');
  if (end == std::string_view::npos) throw InputError(path, "malformed: a header line has no end");
  const std::string_view line = rest.substr(0, end);
  rest.remove_prefix(end + 1);
  return line;
}

std::uint64_t number(std::string_view text, const std::string& path, std::string_view what) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    throw InputError(path, "malformed: " + std::string(what) + " '" + std::string(text) + "' is not a count");
  }
  return value;
}

// The value of header line "<key> <value>".
std::string_view keyed(std::string_view line, std::string_view key, const std::string& path) {
  if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ' ') {
    throw InputError(path, "malformed: expected '" + std::string(key) + " ...', found '" +
                               std::string(line.substr(0, 40)) + "'");
  }
  return line.substr(key.size() + 1);
}

}  // namespace

std::string format_state_file(const StateFile& file) {
  const PopulationSnapshot& state = file.state;
  std::string out = state_magic(kStateVersion);
  out += "# shard " + shard_text(file.shard) + "\n";
  std::istringstream config(file.config_text);
  for (std::string line; std::getline(config, line);) out += "# config " + line + "\n";
  out += "points";
  for (const std::uint64_t point : file.points) {
    out += ' ';
    out += std::to_string(point);
  }
  out += "\nneurons " + std::to_string(file.neurons_per_point) + "\n";
  out += "next_step " + std::to_string(state.next_step) + "\n";
  out += "data " + std::to_string(state.v.size() * kBytesPerNeuron) + "\n";
  for_each_state_array([&](const auto& array) { append_array(out, array); }, state);
  out += "\n";
  append_checksum(out);
  return out;
}

StateFile parse_state_file(const std::string& bytes, const std::string& path) {
  std::string_view rest = verified_body(bytes, path);
  int version = 0;
  for (int known = 1; known <= kStateVersion; ++known) {
    if (rest.starts_with(state_magic(known))) version = known;
  }
  if (version == 0) {
    throw InputError(path, "not a srlif state file (version 1 to " + std::to_string(kStateVersion) + ")");
  }
  rest.remove_prefix(state_magic(version).size());
  const std::uint64_t file_bytes_per_neuron = bytes_per_neuron(version);

  StateFile file;
  std::string_view line = take_line(rest, path);
  if (line.starts_with("# shard ")) {
    file.shard = parse_shard(std::string(line.substr(8)), path + " (shard)");
    line = take_line(rest, path);
  }
  while (line.starts_with("# config ")) {
    file.config_text += std::string(line.substr(9)) + "\n";
    line = take_line(rest, path);
  }
  if (line != "points" && !line.starts_with("points ")) {
    throw InputError(path,
                     "malformed: expected 'points ...', found '" + std::string(line.substr(0, 40)) + "'");
  }
  for (std::string_view list = line.substr(6); !list.empty();) {
    if (list.front() != ' ') throw InputError(path, "malformed: the points are not separated by spaces");
    list.remove_prefix(1);
    const std::size_t space = list.find(' ');
    const std::uint64_t point = number(list.substr(0, space), path, "grid point");
    if (!file.points.empty() && point <= file.points.back())
      throw InputError(path, "malformed: grid points not in ascending order");
    file.points.push_back(point);
    list.remove_prefix(space == std::string_view::npos ? list.size() : space);
  }
  if (file.points.empty()) throw InputError(path, "malformed: no grid points");
  file.neurons_per_point = number(keyed(take_line(rest, path), "neurons", path), path, "neurons");
  const std::uint64_t next_step = number(keyed(take_line(rest, path), "next_step", path), path, "next_step");
  if (next_step == 0 || next_step % 4 != 0 || next_step > (std::uint64_t{1} << 62))
    throw InputError(
        path, "malformed: next_step " + std::to_string(next_step) + " is not a positive multiple of 4");
  file.state.next_step = static_cast<std::int64_t>(next_step);
  const std::uint64_t data_bytes = number(keyed(take_line(rest, path), "data", path), path, "data");

  // The data and the newline before the checksum line are all that is left.
  std::uint64_t neurons = 0;
  std::uint64_t expected_bytes = 0;
  if (__builtin_mul_overflow(static_cast<std::uint64_t>(file.points.size()), file.neurons_per_point,
                             &neurons) ||
      __builtin_mul_overflow(neurons, file_bytes_per_neuron, &expected_bytes) ||
      data_bytes != expected_bytes || rest.size() != data_bytes + 1 || rest.back() != '\n') {
    throw InputError(path, "malformed: its data is not the state of " + std::to_string(file.points.size()) +
                               " grid points x " + std::to_string(file.neurons_per_point) + " neurons");
  }
  const auto count = static_cast<std::size_t>(neurons);
  std::size_t index = 0;
  for_each_state_array(
      [&](auto& array) {
        if (kNeuronVars[index++].since_version > version) {
          array.assign(count, 0);  // a variable newer than the file
        } else {
          take_array(rest, count, array);
        }
      },
      file.state);
  return file;
}

std::uint64_t state_file_bound(std::uint64_t config_text_bytes, std::uint64_t points,
                               std::uint64_t neurons_per_point) {
  // The header (magic, shard, "# config " lines, the points at most 21 bytes each, the counts),
  // the data, its newline and the checksum line.
  const double bytes = 4096.0 + 10.0 * static_cast<double>(config_text_bytes) +
                       21.0 * static_cast<double>(points) +
                       static_cast<double>(kBytesPerNeuron) * static_cast<double>(points) *
                           static_cast<double>(neurons_per_point);
  return bytes >= 9e18 ? std::uint64_t{9000000000000000000ULL} : static_cast<std::uint64_t>(bytes);
}

StateFile read_state_file(const std::filesystem::path& path, std::uint64_t max_bytes) {
  return parse_state_file(read_bounded_file(path, max_bytes), path.string());
}

void check_state(const StateFile& file, const SweepConfig& config, const std::string& path) {
  static_assert(kNeuronVarCount == 7, "a new neuron variable needs its reachable range here");
  const Grid& grid = config.grid;
  const PopulationSnapshot& state = file.state;
  const double reach = spread_reach(config.spread_shape);
  const double highest_threshold =
      largest(grid[Axis::v_threshold]) + reach * largest(grid[Axis::v_threshold_spread]);
  const std::int64_t longest_hold =
      TimeGrid::refractory_samples(largest(grid[Axis::t_ref]), config.time.dt) + 1;
  const auto most_spikes =
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, most_spikes_in_steps(config, state.next_step)));
  for (std::size_t p = 0; p < file.points.size(); ++p) {
    const bool white = grid.point(file.points[p])[Axis::noise_tau] == 0.0;
    for (std::uint64_t k = 0; k < file.neurons_per_point; ++k) {
      const std::size_t n = p * file.neurons_per_point + k;
      const auto refuse = [&](const std::string& what) {
        throw InputError(path, "grid point " + std::to_string(file.points[p]) + ", neuron " +
                                   std::to_string(k) + ": " + what + " at step " +
                                   std::to_string(state.next_step) +
                                   "; the state does not belong to this configuration or is forged");
      };
      const double v = state.v[n];
      if (!std::isfinite(v) || v > highest_threshold)
        refuse("v " + std::to_string(v) + " mV is not below the threshold");
      if (state.refractory[n] < 0 || state.refractory[n] > longest_hold) {
        refuse("a hold of " + std::to_string(state.refractory[n]) + " steps, beyond --t-ref");
      }
      if (state.spikes[n] > most_spikes) {
        refuse(std::to_string(state.spikes[n]) + " spikes, more than " + std::to_string(most_spikes) +
               " the steps allow");
      }
      if (!phase_sums_fit(state.cos_sum[n], state.sin_sum[n], state.spikes[n])) {
        refuse("phase sums longer than its spikes allow");
      }
      const double current = state.noise_current[n];
      if (!std::isfinite(current) || (white && current != 0.0)) {
        refuse("a noise current of " + std::to_string(current) + " pA" + (white ? " under white noise" : ""));
      }
      const double release = state.release[n];
      if (!(release >= 0.0 && release <= 1.0) || (config.scheme == Scheme::euler && release != 0.0)) {
        refuse("a release of " + std::to_string(release) + " of a step");
      }
    }
  }
}

}  // namespace srlif
