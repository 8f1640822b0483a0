// Philox4x32-10 for the CPU backend's 8-neuron lane blocks: the words of a run
// of consecutive blocks for 8 streams at once. Bit-identical to philox4x32_10
// (philox.hpp); with AVX2 the 32x32->64-bit multiplies use vpmuludq on even
// and odd lanes, which the compiler cannot find on its own from the scalar code.
#pragma once

#include <cstdint>

namespace srlif {

constexpr int kPhiloxLanes = 8;

// words[(b * 4 + w) * 8 + lane] = word w of Philox block (first_block + b) of
// stream stream[lane], key seed, for b in [0, blocks).
void philox_lanes(std::uint64_t seed, const std::uint64_t* stream, std::uint64_t first_block, int blocks,
                  std::uint32_t* words);

// The implementations behind philox_lanes, for the tests: portable C++
// (vectorised by the compiler as it can), AVX2 and AVX-512VL (each only where
// the CPU has it; philox_lanes takes the last one it has).
void philox_lanes_portable(std::uint64_t seed, const std::uint64_t* stream, std::uint64_t first_block,
                           int blocks, std::uint32_t* words);
bool philox_lanes_avx2_available();
void philox_lanes_avx2(std::uint64_t seed, const std::uint64_t* stream, std::uint64_t first_block, int blocks,
                       std::uint32_t* words);
bool philox_lanes_avx512_available();
void philox_lanes_avx512(std::uint64_t seed, const std::uint64_t* stream, std::uint64_t first_block,
                         int blocks, std::uint32_t* words);

}  // namespace srlif
