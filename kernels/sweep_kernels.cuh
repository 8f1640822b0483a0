// CUDA kernels of the sweep: one thread integrates one neuron of one grid point
// with its state in registers; the threads of a warp that integrate the same
// neuron at different grid points share its normals (noise_sharing.hpp), drawn
// as raw words of Philox4x32-10 (cuRAND's curand_Philox4x32_10 on each block's
// counter on the GPU); the per-step arithmetic is the shared host/device code.
// Written once against the SIMT facade (simt.hpp): nvcc compiles it for the GPU
// (cuda_backend.cu), the host compiler for the SIMT emulator (cuda_sim_backend.cpp).
//
// The kernel is written by hand, with warp intrinsics rather than library primitives: a thread
// keeps its neuron in registers for a whole chunk and a warp's lanes pass normals by
// __shfl_sync, a schedule no CUB or Thrust primitive expresses; a spike's readouts are one
// integer atomic. What runs over the neurons outside it (initial state, the per-point tallies)
// is Thrust (device_population.hpp).
#pragma once

#include <cstdint>

#include "kernel_views.hpp"
#include "noise_sharing.hpp"
#include "simt.hpp"
#include "srlif/measures/readouts.hpp"
#include "srlif/physics/accumulators.hpp"
#include "srlif/physics/coloured_noise.hpp"
#include "srlif/physics/euler_step.hpp"
#include "srlif/physics/neuron_chunk.hpp"
#include "srlif/physics/neuron_vars.hpp"
#include "srlif/planning/sweep_plan.hpp"

