// Files that end with a checksum line over every byte before it,
//   # fnv1a64 0123456789abcdef
// so that a damaged or truncated file is refused, never used: the tally files
// (tally_file.hpp) and the population states (state_file.hpp) of a checkpoint.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace srlif {

inline constexpr std::uint64_t kFnv1a64Start = 0xcbf29ce484222325ULL;

// FNV-1a 64 of `bytes`, going on from `hash` (the hash of what came before) for files written in pieces.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash = kFnv1a64Start);

// The checksum line of bytes whose FNV-1a 64 is `hash`.
std::string checksum_line(std::uint64_t hash);

// Appends the checksum line of `text` to it.
void append_checksum(std::string& text);

// The bytes that the checksum line covers, after verifying it; throws
// InputError(path, "truncated: ...") or InputError(path, "corrupt: ...").
std::string_view verified_body(std::string_view text, const std::string& path);

}  // namespace srlif
