#include "srlif/io/number_text.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "srlif/errors.hpp"

namespace srlif {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length of the run of digits at `at`.
std::size_t digits_at(std::string_view text, std::size_t at) {
  std::size_t end = at;
  while (end < text.size() && is_digit(text[end])) ++end;
  return end - at;
}

// [+-]digits only.
bool is_whole_literal(std::string_view text) {
  const std::size_t sign = !text.empty() && (text[0] == '+' || text[0] == '-') ? 1 : 0;
  return text.size() > sign && digits_at(text, sign) == text.size() - sign;
}

// [+-](digits[.digits?] | .digits)([eE][+-]digits)?
bool is_decimal_literal(std::string_view text) {
  std::size_t at = !text.empty() && (text[0] == '+' || text[0] == '-') ? 1 : 0;
  const std::size_t integer = digits_at(text, at);
  at += integer;
  std::size_t fraction = 0;
  if (at < text.size() && text[at] == '.') {
    fraction = digits_at(text, at + 1);
    at += 1 + fraction;
  }
  if (integer + fraction == 0) return false;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
    const std::size_t exponent = digits_at(text, at);
    if (exponent == 0) return false;
    at += exponent;
  }
  return at == text.size();
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kShown = 40;  // a 300-digit value is not echoed whole
  std::string out = "'";  // (appended: GCC 12 warns falsely about "'" + std::string&&, -Wrestrict)
  out.append(text.substr(0, kShown)).append(text.size() > kShown ? "...'" : "'");
  return out;
}

template <typename Integer>
std::optional<Integer> whole_value(std::string_view text) {
  if (!is_whole_literal(text)) return std::nullopt;
  if (text[0] == '+') text.remove_prefix(1);
  Integer value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string number_text_error(std::string_view text, NumberKind kind) {
  if (text.empty()) return "the value is empty; a number is needed";
  const bool blank_edge = text.front() == ' ' || text.front() == '\t' || text.back() == ' ' ||
                          text.back() == '\t' || text.front() == '\n' || text.back() == '\n';
  if (blank_edge) return quoted(text) + " has blanks around the number";
  if (kind == NumberKind::real) {
    if (!is_decimal_literal(text))
      return quoted(text) + " is not a number (a finite decimal, e.g. -56.5 or 1e-3)";
    if (!read_real(text))
      return quoted(text) + " is not a number a double can hold (finite, within +-1.8e308)";
    return "";
  }
  if (!is_whole_literal(text)) {
    return quoted(text) + " is not a whole number" +
           (is_decimal_literal(text) ? " (write it with digits only)" : "");
  }
  if (kind == NumberKind::whole && !read_whole(text)) {
    return quoted(text) + " is not between -2^63 and 2^63-1";
  }
  if (kind == NumberKind::whole_unsigned && !read_whole_unsigned(text)) {
    return quoted(text) + " is not between 0 and 2^64-1";
  }
  return "";
}

std::optional<double> read_real(std::string_view text) {
  if (!is_decimal_literal(text)) return std::nullopt;
  if (text[0] == '+') text.remove_prefix(1);
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  // An underflow to zero or a subnormal is read as that value; an overflow is refused.
  if (error == std::errc::result_out_of_range) {
    const std::size_t exponent = text.find_first_of("eE");
    const bool tiny = exponent != std::string_view::npos && text.substr(exponent + 1).starts_with('-');
    if (!tiny) return std::nullopt;
    return text[0] == '-' ? -0.0 : 0.0;
  }
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<std::int64_t> read_whole(std::string_view text) { return whole_value<std::int64_t>(text); }

std::optional<std::uint64_t> read_whole_unsigned(std::string_view text) {
  return whole_value<std::uint64_t>(text);
}

double parse_real(std::string_view text, const std::string& flag) {
  if (const auto value = read_real(text)) return *value;
  throw InputError(flag, number_text_error(text, NumberKind::real));
}

std::int64_t parse_whole(std::string_view text, const std::string& flag) {
  if (const auto value = read_whole(text)) return *value;
  throw InputError(flag, number_text_error(text, NumberKind::whole));
}

std::uint64_t parse_whole_unsigned(std::string_view text, const std::string& flag) {
  if (const auto value = read_whole_unsigned(text)) return *value;
  throw InputError(flag, number_text_error(text, NumberKind::whole_unsigned));
}

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

}  // namespace srlif
