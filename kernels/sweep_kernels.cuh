// CUDA kernels of the sweep: one thread integrates one neuron of one grid point
// with its state in registers, drawing raw words from cuRAND's Philox4_32_10
// device generator (curand_Philox4x32_10 on each block's counter); the per-step
// arithmetic is the shared host/device code.
#pragma once

#include <curand_kernel.h>

#include <cstdint>
#include <cub/block/block_reduce.cuh>

#include "srlif/accumulators.hpp"
#include "srlif/euler_step.hpp"
#include "srlif/neuron_chunk.hpp"
#include "srlif/readouts.hpp"
#include "srlif/sweep_config.hpp"

namespace srlif::cuda {

inline constexpr int kThreadsPerBlock = 256;

// Device arrays of the neurons in flight (structure of arrays, point-major).
struct DevicePopulation {
  float* v;
  std::int32_t* refractory;
  std::uint32_t* spikes;
  std::int64_t* cos_sum;
  std::int64_t* sin_sum;
};

struct DeviceChunkTables {
  const float* drive_sin;  // [frequency][length]
  const std::int32_t* phase_cos;
  const std::int32_t* phase_sin;
  const std::int32_t* phase_bin;  // [frequency][length], readouts only
  const std::int32_t* psth_bin;   // [length], readouts only
  std::int64_t length;
};

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

// Thread layout: block b covers neurons [(b % blocks_per_point) * 256, ...) of
// local point b / blocks_per_point, so no block straddles two grid points.
struct Layout {
  std::uint64_t neurons;
  std::uint64_t blocks_per_point;
};

__device__ __forceinline__ bool locate(const Layout& layout, std::uint64_t& local_point,
                                       std::uint64_t& neuron) {
  local_point = blockIdx.x / layout.blocks_per_point;
  neuron = (blockIdx.x % layout.blocks_per_point) * kThreadsPerBlock + threadIdx.x;
  return neuron < layout.neurons;
}

template <bool kRecord, Scheme kScheme>
__global__ void __launch_bounds__(kThreadsPerBlock)
    advance_chunk(DevicePopulation population, const PointCoefficients* __restrict__ points,
                  StepConstants constants, std::uint64_t seed, Layout layout, DeviceChunkTables tables,
                  DeviceReadouts readouts, std::int64_t step_begin, std::int64_t step_end) {
  std::uint64_t local_point = 0;
  std::uint64_t neuron = 0;
  if (!locate(layout, local_point, neuron)) return;
  const std::uint64_t at = local_point * layout.neurons + neuron;
  const PointCoefficients point = points[local_point];
  const std::uint64_t table_at = point.frequency_index * static_cast<std::uint64_t>(tables.length);
  const ChunkTableView view{tables.drive_sin + table_at, tables.phase_cos + table_at,
                            tables.phase_sin + table_at, kRecord ? tables.phase_bin + table_at : nullptr,
                            tables.psth_bin};

  NeuronState state{population.v[at], population.refractory[at]};
  NeuronTally tally{population.spikes[at], population.cos_sum[at], population.sin_sum[at]};
  float max_v = state.v;

  // Readouts of one step: rare spike events as integer atomics, the max of v in a register.
  const auto on_step = [&](std::int64_t table_index, bool spiked, const NeuronState& after) {
    if constexpr (kRecord) {
      max_v = fmaxf(max_v, after.v);
      if (spiked) {
        atomicAdd(readouts.phase_histogram + local_point * readouts.phase_bins + view.phase_bin[table_index],
                  1ULL);
        atomicAdd(readouts.psth + local_point * readouts.psth_bins + view.psth_bin[table_index], 1ULL);
        if (neuron < readouts.raster_neurons) {
          readouts.raster[(local_point * readouts.raster_neurons + neuron) * readouts.raster_capacity +
                          tally.spikes - 1] = static_cast<std::int32_t>(step_begin + table_index);
        }
      }
    }
  };

  // cuRAND's Philox4_32_10 called on the block's counter directly (what curand_init(seed,
  // stream, 4 * block) + curand4 return, without the generator state's increment and word
  // rotation): counter (block lo, block hi, stream lo, stream hi), key = seed. Chunks start on
  // Philox blocks, so block = step / 4 and z[j] is the normal of step 4 * block + j.
  const BridgeStream bridge{seed, stream_id(point.stream_tag, neuron), step_begin};
  const uint2 key = make_uint2(static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
  const auto normals_of_block = [&](std::int64_t step) {
    const auto block = static_cast<std::uint64_t>(step) / 4;
    const uint4 counter = make_uint4(
        static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
        static_cast<std::uint32_t>(bridge.stream), static_cast<std::uint32_t>(bridge.stream >> 32));
    const uint4 words = curand_Philox4x32_10(counter, key);
    return normals_from_block(PhiloxWords{{words.x, words.y, words.z, words.w}});
  };
  // Whole blocks with a constant count (no per-step guard), then the chunk's partial block.
  const std::int64_t whole_end = step_end - (step_end - step_begin) % 4;
  std::int64_t step = step_begin;
  for (; step < whole_end; step += 4) {
    advance_block<kScheme>(state, tally, constants, point, normals_of_block(step), view, step - step_begin, 4,
                           bridge, on_step);
  }
  if (step < step_end) {
    advance_block<kScheme>(state, tally, constants, point, normals_of_block(step), view, step - step_begin,
                           static_cast<int>(step_end - step), bridge, on_step);
  }

  population.v[at] = state.v;
  population.refractory[at] = state.refractory;
  population.spikes[at] = tally.spikes;
  population.cos_sum[at] = tally.cos_sum;
  population.sin_sum[at] = tally.sin_sum;
  if constexpr (kRecord) atomicMax(readouts.max_v_key + local_point, ordered_float_key(max_v));
}

struct TallySum {
  __device__ PointTally operator()(PointTally a, const PointTally& b) const {
    add_tally(a, b);
    return a;
  }
};

__device__ __forceinline__ void atomic_add_u64(std::uint64_t* address, std::uint64_t value) {
  atomicAdd(reinterpret_cast<unsigned long long*>(address), static_cast<unsigned long long>(value));
}

// Per-neuron contributions reduced per block (CUB), then one integer atomic per
// field and block into the point's tally: exact, so order cannot matter.
__global__ void __launch_bounds__(kThreadsPerBlock)
    reduce_points(DevicePopulation population, Layout layout, ValidityRule rule,
                  PointTally* __restrict__ tallies) {
  using BlockReduce = cub::BlockReduce<PointTally, kThreadsPerBlock>;
  __shared__ typename BlockReduce::TempStorage storage;
  std::uint64_t local_point = 0;
  std::uint64_t neuron = 0;
  PointTally contribution{};
  if (locate(layout, local_point, neuron)) {
    const std::uint64_t at = local_point * layout.neurons + neuron;
    contribution = neuron_contribution(
        NeuronTally{population.spikes[at], population.cos_sum[at], population.sin_sum[at]}, rule);
  }
  const PointTally block_total = BlockReduce(storage).Reduce(contribution, TallySum{});
  if (threadIdx.x == 0) {
    PointTally* target = tallies + local_point;
    atomic_add_u64(&target->neurons, block_total.neurons);
    atomic_add_u64(&target->spikes, block_total.spikes);
    atomic_add_u64(&target->spikes_squared, block_total.spikes_squared);
    atomic_add_u64(reinterpret_cast<std::uint64_t*>(&target->cos_sum),
                   static_cast<std::uint64_t>(block_total.cos_sum));
    atomic_add_u64(reinterpret_cast<std::uint64_t*>(&target->sin_sum),
                   static_cast<std::uint64_t>(block_total.sin_sum));
    atomic_add_u64(&target->valid_neurons, block_total.valid_neurons);
    atomic_add_u64(&target->strength_sum, block_total.strength_sum);
    atomic_add_u64(&target->strength_squared_sum, block_total.strength_squared_sum);
  }
}

__global__ void initialise_population(DevicePopulation population, std::uint64_t count, float v_init) {
  const std::uint64_t at = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (at >= count) return;
  population.v[at] = v_init;
  population.refractory[at] = 0;
  population.spikes[at] = 0;
  population.cos_sum[at] = 0;
  population.sin_sum[at] = 0;
}

}  // namespace srlif::cuda
