// Portability macros for code compiled by both the host compiler and nvcc.
#pragma once

#include <cstdint>
#include <cstring>

// Always inlined, as on the device: the CPU backend calls the shared step with
// lane vectors from instruction-set clones, and an out-of-line copy (compiled
// for the baseline target, passing 32-byte vectors through memory) would be
// both slow and, under the sanitizers' stack layout, misaligned.
#if defined(__CUDACC__)
#define SRLIF_HD __host__ __device__ __forceinline__
#else
#define SRLIF_HD inline __attribute__((always_inline))
#endif

// Full unrolling of short constant loops, which the CPU backend needs in order
// to vectorise across neurons.
#if defined(__CUDA_ARCH__)
#define SRLIF_UNROLL _Pragma("unroll")
#elif defined(__CUDACC__)
#define SRLIF_UNROLL  // host pass of nvcc: the CPU backend is not built by nvcc
#else
#define SRLIF_UNROLL _Pragma("GCC unroll 16")
#endif

namespace srlif {

// Reinterpret the bits of a float (a register move on both compilers).
SRLIF_HD std::uint32_t float_bits(float value) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(value);
#else
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
#endif
}

SRLIF_HD float float_from_bits(std::uint32_t bits) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(bits);
#else
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
#endif
}

// Whether `condition` holds in any thread of the calling warp (on the host: in
// this one). Rare work (a spike's bookkeeping, the bridge's uniform) goes under
// `if (any_in_warp(c)) { if (c) ... }`: a warp where no thread needs it skips it
// with one vote and a branch, where nvcc would otherwise issue the whole body,
// predicated off, at every step. Every thread of the warp must call it: the
// kernels keep whole warps (lanes past the last neuron run along,
// noise_sharing.hpp), and the vote over all 32 lanes also makes the branch the
// same in each of them, as the warp shuffles under it need.
SRLIF_HD bool any_in_warp(bool condition) {
#if defined(__CUDA_ARCH__)
  return __any_sync(0xFFFFFFFFu, condition) != 0;
#else
  return condition;
#endif
}

}  // namespace srlif
