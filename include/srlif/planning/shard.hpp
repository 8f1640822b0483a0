// `--shard I/N`: the I-th of N contiguous, near-equal ranges of grid points
// (grid order), so N shard runs together compute every point exactly once.
#pragma once

#include <cstdint>
#include <string>

namespace srlif {

struct ShardSpec {
  std::uint64_t index = 1;  // 1-based
  std::uint64_t count = 1;
  bool operator==(const ShardSpec&) const = default;
};

// "I/N" with 1 <= I <= N <= 10^6; throws InputError(flag, ...).
ShardSpec parse_shard(const std::string& text, const std::string& flag);
std::string shard_text(const ShardSpec& shard);

// Grid points [first, end) of the shard in a grid of `points` points.
struct PointRange {
  std::uint64_t first;
  std::uint64_t end;
};
PointRange shard_points(const ShardSpec& shard, std::uint64_t points);

}  // namespace srlif
