#include "srlif/io/config_text.hpp"

#include <charconv>
#include <map>
#include <sstream>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/io/number_text.hpp"

namespace srlif {
namespace {

std::string axis_text(const std::vector<double>& values) {
  std::string text = "\"";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ',';
    text += format_number(values[i]);
  }
  text += '"';
  return text;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

double parse_double(const std::string& value, const std::string& where) {
  double number = 0.0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) {
    throw InputError(where, "'" + value + "' is not a number");
  }
  return number;
}

std::uint64_t parse_unsigned(const std::string& value, const std::string& where) {
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) {
    throw InputError(where, "'" + value + "' is not a non-negative integer");
  }
  return number;
}

std::string unquote(const std::string& value, const std::string& where) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
    throw InputError(where, "'" + value + "' is not a quoted string");
  }
  return value.substr(1, value.size() - 2);
}

std::vector<double> parse_axis_values(const std::string& value, const std::string& where) {
  const std::string list = unquote(value, where);
  std::vector<double> values;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t comma = std::min(list.find(',', begin), list.size());
    values.push_back(parse_double(list.substr(begin, comma - begin), where));
    begin = comma + 1;
  }
  return values;
}

// An input axis is always a quoted list; another axis with one value a bare number, so that a
// sweep of one neuron has the text it had before neuron parameters were axes.
std::string axis_value_text(const Grid& grid, Axis axis) {
  const std::vector<double>& values = grid[axis];
  if (!is_input_axis(axis) && values.size() == 1) return format_number(values.front());
  return axis_text(values);
}

std::vector<double> parse_axis_value_text(Axis axis, const std::string& value, const std::string& where) {
  if (!is_input_axis(axis) && !value.starts_with('"')) return {parse_double(value, where)};
  return parse_axis_values(value, where);
}

// A spread axis that is 0 (a population of identical neurons) or a noise_tau of 0 (white noise) has
// no line: the text of such a run is the one it had before those axes existed (is_absent_at_zero).
bool omitted(const Grid& grid, Axis axis) {
  return is_absent_at_zero(axis) && grid[axis] == std::vector<double>{0.0};
}

}  // namespace

std::string result_config_text(const SweepConfig& config) {
  std::string text;
  const auto line = [&text](const std::string& key, const std::string& value) {
    text += key + " = " + value + "\n";
  };
  line("scheme", quoted(scheme_name(config.scheme)));
  line("seed", std::to_string(config.seed));
  line("neurons", std::to_string(config.neurons));
  line("decorrelate", config.decorrelate_points ? "true" : "false");
  for (const AxisInfo& info : kAxes) {
    if (!omitted(config.grid, info.axis)) line(axis_key(info.axis), axis_value_text(config.grid, info.axis));
  }
  line("dt", format_number(config.time.dt));
  line("duration", format_number(config.time.duration));
  // Only runs with a warm-up have the line, so that the text of the others stays as it was.
  if (config.time.warmup > 0.0) line("warmup", format_number(config.time.warmup));
  line("min-spikes", std::to_string(config.validity.min_spikes));
  line("max-spikes", std::to_string(config.validity.max_spikes));
  line("objective", quoted(objective_name(config.objective)));
  // Only sweeps with spectra have the line, so that the text of the others stays as it was.
  if (config.readouts.enabled) line("psth", format_number(config.readouts.psth_bin_ms));
  // Only populations with a spread have its shape (the same reason).
  bool spreads = false;
  for (const AxisInfo& info : kAxes)
    spreads = spreads || (is_spread_axis(info.axis) && !omitted(config.grid, info.axis));
  if (spreads) line("spread", quoted(spread_shape_name(config.spread_shape)));
  return text;
}

SweepConfig parse_result_config_text(const std::string& text, const std::string& source) {
  std::map<std::string, std::string> values;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t equals = line.find(" = ");
    if (equals == std::string::npos) throw InputError(source, "malformed configuration line '" + line + "'");
    values[line.substr(0, equals)] = line.substr(equals + 3);
  }
  const auto take = [&](const std::string& key) {
    const auto found = values.find(key);
    if (found == values.end()) throw InputError(source, "configuration has no '" + key + "'");
    std::string value = found->second;
    values.erase(found);
    return value;
  };
  const auto where = [&source](const std::string& key) { return source + " (" + key + ")"; };
  SweepConfig config;
  config.scheme = parse_scheme(unquote(take("scheme"), where("scheme")), where("scheme"));
  config.seed = parse_unsigned(take("seed"), where("seed"));
  config.neurons = parse_unsigned(take("neurons"), where("neurons"));
  const std::string decorrelate = take("decorrelate");
  if (decorrelate != "true" && decorrelate != "false")
    throw InputError(where("decorrelate"), "not true/false");
  config.decorrelate_points = decorrelate == "true";
  for (const AxisInfo& info : kAxes) {
    const std::string key = axis_key(info.axis);
    if (is_absent_at_zero(info.axis) && !values.contains(key)) continue;  // 0, as Grid() has it
    config.grid[info.axis] = parse_axis_value_text(info.axis, take(key), where(key));
  }
  config.time.dt = parse_double(take("dt"), where("dt"));
  config.time.duration = parse_double(take("duration"), where("duration"));
  if (values.contains("warmup")) config.time.warmup = parse_double(take("warmup"), where("warmup"));
  const std::uint64_t min_spikes = parse_unsigned(take("min-spikes"), where("min-spikes"));
  const std::uint64_t max_spikes = parse_unsigned(take("max-spikes"), where("max-spikes"));
  if (min_spikes > 0xFFFFFFFFu || max_spikes > 0xFFFFFFFFu) {
    throw InputError(where("min-spikes"), "spike bounds must be below 2^32");
  }
  config.validity =
      ValidityRule{static_cast<std::uint32_t>(min_spikes), static_cast<std::uint32_t>(max_spikes)};
  config.objective = parse_objective(unquote(take("objective"), where("objective")));
  if (values.contains("psth"))
    config.readouts = sweep_spectrum_readouts(parse_double(take("psth"), where("psth")));
  if (values.contains("spread"))
    config.spread_shape = parse_spread_shape(unquote(take("spread"), where("spread")), where("spread"));
  if (!values.empty()) throw InputError(source, "unknown configuration key '" + values.begin()->first + "'");
  // Every value must come back to the same text, or the file was not written by this version.
  if (result_config_text(config) != text) {
    throw InputError(source, "configuration does not read back to the same values: " +
                                 first_difference(text, result_config_text(config)));
  }
  // And it must be one that a run accepts: what merge, --resume and the readers compute from a
  // file's configuration (a PSTH bin, the steps) is then in range (a forged `psth = -0` had
  // reached a float-to-integer conversion of -inf).
  try {
    validate(config);
  } catch (const InputError& error) {
    throw InputError(source, std::string("configuration that no run accepts: ") + error.what());
  }
  return config;
}

std::string first_difference(const std::string& expected, const std::string& found) {
  std::istringstream a(expected);
  std::istringstream b(found);
  std::string line_a;
  std::string line_b;
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_b = static_cast<bool>(std::getline(b, line_b));
    if (!more_a && !more_b) return "no difference";
    if (!more_a) line_a = "(nothing)";
    if (!more_b) line_b = "(nothing)";
    if (line_a != line_b || !more_a || !more_b) return "'" + line_a + "' against '" + line_b + "'";
  }
}

}  // namespace srlif