namespace srlif::cuda {
inline namespace SRLIF_SIMT_TARGET {

inline constexpr int kThreadsPerBlock = 256;

// Population readouts of the points in flight (local point index first).
struct DeviceReadouts {
  unsigned long long* phase_histogram;  // [point][phase_bins]
  unsigned long long* psth;             // [point][psth_bins]
  std::uint32_t* max_v_key;             // [point], ordered_float_key of the max of v
  std::int32_t* raster;                 // [point][raster_neurons][raster_capacity]
  std::uint32_t phase_bins;
  std::uint32_t psth_bins;
  std::uint32_t raster_neurons;
  std::uint32_t raster_capacity;
};

// One launch of advance_chunk: its sharing groups (noise_sharing.hpp) and the neurons of each point.
struct LaunchLayout {
  SharingLaunch launch;
  std::uint64_t neurons;
  std::uint64_t blocks_per_group;
};

// Lane `source` of the caller's segment of kWidth lanes has `value`: every lane of the warp calls it.
template <int kWidth, typename T>
SRLIF_DEVICE T from_segment_lane(T value, int source) {
  if constexpr (kWidth == 1) {
    return value;
  } else {
    return simt::shuffle<kWidth>(value, source);
  }
}

// The bridge uniforms of one window (exact_step.hpp's bridge source), shared like the normals:
// the first time a lane of the warp needs one in the window, each lane draws its block of the
// bridge's counters (block | 2^63), and a step's word is read from the segment lane that drew it.
// Its vote (exact_step.hpp's bridge source) is the warp's.
template <int kWidth>
struct SharedBridge {
  using Schedule = NoiseSharing<kWidth>;
  std::uint64_t seed;
  std::uint64_t stream;
  std::uint64_t first_block;  // the window's first Philox block (global)
  int lane;
  bool drawn;
  PhiloxWords words;

  // The uniform of step `step_in_window` of the window. Called by every lane of the warp together
  // (exact_step), so `drawn` is the same in all of them.
  SRLIF_DEVICE bool any(bool condition) const { return simt::WarpVote{}.any(condition); }

  SRLIF_DEVICE float uniform(std::int64_t step_in_window) {
    if (!drawn) {
      words = simt::philox_block(seed, stream, Schedule::drawn_block(first_block, lane) | kBridgeBlockFlag);
      drawn = true;
    }
    // The same in every lane: they step together.
    const int word_index = static_cast<int>(step_in_window % 4);
    // Selects rather than words.word[word_index]: a dynamic index would put the array in local memory.
    const std::uint32_t mine = word_index == 0   ? words.word[0]
                               : word_index == 1 ? words.word[1]
                               : word_index == 2 ? words.word[2]
                                                 : words.word[3];
    return uniform_open(
        from_segment_lane<kWidth>(mine, Schedule::source_lane(static_cast<int>(step_in_window / 4))));
  }
};

// One chunk [step_begin, step_end) of the neurons of one launch. kWidth lanes share each neuron's
// normals (noise_sharing.hpp; 1: each thread draws its own). Lanes past the last neuron run along
// with a stand-in state, drawing their share and taking part in the shuffles, but store nothing.
// kColoured: coloured noise (coloured_noise.hpp), the neuron's current in a register, and under
// scheme exact its second normals, drawn and shared like the first.
template <bool kRecord, Scheme kScheme, bool kColoured, int kWidth>
SRLIF_KERNEL(kThreadsPerBlock)
advance_chunk(DevicePopulation population, const PointCoefficients* __restrict__ points,
              const PointCoefficients* __restrict__ neuron_points, std::uint64_t seed, LaunchLayout layout,
              DeviceChunkTables tables, DeviceReadouts readouts, std::int64_t step_begin,
              std::int64_t step_end) {
  static_assert(kThreadsPerBlock == kSharingThreadsPerBlock);
  using Schedule = NoiseSharing<kWidth>;
  const SharingThread where = sharing_thread<kWidth>(layout.launch, layout.neurons, layout.blocks_per_group,
                                                     simt::block_index(), simt::thread_index());
  if (!where.warp_active) return;  // the whole warp is past the last neuron
  const int lane = simt::thread_index() % kWarpLanes;
  const std::uint64_t local_point = where.local_point;
  const std::uint64_t neuron = where.neuron;
  const bool active = where.active;
  const std::uint64_t at = local_point * layout.neurons + neuron;
  // A heterogeneous population (null otherwise): each neuron's own coefficients, in registers
  // for the whole chunk like the point's.
  const PointCoefficients point =
      neuron_points != nullptr && active ? neuron_points[at] : points[local_point];
  const StepConstants constants = point.constants;
  const std::uint64_t table_at = point.drive_table * static_cast<std::uint64_t>(tables.length);
  const ChunkTableView view{tables.drive_sin + table_at,
                            tables.phase_cos + table_at,
                            tables.phase_sin + table_at,
                            kRecord ? tables.phase_bin + table_at : nullptr,
                            tables.psth_bin,
                            tables.drive_cos != nullptr ? tables.drive_cos + table_at : nullptr};

  // The neuron in registers for the chunk; a lane past the last neuron steps a stand-in at the
  // point's initial state (white, so that it draws nothing for it).
  NeuronRecord record = active ? load_neuron(population, at) : initial_neuron(point, seed, 0, false);
  NeuronState& state = record.state;
  NeuronTally& tally = record.tally;
  float& noise_current = record.noise_current;
  float max_v = state.v;

  // Readouts of one step: rare spike events as integer atomics, the max of v in a register.
  const auto on_step = [&](std::int64_t table_index, bool spiked, const NeuronState& after) {
    if constexpr (kRecord) {
      max_v = fmaxf(max_v, after.v);
      if (spiked && active) {
        simt::atomic_add(
            readouts.phase_histogram + local_point * readouts.phase_bins + view.phase_bin[table_index], 1ULL);
        simt::atomic_add(readouts.psth + local_point * readouts.psth_bins + view.psth_bin[table_index], 1ULL);
        if (neuron < readouts.raster_neurons) {
          readouts.raster[(local_point * readouts.raster_neurons + neuron) * readouts.raster_capacity +
                          tally.spikes - 1] = static_cast<std::int32_t>(step_begin + table_index);
        }
      }
    }
  };

  const std::uint64_t stream = stream_id(point.stream_tag, neuron);
  // One window from step `window` (chunks start on Philox blocks: step 4 * block + j has word j of
  // its block): `whole_blocks` blocks of 4 steps, then `partial_steps` (< 4) steps of one more.
  const auto advance_window = [&](std::int64_t window, int whole_blocks, int partial_steps) {
    const auto first_block = static_cast<std::uint64_t>(window) / 4;
    const std::uint64_t drawn_block = Schedule::drawn_block(first_block, lane);
    const NormalQuad drawn = normals_from_block(simt::philox_block(seed, stream, drawn_block));
    constexpr bool kSecond = kColoured && kScheme == Scheme::exact;
    NormalQuad drawn_second{};
    if constexpr (kSecond)
      drawn_second = normals_from_block(simt::philox_block(seed, stream, drawn_block | kSecondNormalFlag));
    // The window's tables and readouts, indexed from its first step (64-bit offsets once per window).
    const std::int64_t window_at = window - step_begin;
    const ChunkTableView window_view{view.drive_sin + window_at,
                                     view.phase_cos + window_at,
                                     view.phase_sin + window_at,
                                     kRecord ? view.phase_bin + window_at : nullptr,
                                     kRecord ? view.psth_bin + window_at : nullptr,
                                     view.drive_cos != nullptr ? view.drive_cos + window_at : nullptr};
    const auto on_window_step = [&](std::int64_t index, bool spiked, const NeuronState& after) {
      on_step(window_at + index, spiked, after);
    };
    SharedBridge<kWidth> bridge{seed, stream, first_block, lane, false, {}};
    const auto normals_of = [&](const NormalQuad& quad, int block) {
      NormalQuad normals;
      SRLIF_UNROLL
      for (int j = 0; j < 4; ++j)
        normals.z[j] = from_segment_lane<kWidth>(quad.z[j], Schedule::source_lane(block));
      return normals;
    };
    const auto second_of = [&](int block) {
      return kSecond ? normals_of(drawn_second, block) : NormalQuad{};
    };
    // Whole blocks with a constant count (no per-step guard), then the partial one.
    SRLIF_NO_UNROLL
    for (int block = 0; block < whole_blocks; ++block) {
      advance_block<kScheme, kColoured>(state, noise_current, tally, constants, point,
                                        normals_of(drawn, block), second_of(block), window_view, 4 * block, 4,
                                        bridge, on_window_step);
    }
    if (partial_steps > 0) {
      advance_block<kScheme, kColoured>(state, noise_current, tally, constants, point,
                                        normals_of(drawn, whole_blocks), second_of(whole_blocks), window_view,
                                        4 * whole_blocks, partial_steps, bridge, on_window_step);
    }
  };
  // Whole windows, then the chunk's short last one (the run's last chunk may end inside a block).
  const std::int64_t whole_end = step_end - (step_end - step_begin) % Schedule::kWindowSteps;
  for (std::int64_t window = step_begin; window < whole_end; window += Schedule::kWindowSteps) {
    advance_window(window, Schedule::kWindowBlocks, 0);
  }
  if (whole_end < step_end) {
    const auto steps_left = static_cast<int>(step_end - whole_end);
    advance_window(whole_end, steps_left / 4, steps_left % 4);
  }

  if (!active) return;
  store_neuron(population, at, record);
  if constexpr (kRecord) simt::atomic_max(readouts.max_v_key + local_point, ordered_float_key(max_v));
}

}  // namespace SRLIF_SIMT_TARGET
}  // namespace srlif::cuda
