// Every numeric flag's text is read by the library's one number rule set
// (srlif/number_text.hpp) before CLI11 converts it: CLI11 2.1 reads an empty
// value as 0, "1e3" for an integer as 1000 only sometimes, an integer that does
// not fit as the largest value of its type and 1e999 as infinity, all without a
// word. Here each of those is bad input naming the flag and the rule (exit
// code 2), on the command line, in --config files and in Python keywords alike.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace srlif::cli {

// "" when `value` is a valid text for `option` (FLOAT: a finite decimal number;
// INT/UINT: a whole number that fits 64 bits, unsigned for UINT), else the rule
// it breaks. Options of other types take any text.
std::string numeric_value_error(const CLI::Option& option, const std::string& value);

// Adds that check, as the first validator, to every numeric option of `command`
// and of its subcommands: it then runs on every value before it is converted.
void require_plain_numbers(CLI::App& command);

}  // namespace srlif::cli
