// The CUDA kernel's noise sharing (noise_sharing.hpp), proven on the CPU: warps
// emulated lane by lane with the kernel's own schedule arithmetic. Every lane
// must read exactly the normals and bridge uniforms its own neuron's stream
// has at each step, and the launches must cover every (point, neuron) once.
#include "kernels/noise_sharing.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "srlif/physics/exact_step.hpp"
#include "srlif/physics/normal.hpp"
#include "srlif/physics/philox.hpp"
#include "srlif/planning/sweep_plan.hpp"

namespace srlif {
namespace {

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// What the kernel's lanes of one warp read through the schedule, against each
// lane's own stream drawn directly: normals of every step of a window, and the
// bridge uniform of every step.
template <int kWidth>
void check_warp_reads(std::uint64_t seed, std::uint32_t stream_tag, std::uint64_t first_point,
                      std::uint64_t window_first_block, std::uint64_t warp_block, int warp) {
  using Schedule = NoiseSharing<kWidth>;
  const std::uint64_t neurons = 100000;
  const SharingLaunch launch{first_point, 3, kWidth};
  const std::uint64_t blocks_per_group = sharing_blocks_per_group(kWidth, neurons);
  std::uint64_t stream[kWarpLanes];
  NormalQuad drawn[kWarpLanes];
  PhiloxWords bridge_drawn[kWarpLanes];
  for (int lane = 0; lane < kWarpLanes; ++lane) {
    const SharingThread where =
        sharing_thread<kWidth>(launch, neurons, blocks_per_group, warp_block, warp * kWarpLanes + lane);
    stream[lane] = stream_id(stream_tag, where.neuron);
    drawn[lane] = normals_from_block(
        philox4x32_10(seed, stream[lane], Schedule::drawn_block(window_first_block, lane)));
    bridge_drawn[lane] =
        philox4x32_10(seed, stream[lane], Schedule::drawn_block(window_first_block, lane) | kBridgeBlockFlag);
  }
  for (int lane = 0; lane < kWarpLanes; ++lane) {
    const int segment_first = Schedule::segment(lane) * kWidth;  // __shfl_sync's width: lanes of the segment
    for (int block = 0; block < Schedule::kWindowBlocks; ++block) {
      const int source = segment_first + Schedule::source_lane(block);
      ASSERT_EQ(stream[source], stream[lane]) << "lane " << lane << " reads another neuron's stream";
      const std::uint64_t global_block = window_first_block + static_cast<std::uint64_t>(block);
      const NormalQuad own = normals_from_block(philox4x32_10(seed, stream[lane], global_block));
      for (int j = 0; j < 4; ++j) {
        ASSERT_TRUE(same_bits(drawn[source].z[j], own.z[j]))
            << "width " << kWidth << " lane " << lane << " block " << block << " word " << j;
        const auto step = static_cast<std::int64_t>(4 * global_block) + j;
        ASSERT_TRUE(
            same_bits(uniform_open(bridge_drawn[source].word[j]), bridge_uniform(seed, stream[lane], step)))
            << "width " << kWidth << " lane " << lane << " bridge step " << step;
      }
    }
  }
}

TEST(NoiseSharing, EveryLaneReadsItsOwnStreamsNormalsAndBridgeUniforms) {
  for (const std::uint32_t tag : {0u, 77u}) {
    for (const std::uint64_t first_block : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1} << 33}) {
      for (const std::uint64_t block : {std::uint64_t{0}, std::uint64_t{5}}) {
        for (const int warp : {0, 7}) {
          check_warp_reads<1>(11, tag, 0, first_block, block, warp);
          check_warp_reads<2>(11, tag, 1, first_block, block, warp);
          check_warp_reads<4>(12, tag, 0, first_block, block, warp);
          check_warp_reads<8>(13, tag, 24, first_block, block, warp);
          check_warp_reads<16>(14, tag, 16, first_block, block, warp);
          check_warp_reads<32>(15, tag, 0, first_block, block, warp);
        }
      }
    }
  }
}

std::vector<std::uint32_t> common_tags(std::size_t points) { return std::vector<std::uint32_t>(points, 0u); }

SharingThread thread_of(const SharingLaunch& launch, std::uint64_t neurons, std::uint64_t block, int thread) {
  const std::uint64_t per_group = sharing_blocks_per_group(launch.width, neurons);
  switch (launch.width) {
    case 1:
      return sharing_thread<1>(launch, neurons, per_group, block, thread);
    case 2:
      return sharing_thread<2>(launch, neurons, per_group, block, thread);
    case 4:
      return sharing_thread<4>(launch, neurons, per_group, block, thread);
    case 8:
      return sharing_thread<8>(launch, neurons, per_group, block, thread);
    case 16:
      return sharing_thread<16>(launch, neurons, per_group, block, thread);
    default:
      return sharing_thread<32>(launch, neurons, per_group, block, thread);
  }
}

