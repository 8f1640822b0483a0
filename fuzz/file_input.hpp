// The input of a fuzz target for a checksummed file (tally files, states, shard folders): its first
// byte's low bit asks for the right checksum line to be appended to the rest, so that the fuzzer
// reaches past the checksum into the parser and the checks; else the rest is the file as it is.
#pragma once

#include <string>
#include <string_view>

#include "srlif/io/checksummed_file.hpp"

namespace srlif::fuzz {

// `input` not empty.
inline std::string checksummed_file_text(std::string_view input) {
  std::string text(input.substr(1));
  if ((static_cast<unsigned char>(input[0]) & 1) != 0) append_checksum(text);
  return text;
}

}  // namespace srlif::fuzz
