// A sweep's checkpoint: OUT/checkpoint/part-<first point>.tallies, tally
// files (tally_file.hpp) of finished grid points, each written atomically and
// fsync'ed. Finished segments are gathered and written at most once per
// `interval` seconds (each write is an fsync; a grid of many tiny segments
// would otherwise spend its time in them), and at once by flush(). `--resume` reads
// them back (refusing another configuration or shard, or a part that fails its
// checksum) and simulates only the points not yet done; since a point's result
// depends on nothing else in the run, the final files are the same bytes as an
// uninterrupted run's.
//
// A segment that runs longer than `interval` also leaves the state of its
// neurons at a chunk boundary (OUT/checkpoint/state-<first point>.state,
// state_file.hpp), rewritten at most once per `interval` and at once on
// a stop signal (SIGINT, SIGTERM, SIGHUP, ...), and removed once the segment's tallies are in a part file;
// `--resume` goes on from it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "srlif/io/state_file.hpp"
#include "srlif/measures/spectrum.hpp"
#include "srlif/physics/accumulators.hpp"
#include "srlif/planning/shard.hpp"
#include "srlif/planning/sweep_config.hpp"

namespace srlif {

class Checkpoint {
 public:
  // Opens OUT/checkpoint for the run identified by (config_text, shard).
  // resume = false: refuses (InputError "--out") a folder holding another
  // run's unfinished checkpoint. resume = true: loads its finished points, or,
  // when there is no checkpoint, those of OUT/tallies.csv (a finished run).
  // `range`: the grid points of the run (its shard's).
  Checkpoint(const std::filesystem::path& out, std::string config_text, ShardSpec shard, PointRange range,
             bool resume, double interval_seconds = 0.0);

  // Whether grid point `point` is finished (in a part file, or gathered for one). The
  // tallies themselves stay on disk; memory holds one bit per point of the range.
  bool finished(std::uint64_t point) const { return done_[point - range_.first]; }
  std::uint64_t finished_count() const { return done_count_; }
  // On resume: whether the folder held no checkpoint and no finished run (the run starts afresh).
  bool found_nothing() const { return found_nothing_; }

  // Writes what is gathered, then calls `visit` with every point of the range and its
  // tally, in grid order, reading the part files a few at a time. Every point must be finished.
  // `spectrum` is null for sweeps without spectra.
  using FinishedVisitor =
      std::function<void(std::uint64_t point, const PointTally& tally, const SpectralReadout* spectrum)>;
  void read_finished(const FinishedVisitor& visit);

  // On resume: the segments that the killed run had begun, with their state.
  const std::vector<StateFile>& started() const { return started_; }

  // Records a finished segment; writes the gathered segments as one part file
  // when `interval` has passed since the last write, or when 2^16 points are gathered.
  // `spectra`: one per point for sweeps with spectra, else empty.
  void save(const std::vector<std::uint64_t>& points, const std::vector<PointTally>& tallies,
            const std::vector<SpectralReadout>& spectra = {});

  // Writes what save() gathered (before a stop on a signal), then removes the
  // state files of the segments it holds.
  void flush();

  // Writes the state of the unfinished segment `points` at once (replacing its last one).
  void save_state(const std::vector<std::uint64_t>& points, std::uint64_t neurons_per_point,
                  const PopulationSnapshot& state);

  // Removes the checkpoint once the final files are written: its parts and states, and the
  // folder when nothing else is in it (a file a user put there stays).
  void remove();

  std::filesystem::path directory() const { return directory_; }

 private:
  void load(const std::filesystem::path& file);
  void load_state(const std::filesystem::path& file);
  void check_run(const std::filesystem::path& file, const std::string& config_text,
                 const ShardSpec& shard) const;

  void mark_finished(std::uint64_t point, const std::filesystem::path& file);

  std::filesystem::path directory_;
  std::string config_text_;
  SweepConfig config_;  // parsed from config_text_: the bounds and checks of what is read back
  ShardSpec shard_;
  PointRange range_;
  double interval_seconds_;
  std::chrono::steady_clock::time_point last_write_;
  std::vector<bool> done_;  // by point - range.first
  std::uint64_t done_count_ = 0;
  // The files that hold finished points, by their first point: the parts, or the tallies.csv of a finished
  // run.
  std::vector<std::pair<std::uint64_t, std::filesystem::path>> sources_;
  // Finished, not yet in a part file (with its spectrum when the sweep records spectra).
  std::map<std::uint64_t, std::pair<PointTally, SpectralReadout>> unwritten_;
  bool with_spectra_ = false;
  bool found_nothing_ = false;
  std::vector<StateFile> started_;
  std::map<std::uint64_t, std::filesystem::path> state_files_;  // by the segment's first point
};

}  // namespace srlif
