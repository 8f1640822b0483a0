// run.json through nlohmann-json (ordered_json keeps the fields in the order written; numbers are
// its shortest round-trip form, a NaN or infinity null).
#include "srlif/io/run_json.hpp"

#include <nlohmann/json.hpp>

namespace srlif {

namespace {

using Json = nlohmann::ordered_json;

// A neuron parameter or spread in run.json: its value, or the array of its values when swept.
Json axis_value(const Grid& grid, Axis axis) {
  return grid.varies(axis) ? Json(grid[axis]) : Json(grid[axis].front());
}

// "v_th_mV": the column name and the unit.
std::string key_with_unit(const AxisInfo& info) {
  return std::string(info.name).append("_").append(info.unit);
}

// The "spread" object: the shape and every spread; none without spreads.
Json spread_record(const SweepConfig& config) {
  const Grid& grid = config.grid;
  bool any = false;
  Json spread = {{"shape", spread_shape_name(config.spread_shape)}};
  for (const AxisInfo& info : kAxes) {
    if (!is_spread_axis(info.axis)) continue;
    any = any || grid[info.axis] != std::vector<double>{0.0};
    spread[key_with_unit(info)] = axis_value(grid, info.axis);
  }
  return any ? spread : Json();
}

double rate_of(const RunRecord& record) {
  return record.wall_seconds > 0.0 ? static_cast<double>(record.neuron_steps) / record.wall_seconds : 0.0;
}

// The record's timing, last in every run.json.
void add_timing(Json& json, const RunRecord& record) {
  json["wall_seconds"] = record.wall_seconds;
  json["neuron_steps"] = record.neuron_steps;
  json["neuron_steps_per_second"] = rate_of(record);
}

// Strings are the user's bytes (a command line, a path): any that are not UTF-8 become U+FFFD
// rather than stopping the run at its end.
std::string text_of(const Json& json) {
  return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string run_json(const SweepConfig& config, const RunRecord& record) {
  const Grid& grid = config.grid;
  Json json;
  json["srlif_version"] = record.version;
  json["command_line"] = record.command_line;
  json["scheme"] = scheme_name(config.scheme);
  json["seed"] = config.seed;
  json["neurons_per_point"] = config.neurons;
  json["grid_points"] = grid.size();
  json["noise"] = config.decorrelate_points ? "decorrelated" : "common";
  Json& neuron = json["neuron"] = Json::object();
  for (const AxisInfo& info : kAxes) {
    if (!is_neuron_axis(info.axis)) continue;
    // White noise has no "noise_tau_ms" (is_absent_at_zero): the record it had before.
    if (is_absent_at_zero(info.axis) && grid[info.axis] == std::vector<double>{0.0}) continue;
    neuron[key_with_unit(info)] = axis_value(grid, info.axis);
  }
  if (Json spread = spread_record(config); !spread.is_null()) json["spread"] = std::move(spread);
  json["time"] = {
      {"dt_ms", config.time.dt}, {"duration_ms", config.time.duration}, {"samples", config.time.samples()}};
  // Only a run with a warm-up has it (the others' record stays as it was): as given, and its steps.
  if (config.time.warmup > 0.0) {
    json["time"]["warmup_ms"] = config.time.warmup;
    json["time"]["warmup_steps"] = config.time.warmup_steps();
  }
  json["validity"] = {{"min_spikes", config.validity.min_spikes}, {"max_spikes", config.validity.max_spikes}};
  // The axes of the output files' columns, in grid order (the Python dimensions).
  Json& axes = json["axes"] = Json::object();
  for (const Axis axis : grid.column_axes()) axes[axis_info(axis).name] = grid[axis];
  if (config.readouts.enabled) {
    json["readouts"] = {{"phase_bins", config.readouts.phase_bins},
                        {"psth_bin_ms", config.readouts.psth_bin_ms},
                        {"raster_neurons", config.readouts.raster_neurons}};
  }
  json["execution"] = {{"backend", record.backend},
                       {"device", record.device},
                       {"chunk_steps", config.execution.chunk_steps},
                       {"batch_points", config.execution.batch_points}};
  if (!record.shard.empty()) json["shard"] = record.shard;
  if (record.points_resumed > 0) json["points_resumed"] = record.points_resumed;
  if (!record.merged_from.empty()) json["merged_from"] = record.merged_from;
  add_timing(json, record);
  return text_of(json);
}

std::string study_run_json(const StudyRunFacts& study, const RunRecord& record) {
  Json json;
  json["srlif_version"] = record.version;
  json["command_line"] = record.command_line;
  json["trials"] = study.trials;
  json["seed"] = study.seed;
  json["duration_ms"] = study.duration_ms;
  if (study.warmup_ms > 0.0) json["warmup_ms"] = study.warmup_ms;
  json["scheme"] = scheme_name(study.scheme);
  if (!study.theory) json["theory"] = false;
  json["backend"] = record.backend;
  json["device"] = record.device;
  add_timing(json, record);
  return text_of(json);
}

}  // namespace srlif
