#include "srlif/planning/grid.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

#include "srlif/errors.hpp"
#include "srlif/io/number_text.hpp"

namespace srlif {
namespace {

constexpr std::uint64_t kMaxAxisValues = 100000000;  // 10^8

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? text.size() - start : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// An axis item's numbers follow the one number rule set (number_text.hpp); blanks around a
// list item or a range's fields belong to the list syntax and are dropped.
double parse_number(std::string_view item, const std::string& flag, const std::string& whole) {
  item = trim(item);
  if (const auto value = read_real(item)) return *value;
  throw InputError(flag, number_text_error(item, NumberKind::real) + " in '" + whole +
                             "' (expected start:stop:count, log:start:stop:count or a comma list)");
}

long long parse_count(std::string_view item, const std::string& flag, const std::string& whole) {
  item = trim(item);
  const auto count = read_whole(item);
  if (!count || *count < 1) {
    throw InputError(flag,
                     "count '" + std::string(item) + "' in '" + whole + "' must be a whole number >= 1");
  }
  if (*count > static_cast<long long>(kMaxAxisValues)) {
    throw InputError(flag, "count in '" + whole + "' must be <= 10^8");
  }
  return *count;
}

// Appends the item's values to `values`, or only counts them into `count` when
// `values` is null (so a huge grid can be refused before it is built).
void append_item(std::string_view item, const std::string& flag, const std::string& whole,
                 std::vector<double>* values, std::uint64_t& count_out) {
  std::vector<std::string_view> fields = split(item, ':');
  const bool logarithmic = trim(fields.front()) == "log";
  if (logarithmic) fields.erase(fields.begin());
  if (fields.size() == 1 && !logarithmic) {
    const double value = parse_number(fields[0], flag, whole);
    if (values != nullptr) values->push_back(value);
    ++count_out;
    return;
  }
  if (fields.size() != 3) {
    throw InputError(flag, "'" + std::string(trim(item)) +
                               "' is not a range: use start:stop:count or log:start:stop:count");
  }
  const double start = parse_number(fields[0], flag, whole);
  const double stop = parse_number(fields[1], flag, whole);
  const long long count = parse_count(fields[2], flag, whole);
  if (logarithmic && (start <= 0.0 || stop <= 0.0)) {
    throw InputError(flag, "log range '" + std::string(trim(item)) + "' needs start > 0 and stop > 0");
  }
  count_out += static_cast<std::uint64_t>(count);
  if (values == nullptr) return;
  const double first = logarithmic ? std::log(start) : start;
  const double last = logarithmic ? std::log(stop) : stop;
  // numpy.linspace: start + i * step, with the last value set to stop exactly.
  const double step = count > 1 ? (last - first) / static_cast<double>(count - 1) : 0.0;
  for (long long i = 0; i < count; ++i) {
    double value = first + static_cast<double>(i) * step;
    if (i == count - 1 && count > 1) value = last;
    values->push_back(logarithmic ? (i == 0 ? start : (i == count - 1 ? stop : std::exp(value))) : value);
  }
}

}  // namespace

namespace {

std::uint64_t visit_axis(const std::string& text, const std::string& flag, std::vector<double>* values) {
  if (trim(text).empty()) throw InputError(flag, "needs at least one value");
  std::uint64_t count = 0;
  for (std::string_view item : split(text, ',')) {
    if (trim(item).empty()) throw InputError(flag, "'" + text + "' has an empty list item");
    append_item(item, flag, text, values, count);
    if (count > kMaxAxisValues) throw InputError(flag, "more than 10^8 values");
  }
  return count;
}

}  // namespace

std::uint64_t count_axis(const std::string& text, const std::string& flag) {
  return visit_axis(text, flag, nullptr);
}

std::vector<double> parse_axis(const std::string& text, const std::string& flag) {
  // The whole text is checked before a value is built: a malformed item after a range of 10^8
  // values is refused without building them (found by fuzz/axis_fuzz.cpp).
  std::vector<double> values;
  values.reserve(visit_axis(text, flag, nullptr));
  visit_axis(text, flag, &values);
  // A value given twice would be two grid points with the same noise and the same result,
  // and a slice's optimum would be ambiguous: refused.
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const auto repeated = std::adjacent_find(sorted.begin(), sorted.end());
  if (repeated != sorted.end()) {
    throw InputError(flag, "the value " + format_number(*repeated) + " appears more than once in '" +
                               text.substr(0, 80) + (text.size() > 80 ? "...'" : "'") +
                               "; each value of an axis must be distinct");
  }
  return values;
}

NeuronParams GridPoint::neuron() const {
  NeuronParams neuron;
  for (const AxisInfo& info : kAxes) {
    if (info.parameter != nullptr) neuron.*info.parameter = (*this)[info.axis];
  }
  return neuron;
}

Grid::Grid() {
  for (const AxisInfo& info : kAxes) {
    if (!is_input_axis(info.axis)) (*this)[info.axis] = {axis_reference(info.axis)};
  }
}

Grid::Grid(std::vector<double> sigma, std::vector<double> amplitude, std::vector<double> bias,
           std::vector<double> frequency)
    : Grid() {
  (*this)[Axis::sigma] = std::move(sigma);
  (*this)[Axis::amplitude] = std::move(amplitude);
  (*this)[Axis::bias] = std::move(bias);
  (*this)[Axis::frequency] = std::move(frequency);
}

std::vector<Axis> Grid::swept_axes() const {
  std::vector<Axis> swept;
  for (const AxisInfo& info : kAxes) {
    if (!is_input_axis(info.axis) && varies(info.axis)) swept.push_back(info.axis);
  }
  return swept;
}

std::vector<Axis> Grid::column_axes() const {
  std::vector<Axis> columns;
  for (const AxisInfo& info : kAxes) {
    if (is_input_axis(info.axis)) columns.push_back(info.axis);
  }
  for (const Axis axis : swept_axes()) columns.push_back(axis);
  return columns;
}

std::size_t Grid::size() const {
  std::size_t points = 1;
  for (const std::vector<double>& values : axes) points *= values.size();
  return points;
}

double Grid::count() const {
  double points = 1.0;
  for (const std::vector<double>& values : axes) points *= static_cast<double>(values.size());
  return points;
}

GridPoint Grid::point(std::size_t index) const {
  GridPoint point{};
  point.index = index;
  for (std::size_t axis = 0; axis < kAxisCount; ++axis) {
    const std::size_t size = axes[axis].size();
    point.indices[axis] = index % size;
    point.values[axis] = axes[axis][point.indices[axis]];
    index /= size;
  }
  return point;
}

AxisTexts default_axis_texts() {
  AxisTexts texts;
  const NeuronParams reference;
  for (const AxisInfo& info : kAxes) {
    texts[axis_index(info.axis)] =
        is_neuron_axis(info.axis) ? format_number(reference.*info.parameter) : std::string(info.default_text);
  }
  return texts;
}

double grid_count(const AxisTexts& texts) {
  double points = 1.0;
  for (const AxisInfo& info : kAxes) {
    points *= static_cast<double>(count_axis(texts[axis_index(info.axis)], std::string(info.flag)));
  }
  return points;
}

Grid parse_grid(const AxisTexts& texts) {
  Grid grid;
  for (const AxisInfo& info : kAxes) {
    grid[info.axis] = parse_axis(texts[axis_index(info.axis)], std::string(info.flag));
  }
  return grid;
}

double smallest(const std::vector<double>& values) { return *std::min_element(values.begin(), values.end()); }
double largest(const std::vector<double>& values) { return *std::max_element(values.begin(), values.end()); }

double shortest_tau_m(const Grid& grid, SpreadShape shape) {
  return smallest(grid[Axis::tau_m]) - spread_reach(shape) * largest(grid[Axis::tau_m_spread]);
}

void validate_neuron_axes(const Grid& grid, SpreadShape shape) {
  for (const AxisInfo& info : kAxes) {
    if (is_input_axis(info.axis)) continue;
    const std::string flag(info.flag);
    if (grid[info.axis].empty()) throw InputError(flag, "needs at least one value");
    for (const double value : grid[info.axis]) {
      if (info.parameter != nullptr) {
        validate_parameter(info.parameter, value);
      } else if (!std::isfinite(value) || value < 0.0 || value > 1e4) {
        // A spread: a standard deviation, far below the neuron's own bounds.
        throw InputError(flag, "must be a finite number between 0 and 10000 " + std::string(info.unit) +
                                   " (got " + format_number(value) + ")");
      }
    }
  }
  const double reach = spread_reach(shape);
  const double highest_reset = largest(grid[Axis::v_reset]);
  const double threshold_spread = largest(grid[Axis::v_threshold_spread]);
  if (threshold_spread == 0.0) {
    validate_reset_below_threshold(highest_reset, smallest(grid[Axis::v_threshold]));
  } else {
    const double lowest = smallest(grid[Axis::v_threshold]) - reach * threshold_spread;
    if (highest_reset >= lowest) {
      throw InputError("--v-th-spread", "every neuron's threshold must stay above --v-reset: --v-th " +
                                            format_number(smallest(grid[Axis::v_threshold])) + " mV - " +
                                            format_number(reach) + " x --v-th-spread " +
                                            format_number(threshold_spread) +
                                            " mV = " + format_number(lowest) + " mV is not above --v-reset " +
                                            format_number(highest_reset) + " mV");
    }
  }
  // Every drawn value within its parameter's own bounds, as if it had been typed.
  const auto within = [&](Axis spread_axis, Axis value_axis, const char* what, double bound,
                          const char* unit) {
    const double spread = largest(grid[spread_axis]);
    const std::vector<double>& values = grid[value_axis];
    const double high = std::max(std::fabs(largest(values)), std::fabs(smallest(values)));
    if (spread == 0.0 || high + reach * spread <= bound) return;
    throw InputError(std::string(axis_info(spread_axis).flag),
                     std::string("every neuron's ") + what + " must stay within " + format_number(bound) +
                         " " + unit + " in magnitude: " + std::string(axis_info(value_axis).flag) + " " +
                         format_number(high) + " " + unit + " + " + format_number(reach) + " x " +
                         std::string(axis_info(spread_axis).flag) + " " + format_number(spread) + " " + unit +
                         " = " + format_number(high + reach * spread) + " " + unit);
  };
  within(Axis::v_threshold_spread, Axis::v_threshold, "threshold", kMaxPotential, "mV");
  within(Axis::tau_m_spread, Axis::tau_m, "tau_m", kMaxTime, "ms");
  within(Axis::bias_spread, Axis::bias, "bias", kMaxCurrent, "pA");
  const double tau_spread = largest(grid[Axis::tau_m_spread]);
  if (tau_spread > 0.0 && shortest_tau_m(grid, shape) <= 0.0) {
    throw InputError("--tau-m-spread", "every neuron's tau_m must stay above 0: --tau-m " +
                                           format_number(smallest(grid[Axis::tau_m])) + " ms - " +
                                           format_number(reach) + " x --tau-m-spread " +
                                           format_number(tau_spread) +
                                           " ms = " + format_number(shortest_tau_m(grid, shape)) + " ms");
  }
}

}  // namespace srlif
