// The SIMT facade: all the kernels (sweep_kernels.cuh) use from CUDA, in one
// small vocabulary with two implementations, so that one kernel source runs on
// a GPU and, through the emulator, on the CPU where the tests run:
//
//   SRLIF_KERNEL(threads)   a kernel's head (__global__, its launch bounds)
//   SRLIF_DEVICE            a device function (__device__ __forceinline__)
//   SRLIF_SIMT_TARGET       the inline namespace of code compiled for this target, so that the
//                           two compilations of a kernel header never share a symbol
//   simt::block_index(), simt::thread_index()
//   simt::shuffle<W>(v, s)  lane s of the caller's segment of W lanes has v (__shfl_sync, full warp)
//   simt::WarpVote::any(c)  whether c holds in any lane of the warp (__any_sync, full warp)
//   simt::atomic_add, simt::atomic_max   on 64-bit and 32-bit unsigned integers
//   simt::philox_block(seed, stream, block)   the raw words of one Philox4x32-10 block
//   simt::Stream, simt::launch(stream, kernel, blocks, threads, args...)
//
// Under nvcc these are CUDA's intrinsics and cuRAND (simt_cuda.hpp); compiled by the host
// compiler they are the SIMT emulator (simt_emulator.hpp), which runs the lanes of a warp as
// fibers that meet at every shuffle and vote. The kernel bodies hold no #if of their own.
#pragma once

#if defined(__CUDACC__)
#include "simt_cuda.hpp"
#else
#include "simt_emulator.hpp"
#endif
