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

// No unrolling of a loop with a long body (the kernel's loop over a window's blocks).
#if defined(__CUDA_ARCH__)
#define SRLIF_NO_UNROLL _Pragma("unroll 1")
#elif defined(__CUDACC__)
#define SRLIF_NO_UNROLL
#else
#define SRLIF_NO_UNROLL _Pragma("GCC unroll 1")
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

}  // namespace srlif
