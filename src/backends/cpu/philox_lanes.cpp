#include "philox_lanes.hpp"

#include <immintrin.h>

#include "srlif/physics/philox.hpp"

namespace srlif {

void philox_lanes_portable(std::uint64_t seed, const std::uint64_t* stream, std::uint64_t first_block,
                           int blocks, std::uint32_t* words) {
  for (int b = 0; b < blocks; ++b) {
    std::uint32_t* out = words + b * 4 * kPhiloxLanes;
#pragma omp simd
    for (int lane = 0; lane < kPhiloxLanes; ++lane) {
      const PhiloxWords draw = philox4x32_10(seed, stream[lane], first_block + static_cast<std::uint64_t>(b));
      out[0 * kPhiloxLanes + lane] = draw.word[0];
      out[1 * kPhiloxLanes + lane] = draw.word[1];
      out[2 * kPhiloxLanes + lane] = draw.word[2];
      out[3 * kPhiloxLanes + lane] = draw.word[3];
    }
  }
}

bool philox_lanes_avx2_available() {
  static const bool available = __builtin_cpu_supports("avx2") != 0;
  return available;
}

bool philox_lanes_avx512_available() {
  static const bool available = philox_lanes_avx2_available() && __builtin_cpu_supports("avx512f") &&
                                __builtin_cpu_supports("avx512vl");
  return available;
}

namespace {

// hi:lo = a * m for eight 32-bit lanes: vpmuludq multiplies the even lanes of
// each 64-bit pair, a 32-bit shift brings the odd lanes into place; the low
// words are vpmulld's (one instruction instead of a shift and a blend).
__attribute__((target("avx2"), always_inline)) inline void multiply_lanes(__m256i a, __m256i m, __m256i& hi,
                                                                          __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  lo = _mm256_mullo_epi32(a, m);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

// The round keys, broadcast once per call rather than once per round and block.
struct RoundKeys {
  __m256i key0[10];
  __m256i key1[10];
};

__attribute__((target("avx2"))) RoundKeys round_keys(std::uint64_t seed) {
  using namespace philox_detail;
  RoundKeys keys;
  std::uint32_t k0 = static_cast<std::uint32_t>(seed);
  std::uint32_t k1 = static_cast<std::uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    keys.key0[round] = _mm256_set1_epi32(static_cast<int>(k0));
    keys.key1[round] = _mm256_set1_epi32(static_cast<int>(k1));
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return keys;
}

// kBlocks consecutive blocks from `first_block`, their rounds interleaved: one
// block's rounds form a dependency chain (multiply, shift, xor: about 6 cycles
// a round), and four independent chains side by side keep the vector pipes
// busy instead (0.88 -> 0.46 ns per word on the 2-core EPYC of
// docs/performance.md).
template <int kBlocks>
__attribute__((target("avx2"), always_inline)) inline void philox_interleaved(const RoundKeys& keys,
                                                                              __m256i stream_low,
                                                                              __m256i stream_high,
                                                                              std::uint64_t first_block,
                                                                              std::uint32_t* words) {
  using namespace philox_detail;
  const __m256i multiplier0 = _mm256_set1_epi32(static_cast<int>(kMultiplier0));
  const __m256i multiplier1 = _mm256_set1_epi32(static_cast<int>(kMultiplier1));
  __m256i c0[kBlocks], c1[kBlocks], c2[kBlocks], c3[kBlocks];
  for (int b = 0; b < kBlocks; ++b) {
    const std::uint64_t block = first_block + static_cast<std::uint64_t>(b);
    c0[b] = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(block)));
    c1[b] = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(block >> 32)));
    c2[b] = stream_low;
    c3[b] = stream_high;
  }
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
#pragma GCC unroll 4
    for (int b = 0; b < kBlocks; ++b) {
      __m256i hi0, lo0, hi1, lo1;
      multiply_lanes(c0[b], multiplier0, hi0, lo0);
      multiply_lanes(c2[b], multiplier1, hi1, lo1);
      c0[b] = _mm256_xor_si256(_mm256_xor_si256(hi1, c1[b]), keys.key0[round]);
      c1[b] = lo1;
      c2[b] = _mm256_xor_si256(_mm256_xor_si256(hi0, c3[b]), keys.key1[round]);
      c3[b] = lo0;
    }
  }
  for (int b = 0; b < kBlocks; ++b) {
    __m256i* out = reinterpret_cast<__m256i*>(words + b * 4 * kPhiloxLanes);
    _mm256_storeu_si256(out + 0, c0[b]);
    _mm256_storeu_si256(out + 1, c1[b]);
    _mm256_storeu_si256(out + 2, c2[b]);
    _mm256_storeu_si256(out + 3, c3[b]);
  }
}

// AVX-512VL on the same 256-bit vectors: the words of the even and odd
// products are gathered by one vpermt2d each (instead of vpmulld for the low
// words, and a shift and a blend for the high ones), and each round's
// three-way xor is one vpternlogd: 12 instructions a round for 8 lanes instead of 18.
#define SRLIF_TARGET_AVX512 target("avx2,avx512f,avx512vl")

__attribute__((SRLIF_TARGET_AVX512, always_inline)) inline void multiply_lanes_avx512(
    __m256i a, __m256i m, __m256i low_words, __m256i high_words, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  lo = _mm256_permutex2var_epi32(even, low_words, odd);
  hi = _mm256_permutex2var_epi32(even, high_words, odd);
}

