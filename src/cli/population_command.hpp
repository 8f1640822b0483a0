// The options of `srlif population` and their reading into a PopulationJob,
// shared by the command line and the Python package (`srlif.population`).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

#include "cli/model_options.hpp"
#include "cli/output_options.hpp"
#include "srlif/running/jobs.hpp"

namespace srlif::cli {

struct PopulationOptions {
  ModelOptions model = population_model_defaults();
  OutputOptions output;
  std::int64_t phase_bins = 30;
  double psth_bin_ms = 10.0;
  std::int64_t raster = -1;  // -1 (not given): the first min(50, --neurons) neurons

  static ModelOptions population_model_defaults() {
    ModelOptions model;
    model.axes[axis_index(Axis::sigma)] = "0,12.5,60";
    model.neurons = 50;
    return model;
  }
};

void add_population_options(CLI::App& command, PopulationOptions& options);

// The job the options describe (InputError naming the flag); `command` tells
// whether --raster was given.
PopulationJob to_population_job(const PopulationOptions& options, const CLI::App& command);

}  // namespace srlif::cli
