// A sweep written to an output folder: checkpointed while it runs, resumable,
// one shard of the grid if asked. What `srlif sweep` and `srlif.sweep(out=...)`
// both run; the front ends only parse their options into a SweepJob, steer it
// with a RunControl (progress, stop) and show the report.
//
// The folder gets points.csv, optimum.csv (whole grids), tallies.csv and
// run.json, staged and renamed together; OUT/checkpoint holds the finished
// points (and the state of long segments) while it runs (checkpoint.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "srlif/io/run_json.hpp"
#include "srlif/io/sweep_writer.hpp"
#include "srlif/planning/shard.hpp"
#include "srlif/planning/sweep_config.hpp"
#include "srlif/running/run_control.hpp"

namespace srlif {

struct SweepJob {
  SweepConfig config;
  std::filesystem::path out;  // required (InputError "--out")
  ShardSpec shard;            // 1/1: the whole grid
  bool resume = false;        // continue the checkpoint in `out`
  double checkpoint_seconds = 10.0;
  std::string command_line;  // for run.json
  // Said after "...are saved in DIR; " when a stop interrupts the run.
  std::string resume_hint = "run the same command with --resume to continue";
};

// A segment that went on from the state a stopped run had saved.
struct ContinuedSegment {
  std::uint64_t first_point;
  std::uint64_t last_point;
  std::int64_t from_step;
};

struct SweepJobReport {
  bool resume_found_nothing = false;  // --resume into a folder with no checkpoint and no tallies.csv
  SweepSummary summary;
  RunRecord record;        // what run.json says of the run (timing, device, resumed points)
  std::int64_t steps = 0;  // time steps per neuron
  std::vector<ContinuedSegment> continued;
};

// Validates the job (InputError naming the flag, before anything is written),
// runs the grid points not yet finished on the configured backends and writes
// the folder. A stop request (RunControl::stop_requested) is honoured at the
// next chunk boundary: the finished points and the state of the segments in
// flight are saved in the checkpoint, and Interrupted(stop, message) is thrown.
SweepJobReport run_sweep_job(const SweepJob& job, const RunControl& control);

// Refuses (InputError "--out") a sweep of `grid_points` points whose files for
// `shard` (with `neurons_in_flight` neurons' state in the checkpoint) would
// not fit on the disk of `out`. Callable from the axes' counts, before any
// axis is built, so that a grid too large is refused at once; with the run's
// checkpoint header (`header_bytes`), `parts` parts and `states` states, the
// copies of it that the checkpoint holds too (sweep_output_bytes).
void check_sweep_fits_disk(double grid_points, const ShardSpec& shard, double neurons_in_flight,
                           const std::filesystem::path& out, double header_bytes = 0.0, double parts = 0.0,
                           double states = 0.0);

}  // namespace srlif
