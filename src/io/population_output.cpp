#include "srlif/io/population_output.hpp"

#include <algorithm>
#include <functional>
#include <numbers>

#include "srlif/errors.hpp"
#include "srlif/io/csv_line.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/io/point_tables.hpp"

namespace srlif {
namespace {

// Polled before each point's rows: throws Interrupted once a stop is requested.
struct StopCheck {
  const std::function<int()>& requested;
  void operator()() const {
    if (const int stop = requested ? requested() : 0) throw Interrupted(stop, "");
  }
};

// The point's key columns (point_key_columns), then the table's own.
std::string header(const Grid& grid, const PopulationTable& table) {
  std::vector<std::string> columns = point_key_columns(grid);
  for (const ColumnInfo& column : table.columns) columns.push_back(column.name);
  return csv_line(columns);
}

std::string summary_csv(const SweepPlan& plan, const SweepResult& result, const StopCheck& stop) {
  std::string out = header(plan.config.grid, population_tables().summary);
  for (std::size_t index = 0; index < result.metrics.size(); ++index) {
    stop();
    std::vector<std::string> fields =
        points_csv_fields(plan.config.grid, plan.config.neurons, index, result.metrics[index]);
    const PopulationMeasures measures = population_measures(plan, result, index);
    fields.push_back(format_number(measures.max_v_mv));
    fields.push_back(format_number(measures.subthreshold_margin_mv));
    out += csv_line(fields);
  }
  return out;
}

std::string phase_histogram_csv(const SweepPlan& plan, const SweepResult& result, const StopCheck& stop) {
  const std::uint32_t bins = plan.readout_layout.phase_bins;
  const double width = 2.0 * std::numbers::pi / bins;
  std::string out = header(plan.config.grid, population_tables().phase_histogram);
  for (std::size_t index = 0; index < result.metrics.size(); ++index) {
    stop();
    const std::vector<std::string> key = point_key_fields(plan.config.grid, index);
    const auto total = static_cast<double>(result.metrics[index].total_spikes);
    for (std::uint32_t bin = 0; bin < bins; ++bin) {
      const std::uint64_t spikes = result.readouts.phase_histogram[index * bins + bin];
      std::vector<std::string> fields = key;
      fields.insert(fields.end(),
                    {std::to_string(bin), format_number(bin * width), format_number((bin + 1) * width),
                     std::to_string(spikes), format_number(static_cast<double>(spikes) / (total * width))});
      out += csv_line(fields);
    }
  }
  return out;
}

std::string psth_csv(const SweepPlan& plan, const SweepResult& result, const StopCheck& stop) {
  const std::uint32_t bins = plan.readout_layout.psth_bins;
  const double bin_ms = plan.config.readouts.psth_bin_ms;
  const double duration = plan.config.time.duration;
  // The bins' times are the run's: from the measured window's start t_W (0 without a warm-up).
  const double origin = plan.config.time.time_of(plan.warmup_steps);
  const auto neurons = static_cast<double>(plan.config.neurons);
  std::string out = header(plan.config.grid, population_tables().psth);
  for (std::size_t index = 0; index < result.metrics.size(); ++index) {
    stop();
    const std::vector<std::string> key = point_key_fields(plan.config.grid, index);
    for (std::uint32_t bin = 0; bin < bins; ++bin) {
      const double start = bin * bin_ms;
      const double end = std::min(duration, start + bin_ms);  // the last bin may be shorter
      const std::uint64_t spikes = result.readouts.psth[index * bins + bin];
      std::vector<std::string> fields = key;
      fields.insert(fields.end(),
                    {std::to_string(bin), format_number(origin + start), format_number(origin + end),
                     std::to_string(spikes),
                     format_number(static_cast<double>(spikes) / (neurons * (end - start) / 1000.0))});
      out += csv_line(fields);
    }
  }
  return out;
}

std::string raster_csv(const SweepPlan& plan, const SweepResult& result, const StopCheck& stop) {
  const ReadoutLayout& layout = plan.readout_layout;
  std::string out = header(plan.config.grid, population_tables().raster);
  for (std::size_t index = 0; index < result.metrics.size(); ++index) {
    stop();
    const std::vector<std::string> key = point_key_fields(plan.config.grid, index);
    for (std::uint32_t neuron = 0; neuron < layout.raster_neurons; ++neuron) {
      const std::size_t slot = index * layout.raster_neurons + neuron;
      const std::uint32_t spikes = result.readouts.raster_counts[slot];
      for (std::uint32_t spike = 0; spike < spikes; ++spike) {
        const std::int32_t step = result.readouts.raster_steps[slot * layout.raster_capacity + spike];
        std::vector<std::string> fields = key;
        fields.insert(fields.end(),
                      {std::to_string(neuron), format_number(plan.config.time.time_of(step + 1))});
        out += csv_line(fields);
      }
    }
  }
  return out;
}

}  // namespace

const PopulationTables& population_tables() {
  static const PopulationTables tables = [] {
    std::vector<ColumnInfo> summary = points_csv_value_columns();
    summary.push_back({"max_v_mv", "mV", false});
    summary.push_back({"subthreshold_margin_mv", "mV", false});
    return PopulationTables{{"population.csv", std::move(summary)},
                            {"phase_histogram.csv",
                             {{"bin", "", true},
                              {"phase_start_rad", "rad", false},
                              {"phase_end_rad", "rad", false},
                              {"spikes", "", true},
                              {"density_per_rad", "1/rad", false}}},
                            {"psth.csv",
                             {{"bin", "", true},
                              {"time_start_ms", "ms", false},
                              {"time_end_ms", "ms", false},
                              {"spikes", "", true},
                              {"rate_hz", "Hz", false}}},
                            {"raster.csv", {{"neuron", "", true}, {"spike_time_ms", "ms", false}}}};
  }();
  return tables;
}

PopulationMeasures population_measures(const SweepPlan& plan, const SweepResult& result, std::size_t point) {
  PopulationMeasures measures{};
  measures.spectrum =
      SpectralReadout{result.metrics[point].spectral_amplitude_hz, result.metrics[point].snr_db};
  measures.max_v_mv = result.readouts.max_v[point];
  measures.subthreshold_margin_mv = plan.config.grid.point(point)[Axis::v_threshold] - measures.max_v_mv;
  return measures;
}

std::vector<std::pair<std::string, std::string>> population_files(
    const SweepPlan& plan, const SweepResult& result, const std::function<int()>& stop_requested) {
  const PopulationTables& tables = population_tables();
  const StopCheck stop{stop_requested};
  std::vector<std::pair<std::string, std::string>> files = {
      {tables.summary.file, summary_csv(plan, result, stop)},
      {tables.phase_histogram.file, phase_histogram_csv(plan, result, stop)},
      {tables.psth.file, psth_csv(plan, result, stop)}};
  if (plan.readout_layout.raster_neurons > 0)
    files.emplace_back(tables.raster.file, raster_csv(plan, result, stop));
  return files;
}

double population_files_bytes(const SweepPlan& plan) {
  const PopulationTables& tables = population_tables();
  const ReadoutLayout& layout = plan.readout_layout;
  const Grid& grid = plan.config.grid;
  const auto points = static_cast<double>(grid.size());
  // A row: its key (the point's index, at most 20 digits, and each column axis's widest value as
  // point_key_fields writes it), then the table's fields: a whole number at most 20 digits, a
  // shortest round-trip double at most 24 characters; a comma or the line break after each.
  double key = 21.0;
  for (const Axis axis : grid.column_axes()) {
    std::size_t widest = 0;
    for (const double value : grid[axis]) widest = std::max(widest, format_number(value).size());
    key += static_cast<double>(widest) + 1.0;
  }
  const auto table_bytes = [&](const PopulationTable& table, double rows) {
    double row = key;
    for (const ColumnInfo& column : table.columns) row += column.integer ? 21.0 : 25.0;
    return (rows + 1.0) * row;
  };
  double bytes = table_bytes(tables.summary, points) +
                 table_bytes(tables.phase_histogram, points * layout.phase_bins) +
                 table_bytes(tables.psth, points * layout.psth_bins);
  if (layout.raster_neurons > 0) {
    bytes += table_bytes(tables.raster,
                         points * layout.raster_neurons * static_cast<double>(layout.raster_capacity));
  }
  return bytes;
}

}  // namespace srlif
