// Philox4x32-10 (Salmon et al., SC'11), bit-identical to cuRAND's PHILOX4_32_10.
//
// The counter layout is cuRAND's: key = the 64-bit seed, counter words (x, y) =
// the 64-bit block index within a stream (cuRAND's "offset" / 4) and (z, w) =
// the 64-bit stream id (cuRAND's "subsequence"). Any block of any stream is thus
// reachable in O(1) with no stored generator state.
#pragma once

#include <cstdint>

#include "srlif/physics/host_device.hpp"

namespace srlif {

struct PhiloxWords {
  std::uint32_t word[4];
};

namespace philox_detail {
inline constexpr std::uint32_t kMultiplier0 = 0xD2511F53u;
inline constexpr std::uint32_t kMultiplier1 = 0xCD9E8D57u;
inline constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;
inline constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;
}  // namespace philox_detail

// One 128-bit output block: counter (block, stream), key seed.
SRLIF_HD PhiloxWords philox4x32_10(std::uint64_t seed, std::uint64_t stream, std::uint64_t block) {
  using namespace philox_detail;
  std::uint32_t c0 = static_cast<std::uint32_t>(block);
  std::uint32_t c1 = static_cast<std::uint32_t>(block >> 32);
  std::uint32_t c2 = static_cast<std::uint32_t>(stream);
  std::uint32_t c3 = static_cast<std::uint32_t>(stream >> 32);
  std::uint32_t k0 = static_cast<std::uint32_t>(seed);
  std::uint32_t k1 = static_cast<std::uint32_t>(seed >> 32);
  SRLIF_UNROLL
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t product0 = static_cast<std::uint64_t>(kMultiplier0) * c0;
    const std::uint64_t product1 = static_cast<std::uint64_t>(kMultiplier1) * c2;
    const std::uint32_t hi0 = static_cast<std::uint32_t>(product0 >> 32);
    const std::uint32_t lo0 = static_cast<std::uint32_t>(product0);
    const std::uint32_t hi1 = static_cast<std::uint32_t>(product1 >> 32);
    const std::uint32_t lo1 = static_cast<std::uint32_t>(product1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return PhiloxWords{{c0, c1, c2, c3}};
}

}  // namespace srlif
