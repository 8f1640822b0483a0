#include "srlif/io/sweep_writer.hpp"

#include <cmath>
#include <stdexcept>

#include "srlif/io/checksummed_file.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/csv_line.hpp"
#include "srlif/io/point_tables.hpp"
#include "srlif/io/tally_file.hpp"

namespace srlif {
namespace {

double objective_at(const SweepConfig& config, const SliceOptimum& optimum, const PointMetrics* metrics) {
  return optimum.found ? objective_value(config.objective, *metrics) : kNaN;
}

}  // namespace

SweepSummary summarise(const SweepConfig& config, const SweepResult& result) {
  SweepSummary summary;
  summary.points = result.metrics.size();
  if (summary.points <= kSummaryRows) summary.metrics = result.metrics;
  for (std::size_t i = 0; i < result.optima.size() && i < kSummaryRows; ++i) {
    const SliceOptimum& optimum = result.optima[i];
    summary.optima.push_back(optimum);
    summary.optimum_values.push_back(
        objective_at(config, optimum, optimum.found ? &result.metrics[optimum.point] : nullptr));
  }
  return summary;
}

SweepWriter::SweepWriter(const std::filesystem::path& out, const SweepConfig& config, ShardSpec shard,
                         PointRange range)
    : config_(config),
      whole_grid_(range.first == 0 && range.end == config.grid.size()),
      with_spectra_(config.readouts.enabled),
      range_(range),
      next_point_(range.first),
      files_(out),
      points_file_(files_.create("points.csv")),
      tallies_file_(files_.create("tallies.csv")),
      by_sigma_(sigma_order(config.grid)) {
  files_.append(points_file_, points_csv_header(config.grid));
  const std::string header = tally_file_header(result_config_text(config), shard, with_spectra_);
  files_.append(tallies_file_, header);
  tallies_hash_ = fnv1a64(header);
  if (whole_grid_) {
    optimum_file_ = files_.create("optimum.csv");
    files_.append(optimum_file_, optimum_csv_header(config.grid));
  }
  slice_.reserve(config.grid[Axis::sigma].size());
}

void SweepWriter::add(std::uint64_t point, const PointTally& tally, const SpectralReadout* spectrum) {
  if (point != next_point_ || point >= range_.end) {
    throw std::logic_error("SweepWriter: grid point " + std::to_string(point) + " where " +
                           std::to_string(next_point_) + " was due");
  }
  if ((spectrum != nullptr) != with_spectra_) {
    throw std::logic_error("SweepWriter: a spectrum is due exactly when the sweep records spectra");
  }
  ++next_point_;
  const PointMetrics metrics = compute_metrics(tally, config_.time.duration, spectrum);
  files_.append(points_file_, csv_line(points_csv_fields(config_.grid, config_.neurons, point, metrics)));
  const std::string row = tally_file_row(point, tally, spectrum);
  files_.append(tallies_file_, row);
  tallies_hash_ = fnv1a64(row, tallies_hash_);
  ++summary_.points;
  if (range_.end - range_.first <= kSummaryRows) summary_.metrics.push_back(metrics);
  if (!whole_grid_) return;

  slice_.push_back(metrics);
  if (slice_.size() < config_.grid[Axis::sigma].size()) return;
  const std::size_t slice = point / config_.grid[Axis::sigma].size();
  const SliceOptimum optimum = slice_optimum(config_.grid, slice, slice_, config_.objective, by_sigma_);
  const PointMetrics* at_optimum = optimum.found ? &slice_[optimum.point - slice * slice_.size()] : nullptr;
  files_.append(optimum_file_, optimum_csv_row(config_.grid, optimum, at_optimum, config_.objective));
  if (summary_.optima.size() < kSummaryRows) {
    summary_.optima.push_back(optimum);
    summary_.optimum_values.push_back(objective_at(config_, optimum, at_optimum));
  }
  slice_.clear();
}

void SweepWriter::finish(const std::string& run_json) {
  if (next_point_ != range_.end) {
    throw std::logic_error("SweepWriter: finished at grid point " + std::to_string(next_point_) + " of " +
                           std::to_string(range_.end));
  }
  files_.append(tallies_file_, checksum_line(tallies_hash_));
  files_.append(files_.create("run.json"), run_json);
  files_.commit();
}

}  // namespace srlif
