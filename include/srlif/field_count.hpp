// The number of fields of an aggregate, at compile time: the largest N for which T{x1, ..., xN}
// is well formed. A struct that a key, a file layout or a formula must cover whole ties itself to
// that code with static_assert(field_count<T>() == N), so that a field added to the struct is a
// compile error there instead of a field silently left out.
#pragma once

#include <cstddef>

namespace srlif {

namespace field_count_detail {
struct AnyField {
  template <typename T>
  constexpr operator T() const;  // declared only: used in unevaluated initialisers
};
}  // namespace field_count_detail

template <typename T, typename... Fields>
constexpr std::size_t field_count() {
  if constexpr (requires { T{Fields{}..., field_count_detail::AnyField{}}; }) {
    return field_count<T, Fields..., field_count_detail::AnyField>();
  } else {
    return sizeof...(Fields);
  }
}

}  // namespace srlif
