// Every file srlif reads back -- config files, checkpoint parts and states,
// tallies, shards for `merge` -- is read through here: it must be a regular
// file (a directory, device, pipe or socket is refused for what it is, also
// behind a symlink) no larger than a bound that follows from what that file
// can legally hold, checked before reading, and reading stops at the bound
// (a /proc file that claims size 0 cannot run on). So a hostile or damaged
// file is refused with InputError, never read without limit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace srlif {

// The whole file, at most `max_bytes`. `flag`: the InputError's flag (e.g.
// "--config"; the messages then name the file too); empty: the file's path.
std::string read_bounded_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                              const std::string& flag = "");

// The first `max_bytes` of the file (all of it when shorter), by the same rules; for
// reading a header whose contents bound the rest.
std::string read_file_head(const std::filesystem::path& path, std::uint64_t max_bytes,
                           const std::string& flag = "");

// What `path` is, for messages: "a directory", "a character device", ... or "missing".
std::string file_kind(const std::filesystem::path& path);

}  // namespace srlif
