#include "srlif/planning/scheme.hpp"

#include "srlif/errors.hpp"

namespace srlif {

const char* scheme_name(Scheme scheme) { return scheme == Scheme::exact ? "exact" : "euler"; }

Scheme parse_scheme(const std::string& text, const std::string& flag) {
  if (text == "euler") return Scheme::euler;
  if (text == "exact") return Scheme::exact;
  throw InputError(flag,
                   "must be 'euler' (the reference study's Euler-Maruyama step) or 'exact' "
                   "(exact Ornstein-Uhlenbeck step with the Brownian-bridge crossing test), not '" +
                       text + "'");
}

}  // namespace srlif
