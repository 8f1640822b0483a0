// Numbers written as text -- every numeric flag, config-file key and Python
// keyword, and every number inside an axis (grid.hpp) -- are read by one rule
// set, so that no value is silently misread:
//   * the whole text is the number: no blanks before or after, nothing empty;
//   * decimal only: [+-]digits[.digits][e[+-]digits] (".5" and "5." too);
//     no hexadecimal, no "inf" or "nan";
//   * a real number must be finite as a double (1e999 is refused);
//   * a whole number is digits alone ("1e3" and "2.0" are not whole numbers)
//     and must fit its type, whose range the message names in words.
// The messages say the text and the rule; the caller adds the flag.
// Numbers written (every CSV, config text, run.json, message) are the shortest
// text that reads back to the same double: format_number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace srlif {

// Shortest text that parses back to the same double (std::to_chars); "nan"
// for NaN, "inf"/"-inf" for infinities.
std::string format_number(double value);

enum class NumberKind {
  real,           // a finite double
  whole,          // a whole number in [-2^63, 2^63-1]
  whole_unsigned  // a whole number in [0, 2^64-1]
};

// "" when `text` is a number of `kind`, else why not, e.g.
// "'1e3' is not a whole number" or "'' is empty; a number is needed".
std::string number_text_error(std::string_view text, NumberKind kind);

// The value, or nothing when number_text_error would say why not.
std::optional<double> read_real(std::string_view text);
std::optional<std::int64_t> read_whole(std::string_view text);
std::optional<std::uint64_t> read_whole_unsigned(std::string_view text);

// As above, throwing InputError(flag, number_text_error(...)).
double parse_real(std::string_view text, const std::string& flag);
std::int64_t parse_whole(std::string_view text, const std::string& flag);
std::uint64_t parse_whole_unsigned(std::string_view text, const std::string& flag);

}  // namespace srlif
