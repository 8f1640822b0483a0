// The SIMT emulator: CUDA's execution model on the CPU, for the kernels of kernels/ compiled by the
// host compiler (simt.hpp). A launch's warps are spread over CPU threads (OpenMP); the 32 lanes of
// a warp are fibers (Boost.Context) of one thread, each running the kernel body until it meets the
// others at a shuffle or a vote, which the warp then resolves with CUDA's semantics for a full mask
// and resumes them all. A warp's lanes run one at a time, in lane order, so an emulated kernel is
// deterministic; its memory accesses are the host's own (ASan and UBSan see them).
//
// What real hardware would forgive or leave undefined is an error here (std::logic_error out of
// launch, naming the block, warp and lanes; simt_emulator.cpp): the live lanes of a warp not all
// at a shuffle of one width or all at a vote (divergence under a full mask), a shuffle's source
// lane outside its segment, a shuffle reading a lane that has exited. Lanes that have exited take
// no part in a vote, as on the GPU. As CUDA's *_sync intrinsics, a meeting is one intrinsic with
// one mask, not one place in the code: lanes at two calls of it meet (nvcc and the host compiler
// both duplicate code, so a place is not even well defined); that they met at the right one, the
// bits against the CPU backend's show.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "srlif/physics/philox.hpp"

#define SRLIF_KERNEL(threads) void
#define SRLIF_DEVICE inline __attribute__((always_inline))
#define SRLIF_SIMT_TARGET simt_emulator

namespace srlif::simt {

// An emulated thread's built-in registers.
struct LaneRegisters {
  unsigned block;  // blockIdx.x
  int thread;      // threadIdx.x
};

// The emulated thread running on this CPU thread (null outside a launch).
const LaneRegisters& current_lane();

SRLIF_DEVICE unsigned block_index() { return current_lane().block; }
SRLIF_DEVICE int thread_index() { return current_lane().thread; }

enum class Meeting : std::uint8_t { shuffle, vote };

namespace detail {
// The calling lane's part of a meeting of its warp (`value`: its bits; for a shuffle its segment
// width and source lane); returns its result once every live lane of the warp has met.
std::uint64_t meet(Meeting kind, int width, std::uint64_t value, int source);

// Runs `body` once for each thread of `blocks` blocks of `threads` (a multiple of 32) threads,
// warp by warp over `cpu_threads` CPU threads (0: OpenMP's default).
void run_grid(unsigned blocks, int threads, int cpu_threads, const std::function<void()>& body);
}  // namespace detail

template <int kWidth, typename T>
SRLIF_DEVICE T shuffle(T value, int source) {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(std::uint64_t));
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof value);
  const std::uint64_t read = detail::meet(Meeting::shuffle, kWidth, bits, source);
  T result;
  std::memcpy(&result, &read, sizeof result);
  return result;
}

struct WarpVote {
  SRLIF_DEVICE bool any(bool condition) const {
    return detail::meet(Meeting::vote, 32, condition ? 1 : 0, 0) != 0;
  }
};

// Warps of a launch run on several CPU threads: the atomics are the host's.
inline void atomic_add(unsigned long long* address, unsigned long long value) {
  std::atomic_ref<unsigned long long>(*address).fetch_add(value, std::memory_order_relaxed);
}
inline void atomic_max(std::uint32_t* address, std::uint32_t value) {
  std::atomic_ref<std::uint32_t> target(*address);
  std::uint32_t seen = target.load(std::memory_order_relaxed);
  while (seen < value && !target.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

SRLIF_DEVICE PhiloxWords philox_block(std::uint64_t seed, std::uint64_t stream, std::uint64_t block) {
  return philox4x32_10(seed, stream, block);
}

// The stand-in for a CUDA stream: launches run one after another, each over `cpu_threads`.
struct Stream {
  int cpu_threads = 0;
};

// kernel<<<blocks, threads>>>(args...), run to its end. The arguments are copied once, as CUDA
// copies them at a launch, and every lane calls the kernel with that copy.
template <typename... Params, typename... Args>
void launch(Stream stream, void (*kernel)(Params...), unsigned blocks, int threads, Args&&... args) {
  const std::tuple<std::decay_t<Params>...> arguments(std::forward<Args>(args)...);
  detail::run_grid(blocks, threads, stream.cpu_threads, [&] { std::apply(kernel, arguments); });
}

}  // namespace srlif::simt
