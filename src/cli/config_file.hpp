// Options from a config file for a subcommand (`--config FILE`), and the
// keyword arguments of the Python package, applied by the same rules.
//
// The file: one `key = value` per line, keys the long flag names without
// dashes ("v-th = -56"); values bare (sigma = 0:60:25), or quoted "..." / '...';
// flags take true or false; '#' or ';' starts a comment. A UTF-8 BOM is
// skipped. Refused, each with the key and line named (InputError "--config"):
// a key without a value, a key given twice, an array ([...]), a [section], an
// unknown key, and keys that are not options (help, version, config). Values
// are checked like the flag's (numeric_flags.hpp); the command line wins over
// the file. The file must be a regular file of at most 1 MiB.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

namespace srlif::cli {

inline constexpr std::uint64_t kMaxConfigFileBytes = 1 << 20;

// Reads `path` (nothing when empty) and applies its keys to `command`.
void apply_config_file(CLI::App& command, const std::string& path);

// The same for the text of a config file; `source` names it in messages.
void apply_config_text(CLI::App& command, const std::string& text, const std::string& source);

// The same for (long flag name, value) pairs, e.g. {"v-th", "-56"} or {"resume", "true"}:
// the keyword arguments of the Python package; `source` names them in messages.
void apply_option_values(CLI::App& command, const std::vector<std::pair<std::string, std::string>>& values,
                         const std::string& source);

}  // namespace srlif::cli
