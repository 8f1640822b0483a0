#include "srlif/philox_lanes.hpp"

#include <immintrin.h>

#include "srlif/philox.hpp"

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

}  // namespace

__attribute__((target("avx2"))) void philox_lanes_avx2(std::uint64_t seed, const std::uint64_t* stream,
                                                       std::uint64_t first_block, int blocks,
                                                       std::uint32_t* words) {
  // Stream words: low and high halves of the 64-bit stream ids, one per lane.
  alignas(32) std::uint32_t stream_low[kPhiloxLanes];
  alignas(32) std::uint32_t stream_high[kPhiloxLanes];
  for (int lane = 0; lane < kPhiloxLanes; ++lane) {
    stream_low[lane] = static_cast<std::uint32_t>(stream[lane]);
    stream_high[lane] = static_cast<std::uint32_t>(stream[lane] >> 32);
  }
  const __m256i low = _mm256_load_si256(reinterpret_cast<const __m256i*>(stream_low));
  const __m256i high = _mm256_load_si256(reinterpret_cast<const __m256i*>(stream_high));
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

void philox_lanes(std::uint64_t seed, const std::uint64_t* stream, std::uint64_t first_block, int blocks,
                  std::uint32_t* words) {
  if (philox_lanes_avx2_available()) {
    philox_lanes_avx2(seed, stream, first_block, blocks, words);
  } else {
    philox_lanes_portable(seed, stream, first_block, blocks, words);
  }
}

}  // namespace srlif
