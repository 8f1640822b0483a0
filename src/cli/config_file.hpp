// Options from a TOML/INI file for a subcommand (`--config FILE`).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

namespace srlif::cli {

// CLI11 2.1 reads config files for the main app only, so a subcommand's file
// is applied here, after parsing: keys are long flag names without dashes
// ("v-th = -56"), values are validated like flags, and the command line wins
// over the file. Unknown keys and unreadable files throw InputError.
void apply_config_file(CLI::App& command, const std::string& path);

// The same for the text of a config file; `source` names it in messages.
void apply_config_text(CLI::App& command, const std::string& text, const std::string& source);

// The same for (long flag name, value) pairs, e.g. {"v-th", "-56"} or {"resume", "true"}:
// the keyword arguments of the Python package, read by the same rules.
void apply_option_values(CLI::App& command, const std::vector<std::pair<std::string, std::string>>& values,
                         const std::string& source);

}  // namespace srlif::cli
