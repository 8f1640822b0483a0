// Every numeric flag's text is checked before it is used: CLI11 2.1 turns an
// integer that does not fit into the largest value of its type and a float
// like 1e999 into infinity without a word. Here such values, NaN and
// infinities are bad input naming the flag (exit code 2), on the command line
// and in --config files alike.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace srlif::cli {

// Throws InputError(flag, ...) when `value` given to `option` is not a finite
// number (FLOAT options) or does not fit a 64-bit integer (INT, UINT options).
void check_numeric_value(const CLI::Option& option, const std::string& value);

// check_numeric_value on every value given on the command line to `command`.
void check_numeric_flags(const CLI::App& command);

}  // namespace srlif::cli
