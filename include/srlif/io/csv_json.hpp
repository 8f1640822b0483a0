// The text forms every output file is made of: a CSV line, JSON literals
// (numbers: number_text.hpp).
#pragma once

#include <string>
#include <vector>

namespace srlif {

// A JSON string literal with the necessary escapes.
std::string json_string(const std::string& text);

// One CSV line (fields joined by commas, newline-terminated).
std::string csv_line(const std::vector<std::string>& fields);

// A JSON number; JSON has no NaN, so an undefined number becomes null.
std::string json_number(double value);
// A JSON array of numbers, "[a, b, ...]".
std::string json_array(const std::vector<double>& values);

}  // namespace srlif
