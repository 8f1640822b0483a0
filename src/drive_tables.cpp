#include "srlif/drive_tables.hpp"

#include <cmath>
#include <numbers>

#include "srlif/accumulators.hpp"

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

}  // namespace

ChunkTables make_chunk_tables(const std::vector<double>& frequencies, double dt, std::int64_t first_step,
                              std::int64_t length) {
  ChunkTables tables;
  tables.first_step = first_step;
  tables.length = length;
  const std::size_t entries = frequencies.size() * static_cast<std::size_t>(length);
  tables.drive_sin.resize(entries);
  tables.phase_cos.resize(entries);
  tables.phase_sin.resize(entries);
  for (std::size_t f = 0; f < frequencies.size(); ++f) {
    for (std::int64_t offset = 0; offset < length; ++offset) {
      const std::size_t at = f * static_cast<std::size_t>(length) + static_cast<std::size_t>(offset);
      const std::int64_t step = first_step + offset;
      tables.drive_sin[at] = static_cast<float>(std::sin(phase_angle(frequencies[f], dt, step)));
      const double spike_phase = phase_angle(frequencies[f], dt, step + 1);
      tables.phase_cos[at] = fixed_point(std::cos(spike_phase));
      tables.phase_sin[at] = fixed_point(std::sin(spike_phase));
    }
  }
  return tables;
}

}  // namespace srlif