template <int kBlocks>
__attribute__((SRLIF_TARGET_AVX512, always_inline)) inline void philox_interleaved_avx512(
    const RoundKeys& keys, __m256i stream_low, __m256i stream_high, std::uint64_t first_block,
    std::uint32_t* words) {
  using namespace philox_detail;
  constexpr int kXor3 = 0x96;  // vpternlogd's truth table of a ^ b ^ c
  const __m256i multiplier0 = _mm256_set1_epi32(static_cast<int>(kMultiplier0));
  const __m256i multiplier1 = _mm256_set1_epi32(static_cast<int>(kMultiplier1));
  const __m256i low_words = _mm256_setr_epi32(0, 8, 2, 10, 4, 12, 6, 14);   // low words of even, odd products
  const __m256i high_words = _mm256_setr_epi32(1, 9, 3, 11, 5, 13, 7, 15);  // their high words
  __m256i c0[kBlocks], c1[kBlocks], c2[kBlocks], c3[kBlocks];
  for (int b = 0; b < kBlocks; ++b) {
    const std::uint64_t block = first_block + static_cast<std::uint64_t>(b);
    c0[b] = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(block)));
    c1[b] = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(block >> 32)));
    c2[b] = stream_low;
    c3[b] = stream_high;
  }
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
#pragma GCC unroll 4
    for (int b = 0; b < kBlocks; ++b) {
      __m256i hi0, lo0, hi1, lo1;
      multiply_lanes_avx512(c0[b], multiplier0, low_words, high_words, hi0, lo0);
      multiply_lanes_avx512(c2[b], multiplier1, low_words, high_words, hi1, lo1);
      c0[b] = _mm256_ternarylogic_epi32(hi1, c1[b], keys.key0[round], kXor3);
      c1[b] = lo1;
      c2[b] = _mm256_ternarylogic_epi32(hi0, c3[b], keys.key1[round], kXor3);
      c3[b] = lo0;
    }
  }
  for (int b = 0; b < kBlocks; ++b) {
    __m256i* out = reinterpret_cast<__m256i*>(words + b * 4 * kPhiloxLanes);
    _mm256_storeu_si256(out + 0, c0[b]);
    _mm256_storeu_si256(out + 1, c1[b]);
    _mm256_storeu_si256(out + 2, c2[b]);
    _mm256_storeu_si256(out + 3, c3[b]);
  }
}

// The streams' low and high words, one per lane.
__attribute__((target("avx2"))) void stream_words(const std::uint64_t* stream, __m256i& low, __m256i& high) {
  alignas(32) std::uint32_t stream_low[kPhiloxLanes];
  alignas(32) std::uint32_t stream_high[kPhiloxLanes];
  for (int lane = 0; lane < kPhiloxLanes; ++lane) {
    stream_low[lane] = static_cast<std::uint32_t>(stream[lane]);
    stream_high[lane] = static_cast<std::uint32_t>(stream[lane] >> 32);
  }
  low = _mm256_load_si256(reinterpret_cast<const __m256i*>(stream_low));
  high = _mm256_load_si256(reinterpret_cast<const __m256i*>(stream_high));
}

}  // namespace

__attribute__((target("avx2"))) void philox_lanes_avx2(std::uint64_t seed, const std::uint64_t* stream,
                                                       std::uint64_t first_block, int blocks,
                                                       std::uint32_t* words) {
  __m256i low, high;
  stream_words(stream, low, high);
  const RoundKeys keys = round_keys(seed);
  int b = 0;
  for (; b + 4 <= blocks; b += 4) {
    philox_interleaved<4>(keys, low, high, first_block + static_cast<std::uint64_t>(b),
                          words + b * 4 * kPhiloxLanes);
  }
  for (; b < blocks; ++b) {
    philox_interleaved<1>(keys, low, high, first_block + static_cast<std::uint64_t>(b),
                          words + b * 4 * kPhiloxLanes);
  }
}

__attribute__((SRLIF_TARGET_AVX512)) void philox_lanes_avx512(std::uint64_t seed, const std::uint64_t* stream,
                                                              std::uint64_t first_block, int blocks,
                                                              std::uint32_t* words) {
  __m256i low, high;
  stream_words(stream, low, high);
  const RoundKeys keys = round_keys(seed);
  int b = 0;
  for (; b + 4 <= blocks; b += 4) {
    philox_interleaved_avx512<4>(keys, low, high, first_block + static_cast<std::uint64_t>(b),
                                 words + b * 4 * kPhiloxLanes);
  }
  for (; b < blocks; ++b) {
    philox_interleaved_avx512<1>(keys, low, high, first_block + static_cast<std::uint64_t>(b),
                                 words + b * 4 * kPhiloxLanes);
  }
}

void philox_lanes(std::uint64_t seed, const std::uint64_t* stream, std::uint64_t first_block, int blocks,
                  std::uint32_t* words) {
  if (philox_lanes_avx512_available()) {
    philox_lanes_avx512(seed, stream, first_block, blocks, words);
  } else if (philox_lanes_avx2_available()) {
    philox_lanes_avx2(seed, stream, first_block, blocks, words);
  } else {
    philox_lanes_portable(seed, stream, first_block, blocks, words);
  }
}

}  // namespace srlif
