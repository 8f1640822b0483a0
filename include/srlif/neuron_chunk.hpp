// Advancing one neuron by one step and by one Philox block (4 steps): the
// inner loop that the CPU backend (vectorised across neurons) and the CUDA
// kernel (one neuron per thread) share.
#pragma once

#include <cstdint>

#include "srlif/accumulators.hpp"
#include "srlif/euler_step.hpp"
#include "srlif/exact_step.hpp"
#include "srlif/host_device.hpp"
#include "srlif/normal.hpp"
#include "srlif/scheme.hpp"

namespace srlif {

// Read-only views of one frequency's chunk tables, indexed by k - first_step.
struct ChunkTableView {
  const float* drive_sin;
  const std::int32_t* phase_cos;
  const std::int32_t* phase_sin;
  const std::int32_t* phase_bin;  // readouts only, else null
  const std::int32_t* psth_bin;   // readouts only (indexed by k - first step alone), else null
};

// One step k of one neuron (table index `at` = k - first step of the chunk)
// with its normal z_k: integrate, detect the spike, add its phase. `bridge`
// is used by scheme exact only (its first_step is the chunk's first step).
template <Scheme kScheme>
SRLIF_HD bool advance_step(NeuronState& state, NeuronTally& tally, const StepConstants& constants,
                           const PointCoefficients& point, float normal, const ChunkTableView& tables,
                           std::int64_t at, const BridgeStream& bridge) {
  const float drive = step_drive(point, tables.drive_sin[at]);
  const float noise = point.noise_gain * normal;
  bool spike = false;
  if constexpr (kScheme == Scheme::exact) {
    spike = exact_step(state, constants, point, drive, noise, bridge, at);
  } else {
    spike = euler_step(state, constants, drive, noise);
  }
  // Unconditional loads and masks keep the step branch-free (vectorisable on
  // the CPU, no divergence on the GPU).
  const std::int64_t spike_cos = tables.phase_cos[at];
  const std::int64_t spike_sin = tables.phase_sin[at];
  const std::int64_t mask = -static_cast<std::int64_t>(spike);
  tally.spikes += static_cast<std::uint32_t>(spike);
  tally.cos_sum += spike_cos & mask;
  tally.sin_sum += spike_sin & mask;
  return spike;
}

// Steps k = table_offset + j (relative to the chunk) for j in [0, count), with
// normal z[j]; count is 4 except in a run's last, partial block. After each
// step `on_step(table index, spiked, state)` lets a caller record readouts.
template <Scheme kScheme, typename OnStep>
SRLIF_HD void advance_block(NeuronState& state, NeuronTally& tally, const StepConstants& constants,
                            const PointCoefficients& point, const NormalQuad& normals,
                            const ChunkTableView& tables, std::int64_t table_offset, int count,
                            const BridgeStream& bridge, OnStep&& on_step) {
  // A constant trip count with a guard keeps every z[j] index constant, so
  // the normals stay in registers on the GPU even for the partial block.
  SRLIF_UNROLL
  for (int j = 0; j < 4; ++j) {
    if (j < count) {
      const bool spiked = advance_step<kScheme>(state, tally, constants, point, normals.z[j], tables,
                                                table_offset + j, bridge);
      on_step(table_offset + j, spiked, state);
    }
  }
}

}  // namespace srlif
