// The table a sweep prints to stdout: one row per grid point (for small grids)
// and the sigma_opt of each slice.
#pragma once

#include <string>

#include "srlif/io/sweep_writer.hpp"
#include "srlif/planning/sweep_config.hpp"

namespace srlif::cli {

std::string summary_table(const SweepConfig& config, const SweepSummary& summary);

// "sigma_opt[OBJECTIVE] = S (refined R) pA*sqrt(ms) at A = ..., ...: value V", or that it is
// undefined: a slice's line of the sweep's table and of `srlif theory`'s.
std::string optimum_line(const Grid& grid, Objective objective, const SliceOptimum& optimum, double value);

// The axis cells that begin a row of the sweep's and the population's tables:
// sigma, A, I_bias, f (`frequency_width` characters), and each neuron parameter
// or spread that is a swept axis.
std::string axis_header_cells(const Grid& grid, int frequency_width = 7);
std::string axis_cells(const Grid& grid, const GridPoint& point, int frequency_width = 7);

}  // namespace srlif::cli
