// Output files of `srlif population`: per-point summary with the readout
// measures, phase histograms, PSTHs and rasters.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "srlif/io/point_tables.hpp"
#include "srlif/measures/spectrum.hpp"
#include "srlif/running/sweep_runner.hpp"

namespace srlif {

// Readout measures of one grid point.
struct PopulationMeasures {
  SpectralReadout spectrum;  // as in the point's metrics
  double max_v_mv;           // max of v over all neurons and samples, mV
  // V_th - max V over the stored potentials (after resets). Where the point
  // has no spikes, > 0 means the input never brought v to threshold.
  double subthreshold_margin_mv;
};

PopulationMeasures population_measures(const SweepPlan& plan, const SweepResult& result, std::size_t point);

// A table of a population folder: its file and its columns after the point's key
// (point_key_columns), which the writer's header and the reader (output_reader.hpp) both follow.
struct PopulationTable {
  std::string file;
  std::vector<ColumnInfo> columns;
};
struct PopulationTables {
  PopulationTable summary;          // population.csv: points.csv's columns, max_v_mv, subthreshold_margin_mv
  PopulationTable phase_histogram;  // phase_histogram.csv: one row per point and phase bin
  PopulationTable psth;             // psth.csv: one row per point and time bin
  PopulationTable raster;           // raster.csv, where the run keeps a raster: one row per spike
};
const PopulationTables& population_tables();

// population.csv, phase_histogram.csv, psth.csv, raster.csv (when --raster > 0). `stop_requested`
// (0: go on), polled before each point's rows, throws Interrupted: long formatting stays stoppable.
std::vector<std::pair<std::string, std::string>> population_files(
    const SweepPlan& plan, const SweepResult& result, const std::function<int()>& stop_requested = {});

// The most bytes those files can hold for `plan`, from the tables' declared columns and rows (every
// field at its widest): the disk they need, and the memory that holds them until they are written.
double population_files_bytes(const SweepPlan& plan);

}  // namespace srlif