// Every (point, neuron) of the batch is integrated by exactly one active lane;
// a segment's lanes share one neuron and hold distinct points; an inactive
// lane is past the last neuron; a warp with no active lane is marked to return.
void check_coverage(const std::vector<std::uint32_t>& tags, std::uint64_t neurons) {
  const std::vector<SharingLaunch> launches = plan_sharing_launches(tags);
  ASSERT_LE(launches.size(), static_cast<std::size_t>(kMaxSharingLaunches));
  std::map<std::pair<std::uint64_t, std::uint64_t>, int> seen;
  for (const SharingLaunch& launch : launches) {
    ASSERT_TRUE(launch.width >= 1 && launch.width <= kMaxSharingWidth &&
                (launch.width & (launch.width - 1)) == 0);
    ASSERT_LE(launch.first_point + launch.points(), tags.size());
    const std::uint64_t blocks = launch.groups * sharing_blocks_per_group(launch.width, neurons);
    for (std::uint64_t block = 0; block < blocks; ++block) {
      for (int warp = 0; warp < kSharingThreadsPerBlock / kWarpLanes; ++warp) {
        bool any_active = false;
        for (int lane = 0; lane < kWarpLanes; ++lane) {
          const SharingThread where = thread_of(launch, neurons, block, warp * kWarpLanes + lane);
          const SharingThread first =
              thread_of(launch, neurons, block, warp * kWarpLanes + lane / launch.width * launch.width);
          ASSERT_EQ(where.neuron, first.neuron) << "a segment holds one neuron";
          ASSERT_EQ(where.local_point, first.local_point + static_cast<std::uint64_t>(lane % launch.width));
          ASSERT_EQ(tags[where.local_point], tags[first.local_point]) << "a segment shares one stream";
          ASSERT_EQ(where.active, where.neuron < neurons);
          any_active = any_active || where.active;
          if (where.active) ++seen[{where.local_point, where.neuron}];
        }
        const SharingThread lane0 = thread_of(launch, neurons, block, warp * kWarpLanes);
        ASSERT_EQ(lane0.warp_active, any_active);
      }
    }
  }
  ASSERT_EQ(seen.size(), tags.size() * neurons) << tags.size() << " points x " << neurons << " neurons";
  for (const auto& entry : seen) ASSERT_EQ(entry.second, 1);
}

TEST(NoiseSharing, LaunchesCoverEveryPointAndNeuronOnce) {
  for (const std::size_t points : {1, 2, 3, 5, 7, 16, 25, 31, 33, 63, 64, 70}) {
    for (const std::uint64_t neurons : {1, 7, 8, 9, 31, 32, 33, 255, 257, 300}) {
      check_coverage(common_tags(points), neurons);
    }
  }
  std::vector<std::uint32_t> decorrelated = {5, 6, 7, 8, 9};
  check_coverage(decorrelated, 33);
}

TEST(NoiseSharing, SharedPointsGoInTheWidthsOfTheCountsBinaryDigits) {
  const auto widths = [](std::size_t points) {
    std::vector<std::pair<int, std::uint64_t>> result;
    for (const SharingLaunch& launch : plan_sharing_launches(common_tags(points)))
      result.push_back({launch.width, launch.groups});
    return result;
  };
  using Widths = std::vector<std::pair<int, std::uint64_t>>;
  EXPECT_EQ(widths(0), Widths{});
  EXPECT_EQ(widths(1), (Widths{{1, 1}}));
  EXPECT_EQ(widths(25), (Widths{{16, 1}, {8, 1}, {1, 1}}));
  EXPECT_EQ(widths(32), (Widths{{32, 1}}));
  EXPECT_EQ(widths(100), (Widths{{32, 3}, {4, 1}}));
  EXPECT_EQ(widths(1000), (Widths{{32, 31}, {8, 1}}));
  // Launches are contiguous and in order.
  std::uint64_t next = 0;
  for (const SharingLaunch& launch : plan_sharing_launches(common_tags(999))) {
    EXPECT_EQ(launch.first_point, next);
    next += launch.points();
  }
  EXPECT_EQ(next, 999u);
  // Points with their own streams (--decorrelate) do not share: one launch of width 1.
  const std::vector<SharingLaunch> own = plan_sharing_launches({1, 2, 3});
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0].width, 1);
  EXPECT_EQ(own[0].groups, 3u);
}

}  // namespace
}  // namespace srlif
