// The SIMT emulator (kernels/simt_emulator.hpp) on small kernels of its own: CUDA's semantics of
// the built-in indices, a shuffle within segments of every width, a full-mask vote with and
// without exited lanes, the atomics across blocks run on several CPU threads; and what real
// hardware would leave undefined, each an error naming the block, warp and lanes: divergent
// lanes, a shuffle's source outside its segment or exited. Under AddressSanitizer, an emulated
// kernel's out-of-range write is found.
#include "kernels/simt_emulator.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace srlif {
namespace {

constexpr int kThreads = 64;  // two warps per block

int global_thread() { return static_cast<int>(simt::block_index()) * kThreads + simt::thread_index(); }
int lane() { return simt::thread_index() % 32; }

template <int kWidth>
void shuffle_kernel(int* out, int source) {
  const int global = global_thread();
  out[global] = simt::shuffle<kWidth>(global * 10, source);
}

template <int kWidth>
void expect_shuffles(int source) {
  constexpr int kBlocks = 3;
  std::vector<int> out(kBlocks * kThreads, -1);
  simt::launch(simt::Stream{2}, &shuffle_kernel<kWidth>, kBlocks, kThreads, out.data(), source);
  for (int global = 0; global < kBlocks * kThreads; ++global)
    ASSERT_EQ(out[global], (global / kWidth * kWidth + source) * 10)
        << "width " << kWidth << " thread " << global;
}

TEST(SimtEmulator, ShuffleReadsTheSourceLaneOfItsSegmentInEveryWidth) {
  expect_shuffles<1>(0);
  expect_shuffles<2>(1);
  expect_shuffles<4>(2);
  expect_shuffles<8>(5);
  expect_shuffles<16>(0);
  expect_shuffles<32>(31);
}

void vote_kernel(int* out, int voter) {
  out[global_thread()] = simt::WarpVote{}.any(lane() == voter) ? 1 : 0;
}

TEST(SimtEmulator, VoteIsTheWholeWarps) {
  std::vector<int> out(2 * kThreads, -1);
  simt::launch(simt::Stream{1}, &vote_kernel, 2, kThreads, out.data(), 7);
  for (const int value : out) EXPECT_EQ(value, 1);
  simt::launch(simt::Stream{1}, &vote_kernel, 2, kThreads, out.data(), -1);
  for (const int value : out) EXPECT_EQ(value, 0);
}

// Lanes 16..31 exit first: the vote is the others'; the exited ones' would have been true.
void vote_after_exit_kernel(int* out) {
  if (lane() >= 16) return;
  out[global_thread()] = simt::WarpVote{}.any(lane() >= 16) ? 1 : 0;
}

TEST(SimtEmulator, ExitedLanesTakeNoPartInAVote) {
  std::vector<int> out(kThreads, -1);
  simt::launch(simt::Stream{1}, &vote_after_exit_kernel, 1, kThreads, out.data());
  for (int thread = 0; thread < kThreads; ++thread) EXPECT_EQ(out[thread], thread % 32 < 16 ? 0 : -1);
}

void atomics_kernel(unsigned long long* count, std::uint32_t* largest) {
  simt::atomic_add(count, 1ULL);
  simt::atomic_max(largest, simt::block_index() * 256u + static_cast<std::uint32_t>(simt::thread_index()));
}

TEST(SimtEmulator, AtomicsAcrossBlocksOnSeveralThreads) {
  unsigned long long count = 0;
  std::uint32_t largest = 0;
  simt::launch(simt::Stream{2}, &atomics_kernel, 16, 256, &count, &largest);
  EXPECT_EQ(count, 16u * 256u);
  EXPECT_EQ(largest, 16u * 256u - 1u);
}

// The error a launch of `kernel` throws (empty: none).
template <typename... Params, typename... Args>
std::string launch_error(void (*kernel)(Params...), Args... args) {
  try {
    simt::launch(simt::Stream{2}, kernel, 2, kThreads, args...);
  } catch (const std::logic_error& error) {
    return error.what();
  }
  return "";
}

void divergent_kernel(int* out) {
  out[global_thread()] = lane() < 16 ? simt::shuffle<32>(lane(), 0) : (simt::WarpVote{}.any(true) ? 1 : 0);
}

void width_mismatch_kernel(int* out) {
  out[global_thread()] = lane() < 16 ? simt::shuffle<16>(lane(), 0) : simt::shuffle<32>(lane(), 0);
}

void outside_segment_kernel(int* out) { out[global_thread()] = simt::shuffle<8>(lane(), 8); }

void reads_exited_kernel(int* out) {
  if (lane() >= 16) return;
  out[global_thread()] = simt::shuffle<32>(lane(), 20);
}

TEST(SimtEmulator, WhatHardwareLeavesUndefinedIsAnError) {
  std::vector<int> out(2 * kThreads, 0);
  const std::string divergent = launch_error(&divergent_kernel, out.data());
  EXPECT_NE(divergent.find("divergent lanes under a full mask: lanes 0,1,"), std::string::npos) << divergent;
  EXPECT_NE(divergent.find("at a shuffle of width 32, lanes 16,"), std::string::npos) << divergent;
  EXPECT_NE(divergent.find("at a vote"), std::string::npos) << divergent;
  EXPECT_NE(divergent.find("SIMT emulator, block "), std::string::npos) << divergent;
  const std::string widths = launch_error(&width_mismatch_kernel, out.data());
  EXPECT_NE(widths.find("shuffle of width 16, lanes 16,"), std::string::npos) << widths;
  const std::string outside = launch_error(&outside_segment_kernel, out.data());
  EXPECT_NE(outside.find("shuffles from lane 8 of its segment of 8"), std::string::npos) << outside;
  const std::string exited = launch_error(&reads_exited_kernel, out.data());
  EXPECT_NE(exited.find("lane 0 shuffles from lane 20, which has exited"), std::string::npos) << exited;
  // A well-formed launch still runs after failed ones (each failed warp's lanes were unwound).
  expect_shuffles<4>(3);
}

// A lane's exception leaves the launch (the warp's other lanes, waiting at the shuffle, unwound).
void throwing_kernel(int* out) {
  if (simt::block_index() == 1 && lane() == 3) throw std::runtime_error("lane 3 of block 1");
  out[global_thread()] = simt::shuffle<32>(lane(), 0);
}

TEST(SimtEmulator, ALanesExceptionLeavesTheLaunch) {
  std::vector<int> out(2 * kThreads, 0);
  EXPECT_THROW(
      {
        try {
          simt::launch(simt::Stream{2}, &throwing_kernel, 2, kThreads, out.data());
        } catch (const std::runtime_error& error) {
          EXPECT_STREQ(error.what(), "lane 3 of block 1");
          throw;
        }
      },
      std::runtime_error);
  EXPECT_THROW(simt::block_index(), std::logic_error);  // outside a launch
  EXPECT_THROW(simt::launch(simt::Stream{1}, &vote_kernel, 1, 48, out.data(), 0), std::logic_error)
      << "blocks of whole warps only";
}

#if defined(__SANITIZE_ADDRESS__)
void out_of_range_kernel(int* out) { out[global_thread() + 1] = 1; }

// ASan follows the lanes' stacks (each fiber switch announced to it) and sees
// an emulated kernel's memory accesses as the host's.
TEST(SimtEmulatorDeathTest, AddressSanitizerSeesAnEmulatedKernelsOutOfRangeWrite) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        std::vector<int> out(kThreads);
        simt::launch(simt::Stream{1}, &out_of_range_kernel, 1, kThreads, out.data());
      },
      "heap-buffer-overflow");
}
#endif

}  // namespace
}  // namespace srlif
