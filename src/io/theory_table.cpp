#include "srlif/io/theory_table.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <numbers>
#include <stdexcept>

#include "srlif/errors.hpp"
#include "srlif/io/csv_line.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/measures/metrics.hpp"
#include "srlif/measures/periodic_response.hpp"

namespace srlif {
namespace {

// The Rayleigh rate of a population firing at `rate_hz` with pooled vector strength `strength`:
// 0 where it does not fire, as a sweep's rayleigh_rate_hz (metrics.hpp).
double rayleigh_rate(double rate_hz, double strength) {
  return rate_hz > 0.0 ? rate_hz * strength * strength : 0.0;
}

// Which tables have a column.
enum class ColumnSet { always, coloured, linear, periodic };

// The measure columns, in order, declared once: name, unit, description, kind, the tables that
// have it, and its value at a point (text columns give theirs by `text`).
struct ColumnDeclaration {
  const char* name;
  const char* unit;
  const char* description;
  TheoryColumnKind kind;
  ColumnSet set;
  double (*number)(const TheoryPoint&, const LinearPoint&, const PeriodicPoint&);
  const char* (*text)(const TheoryPoint&);
};

constexpr ColumnDeclaration kTheoryColumns[] = {
    {"mu_mv", "mV", "mean drive E_L + I_bias/g_L", TheoryColumnKind::number, ColumnSet::always,
     [](const TheoryPoint& p, const LinearPoint&, const PeriodicPoint&) { return p.mu_mv; }, nullptr},
    {"sigma_v_mv", "mV", "noise amplitude sigma/(g_L sqrt(tau_m)) (Brunel's sigma)", TheoryColumnKind::number,
     ColumnSet::always,
     [](const TheoryPoint& p, const LinearPoint&, const PeriodicPoint&) { return p.sigma_v_mv; }, nullptr},
    {"mean_v_mv", "mV", "free membrane's mean", TheoryColumnKind::number, ColumnSet::always,
     [](const TheoryPoint& p, const LinearPoint&, const PeriodicPoint&) { return p.mean_v_mv; }, nullptr},
    {"std_v_mv", "mV", "free membrane's standard deviation", TheoryColumnKind::number, ColumnSet::always,
     [](const TheoryPoint& p, const LinearPoint&, const PeriodicPoint&) { return p.std_v_mv; }, nullptr},
    {"rate_hz", "Hz", "stationary firing rate r0 (population average with spreads)", TheoryColumnKind::number,
     ColumnSet::always,
     [](const TheoryPoint& p, const LinearPoint&, const PeriodicPoint&) { return p.rate_hz; }, nullptr},
    {"model", "", "the rate's formula: siegert (exact) or fourcaud_brunel (first order)",
     TheoryColumnKind::text, ColumnSet::coloured, nullptr,
     [](const TheoryPoint& p) { return theory_model(p); }},
    {"within_validity", "", "1 where the formula is used within its range", TheoryColumnKind::flag,
     ColumnSet::coloured,
     [](const TheoryPoint& p, const LinearPoint&, const PeriodicPoint&) {
       return theory_within_validity(p) ? 1.0 : 0.0;
     },
     nullptr},
    {"susceptibility_hz_per_pa", "Hz/pA",
     "|chi|: the rate's modulation per pA of signal, r0 + A |chi| sin(2 pi f t - phi)",
     TheoryColumnKind::number, ColumnSet::linear,
     [](const TheoryPoint&, const LinearPoint& l, const PeriodicPoint&) {
       return l.susceptibility_hz_per_pa;
     },
     nullptr},
    {"susceptibility_phase_rad", "rad", "phi: the rate's lag behind the signal", TheoryColumnKind::number,
     ColumnSet::linear,
     [](const TheoryPoint&, const LinearPoint& l, const PeriodicPoint&) {
       return l.susceptibility_phase_rad;
     },
     nullptr},
    {"spontaneous_spectrum_hz", "Hz",
     "S0(f): one neuron's spike-train spectrum at f without the signal (two-sided)", TheoryColumnKind::number,
     ColumnSet::linear,
     [](const TheoryPoint&, const LinearPoint& l, const PeriodicPoint&) { return l.spontaneous_spectrum_hz; },
     nullptr},
    {"linear_vector_strength", "1", "pooled vector strength A |chi| / (2 r0)", TheoryColumnKind::number,
     ColumnSet::linear,
     [](const TheoryPoint&, const LinearPoint& l, const PeriodicPoint&) { return l.linear_vector_strength; },
     nullptr},
    {"linear_rayleigh_rate_hz", "Hz",
     "r0 x linear_vector_strength^2: the Rayleigh rate rayleigh_rate_hz of an infinite population",
     TheoryColumnKind::number, ColumnSet::linear,
     [](const TheoryPoint& p, const LinearPoint& l, const PeriodicPoint&) {
       return rayleigh_rate(p.rate_hz, l.linear_vector_strength);
     },
     nullptr},
    {"linear_snr_db", "dB", "the snr_db `sweep --spectrum` should measure with --neurons, --duration, --psth",
     TheoryColumnKind::number, ColumnSet::linear,
     [](const TheoryPoint&, const LinearPoint& l, const PeriodicPoint&) { return l.linear_snr_db; }, nullptr},
    {"periodic_mean_rate_hz", "Hz", "the periodic state's mean rate over a period", TheoryColumnKind::number,
     ColumnSet::periodic,
     [](const TheoryPoint&, const LinearPoint&, const PeriodicPoint& q) { return q.periodic_mean_rate_hz; },
     nullptr},
    {"periodic_modulation_hz", "Hz", "amplitude of the rate's first harmonic", TheoryColumnKind::number,
     ColumnSet::periodic,
     [](const TheoryPoint&, const LinearPoint&, const PeriodicPoint& q) { return q.periodic_modulation_hz; },
     nullptr},
    {"periodic_phase_rad", "rad", "the first harmonic's lag behind the signal", TheoryColumnKind::number,
     ColumnSet::periodic,
     [](const TheoryPoint&, const LinearPoint&, const PeriodicPoint& q) { return q.periodic_phase_rad; },
     nullptr},
    {"periodic_vector_strength", "1", "pooled vector strength of an infinite population",
     TheoryColumnKind::number, ColumnSet::periodic,
     [](const TheoryPoint&, const LinearPoint&, const PeriodicPoint& q) {
       return q.periodic_vector_strength;
     },
     nullptr},
    {"periodic_rayleigh_rate_hz", "Hz",
     "mean rate x periodic_vector_strength^2: the Rayleigh rate rayleigh_rate_hz of an infinite population",
     TheoryColumnKind::number, ColumnSet::periodic,
     [](const TheoryPoint&, const LinearPoint&, const PeriodicPoint& q) {
       return rayleigh_rate(q.periodic_mean_rate_hz, q.periodic_vector_strength);
     },
     nullptr},
    {"periodic_relative_error", "1", "the solver's estimate of the four columns' relative error",
     TheoryColumnKind::number, ColumnSet::periodic,
     [](const TheoryPoint&, const LinearPoint&, const PeriodicPoint& q) { return q.periodic_relative_error; },
     nullptr},
};

bool has_coloured_noise(const TheoryTable& table) {
  return std::ranges::any_of(table.points,
                             [](const TheoryPoint& point) { return point.noise_tau_ratio > 0.0; });
}

bool table_has(const TheoryTable& table, ColumnSet set) {
  switch (set) {
    case ColumnSet::always:
      return true;
    case ColumnSet::coloured:
      return has_coloured_noise(table);
    case ColumnSet::linear:
      return table.response == TheoryResponse::linear;
    case ColumnSet::periodic:
      return table.response == TheoryResponse::periodic;
  }
  return false;
}

TheoryColumn column_of(const ColumnDeclaration& declaration) {
  return {declaration.name, declaration.unit, declaration.description, declaration.kind};
}

// The declarations `table` has.
std::vector<const ColumnDeclaration*> declarations(const TheoryTable& table) {
  std::vector<const ColumnDeclaration*> found;
  for (const ColumnDeclaration& declaration : kTheoryColumns) {
    if (table_has(table, declaration.set)) found.push_back(&declaration);
  }
  return found;
}

const ColumnDeclaration& declaration_named(const TheoryTable& table, const std::string& name) {
  for (const ColumnDeclaration* declaration : declarations(table)) {
    if (declaration->name == name) return *declaration;
  }
  throw std::invalid_argument("the theory table has no column '" + name + "'");
}

const LinearPoint& linear_at(const TheoryTable& table, std::size_t index) {
  static const LinearPoint none;
  return table.linear.empty() ? none : table.linear[index];
}

const PeriodicPoint& periodic_at(const TheoryTable& table, std::size_t index) {
  static const PeriodicPoint none;
  return table.periodic.empty() ? none : table.periodic[index];
}

double number_at(const ColumnDeclaration& declaration, const TheoryTable& table, std::size_t index) {
  return declaration.number(table.points[index], linear_at(table, index), periodic_at(table, index));
}

std::string field(const ColumnDeclaration& declaration, const TheoryTable& table, std::size_t index) {
  const TheoryPoint& point = table.points[index];
  if (declaration.kind == TheoryColumnKind::text) return declaration.text(point);
  const double value = number_at(declaration, table, index);
  if (declaration.kind == TheoryColumnKind::flag) return value != 0.0 ? "1" : "0";
  return format_number(value);
}

}  // namespace

std::vector<Axis> theory_axes(const TheoryTable& table) {
  std::vector<Axis> axes = {Axis::bias, Axis::sigma};
  if (table.response != TheoryResponse::stationary) {
    axes.push_back(Axis::amplitude);
    axes.push_back(Axis::frequency);
  }
  for (const Axis axis : table.grid.swept_axes()) axes.push_back(axis);
  return axes;
}

std::vector<TheoryColumn> theory_columns(const TheoryTable& table) {
  std::vector<TheoryColumn> columns;
  for (const ColumnDeclaration* declaration : declarations(table)) columns.push_back(column_of(*declaration));
  return columns;
}

std::vector<TheoryColumn> all_theory_columns() {
  std::vector<TheoryColumn> columns;
  for (const ColumnDeclaration& declaration : kTheoryColumns) columns.push_back(column_of(declaration));
  return columns;
}

std::vector<double> theory_numbers(const TheoryTable& table, const std::string& column) {
  const ColumnDeclaration& declaration = declaration_named(table, column);
  if (declaration.kind == TheoryColumnKind::text) {
    throw std::invalid_argument("theory column '" + column + "' is text");
  }
  std::vector<double> values;
  values.reserve(table.points.size());
  for (std::size_t index = 0; index < table.points.size(); ++index)
    values.push_back(number_at(declaration, table, index));
  return values;
}

std::vector<std::string> theory_texts(const TheoryTable& table, const std::string& column) {
  const ColumnDeclaration& declaration = declaration_named(table, column);
  std::vector<std::string> values;
  values.reserve(table.points.size());
  for (std::size_t index = 0; index < table.points.size(); ++index)
    values.push_back(field(declaration, table, index));
  return values;
}

std::string theory_csv(const TheoryTable& table) {
  const std::vector<Axis> axes = theory_axes(table);
  const std::vector<const ColumnDeclaration*> columns = declarations(table);
  std::vector<std::string> header;
  for (const Axis axis : axes) header.emplace_back(axis_info(axis).name);
  for (const ColumnDeclaration* column : columns) header.emplace_back(column->name);
  std::string csv = csv_line(header);
  // sigma varies fastest, as in a sweep's points.csv, so each sigma slice is contiguous.
  for (std::size_t index = 0; index < table.points.size(); ++index) {
    const GridPoint grid_point = table.grid.point(index);
    std::vector<std::string> fields;
    for (const Axis axis : axes) fields.push_back(format_number(grid_point[axis]));
    for (const ColumnDeclaration* column : columns) fields.push_back(field(*column, table, index));
    csv += csv_line(fields);
  }
  return csv;
}

std::string theory_rate_curve_csv(const TheoryTable& table) {
  const std::vector<Axis> axes = theory_axes(table);
  std::vector<std::string> header;
  for (const Axis axis : axes) header.emplace_back(axis_info(axis).name);
  for (const char* name : {"phase_rad", "time_ms", "rate_hz"}) header.emplace_back(name);
  std::string csv = csv_line(header);
  for (std::size_t index = 0; index < table.periodic.size(); ++index) {
    const GridPoint grid_point = table.grid.point(index);
    std::vector<std::string> key;
    for (const Axis axis : axes) key.push_back(format_number(grid_point[axis]));
    const std::vector<double>& curve = table.periodic[index].rate_curve_hz;
    const double period_ms = 1000.0 / grid_point[Axis::frequency];
    for (std::size_t k = 0; k < curve.size(); ++k) {
      const double fraction = static_cast<double>(k) / static_cast<double>(curve.size());
      std::vector<std::string> fields = key;
      fields.push_back(format_number(2.0 * std::numbers::pi * fraction));
      fields.push_back(format_number(period_ms * fraction));
      fields.push_back(format_number(curve[k]));
      csv += csv_line(fields);
    }
  }
  return csv;
}

void compute_theory_rows(TheoryTable& table, SpreadShape spread_shape,
                         const std::function<LinearPoint(const GridPoint&, double rate_hz)>& linear,
                         const std::function<int()>& stop_requested) {
  const Grid& grid = table.grid;
  const bool with_linear = table.response == TheoryResponse::linear;
  const bool with_periodic = table.response == TheoryResponse::periodic;
  if (with_linear && !linear) throw std::logic_error("compute_theory_rows: no linear response given");
  table.points.assign(grid.size(), TheoryPoint{});
  table.linear.assign(with_linear ? grid.size() : 0, LinearPoint{});
  table.periodic.assign(with_periodic ? grid.size() : 0, PeriodicPoint{});
  std::vector<std::exception_ptr> failures(grid.size());
  const auto count = static_cast<std::int64_t>(grid.size());
  std::atomic<int> stopped{0};
#pragma omp parallel for schedule(dynamic, 1) if (with_linear || with_periodic)
  for (std::int64_t i = 0; i < count; ++i) {
    const auto index = static_cast<std::size_t>(i);
    if (stopped.load(std::memory_order_relaxed) != 0) continue;
    if (const int stop = stop_requested ? stop_requested() : 0) {
      stopped.store(stop, std::memory_order_relaxed);
      continue;
    }
    try {
      const GridPoint point = grid.point(index);
      const PopulationSpread spread{point[Axis::bias_spread], point[Axis::v_threshold_spread],
                                    point[Axis::tau_m_spread], spread_shape};
      table.points[index] = population_siegert(point.neuron(), point.bias(), point.sigma(), spread);
      if (with_linear) table.linear[index] = linear(point, table.points[index].rate_hz);
      if (with_periodic) table.periodic[index] = periodic_point(point);
    } catch (...) {
      failures[index] = std::current_exception();
    }
  }
  if (const int stop = stopped.load()) throw Interrupted(stop, "");
  for (const std::exception_ptr& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
}

PeriodicPoint periodic_point(const GridPoint& point) {
  const PeriodicResponse response = periodic_response(point.neuron(), point.bias(), point.sigma(),
                                                      point[Axis::amplitude], point[Axis::frequency]);
  PeriodicPoint periodic;
  periodic.periodic_mean_rate_hz = response.mean_rate_hz;
  periodic.periodic_modulation_hz = response.modulation_hz;
  periodic.periodic_phase_rad = response.phase_rad;
  periodic.periodic_vector_strength = response.vector_strength;
  periodic.periodic_relative_error = response.relative_error;
  periodic.rate_curve_hz = rate_over_period(response, kRateCurveSamples);
  return periodic;
}

std::vector<Objective> theory_objectives(const TheoryTable& table) {
  switch (table.response) {
    case TheoryResponse::stationary:
      return {};
    case TheoryResponse::linear:
      return {Objective::snr, Objective::rayleigh_rate};
    case TheoryResponse::periodic:
      return {Objective::rayleigh_rate};
  }
  return {};
}

TheoryOptima theory_optima(const TheoryTable& table, Objective objective) {
  const auto objectives = theory_objectives(table);
  if (std::ranges::find(objectives, objective) == objectives.end())
    throw std::invalid_argument(std::string("the theory table has no objective '") +
                                objective_name(objective) + "'");
  // The theory's values as a sweep's measures, so that sigma_opt is found by the sweep's own rule.
  const bool linear = table.response == TheoryResponse::linear;
  const std::vector<double> rayleigh =
      theory_numbers(table, linear ? "linear_rayleigh_rate_hz" : "periodic_rayleigh_rate_hz");
  const std::vector<double> snr = linear ? theory_numbers(table, "linear_snr_db") : std::vector<double>{};
  std::vector<PointMetrics> metrics(table.points.size(), PointMetrics{});
  for (std::size_t index = 0; index < metrics.size(); ++index) {
    metrics[index].rayleigh_rate_hz = rayleigh[index];
    metrics[index].snr_db = linear ? snr[index] : kNaN;
  }
  TheoryOptima optima;
  optima.optima = find_optima(table.grid, metrics, objective);
  for (const SliceOptimum& optimum : optima.optima)
    optima.values.push_back(optimum.found ? objective_value(objective, metrics[optimum.point]) : kNaN);
  return optima;
}

const char* theory_model(const TheoryPoint& point) {
  return point.noise_tau_ratio > 0.0 ? "fourcaud_brunel" : "siegert";
}

bool theory_within_validity(const TheoryPoint& point) {
  return point.noise_tau_ratio <= kFourcaudBrunelValidRatio;
}

}  // namespace srlif
