// The table of `srlif theory`: each grid point's stationary state and, with the linear response,
// its response to the signal. Its columns are declared once (theory_table.cpp): the CSV, the
// Python package's Dataset (names, units, kinds) and the docs' column list all follow them.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "srlif/measures/metrics.hpp"
#include "srlif/measures/theory.hpp"
#include "srlif/planning/grid.hpp"

namespace srlif {

// What `srlif theory` computes at each point: the stationary state only, or also the linear
// response to the signal, or the periodic state under it (--response).
enum class TheoryResponse { stationary, linear, periodic };

// The linear response's columns at one grid point (docs/theory.md, "Linear response").
struct LinearPoint {
  double susceptibility_hz_per_pa = 0.0;  // |chi|: r(t) = r0 + A |chi| sin(2 pi f t - phi)
  double susceptibility_phase_rad = 0.0;  // phi, the rate's lag behind the signal, in (-pi, pi]
  double spontaneous_spectrum_hz = 0.0;   // S0(f), one neuron's spike train without the signal
  double linear_vector_strength = 0.0;    // A |chi| / (2 r0), the pooled vector strength
  double linear_snr_db = 0.0;             // what `sweep --spectrum` should measure (its N, T, bin)
};

// The periodic state's columns at one grid point (docs/theory.md, "The periodic state"):
// r(t) = mean + modulation sin(2 pi f t - phase) + higher harmonics.
struct PeriodicPoint {
  double periodic_mean_rate_hz = 0.0;
  double periodic_modulation_hz = 0.0;    // the rate's first harmonic's amplitude
  double periodic_phase_rad = 0.0;        // its lag behind the signal, in (-pi, pi]
  double periodic_vector_strength = 0.0;  // modulation / (2 mean): an infinite population's
  double periodic_relative_error = 0.0;   // the solver's estimate of its error (refinement)
  std::vector<double> rate_curve_hz;      // the rate at kRateCurveSamples phases of a period
};

// The rate curve's samples per period: phases 2 pi k / kRateCurveSamples, k = 0..
inline constexpr std::size_t kRateCurveSamples = 200;

struct TheoryTable {
  Grid grid;
  TheoryResponse response = TheoryResponse::stationary;
  std::vector<TheoryPoint> points;      // by grid point
  std::vector<LinearPoint> linear;      // by grid point with the linear response; empty otherwise
  std::vector<PeriodicPoint> periodic;  // by grid point with the periodic state; empty otherwise
};

// The axes written as the table's first columns: bias, sigma, (with a response to the signal)
// the amplitude and frequency, then the swept neuron and spread axes.
std::vector<Axis> theory_axes(const TheoryTable& table);

// A measure column: a number, a 0/1 flag, or a text.
enum class TheoryColumnKind { number, flag, text };
struct TheoryColumn {
  std::string name;
  std::string unit;  // "" for none, "1" for a fraction
  std::string description;
  TheoryColumnKind kind;
};

// The measure columns `table` has, in order: the stationary state's; with coloured noise at
// some point the model and whether it is within validity; with the linear response its five;
// with the periodic state its five.
std::vector<TheoryColumn> theory_columns(const TheoryTable& table);
// Every measure column `srlif theory` can write, whatever the table (for the docs and help).
std::vector<TheoryColumn> all_theory_columns();

// One column's values by grid point: numbers (a flag as 0 or 1) or, for a text column, texts.
std::vector<double> theory_numbers(const TheoryTable& table, const std::string& column);
std::vector<std::string> theory_texts(const TheoryTable& table, const std::string& column);

// The CSV: the axes' columns, then the measure columns; sigma varies fastest.
std::string theory_csv(const TheoryTable& table);
// The periodic state's rate over one period (`--rate-curve`): the axes' columns, then
// phase_rad, time_ms (within the period) and rate_hz, kRateCurveSamples rows per point.
std::string theory_rate_curve_csv(const TheoryTable& table);

// Fills every row of `table` (its grid and response set): the stationary state (population_siegert,
// the point's spreads of shape `spread_shape`), with the linear response `linear(point, r0)`, with
// the periodic state periodic_point. The points in parallel (each independent: the table is the
// same for any thread count); the first failure by point index is rethrown. `stop_requested`
// (0: go on), polled from any thread before each row, stops the rest: Interrupted(its number).
void compute_theory_rows(TheoryTable& table, SpreadShape spread_shape,
                         const std::function<LinearPoint(const GridPoint&, double rate_hz)>& linear = {},
                         const std::function<int()>& stop_requested = {});

// The periodic state at a grid point (white noise; its sigma, bias, amplitude, frequency and neuron)
// as the table's row: periodic_response, its rate curve sampled. Throws InputError as it does.
PeriodicPoint periodic_point(const GridPoint& point);

// The objectives whose sigma_opt the table's response gives (metrics.hpp): the Rayleigh rate with the
// linear response (r0 x its vector strength^2) and the periodic state (mean rate x its vector
// strength^2), and the linear response's SNR; none for the stationary state.
std::vector<Objective> theory_objectives(const TheoryTable& table);
// sigma_opt of each sigma slice by a sweep's rule (find_optima: the largest value, and the vertex of
// the parabola through it and its neighbours), and the objective's value there (NaN if not found).
struct TheoryOptima {
  std::vector<SliceOptimum> optima;  // by slice
  std::vector<double> values;
};
// Throws std::invalid_argument for an objective not among theory_objectives(table).
TheoryOptima theory_optima(const TheoryTable& table, Objective objective);

// A row's formula: "siegert" (white noise, exact) or "fourcaud_brunel" (coloured noise, first order).
const char* theory_model(const TheoryPoint& point);
// Whether the formula is used within its range: always for Siegert, for Fourcaud-Brunel
// tau_s/tau_m <= kFourcaudBrunelValidRatio.
bool theory_within_validity(const TheoryPoint& point);

}  // namespace srlif
