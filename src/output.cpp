#include "srlif/output.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "srlif/errors.hpp"

namespace srlif {
namespace {

std::string format_count(std::uint64_t value) { return std::to_string(value); }

std::vector<std::string> metric_fields(const PointMetrics& m) {
  return {format_number(m.mean_rate_hz),
          format_number(m.rate_std_hz),
          format_number(m.pooled_vector_strength),
          format_number(m.preferred_phase_rad),
          format_number(m.mean_vector_strength),
          format_number(m.std_vector_strength),
          format_count(m.valid_neurons),
          format_number(m.valid_fraction),
          format_number(m.rayleigh_z),
          format_number(m.rayleigh_p),
          format_count(m.total_spikes),
          format_number(m.rayleigh_rate_hz),
          format_number(m.spectral_amplitude_hz),
          format_number(m.snr_db)};
}

const std::vector<std::string> kMetricColumns = {"mean_rate_hz",
                                                 "rate_std_hz",
                                                 "pooled_vector_strength",
                                                 "preferred_phase_rad",
                                                 "mean_vector_strength",
                                                 "std_vector_strength",
                                                 "valid_neurons",
                                                 "valid_fraction",
                                                 "rayleigh_z",
                                                 "rayleigh_p",
                                                 "total_spikes",
                                                 "rayleigh_rate_hz",
                                                 "spectral_amplitude_hz",
                                                 "snr_db"};

}  // namespace

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += fields[i];
  }
  line += '\n';
  return line;
}

namespace {

// JSON has no NaN: undefined numbers become null.
std::string json_number(double value) { return std::isfinite(value) ? format_number(value) : "null"; }

std::string json_array(const std::vector<double>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += json_number(values[i]);
  }
  return out + "]";
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "cannot write " + path.string());
    }
    written += static_cast<std::size_t>(n);
  }
}

constexpr std::size_t kStagingBuffer = 1 << 20;  // bytes gathered before a write(2)

}  // namespace

namespace {

std::vector<std::string> axis_columns(const std::vector<Axis>& axes) {
  std::vector<std::string> names;
  for (const Axis axis : axes) names.emplace_back(axis_info(axis).name);
  return names;
}

std::vector<std::string> axis_fields(const GridPoint& point, const std::vector<Axis>& axes) {
  std::vector<std::string> fields;
  for (const Axis axis : axes) fields.push_back(format_number(point[axis]));
  return fields;
}

// The axes of an optimum.csv row: the columns but sigma, over which the slice runs.
std::vector<Axis> slice_axes(const Grid& grid) {
  std::vector<Axis> axes = grid.column_axes();
  axes.erase(axes.begin());
  return axes;
}

}  // namespace

std::vector<std::string> point_key_columns(const Grid& grid) {
  std::vector<std::string> names = {"point"};
  for (std::string& name : axis_columns(grid.column_axes())) names.push_back(std::move(name));
  return names;
}

std::vector<std::string> point_key_fields(const Grid& grid, std::size_t index) {
  std::vector<std::string> fields = {format_count(index)};
  for (std::string& field : axis_fields(grid.point(index), grid.column_axes()))
    fields.push_back(std::move(field));
  return fields;
}

std::vector<std::string> points_csv_columns(const Grid& grid) {
  std::vector<std::string> names = point_key_columns(grid);
  names.emplace_back("neurons");
  names.insert(names.end(), kMetricColumns.begin(), kMetricColumns.end());
  return names;
}

std::vector<std::string> points_csv_fields(const Grid& grid, std::uint64_t neurons, std::size_t index,
                                           const PointMetrics& metrics) {
  std::vector<std::string> fields = point_key_fields(grid, index);
  fields.push_back(format_count(neurons));
  const std::vector<std::string> values = metric_fields(metrics);
  fields.insert(fields.end(), values.begin(), values.end());
  return fields;
}

std::string points_csv(const Grid& grid, std::uint64_t neurons, const std::vector<PointMetrics>& metrics,
                       std::uint64_t first_point) {
  std::string out = points_csv_header(grid);
  out.reserve(out.size() + metrics.size() * 200);
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    out += csv_line(points_csv_fields(grid, neurons, first_point + i, metrics[i]));
  }
  return out;
}

std::string points_csv_header(const Grid& grid) { return csv_line(points_csv_columns(grid)); }

std::string optimum_csv_header(const Grid& grid) {
  std::vector<std::string> header = {"objective"};
  for (std::string& name : axis_columns(slice_axes(grid))) header.push_back(std::move(name));
  for (const char* name : {"eligible_points", "sigma_opt", "sigma_opt_refined", "point"})
    header.emplace_back(name);
  header.insert(header.end(), kMetricColumns.begin(), kMetricColumns.end());
  return csv_line(header);
}

