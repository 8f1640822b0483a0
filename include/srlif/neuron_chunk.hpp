// Advancing one neuron through the steps of one Philox block (4 steps): the
// piece of the inner loop that the CPU backend (vectorised across neurons) and
// the CUDA kernel (one neuron per thread) share.
#pragma once

#include <cstdint>

#include "srlif/accumulators.hpp"
#include "srlif/euler_step.hpp"
#include "srlif/host_device.hpp"
#include "srlif/normal.hpp"

namespace srlif {

// Read-only views of one frequency's chunk tables, indexed by k - first_step.
struct ChunkTableView {
  const float* drive_sin;
  const std::int32_t* phase_cos;
  const std::int32_t* phase_sin;
};

// Steps k = table_offset + j (relative to the chunk) for j in [0, count), with
// normal z[j]; count is 4 except in a run's last, partial block.
SRLIF_HD void advance_block(NeuronState& state, NeuronTally& tally, const StepConstants& constants,
                            const PointCoefficients& point, const NormalQuad& normals,
                            const ChunkTableView& tables, std::int64_t table_offset, int count) {
  for (int j = 0; j < count; ++j) {
    const std::int64_t at = table_offset + j;
    const float drive = step_drive(point, tables.drive_sin[at]);
    const bool spike = euler_step(state, constants, drive, point.noise_gain * normals.z[j]);
    tally.spikes += spike ? 1u : 0u;
    tally.cos_sum += spike ? tables.phase_cos[at] : 0;
    tally.sin_sum += spike ? tables.phase_sin[at] : 0;
  }
}

}  // namespace srlif
