#include "srlif/io/checksummed_file.hpp"

#include <cinttypes>
#include <cstdio>

#include "srlif/errors.hpp"

namespace srlif {
namespace {

constexpr std::string_view kChecksumPrefix = "# fnv1a64 ";

std::string hex64(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016" PRIx64, value);
  return text;
}

}  // namespace

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash) {
  for (const char byte : bytes) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string checksum_line(std::uint64_t hash) { return std::string(kChecksumPrefix) + hex64(hash) + "\n"; }

void append_checksum(std::string& text) { text += checksum_line(fnv1a64(text)); }

std::string_view verified_body(std::string_view text, const std::string& path) {
  // The checksum line is last; everything before it is what it covers.
  const std::size_t last = text.size() >= 2 ? text.rfind('\n', text.size() - 2) : std::string_view::npos;
  const std::string_view trailer =
      last == std::string_view::npos ? std::string_view() : text.substr(last + 1);
  if (text.empty() || text.back() != '\n' || !trailer.starts_with(kChecksumPrefix) ||
      trailer.size() != kChecksumPrefix.size() + 17) {
    throw InputError(path, "truncated: it does not end with its checksum line");
  }
  const std::string_view body = text.substr(0, last + 1);
  if (hex64(fnv1a64(body)) != trailer.substr(kChecksumPrefix.size(), 16)) {
    throw InputError(path, "corrupt: its checksum does not match its contents");
  }
  return body;
}

}  // namespace srlif
