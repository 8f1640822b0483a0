// Fuzz target `state`: a checkpoint's population state (state_file.hpp) as --resume reads it:
// parsed, its configuration read, its neurons checked against that configuration (check_state).
// The input's first byte may ask for its checksum (file_input.hpp). An accepted state writes back
// to a file that reads back the same bytes.
#include <string>

#include "file_input.hpp"
#include "fuzz_target.hpp"
#include "srlif/errors.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/state_file.hpp"
#include "srlif/planning/sweep_config.hpp"

SRLIF_FUZZ_TARGET(state) {
  if (bytes.empty()) return;
  const std::string text = srlif::fuzz::checksummed_file_text(bytes);
  try {
    const srlif::StateFile file = srlif::parse_state_file(text, "fuzz.state");
    const srlif::SweepConfig config = srlif::parse_result_config_text(file.config_text, "fuzz.state");
    srlif::check_state(file, config, "fuzz.state");
    const std::string written = srlif::format_state_file(file);
    try {
      srlif::fuzz::require(srlif::format_state_file(srlif::parse_state_file(written, "written")) == written,
                           "an accepted state writes back to one that reads back changed");
    } catch (const srlif::InputError& error) {
      srlif::fuzz::fail(std::string("an accepted state writes back to one that is refused: ") + error.what());
    }
  } catch (const srlif::InputError&) {
  }
}
