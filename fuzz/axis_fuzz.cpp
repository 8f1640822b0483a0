// Fuzz target `axis`: the text of an axis (--sigma 0:60:25, log:1:100:5, 1,2,3) and of a number
// (every numeric flag, config key and Python keyword: number_text.hpp). An axis is refused naming
// its flag or gives as many finite values as it counts (what counting refuses, building refuses);
// a number is read by one rule whichever reader asks, and format_number reads back to itself.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_target.hpp"
#include "srlif/errors.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/planning/grid.hpp"

namespace {

// The most values an input builds (counting alone guards the allocation beyond).
constexpr std::uint64_t kMostBuiltValues = 1 << 16;

void check_number(std::string_view text) {
  using srlif::fuzz::require;
  const std::optional<double> real = srlif::read_real(text);
  const bool real_refused = !srlif::number_text_error(text, srlif::NumberKind::real).empty();
  require(real.has_value() != real_refused, "read_real and number_text_error disagree");
  if (real) {
    require(std::isfinite(*real), "read_real accepted a number that is not finite");
    require(srlif::read_real(srlif::format_number(*real)) == *real, "format_number does not read back");
  }
  const std::optional<std::int64_t> whole = srlif::read_whole(text);
  const std::optional<std::uint64_t> unsigned_whole = srlif::read_whole_unsigned(text);
  require(whole.has_value() == srlif::number_text_error(text, srlif::NumberKind::whole).empty(),
          "read_whole and number_text_error disagree");
  require(unsigned_whole.has_value() == srlif::number_text_error(text, srlif::NumberKind::whole_unsigned).empty(),
          "read_whole_unsigned and number_text_error disagree");
  // A whole number is a real one too, of the same value where a double holds it exactly.
  if (whole) {
    require(real.has_value(), "a whole number that is no real number");
    require(*real == static_cast<double>(*whole), "a whole number read as another real one");
  }
  if (unsigned_whole) {
    require(real.has_value() && *real == static_cast<double>(*unsigned_whole),
            "an unsigned whole number read as another real one");
    if (whole) require(*whole >= 0 && static_cast<std::uint64_t>(*whole) == *unsigned_whole, "two whole readings differ");
  }
}

}  // namespace

SRLIF_FUZZ_TARGET(axis) {
  using srlif::fuzz::require;
  const std::string text(bytes);
  check_number(bytes);
  std::uint64_t count = 0;
  try {
    count = srlif::count_axis(text, "--sigma");
  } catch (const srlif::InputError& error) {
    require(error.flag() == "--sigma", "an axis refused naming '" + error.flag() + "', not its flag");
    // What counting refuses, building refuses.
    try {
      (void)srlif::parse_axis(text, "--sigma");
      srlif::fuzz::fail("parse_axis accepts an axis that count_axis refuses");
    } catch (const srlif::InputError&) {
    }
    return;
  }
  require(count >= 1, "an axis of no values was accepted");
  if (count > kMostBuiltValues) return;
  try {
    // Building refuses more (a value given twice): what it accepts, it counted.
    const std::vector<double> values = srlif::parse_axis(text, "--sigma");
    require(values.size() == count, "count_axis and parse_axis disagree on the number of values");
    for (const double value : values) require(std::isfinite(value), "an axis value that is not finite");
  } catch (const srlif::InputError& error) {
    require(error.flag() == "--sigma", "an axis refused naming '" + error.flag() + "', not its flag");
  }
}