std::string optimum_csv_row(const Grid& grid, const SliceOptimum& optimum, const PointMetrics* at_optimum,
                            Objective objective) {
  std::vector<std::string> fields = {objective_name(objective)};
  const GridPoint first = grid.point(optimum.slice * grid[Axis::sigma].size());
  for (std::string& field : axis_fields(first, slice_axes(grid))) fields.push_back(std::move(field));
  fields.push_back(format_count(optimum.eligible_points));
  fields.push_back(format_number(optimum.sigma_opt));
  fields.push_back(format_number(optimum.sigma_opt_refined));
  if (optimum.found) {
    fields.push_back(format_count(optimum.point));
    const std::vector<std::string> values = metric_fields(*at_optimum);
    fields.insert(fields.end(), values.begin(), values.end());
  } else {
    // No eligible point: every cell says so alike (nan), none is left empty.
    fields.push_back("nan");
    for (std::size_t i = 0; i < kMetricColumns.size(); ++i) fields.push_back("nan");
  }
  return csv_line(fields);
}

std::string optimum_csv(const Grid& grid, const std::vector<PointMetrics>& metrics,
                        const std::vector<SliceOptimum>& optima, Objective objective) {
  std::string out = optimum_csv_header(grid);
  for (const SliceOptimum& optimum : optima) {
    out += optimum_csv_row(grid, optimum, optimum.found ? &metrics[optimum.point] : nullptr, objective);
  }
  return out;
}

namespace {

// A neuron parameter or spread in run.json: its value, or the array of its values when swept.
std::string axis_value_json(const Grid& grid, Axis axis) {
  return grid.varies(axis) ? json_array(grid[axis]) : json_number(grid[axis].front());
}

// run.json's "spread" line: the shape and every spread; none without spreads.
std::string spread_text(const SweepConfig& config) {
  const Grid& grid = config.grid;
  bool any = false;
  std::string out = "  \"spread\": {\"shape\": " + json_string(spread_shape_name(config.spread_shape));
  for (const AxisInfo& info : kAxes) {
    if (!is_spread_axis(info.axis)) continue;
    any = any || grid[info.axis] != std::vector<double>{0.0};
    out.append(", \"").append(info.name).append("_").append(info.unit).append("\": ");
    out.append(axis_value_json(grid, info.axis));
  }
  return any ? out + "},\n" : "";
}

}  // namespace

std::string run_json(const SweepConfig& config, const RunRecord& record) {
  const Grid& grid = config.grid;
  const double rate =
      record.wall_seconds > 0.0 ? static_cast<double>(record.neuron_steps) / record.wall_seconds : 0.0;
  std::string out = "{\n";
  out += "  \"srlif_version\": " + json_string(record.version) + ",\n";
  out += "  \"command_line\": " + json_string(record.command_line) + ",\n";
  out += "  \"scheme\": " + json_string(scheme_name(config.scheme)) + ",\n";
  out += "  \"seed\": " + std::to_string(config.seed) + ",\n";
  out += "  \"neurons_per_point\": " + std::to_string(config.neurons) + ",\n";
  out += "  \"grid_points\": " + std::to_string(grid.size()) + ",\n";
  out += "  \"noise\": " + json_string(config.decorrelate_points ? "decorrelated" : "common") + ",\n";
  out += "  \"neuron\": {";
  for (const AxisInfo& info : kAxes) {
    if (!is_neuron_axis(info.axis)) continue;
    // "v_th_mV": the column name and the unit.
    out.append(info.axis == Axis::v_threshold ? "" : ", ").append("\"").append(info.name).append("_");
    out.append(info.unit).append("\": ").append(axis_value_json(grid, info.axis));
  }
  out += "},\n";
  out += spread_text(config);  // nothing without spreads
  out += "  \"time\": {\"dt_ms\": " + json_number(config.time.dt) +
         ", \"duration_ms\": " + json_number(config.time.duration) +
         ", \"samples\": " + std::to_string(config.time.samples()) + "},\n";
  out += "  \"validity\": {\"min_spikes\": " + std::to_string(config.validity.min_spikes) +
         ", \"max_spikes\": " + std::to_string(config.validity.max_spikes) + "},\n";
  // The axes of the output files' columns, in grid order (the Python dimensions).
  out += "  \"axes\": {";
  for (const Axis axis : grid.column_axes()) {
    out.append(axis == Axis::sigma ? "" : ", ").append("\"").append(axis_info(axis).name).append("\": ");
    out.append(json_array(grid[axis]));
  }
  out += "},\n";
  if (config.readouts.enabled) {
    out += "  \"readouts\": {\"phase_bins\": " + std::to_string(config.readouts.phase_bins) +
           ", \"psth_bin_ms\": " + json_number(config.readouts.psth_bin_ms) +
           ", \"raster_neurons\": " + std::to_string(config.readouts.raster_neurons) + "},\n";
  }
  out += "  \"execution\": {\"backend\": " + json_string(record.backend) +
         ", \"device\": " + json_string(record.device) +
         ", \"chunk_steps\": " + std::to_string(config.execution.chunk_steps) +
         ", \"batch_points\": " + std::to_string(config.execution.batch_points) + "},\n";
  if (!record.shard.empty()) out += "  \"shard\": " + json_string(record.shard) + ",\n";
  if (record.points_resumed > 0) {
    out += "  \"points_resumed\": " + std::to_string(record.points_resumed) + ",\n";
  }
  if (!record.merged_from.empty()) {
    out += "  \"merged_from\": [";
    for (std::size_t i = 0; i < record.merged_from.size(); ++i) {
      out += (i ? ", " : "") + json_string(record.merged_from[i]);
    }
    out += "],\n";
  }
  out += "  \"wall_seconds\": " + json_number(record.wall_seconds) + ",\n";
  out += "  \"neuron_steps\": " + std::to_string(record.neuron_steps) + ",\n";
  out += "  \"neuron_steps_per_second\": " + json_number(rate) + "\n";
  out += "}\n";
  return out;
}

