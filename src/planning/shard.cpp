#include "srlif/planning/shard.hpp"

#include <charconv>

#include "srlif/errors.hpp"

namespace srlif {

ShardSpec parse_shard(const std::string& text, const std::string& flag) {
  const std::size_t slash = text.find('/');
  const auto number = [&](std::size_t begin, std::size_t end, std::uint64_t& value) {
    const auto [stop, error] = std::from_chars(text.data() + begin, text.data() + end, value);
    return begin < end && error == std::errc() && stop == text.data() + end;
  };
  ShardSpec shard;
  if (slash == std::string::npos || !number(0, slash, shard.index) ||
      !number(slash + 1, text.size(), shard.count)) {
    throw InputError(flag, "'" + text + "' is not I/N (e.g. 3/8)");
  }
  if (shard.count < 1 || shard.count > 1000000) throw InputError(flag, "N must be between 1 and 10^6");
  if (shard.index < 1 || shard.index > shard.count) throw InputError(flag, "I must be between 1 and N");
  return shard;
}

std::string shard_text(const ShardSpec& shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

PointRange shard_points(const ShardSpec& shard, std::uint64_t points) {
  // floor(i P / N) in 128-bit arithmetic: P and N are both below 2^64.
  const auto bound = [&](std::uint64_t i) {
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(i) * points / shard.count);
  };
  return PointRange{bound(shard.index - 1), bound(shard.index)};
}

}  // namespace srlif
