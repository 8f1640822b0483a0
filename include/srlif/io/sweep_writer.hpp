// A sweep's result files, written while its grid points' tallies arrive in
// grid order and holding one sigma slice at a time (sigma is the fastest grid
// axis), so that memory does not grow with the grid: points.csv (the range's
// rows), optimum.csv (whole grids only) and tallies.csv, staged under
// temporary names until finish() adds run.json and renames them all. The bytes
// are those that points_csv, optimum_csv and format_tally_file give for the
// whole range at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "srlif/io/staged_files.hpp"
#include "srlif/measures/metrics.hpp"
#include "srlif/planning/shard.hpp"
#include "srlif/running/sweep_runner.hpp"

namespace srlif {

inline constexpr std::size_t kSummaryRows = 200;  // larger grids: see points.csv

// What a sweep prints to stdout, kept while its files are written.
struct SweepSummary {
  std::uint64_t points = 0;
  std::vector<PointMetrics> metrics;   // every point's when points <= kSummaryRows, else none
  std::vector<SliceOptimum> optima;    // the first kSummaryRows slices'
  std::vector<double> optimum_values;  // the objective at each of those optima (NaN where none)
};

// The summary of a run held in memory (sweeps with spectra).
SweepSummary summarise(const SweepConfig& config, const SweepResult& result);

class SweepWriter {
 public:
  SweepWriter(const std::filesystem::path& out, const SweepConfig& config, ShardSpec shard, PointRange range);

  // The tally of grid point `point`: range.first, range.first + 1, ... in turn, with its spectrum
  // when the sweep records spectra (std::logic_error otherwise).
  void add(std::uint64_t point, const PointTally& tally, const SpectralReadout* spectrum = nullptr);

  // Stages run.json and renames every file into place; every point of the range must have come.
  void finish(const std::string& run_json);

  const SweepSummary& summary() const { return summary_; }
  std::vector<std::string> file_names() const { return files_.names(); }

 private:
  const SweepConfig& config_;
  bool whole_grid_;
  bool with_spectra_;
  PointRange range_;
  std::uint64_t next_point_;
  StagedFiles files_;
  std::size_t points_file_;
  std::size_t tallies_file_;
  std::size_t optimum_file_ = 0;
  std::uint64_t tallies_hash_;
  std::vector<std::size_t> by_sigma_;
  std::vector<PointMetrics> slice_;  // the measures of the current sigma slice so far
  SweepSummary summary_;
};

}  // namespace srlif
