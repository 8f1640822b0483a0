// The result-defining part of a sweep's configuration as text: one
// `key = value` line per field, keys named as the command-line flags, numbers
// in their shortest round-trip form. It identifies a run in checkpoints and
// shard files (two runs may be joined or continued only if their texts are
// equal) and is read back by `srlif merge`. Execution options (backend,
// threads, chunk and batch sizes) are left out: they never change a result.
#pragma once

#include <string>

#include "srlif/planning/sweep_config.hpp"

namespace srlif {

std::string result_config_text(const SweepConfig& config);

// Reads a text written by result_config_text; throws InputError(`source`, ...)
// for a missing, unknown or malformed line.
SweepConfig parse_result_config_text(const std::string& text, const std::string& source);

// The first line where two texts differ, as "name = a" / "name = b", for messages.
std::string first_difference(const std::string& expected, const std::string& found);

}  // namespace srlif
