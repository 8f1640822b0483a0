// The SIMT facade (simt.hpp) under nvcc: CUDA's intrinsics, cuRAND's Philox, a launch with <<<>>>.
#pragma once

#include <cuda_runtime.h>
#include <curand_kernel.h>

#include <cstdint>
#include <utility>

#include "srlif/physics/philox.hpp"

#define SRLIF_KERNEL(threads) __global__ void __launch_bounds__(threads)
#define SRLIF_DEVICE __device__ __forceinline__
#define SRLIF_SIMT_TARGET cuda_device

namespace srlif::simt {

SRLIF_DEVICE unsigned block_index() { return blockIdx.x; }
SRLIF_DEVICE int thread_index() { return static_cast<int>(threadIdx.x); }

template <int kWidth, typename T>
SRLIF_DEVICE T shuffle(T value, int source) {
  return __shfl_sync(0xFFFFFFFFu, value, source, kWidth);
}

struct WarpVote {
  SRLIF_DEVICE bool any(bool condition) const { return __any_sync(0xFFFFFFFFu, condition) != 0; }
};

SRLIF_DEVICE void atomic_add(unsigned long long* address, unsigned long long value) {
  atomicAdd(address, value);
}
SRLIF_DEVICE void atomic_max(std::uint32_t* address, std::uint32_t value) { atomicMax(address, value); }

// cuRAND's Philox4_32_10 called on the block's counter directly (what curand_init(seed, stream,
// 4 * block) + curand4 return, without the generator state's increment and word rotation):
// counter (block lo, block hi, stream lo, stream hi), key = seed; philox.hpp's philox4x32_10.
SRLIF_DEVICE PhiloxWords philox_block(std::uint64_t seed, std::uint64_t stream, std::uint64_t block) {
  const uint2 key = make_uint2(static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
  const uint4 counter =
      make_uint4(static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
                 static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32));
  const uint4 words = curand_Philox4x32_10(counter, key);
  return PhiloxWords{{words.x, words.y, words.z, words.w}};
}

using Stream = cudaStream_t;

// kernel<<<blocks, threads, 0, stream>>>(args...); the caller checks cudaGetLastError.
template <typename... Params, typename... Args>
void launch(Stream stream, void (*kernel)(Params...), unsigned blocks, int threads, Args&&... args) {
  kernel<<<blocks, threads, 0, stream>>>(std::forward<Args>(args)...);
}

}  // namespace srlif::simt
