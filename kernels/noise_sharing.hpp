// Common random numbers on the GPU: the threads that integrate the same neuron at
// different grid points read the same noise stream, so they share its normals
// instead of each drawing them (Philox + Box-Muller cost about twice the step).
//
// The design's shape stays: one CUDA thread integrates one neuron at one grid
// point. A warp of 32 lanes is laid out as (32/W neurons) x (W points): the W
// lanes of a *segment* [nW, nW + W) hold neuron n of the warp at W consecutive
// grid points of one *sharing group*. Time runs in *windows* of W Philox blocks
// (4W steps): lane r of a segment draws block (window's first block + r) of its
// neuron's stream, and every lane of the segment reads the normal of step 4b + j
// of the window from segment lane b, word j (a warp shuffle). The bridge
// uniforms of scheme exact follow the same schedule on the bridge's counters
// (exact_step.hpp), drawn only in a window where some lane of the warp needs one.
// W = 1 is a thread drawing its own stream, 4 steps per window.
//
// This header is the schedule's arithmetic, host and device alike, so that CPU
// tests prove it (tests/noise_sharing_test.cpp); the kernel
// (kernels/sweep_kernels.cuh) adds only the shuffles; the CUDA backend plans
// its launches with plan_sharing_launches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "srlif/physics/host_device.hpp"

namespace srlif {

inline constexpr int kWarpLanes = 32;
inline constexpr int kMaxSharingWidth = 32;  // a whole warp on one neuron
inline constexpr int kSharingThreadsPerBlock = 256;
inline constexpr int kMaxSharingLaunches = 6;  // widths 32, 16, 8, 4, 2, 1

// The lane schedule of sharing width kWidth (1, 2, 4, ..., 32).
template <int kWidth>
struct NoiseSharing {
  static_assert(kWidth >= 1 && kWidth <= kMaxSharingWidth && (kWidth & (kWidth - 1)) == 0,
                "the sharing width is a power of two up to a warp");
  static constexpr int kNeuronsPerWarp = kWarpLanes / kWidth;
  static constexpr int kNeuronsPerBlock = kSharingThreadsPerBlock / kWidth;
  static constexpr int kWindowBlocks = kWidth;     // Philox blocks per window, one per segment lane
  static constexpr int kWindowSteps = 4 * kWidth;  // steps per window

  // Position of a lane in its segment: the grid point within the sharing group.
  SRLIF_HD static int segment_lane(int lane) { return lane % kWidth; }
  // Which of the warp's neurons a lane integrates.
  SRLIF_HD static int segment(int lane) { return lane / kWidth; }
  // The Philox block (of its neuron's stream) a lane draws in the window that starts at block first_block.
  SRLIF_HD static std::uint64_t drawn_block(std::uint64_t first_block, int lane) {
    return first_block + static_cast<std::uint64_t>(segment_lane(lane));
  }
  // The normals of block b of a window (steps 4b .. 4b + 3 of it, word j for step 4b + j) are those
  // that segment lane source_lane(b) drew.
  SRLIF_HD static int source_lane(int block_in_window) { return block_in_window; }
};

// One kernel launch: `groups` sharing groups of `width` consecutive local points
// from `first_point`, every neuron of each.
struct SharingLaunch {
  std::uint64_t first_point;
  std::uint64_t groups;
  int width;

  std::uint64_t points() const { return groups * static_cast<std::uint64_t>(width); }
};

// Blocks of kSharingThreadsPerBlock threads of a launch: each block covers one
// group and kNeuronsPerBlock neurons of it.
SRLIF_HD std::uint64_t sharing_blocks_per_group(int width, std::uint64_t neurons) {
  const std::uint64_t per_block = static_cast<std::uint64_t>(kSharingThreadsPerBlock / width);
  return (neurons + per_block - 1) / per_block;
}

// Where thread `thread` of block `block` of a launch works: its local grid
// point and neuron; `active` is false for the lanes past the last neuron, which
// still draw their share of the window and take part in the shuffles but store
// nothing; `warp_active` is false where the whole warp is past it (the warp returns).
struct SharingThread {
  std::uint64_t local_point;
  std::uint64_t neuron;
  bool active;
  bool warp_active;
};

template <int kWidth>
SRLIF_HD SharingThread sharing_thread(const SharingLaunch& launch, std::uint64_t neurons,
                                      std::uint64_t blocks_per_group, std::uint64_t block, int thread) {
  using Schedule = NoiseSharing<kWidth>;
  const int warp = thread / kWarpLanes;
  const int lane = thread % kWarpLanes;
  const std::uint64_t group = block / blocks_per_group;
  const std::uint64_t warp_first_neuron = (block % blocks_per_group) * Schedule::kNeuronsPerBlock +
                                          static_cast<std::uint64_t>(warp) * Schedule::kNeuronsPerWarp;
  SharingThread where{};
  where.neuron = warp_first_neuron + static_cast<std::uint64_t>(Schedule::segment(lane));
  where.local_point =
      launch.first_point + group * kWidth + static_cast<std::uint64_t>(Schedule::segment_lane(lane));
  where.active = where.neuron < neurons;
  where.warp_active = warp_first_neuron < neurons;
  return where;
}

// Splits the local points [0, count) of a batch into launches. Points share a
// neuron's noise only when every point of the batch has the same stream tag
// (common random numbers, the default); otherwise (--decorrelate) each point
// draws its own, one launch of width 1. Shared points go in sharing groups of
// the widths of `count`'s binary digits, widest first (at most 32: 25 points are
// 16 + 8 + 1), so that no lane integrates a point that is not there.
// `stream_tags[i]` is local point i's (PointCoefficients::stream_tag).
inline std::vector<SharingLaunch> plan_sharing_launches(const std::vector<std::uint32_t>& stream_tags) {
  std::vector<SharingLaunch> launches;
  const std::uint64_t count = stream_tags.size();
  if (count == 0) return launches;
  bool one_stream = true;
  for (const std::uint32_t tag : stream_tags) one_stream = one_stream && tag == stream_tags.front();
  if (!one_stream) return {SharingLaunch{0, count, 1}};
  std::uint64_t first = 0;
  for (int width = kMaxSharingWidth; width >= 1; width /= 2) {
    const std::uint64_t groups = (count - first) / static_cast<std::uint64_t>(width);
    if (groups == 0) continue;
    launches.push_back({first, groups, width});
    first += groups * static_cast<std::uint64_t>(width);
  }
  return launches;
}

}  // namespace srlif
