// Advancing one neuron by one step and by one Philox block (4 steps): the
// inner loop that the CPU backend (vectorised across neurons) and the CUDA
// kernel (one neuron per thread) share.
#pragma once

#include <cstdint>
#include <type_traits>

#include "srlif/physics/accumulators.hpp"
#include "srlif/physics/coloured_noise.hpp"
#include "srlif/physics/euler_step.hpp"
#include "srlif/physics/exact_step.hpp"
#include "srlif/physics/host_device.hpp"
#include "srlif/physics/normal.hpp"
#include "srlif/planning/scheme.hpp"

namespace srlif {

// Read-only views of one frequency's chunk tables, indexed by k - first_step.
struct ChunkTableView {
  const float* drive_sin;
  const std::int32_t* phase_cos;
  const std::int32_t* phase_sin;
  const std::int32_t* phase_bin;  // readouts only, else null
  const std::int32_t* psth_bin;   // readouts only (indexed by k - first step alone), else null
  const float* drive_cos;         // SweepPlan::drive_quadrature only, else null
};

// The neuron's physics for step k (table index `at` = k - first step of the
// chunk) with its normal z_k; true when it spikes at t_{k+1}. `bridge` (a
// bridge source, exact_step.hpp, whose table index 0 is the chunk's first step)
// gives scheme exact its uniforms, and every step the warp's vote (`bridge.any`). kColoured: the noise is
// coloured (coloured_noise.hpp): `noise_current` takes its step, and scheme exact's membrane its second
// normal `second_normal`; both are unused otherwise.
template <Scheme kScheme, bool kColoured, typename Bridge>
SRLIF_HD bool scheme_step(NeuronState& state, float& noise_current, const StepConstants& constants,
                          const PointCoefficients& point, float normal, float second_normal,
                          const ChunkTableView& tables, std::int64_t at, Bridge& bridge) {
  float drive = step_drive(point, tables.drive_sin[at]);
  if (tables.drive_cos != nullptr) drive += point.drive_quadrature * tables.drive_cos[at];
  float noise;
  if constexpr (kColoured) {
    noise = coloured_membrane_noise<kScheme == Scheme::exact>(noise_current, point.noise_gain, point.coloured,
                                                              normal, second_normal);
  } else {
    noise = point.noise_gain * normal;
  }
  if constexpr (kScheme == Scheme::exact) {
    return exact_step(state, constants, point, drive, noise, bridge, at);
  } else {
    return euler_step(state, constants, drive, noise);
  }
}

// A spike at table index `at` adds its phase to the vector-strength sums.
SRLIF_HD void add_spike_phase(NeuronTally& tally, const ChunkTableView& tables, std::int64_t at) {
  tally.cos_sum += tables.phase_cos[at];
  tally.sin_sum += tables.phase_sin[at];
}

// One step of one neuron: integrate, detect the spike, count it and add its phase.
template <Scheme kScheme, bool kColoured, typename Bridge>
SRLIF_HD bool advance_step(NeuronState& state, float& noise_current, NeuronTally& tally,
                           const StepConstants& constants, const PointCoefficients& point, float normal,
                           float second_normal, const ChunkTableView& tables, std::int64_t at,
                           Bridge& bridge) {
  const bool spike = scheme_step<kScheme, kColoured>(state, noise_current, constants, point, normal,
                                                     second_normal, tables, at, bridge);
  tally.spikes += static_cast<std::uint32_t>(spike);
  if (spike) add_spike_phase(tally, tables, at);
  return spike;
}

// Steps k = table_offset + j (relative to the chunk) for j in [0, count), with
// normal z[j] (and, coloured, second normal second.z[j]); count is 4 except in a
// run's last, partial block. After each
// step `on_step(table index, spiked, state)` lets a caller record readouts
// (tally.spikes already counts that step's spike).
template <Scheme kScheme, bool kColoured, typename Bridge, typename OnStep>
SRLIF_HD void advance_block(NeuronState& state, float& noise_current, NeuronTally& tally,
                            const StepConstants& constants, const PointCoefficients& point,
                            const NormalQuad& normals, const NormalQuad& second, const ChunkTableView& tables,
                            std::int64_t table_offset, int count, Bridge& bridge, OnStep&& on_step) {
  // A constant trip count with a guard keeps every z[j] index constant, so
  // the normals stay in registers on the GPU even for the partial block.
  std::uint32_t spiked_steps = 0;  // bit j: a spike at step j of the block
  SRLIF_UNROLL
  for (int j = 0; j < 4; ++j) {
    if (j < count) {
      const bool spiked =
          scheme_step<kScheme, kColoured>(state, noise_current, constants, point, normals.z[j], second.z[j],
                                          tables, table_offset + j, bridge);
      tally.spikes += static_cast<std::uint32_t>(spiked);
      spiked_steps |= static_cast<std::uint32_t>(spiked) << j;
      on_step(table_offset + j, spiked, state);
    }
  }
  // Spikes are rare (about one step in 10^3 per neuron, one block in 10 per
  // warp of 32), so their phases are added once per block, and only in warps
  // where a neuron spiked: nvcc would otherwise issue the table loads and
  // 64-bit adds, predicated off, at every step (exact_step.hpp, BridgeStream).
  if (bridge.any(spiked_steps != 0)) {
    for (int j = 0; j < 4; ++j) {
      if ((spiked_steps >> j) & 1u) add_spike_phase(tally, tables, table_offset + j);
    }
  }
}

// The run-time choices that the step is compiled for, and the one dispatch from them to the
// templates: `with_step_variant(variant, f)` calls f(kScheme, kColoured, kRecord) with
// std::integral_constant values of the variant's scheme, coloured noise and readouts (record).
// The CUDA launch and `trace` dispatch through it; the CPU's kernel table picks an entry point
// per scheme (cpu_kernel_table.cpp), and inside one, with_flag turns coloured noise into a template
// argument. Host code only; always inlined, so that the CPU kernels' AVX2 copies stay one function
// (lane_kernels.hpp: nothing between an entry point and its vector code may be a call).
struct StepVariant {
  Scheme scheme;
  bool coloured;  // coloured noise (coloured_noise.hpp)
  bool record;    // population readouts
};

template <Scheme kScheme>
using SchemeConstant = std::integral_constant<Scheme, kScheme>;

// f(std::true_type{}) or f(std::false_type{}).
template <typename F>
__attribute__((always_inline)) inline decltype(auto) with_flag(bool flag, F&& f) {
  if (flag) return f(std::true_type{});
  return f(std::false_type{});
}

template <typename F>
__attribute__((always_inline)) inline decltype(auto) with_scheme(Scheme scheme, F&& f) {
  if (scheme == Scheme::exact) return f(SchemeConstant<Scheme::exact>{});
  return f(SchemeConstant<Scheme::euler>{});
}

template <typename F>
__attribute__((always_inline)) inline decltype(auto) with_step_variant(const StepVariant& variant, F&& f) {
  return with_scheme(variant.scheme, [&](auto kScheme) -> decltype(auto) {
    return with_flag(variant.coloured, [&](auto kColoured) -> decltype(auto) {
      return with_flag(variant.record,
                       [&](auto kRecord) -> decltype(auto) { return f(kScheme, kColoured, kRecord); });
    });
  });
}

}  // namespace srlif
