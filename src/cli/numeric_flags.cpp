#include "cli/numeric_flags.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "srlif/errors.hpp"

namespace srlif::cli {
namespace {

std::string flag_of(const CLI::Option& option) { return "--" + option.get_single_name(); }

bool is_integer_literal(const std::string& text) {
  const std::size_t digits = !text.empty() && (text.front() == '+' || text.front() == '-') ? 1 : 0;
  return digits < text.size() && text.find_first_not_of("0123456789", digits) == std::string::npos;
}

template <typename Integer>
bool fits(const std::string& text) {
  Integer value{};
  const char* begin = text.data() + (text.front() == '+' ? 1 : 0);
  const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

void check_numeric_value(const CLI::Option& option, const std::string& value) {
  const std::string type = option.get_type_name();
  if (type.starts_with("FLOAT")) {
    char* end = nullptr;
    const double number = std::strtod(value.c_str(), &end);
    if (end != value.c_str() && *end == '\0' && !std::isfinite(number)) {
      throw InputError(flag_of(option), "'" + value + "' is not a finite number");
    }
  } else if ((type.starts_with("INT") || type.starts_with("UINT")) && is_integer_literal(value)) {
    // A negative value for an unsigned flag is CLI11's to refuse ("NONNEGATIVE").
    const bool in_range = type.starts_with("UINT") ? value.front() == '-' || fits<std::uint64_t>(value)
                                                   : fits<std::int64_t>(value);
    if (!in_range) throw InputError(flag_of(option), "'" + value + "' does not fit in a 64-bit integer");
  }
}

void check_numeric_flags(const CLI::App& command) {
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& value : option->results()) check_numeric_value(*option, value);
  }
}

}  // namespace srlif::cli
