// The integration schemes (DESIGN.md section 1): `euler`, the reference
// study's Euler-Maruyama step, and `exact`, the exact Ornstein-Uhlenbeck step
// with the Brownian-bridge crossing test.
#pragma once

#include <string>

namespace srlif {

enum class Scheme { euler, exact };

const char* scheme_name(Scheme scheme);

// Parses "euler" or "exact"; throws InputError naming `flag` otherwise.
Scheme parse_scheme(const std::string& text, const std::string& flag);

}  // namespace srlif
