#include "srlif/running/trace.hpp"

#include <cmath>
#include <numbers>

#include "srlif/io/csv_line.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/physics/neuron_chunk.hpp"
#include "srlif/physics/neuron_vars.hpp"
#include "srlif/physics/philox.hpp"
#include "srlif/planning/drive_tables.hpp"

namespace srlif {

void trace_neuron(const SweepPlan& plan, std::uint64_t neuron,
                  const std::function<void(const TraceSample&)>& visit) {
  const GridPoint grid_point = plan.config.grid.point(0);
  // The neuron's own coefficients and bias in a heterogeneous population, else the point's.
  const PointCoefficients point =
      plan.heterogeneous ? neuron_coefficients(plan, 0, neuron) : plan.points.front();
  NeuronParams neuron_params;
  const double bias = spread_neuron(plan.config, grid_point, neuron, neuron_params);
  const double dt = plan.config.time.dt;
  const double noise_pa = grid_point.sigma() / std::sqrt(dt);  // pA per unit normal
  const std::uint64_t stream = stream_id(point.stream_tag, neuron);
  const std::uint64_t seed = plan.config.seed;
  // Coloured noise: the noise current (pA) is state, and the input's noise part.
  const bool coloured = neuron_params.noise_tau > 0.0;
  NeuronRecord record = initial_neuron(point, seed, stream, coloured);
  NeuronState& state = record.state;
  float& noise_current = record.noise_current;
  const StepVariant variant{plan.config.scheme, coloured, false};
  bool spiked = false;
  for (std::int64_t chunk_begin = 0; chunk_begin < plan.samples; chunk_begin += plan.chunk_steps) {
    const std::int64_t chunk_end = std::min(plan.samples, chunk_begin + plan.chunk_steps);
    const ChunkTables tables = make_chunk_tables(plan, chunk_begin, chunk_end - chunk_begin);
    const ChunkTableView view = chunk_table_view(tables, point.drive_table, false);
    for (std::int64_t k = chunk_begin; k < chunk_end; ++k) {
      const auto block = static_cast<std::uint64_t>(k / 4);
      const float z = normals_from_block(philox4x32_10(seed, stream, block)).z[k % 4];
      const float second_z =
          coloured ? normals_from_block(philox4x32_10(seed, stream, block | kSecondNormalFlag)).z[k % 4]
                   : 0.0f;
      const std::int64_t at = k - chunk_begin;
      // The input current I_k at t_k; scheme exact's drive table is phase-shifted
      // (it holds the sinusoid integrated over the step), so take sin(2 pi f t_k) itself.
      const double sinusoid = plan.drive_tables[point.drive_table].phase_rad == 0.0
                                  ? static_cast<double>(view.drive_sin[at])
                                  : std::sin(2.0 * std::numbers::pi * grid_point.frequency() *
                                             plan.config.time.time_of(k) / 1000.0);
      const double noise = coloured ? static_cast<double>(noise_current) : noise_pa * static_cast<double>(z);
      const double input = bias + grid_point.amplitude() * sinusoid + noise;
      visit(TraceSample{plan.config.time.time_of(k), state.v, input, spiked});
      // The last sample takes no step (there are K - 1 steps).
      if (k + 1 < plan.samples) {
        const BridgeStream bridge{seed, stream, chunk_begin};
        spiked = with_step_variant(variant, [&](auto kScheme, auto kColoured, auto) {
          return advance_step<decltype(kScheme)::value, decltype(kColoured)::value>(
              state, noise_current, record.tally, point.constants, point, z, second_z, view, at, bridge);
        });
      }
    }
  }
}

std::vector<TraceSample> trace_neuron(const SweepPlan& plan, std::uint64_t neuron) {
  std::vector<TraceSample> samples;
  samples.reserve(static_cast<std::size_t>(plan.samples));
  trace_neuron(plan, neuron, [&samples](const TraceSample& sample) { samples.push_back(sample); });
  return samples;
}

std::string trace_csv_header() { return "time_ms,v_mv,input_pa,spike\n"; }

std::string trace_csv_row(const TraceSample& sample) {
  return csv_line({format_number(sample.time_ms), format_number(sample.v_mv), format_number(sample.input_pa),
                   sample.spike ? "1" : "0"});
}

std::string trace_csv(const std::vector<TraceSample>& samples) {
  std::string out = trace_csv_header();
  out.reserve(samples.size() * 40);
  for (const TraceSample& sample : samples) out += trace_csv_row(sample);
  return out;
}

}  // namespace srlif
