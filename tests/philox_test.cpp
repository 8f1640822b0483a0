// The CPU Philox4x32-10 against published known answers and, word for word,
// against cuRAND's host generator (which needs no GPU).
#include "srlif/physics/philox.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "backends/cpu/philox_lanes.hpp"

#if defined(SRLIF_HAVE_CUDA)
#include <curand.h>
#endif

namespace srlif {
namespace {

// The CPU backend's 8-lane Philox (portable, AVX2, AVX-512VL) equals the scalar one for
// every word, over seeds, stream ids with high tag bits, and blocks that cross 2^32.
TEST(PhiloxLanes, EqualTheScalarGenerator) {
  struct Case {
    std::uint64_t seed, first_stream, first_block;
  };
  for (const Case c :
       {Case{0, 0, 0}, Case{1, 1000, 7}, Case{0xfedcba9876543210ULL, (77ULL << 32) | 5, 123456789},
        Case{42, 0xFFFFFFFFULL - 3, (1ULL << 32) - 20}}) {
    std::uint64_t stream[kPhiloxLanes];
    for (int lane = 0; lane < kPhiloxLanes; ++lane)
      stream[lane] = c.first_stream + static_cast<std::uint64_t>(lane) * 3;
    // 50 blocks: twelve interleaved groups of four and two single blocks.
    for (const int blocks : {1, 3, 4, 5, 50}) {
      std::vector<std::uint32_t> portable(blocks * 4 * kPhiloxLanes), dispatched(portable.size());
      philox_lanes_portable(c.seed, stream, c.first_block, blocks, portable.data());
      philox_lanes(c.seed, stream, c.first_block, blocks, dispatched.data());
      std::vector<std::uint32_t> avx2 = portable;
      if (philox_lanes_avx2_available())
        philox_lanes_avx2(c.seed, stream, c.first_block, blocks, avx2.data());
      std::vector<std::uint32_t> avx512 = portable;
      if (philox_lanes_avx512_available())
        philox_lanes_avx512(c.seed, stream, c.first_block, blocks, avx512.data());
      for (int b = 0; b < blocks; ++b) {
        for (int lane = 0; lane < kPhiloxLanes; ++lane) {
          const PhiloxWords expected =
              philox4x32_10(c.seed, stream[lane], c.first_block + static_cast<std::uint64_t>(b));
          for (int w = 0; w < 4; ++w) {
            const std::size_t at = static_cast<std::size_t>((b * 4 + w) * kPhiloxLanes + lane);
            ASSERT_EQ(portable[at], expected.word[w]) << "portable, block " << b << " lane " << lane;
            ASSERT_EQ(avx2[at], expected.word[w]) << "avx2, block " << b << " lane " << lane;
            ASSERT_EQ(avx512[at], expected.word[w]) << "avx512, block " << b << " lane " << lane;
            ASSERT_EQ(dispatched[at], expected.word[w]) << "dispatched, block " << b << " lane " << lane;
          }
        }
      }
    }
  }
  if (!philox_lanes_avx2_available())
    GTEST_SKIP() << "no AVX2 on this CPU: only the portable lanes were checked";
  if (!philox_lanes_avx512_available())
    GTEST_SKIP() << "no AVX-512VL on this CPU: the portable and AVX2 lanes were checked";
}

// Known-answer vectors of Random123 (kat_vectors, philox4x32 10 rounds), with
// counter words (x, y) = block and (z, w) = stream, key = seed (low word first).
TEST(Philox, MatchesRandom123KnownAnswers) {
  const PhiloxWords zero = philox4x32_10(0, 0, 0);
  EXPECT_EQ(zero.word[0], 0x6627e8d5u);
  EXPECT_EQ(zero.word[1], 0xe169c58du);
  EXPECT_EQ(zero.word[2], 0xbc57ac4cu);
  EXPECT_EQ(zero.word[3], 0x9b00dbd8u);

  const PhiloxWords ones = philox4x32_10(~0ULL, ~0ULL, ~0ULL);
  EXPECT_EQ(ones.word[0], 0x408f276du);
  EXPECT_EQ(ones.word[1], 0x41c83b0eu);
  EXPECT_EQ(ones.word[2], 0xa20bc7c6u);
  EXPECT_EQ(ones.word[3], 0x6d5451fdu);

  const PhiloxWords pi = philox4x32_10(0x299f31d0a4093822ULL, 0x0370734413198a2eULL, 0x85a308d3243f6a88ULL);
  EXPECT_EQ(pi.word[0], 0xd16cfe09u);
  EXPECT_EQ(pi.word[1], 0x94fdccebu);
  EXPECT_EQ(pi.word[2], 0x5001e420u);
  EXPECT_EQ(pi.word[3], 0x24126ea1u);
}

TEST(Philox, DifferentStreamsAndBlocksDiffer) {
  const PhiloxWords a = philox4x32_10(7, 0, 0);
  const PhiloxWords b = philox4x32_10(7, 1, 0);
  const PhiloxWords c = philox4x32_10(7, 0, 1);
  const PhiloxWords d = philox4x32_10(8, 0, 0);
  EXPECT_NE(a.word[0], b.word[0]);
  EXPECT_NE(a.word[0], c.word[0]);
  EXPECT_NE(a.word[0], d.word[0]);
}

#if defined(SRLIF_HAVE_CUDA)
// cuRAND's host Philox generator lays out its output as 65536 interleaved
// subsequences (found by experiment with cuRAND 13): word j, counted from the
// generator offset, is word j % 4 of subsequence (j / 4) % 65536 at block
// j / 262144. philox4x32_10(seed, subsequence, block) must reproduce every word.
constexpr std::uint64_t kHostSubsequences = 65536;

std::uint32_t expected_host_word(std::uint64_t seed, std::uint64_t j) {
  const std::uint64_t subsequence = (j / 4) % kHostSubsequences;
  const std::uint64_t block = j / (4 * kHostSubsequences);
  return philox4x32_10(seed, subsequence, block).word[j % 4];
}

struct HostCase {
  std::uint64_t seed;
  std::uint64_t offset;
};

class PhiloxVersusCurandHost : public ::testing::TestWithParam<HostCase> {};

TEST_P(PhiloxVersusCurandHost, EveryWordEqual) {
  const HostCase c = GetParam();
  curandGenerator_t generator = nullptr;
  ASSERT_EQ(curandCreateGeneratorHost(&generator, CURAND_RNG_PSEUDO_PHILOX4_32_10), CURAND_STATUS_SUCCESS);
  ASSERT_EQ(curandSetPseudoRandomGeneratorSeed(generator, c.seed), CURAND_STATUS_SUCCESS);
  ASSERT_EQ(curandSetGeneratorOffset(generator, c.offset), CURAND_STATUS_SUCCESS);
  // 2^20 + 12 words: every subsequence of four blocks, plus a ragged end.
  std::vector<std::uint32_t> words((1u << 20) + 12);
  ASSERT_EQ(curandGenerate(generator, words.data(), words.size()), CURAND_STATUS_SUCCESS);
  curandDestroyGenerator(generator);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] != expected_host_word(c.seed, c.offset + i)) {
      if (++mismatches <= 5) ADD_FAILURE() << "word " << i << " differs";
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

INSTANTIATE_TEST_SUITE_P(SeedsAndOffsets, PhiloxVersusCurandHost,
                         ::testing::Values(HostCase{0, 0}, HostCase{1, 0}, HostCase{0x123456789abcdefULL, 4},
                                           HostCase{0xfedcba9876543210ULL, 3},  // offset inside a block
                                           HostCase{42, 1000003},               // blocks 3..7
                                           HostCase{99, (1ULL << 52) +
                                                            4 * 12345}),  // block >= 2^32: high counter word
                         [](const auto& info) { return "case" + std::to_string(info.index); });
#endif

}  // namespace
}  // namespace srlif