void prepare_output_directory(const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    throw InputError("--out", "cannot create directory '" + directory.string() + "': " + error.message());
  }
  if (!std::filesystem::is_directory(directory)) {
    throw InputError("--out", "'" + directory.string() + "' exists and is not a directory");
  }
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    throw InputError("--out", "directory '" + directory.string() + "' is not writable");
  }
}

double sweep_output_bytes(double grid_points, double neurons_in_flight) {
  // points.csv <= ~350 B and tallies.csv <= ~200 B per point, optimum.csv less;
  // the checkpoint holds the tallies once more until the end.
  constexpr double kBytesPerPoint = 350.0 + 2.0 * 200.0;
  // A state file holds 28 B per neuron in flight, twice while it is replaced.
  constexpr double kStateBytesPerNeuron = 2.0 * 28.0;
  return 65536.0 + grid_points * kBytesPerPoint + neurons_in_flight * kStateBytesPerNeuron;
}

double free_disk_bytes(const std::filesystem::path& directory) {
  struct statvfs stats {};
  std::filesystem::path existing = directory.empty() ? std::filesystem::path(".") : directory;
  std::error_code error;
  while (!std::filesystem::exists(existing, error)) {
    if (!existing.has_parent_path() || existing.parent_path() == existing) {
      existing = existing.is_absolute() ? existing.root_path() : std::filesystem::path(".");
      break;
    }
    existing = existing.parent_path();
  }
  // A file system without blocks (/proc, /sys) tells nothing; creating the folder says why it fails.
  if (::statvfs(existing.c_str(), &stats) != 0 || stats.f_blocks == 0) return -1.0;
  return static_cast<double>(stats.f_bavail) * static_cast<double>(stats.f_frsize);
}

void check_output_fits_disk(double needed_bytes, double free_bytes, const std::filesystem::path& directory,
                            const std::string& advice) {
  if (free_bytes < 0.0 || needed_bytes <= free_bytes) return;
  const auto mib = [](double bytes) { return format_number(std::ceil(bytes / 1048576.0)) + " MiB"; };
  throw InputError("--out", "the results need about " + mib(needed_bytes) + " of disk but only " +
                                mib(free_bytes) + " are free in '" + directory.string() + "'; " + advice);
}

StagedFiles::StagedFiles(std::filesystem::path directory) : directory_(std::move(directory)) {}

StagedFiles::~StagedFiles() {
  for (File& file : files_) {
    if (file.fd >= 0) ::close(file.fd);
    if (!committed_) ::unlink(file.temporary.c_str());
  }
}

std::size_t StagedFiles::create(const std::string& name) {
  File file{name, directory_ / (name + ".tmp." + std::to_string(::getpid())), -1, {}};
  file.fd = ::open(file.temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (file.fd < 0)
    throw std::system_error(errno, std::generic_category(), "cannot create " + file.temporary.string());
  files_.push_back(std::move(file));
  return files_.size() - 1;
}

void StagedFiles::append(std::size_t file, std::string_view bytes) {
  File& staged = files_.at(file);
  staged.buffer += bytes;
  if (staged.buffer.size() >= kStagingBuffer) {
    write_all(staged.fd, staged.buffer, staged.temporary);
    staged.buffer.clear();
  }
}

void StagedFiles::commit() {
  for (File& file : files_) {
    write_all(file.fd, file.buffer, file.temporary);
    file.buffer = {};
    const int fd = std::exchange(file.fd, -1);
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      throw std::system_error(errno, std::generic_category(), "cannot sync " + file.temporary.string());
    }
  }
  for (const File& file : files_) std::filesystem::rename(file.temporary, directory_ / file.name);
  committed_ = true;
  const int fd = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::vector<std::string> StagedFiles::names() const {
  std::vector<std::string> names;
  for (const File& file : files_) names.push_back(file.name);
  return names;
}

void write_files_atomically(const std::filesystem::path& directory,
                            const std::vector<std::pair<std::string, std::string>>& files) {
  StagedFiles staged(directory);
  for (const auto& [name, contents] : files) staged.append(staged.create(name), contents);
  staged.commit();
}

}  // namespace srlif
