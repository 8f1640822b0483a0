// What a kernel sees of the engine's memory, without Thrust (so that the kernels' translation
// units parse none of it): the neurons in flight and a chunk's tables, as device pointers.
#pragma once

#include <cstdint>

#include "simt.hpp"
#include "srlif/physics/neuron_vars.hpp"

namespace srlif::cuda {
inline namespace SRLIF_SIMT_TARGET {

// The arrays of the neurons in flight (neuron_vars.hpp), neuron `at` = local point * neurons per
// point + neuron: the kernel's view of the engine's device vectors.
using DevicePopulation = NeuronArrays<DevicePointer>;

// The kernel's view of a chunk's tables (device pointers; null for a table the run has not).
struct DeviceChunkTables {
  const float* drive_sin;  // [frequency][length]
  const std::int32_t* phase_cos;
  const std::int32_t* phase_sin;
  const std::int32_t* phase_bin;  // [frequency][length], readouts only
  const std::int32_t* psth_bin;   // [length], readouts only
  const float* drive_cos;         // [frequency][length], SweepPlan::drive_quadrature only
  std::int64_t length;
};

}  // namespace SRLIF_SIMT_TARGET
}  // namespace srlif::cuda
