// The table a sweep prints to stdout: one row per grid point (for small grids)
// and the sigma_opt of each slice.
#pragma once

#include <string>

#include "srlif/sweep_config.hpp"
#include "srlif/sweep_writer.hpp"

namespace srlif::cli {

std::string summary_table(const SweepConfig& config, const SweepSummary& summary);

}  // namespace srlif::cli
