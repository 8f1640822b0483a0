// The commands that write results, as library calls: `population`, `trace`,
// `theory` and `reproduce` (the sweep is sweep_job.hpp). The command line and
// the Python package parse their options into these jobs and only show what
// comes back; every rule, every file and every byte is decided here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "srlif/io/theory_table.hpp"
#include "srlif/measures/theory.hpp"
#include "srlif/planning/sweep_config.hpp"
#include "srlif/running/reproduce.hpp"
#include "srlif/running/run_control.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "srlif/running/trace.hpp"

namespace srlif {

// `population`: population.csv, phase_histogram.csv, psth.csv, raster.csv
// (with a raster) and run.json in `out`, all or nothing.
struct PopulationJob {
  SweepConfig config;  // with readouts enabled
  std::filesystem::path out;
  std::string command_line;
};
struct PopulationReport {
  SweepPlan plan;
  SweepResult result;
};
PopulationReport run_population_job(const PopulationJob& job, const RunControl& control);

// `trace`: the K samples of one neuron at the single grid point of `config`;
// written as CSV to `out` when it is not empty, a row at a time as they are
// computed, and returned when `keep_samples`. Refused before it starts
// (InputError "--duration") when the rows would not fit on the disk or the
// kept samples in a quarter of the memory.
struct TraceJob {
  SweepConfig config;  // one value on every axis (InputError naming the axis otherwise)
  std::int64_t neuron = 0;
  std::filesystem::path out;  // a file; empty: not written
  bool keep_samples = true;   // false: only written (memory does not grow with the trace)
};
// A stop (`control`, polled every 65536 samples) throws Interrupted with nothing written.
std::vector<TraceSample> run_trace_job(const TraceJob& job, const RunControl& control = {});

// `theory`: the stationary state of every grid point (sigma fastest, then bias, then the
// neuron's axes) and, with TheoryResponse::linear, the linear response to the signal, with
// TheoryResponse::periodic the periodic state under it (the signal's amplitude and frequency are
// then axes too); written as CSV to `out` when it is not empty, the periodic state's rate over a
// period to `rate_curve` when it is not empty. V_init plays no role.
struct TheoryJob {
  AxisTexts axes = default_axis_texts();
  SpreadShape spread_shape = SpreadShape::normal;  // a population with spreads: the averaged rate
  TheoryResponse response = TheoryResponse::stationary;
  // The simulation whose `--spectrum` SNR linear_snr_db predicts: neurons per point, the
  // measured duration and the PSTH bin (sweep's defaults).
  std::uint64_t neurons = 1000;
  double duration_ms = 10000.0;
  double psth_bin_ms = 10.0;
  std::filesystem::path out;         // a file; empty: not written
  std::filesystem::path rate_curve;  // a file (periodic only); empty: not written
};
// A stop (`control`, polled between rows) throws Interrupted with nothing written.
TheoryTable run_theory_job(const TheoryJob& job, const RunControl& control = {});

// `reproduce`: the study's tables, report.md, run.json and (with `figures`)
// its PNG figures, drawn by scripts/plot_report.py in a python with matplotlib.
struct ReproduceJob {
  StudyProtocol protocol;
  std::int64_t trials = 0;  // as given (0: the study's own counts), for run.json
  std::filesystem::path out;
  bool figures = true;
  std::string plot_python;  // empty: $SRLIF_PYTHON, python3, /usr/bin/python3 (the first with matplotlib)
  std::string plot_script;  // empty: $SRLIF_PLOT_SCRIPT, else the source tree's scripts/plot_report.py
  std::string command_line;
};
struct ReproduceReport {
  std::uint64_t neuron_steps = 0;
  double wall_seconds = 0.0;
  std::string device;
  std::string figure_error;  // why the figures were not drawn ("" when drawn or not asked for)
};
ReproduceReport run_reproduce_job(const ReproduceJob& job, const RunControl& control);

}  // namespace srlif
