// Axis value lists and the grid of points they span (the axes: axes.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "srlif/planning/axes.hpp"
#include "srlif/planning/neuron_params.hpp"
#include "srlif/planning/spread.hpp"

namespace srlif {

// Parses an axis value list (DESIGN.md section 5):
//   "start:stop:count"      count values, inclusive, like numpy.linspace
//   "log:start:stop:count"  geometric spacing, start and stop > 0
//   "a,b,c"                 an explicit list (each item may itself be a range)
//   "x"                     a single value
// Throws InputError naming `flag` on malformed text or non-finite numbers.
std::vector<double> parse_axis(const std::string& text, const std::string& flag);

// The number of values `text` describes, with the same checks, without building them.
std::uint64_t count_axis(const std::string& text, const std::string& flag);

// One grid point: its value and index on every axis.
struct GridPoint {
  std::size_t index;
  std::array<double, kAxisCount> values;
  std::array<std::size_t, kAxisCount> indices;

  double operator[](Axis axis) const { return values[axis_index(axis)]; }
  std::size_t index_on(Axis axis) const { return indices[axis_index(axis)]; }
  double sigma() const { return (*this)[Axis::sigma]; }          // pA sqrt(ms)
  double amplitude() const { return (*this)[Axis::amplitude]; }  // pA
  double bias() const { return (*this)[Axis::bias]; }            // pA
  double frequency() const { return (*this)[Axis::frequency]; }  // Hz
  NeuronParams neuron() const;                                   // the neuron at this point
};

// The grid: the values of every axis (kAxes). Points are numbered with sigma
// varying fastest, then the other axes in kAxes' order, so each sigma slice
// (DESIGN.md section 2) is a contiguous run and a grid whose neuron and spread
// axes hold one value each is numbered as before they were axes.
struct Grid {
  // The input axes empty, each neuron axis the reference neuron's value, each spread 0.
  Grid();
  // The input's axes, and the reference neuron.
  Grid(std::vector<double> sigma, std::vector<double> amplitude, std::vector<double> bias,
       std::vector<double> frequency);

  std::array<std::vector<double>, kAxisCount> axes;

  std::vector<double>& operator[](Axis axis) { return axes[axis_index(axis)]; }
  const std::vector<double>& operator[](Axis axis) const { return axes[axis_index(axis)]; }
  // More than one value: the axis is a column of the output files.
  bool varies(Axis axis) const { return (*this)[axis].size() > 1; }
  // The neuron and spread axes that vary, in kAxes' order.
  std::vector<Axis> swept_axes() const;
  // The axes written as columns: the input's four, then the swept axes.
  std::vector<Axis> column_axes() const;

  std::size_t size() const;
  // The number of points in double (a grid too large for 64 bits is refused with it).
  double count() const;
  std::size_t slice_count() const { return size() / (*this)[Axis::sigma].size(); }
  GridPoint point(std::size_t index) const;
};

// Each axis's text (the syntax of parse_axis), indexed by axis_index: what the
// command line and the Python package read; the reference study's values by default.
using AxisTexts = std::array<std::string, kAxisCount>;
AxisTexts default_axis_texts();

// The number of grid points from the axes' texts alone (InputError for a bad
// axis), so that a huge grid is refused before any axis is built.
double grid_count(const AxisTexts& texts);

// Each axis's values from its text (InputError naming the flag).
Grid parse_grid(const AxisTexts& texts);

// The neuron and spread axes' rules at every grid point (InputError naming the
// flag): each value's own rules, and V_reset below V_th where it is hardest,
// the highest --v-reset against the lowest threshold a neuron can draw (the
// message names the values); every neuron's tau_m above 0.
void validate_neuron_axes(const Grid& grid, SpreadShape shape);

// The shortest tau_m any neuron of the grid has (its spread included).
double shortest_tau_m(const Grid& grid, SpreadShape shape);

// The smallest and largest of an axis' values (not empty).
double smallest(const std::vector<double>& values);
double largest(const std::vector<double>& values);

}  // namespace srlif
