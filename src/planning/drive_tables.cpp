#include "srlif/planning/drive_tables.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "srlif/physics/accumulators.hpp"

namespace srlif {
namespace {

// Phase angle 2 pi f t (f in Hz, t = step * dt in ms) reduced to one cycle
// before the sine is taken, so long runs do not lose precision.
double phase_angle(double frequency, double dt, std::int64_t step) {
  const double cycles = frequency * (static_cast<double>(step) * dt) / 1000.0;
  return 2.0 * std::numbers::pi * (cycles - std::floor(cycles));
}

std::int32_t fixed_point(double unit_value) {
  return static_cast<std::int32_t>(std::lround(unit_value * kPhaseScale));
}

// The phase-histogram bin of t_k. When a period is a whole number P of steps
// the bin is ((k mod P) * bins) / P in integers, so spikes exactly on a bin
// edge always go to the upper bin; otherwise from the reduced phase.
std::int32_t phase_bin(double frequency, double dt, std::int64_t step, std::uint32_t bins) {
  const double steps_per_period = 1000.0 / (frequency * dt);
  const double whole = std::round(steps_per_period);
  if (whole >= 1.0 && std::fabs(steps_per_period - whole) < 1e-9 * whole) {
    const auto period = static_cast<std::int64_t>(whole);
    return static_cast<std::int32_t>((step % period) * static_cast<std::int64_t>(bins) / period);
  }
  const auto bin =
      static_cast<std::int64_t>(phase_angle(frequency, dt, step) / (2.0 * std::numbers::pi) * bins);
  return static_cast<std::int32_t>(std::min<std::int64_t>(bin, bins - 1));
}

}  // namespace

ChunkTables make_chunk_tables(const SweepPlan& plan, std::int64_t first_step, std::int64_t length) {
  const std::vector<DriveTable>& drives = plan.drive_tables;
  const double dt = plan.config.time.dt;
  const ReadoutLayout& readouts = plan.readout_layout;
  if (first_step < plan.warmup_steps && first_step + length > plan.warmup_steps)
    throw std::logic_error("make_chunk_tables: a chunk straddles the warm-up's end");
  ChunkTables tables;
  tables.first_step = first_step;
  tables.length = length;
  tables.readouts = plan.config.readouts.enabled && first_step >= plan.warmup_steps;
  const std::size_t entries = drives.size() * static_cast<std::size_t>(length);
  tables.drive_sin.resize(entries);
  if (plan.drive_quadrature) tables.drive_cos.resize(entries);
  tables.phase_cos.resize(entries);
  tables.phase_sin.resize(entries);
  const bool phase_bins = tables.readouts && readouts.phase_bins > 0;
  if (phase_bins) tables.phase_bin.resize(entries);
  for (std::size_t table = 0; table < drives.size(); ++table) {
    const double frequency = drives[table].frequency_hz;
    for (std::int64_t offset = 0; offset < length; ++offset) {
      const std::size_t at = table * static_cast<std::size_t>(length) + static_cast<std::size_t>(offset);
      const std::int64_t step = first_step + offset;
      // The phase: zero for euler (adding it is exact), arg c for exact.
      const double drive_phase = phase_angle(frequency, dt, step) + drives[table].phase_rad;
      tables.drive_sin[at] = static_cast<float>(std::sin(drive_phase));
      if (plan.drive_quadrature) tables.drive_cos[at] = static_cast<float>(std::cos(drive_phase));
      const double spike_phase = phase_angle(frequency, dt, step + 1);
      tables.phase_cos[at] = fixed_point(std::cos(spike_phase));
      tables.phase_sin[at] = fixed_point(std::sin(spike_phase));
      if (phase_bins) {
        tables.phase_bin[at] = phase_bin(frequency, dt, step + 1, readouts.phase_bins);
      }
    }
  }
  if (tables.readouts && readouts.psth_bins > 0) {
    tables.psth_bin.resize(static_cast<std::size_t>(length));
    for (std::int64_t offset = 0; offset < length; ++offset) {
      tables.psth_bin[static_cast<std::size_t>(offset)] =
          static_cast<std::int32_t>(psth_bin_of_step(plan, first_step + offset));
    }
  }
  return tables;
}

std::size_t chunk_table_entries(const SweepPlan& plan, std::int64_t length) {
  // As make_chunk_tables sizes them: sin, phase cos and sin per drive table, cos with
  // drive_quadrature, phase bins with phase readouts; the PSTH bins once.
  const std::size_t entries = plan.drive_tables.size() * static_cast<std::size_t>(length);
  const ReadoutLayout& readouts = plan.readout_layout;
  return entries * (3 + (plan.drive_quadrature ? 1 : 0) + (readouts.phase_bins > 0 ? 1 : 0)) +
         (readouts.psth_bins > 0 ? static_cast<std::size_t>(length) : 0);
}

ChunkTableView chunk_table_view(const ChunkTables& tables, std::size_t table, bool readouts) {
  const std::size_t at = table * static_cast<std::size_t>(tables.length);
  return ChunkTableView{tables.drive_sin.data() + at,
                        tables.phase_cos.data() + at,
                        tables.phase_sin.data() + at,
                        readouts ? tables.phase_bin.data() + at : nullptr,
                        readouts ? tables.psth_bin.data() : nullptr,
                        tables.drive_cos.empty() ? nullptr : tables.drive_cos.data() + at};
}

}  // namespace srlif
