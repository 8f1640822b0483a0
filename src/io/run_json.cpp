#include "srlif/io/run_json.hpp"

#include "srlif/io/csv_json.hpp"

namespace srlif {

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
    // White noise has no "noise_tau_ms" (is_absent_at_zero): the record it had before.
    if (is_absent_at_zero(info.axis) && grid[info.axis] == std::vector<double>{0.0}) continue;
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

}  // namespace srlif
