// One CSV line, what every output table is made of (numbers: number_text.hpp;
// run.json: run_json.hpp, through nlohmann-json).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace srlif {

// One CSV line (fields joined by commas, newline-terminated). Every field the project writes is
// a number or a column's name, none with a comma, a quote or a line break: no quoting.
std::string csv_line(const std::vector<std::string>& fields);

// The fields of one such line read back (without its newline): split at every comma.
std::vector<std::string_view> csv_fields(std::string_view line);

}  // namespace srlif
