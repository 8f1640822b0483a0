// Groups of CPU lane vectors: kVectors GCC vectors of 8 lanes that every
// operation applies to one after the other. The shared transforms of
// normal.hpp, instantiated with them, become kVectors independent dependency
// chains issued side by side: a single 8-lane chain of the log polynomial
// leaves most of the vector pipes idle while each multiply and add waits for
// the one before it. (GCC's own wider vector types would do the same for the
// arithmetic, but it splits their selects into scalar code.)
//
// Element-wise IEEE operations only, so each lane computes the bits a scalar
// neuron would. CPU only: nvcc never sees this header.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace srlif {

// The statement given once for each part k = 0 .. kVectors - 1 (at most 4), with k a
// constant. Constant indices, not a loop, so that no part array has its
// address taken: under the sanitizers an indexed array is a poisoned stack
// object with checked pointer arithmetic, which made the sanitized build's
// normals 15 times slower than plain code.
#define SRLIF_EACH_PART(...)                       \
  do {                                             \
    static_assert(kVectors >= 1 && kVectors <= 4); \
    {                                              \
      constexpr int k = 0;                         \
      __VA_ARGS__;                                 \
    }                                              \
    if constexpr (kVectors > 1) {                  \
      constexpr int k = 1;                         \
      __VA_ARGS__;                                 \
    }                                              \
    if constexpr (kVectors > 2) {                  \
      constexpr int k = 2;                         \
      __VA_ARGS__;                                 \
    }                                              \
    if constexpr (kVectors > 3) {                  \
      constexpr int k = 3;                         \
      __VA_ARGS__;                                 \
    }                                              \
  } while (false)

// One vector of 8 lanes (an AVX2 register; two SSE registers in the baseline
// clone). GCC ignores vector_size on a template parameter, hence one each.
template <typename Element>
struct LaneVectorOf;
template <>
struct LaneVectorOf<float> {
  using type = float __attribute__((vector_size(8 * sizeof(float))));
};
template <>
struct LaneVectorOf<std::uint32_t> {
  using type = std::uint32_t __attribute__((vector_size(8 * sizeof(std::uint32_t))));
};
template <>
struct LaneVectorOf<std::int32_t> {
  using type = std::int32_t __attribute__((vector_size(8 * sizeof(std::int32_t))));
};

template <typename Element, int kVectors>
struct LaneGroup {
  static constexpr int kLanesPerVector = 8;
  static constexpr int kLanes = kVectors * kLanesPerVector;
  using Vector = typename LaneVectorOf<Element>::type;
  Vector part[kVectors];

  LaneGroup() = default;
  // Implicit, as for a scalar: the shared code's constants broadcast to every lane.
  LaneGroup(Element value) { SRLIF_EACH_PART(part[k] = Vector{} + value); }

  // part[k] holds the 8 elements at from + k * stride (stride 8: a whole
  // group from consecutive memory), read and written (lane_store) through an
  // unaligned, aliasing vector type: one vector load or store each, with no
  // temporary whose address is taken (a memcpy into the part array had made
  // GCC copy it through the stack).
  using UnalignedVector [[gnu::may_alias, gnu::aligned(alignof(Element))]] = Vector;
  __attribute__((always_inline)) static LaneGroup load(const Element* from,
                                                       std::size_t stride = kLanesPerVector) {
    LaneGroup group;
    SRLIF_EACH_PART(group.part[k] = *reinterpret_cast<const UnalignedVector*>(from + k * stride));
    return group;
  }

#define SRLIF_LANE_GROUP_OPERATOR(op)                                                     \
  __attribute__((always_inline)) friend LaneGroup operator op(LaneGroup a, LaneGroup b) { \
    SRLIF_EACH_PART(a.part[k] = a.part[k] op b.part[k]);                                  \
    return a;                                                                             \
  }
  SRLIF_LANE_GROUP_OPERATOR(+)
  SRLIF_LANE_GROUP_OPERATOR(-)
  SRLIF_LANE_GROUP_OPERATOR(*)
  SRLIF_LANE_GROUP_OPERATOR(&)
  SRLIF_LANE_GROUP_OPERATOR(|)
  SRLIF_LANE_GROUP_OPERATOR(^)
#undef SRLIF_LANE_GROUP_OPERATOR

  __attribute__((always_inline)) friend LaneGroup operator>>(LaneGroup a, int shift) {
    SRLIF_EACH_PART(a.part[k] = a.part[k] >> shift);
    return a;
  }
  __attribute__((always_inline)) friend LaneGroup operator<<(LaneGroup a, int shift) {
    SRLIF_EACH_PART(a.part[k] = a.part[k] << shift);
    return a;
  }
};

template <int kVectors>
using LaneFloats = LaneGroup<float, kVectors>;
template <int kVectors>
using LaneWords = LaneGroup<std::uint32_t, kVectors>;
template <int kVectors>
using LaneInts = LaneGroup<std::int32_t, kVectors>;  // also lane masks: -1 true, 0 false

// The inverse of LaneGroup::load. A free function taking the group by value:
// a member function would take the group's address.
template <typename Element, int kVectors>
__attribute__((always_inline)) inline void lane_store(
    LaneGroup<Element, kVectors> group, Element* to,
    std::size_t stride = LaneGroup<Element, kVectors>::kLanesPerVector) {
  using UnalignedVector = typename LaneGroup<Element, kVectors>::UnalignedVector;
  SRLIF_EACH_PART(*reinterpret_cast<UnalignedVector*>(to + k * stride) = group.part[k]);
}

template <int kVectors>
__attribute__((always_inline)) inline LaneInts<kVectors> operator!=(LaneWords<kVectors> a, std::uint32_t b) {
  LaneInts<kVectors> mask;
  SRLIF_EACH_PART(mask.part[k] = a.part[k] != b);
  return mask;
}

template <typename Element, int kVectors>
__attribute__((always_inline)) inline LaneGroup<Element, kVectors> lane_select(
    LaneInts<kVectors> mask, LaneGroup<Element, kVectors> if_true, LaneGroup<Element, kVectors> if_false) {
  LaneGroup<Element, kVectors> result;
  SRLIF_EACH_PART(result.part[k] = mask.part[k] ? if_true.part[k] : if_false.part[k]);
  return result;
}

// Reinterpretations and conversions, lane by lane (the vector casts of GCC
// keep the bits; __builtin_convertvector converts values).
template <typename To, typename From, int kVectors>
__attribute__((always_inline)) inline LaneGroup<To, kVectors> lane_reinterpret(
    LaneGroup<From, kVectors> from) {
  LaneGroup<To, kVectors> to;
  SRLIF_EACH_PART(to.part[k] = reinterpret_cast<typename LaneGroup<To, kVectors>::Vector>(from.part[k]));
  return to;
}

template <int kVectors>
__attribute__((always_inline)) inline LaneWords<kVectors> lane_bits(LaneFloats<kVectors> value) {
  return lane_reinterpret<std::uint32_t>(value);
}
template <int kVectors>
__attribute__((always_inline)) inline LaneFloats<kVectors> lane_from_bits(LaneWords<kVectors> bits) {
  return lane_reinterpret<float>(bits);
}
template <int kVectors>
__attribute__((always_inline)) inline LaneFloats<kVectors> lane_from_bits(LaneInts<kVectors> bits) {
  return lane_reinterpret<float>(bits);
}
template <int kVectors>
__attribute__((always_inline)) inline LaneInts<kVectors> lane_signed(LaneWords<kVectors> word) {
  return lane_reinterpret<std::int32_t>(word);
}
template <int kVectors>
__attribute__((always_inline)) inline LaneFloats<kVectors> lane_to_float(LaneInts<kVectors> value) {
  LaneFloats<kVectors> result;
  SRLIF_EACH_PART(result.part[k] =
                      __builtin_convertvector(value.part[k], typename LaneFloats<kVectors>::Vector));
  return result;
}

// Correctly rounded sqrt per lane (vsqrtps where the clone has AVX), lane
// by lane with constant indices for the same reason as SRLIF_EACH_PART.
template <int kVectors>
__attribute__((always_inline)) inline LaneFloats<kVectors> lane_sqrt(LaneFloats<kVectors> value) {
  SRLIF_EACH_PART({
    value.part[k][0] = std::sqrt(value.part[k][0]);
    value.part[k][1] = std::sqrt(value.part[k][1]);
    value.part[k][2] = std::sqrt(value.part[k][2]);
    value.part[k][3] = std::sqrt(value.part[k][3]);
    value.part[k][4] = std::sqrt(value.part[k][4]);
    value.part[k][5] = std::sqrt(value.part[k][5]);
    value.part[k][6] = std::sqrt(value.part[k][6]);
    value.part[k][7] = std::sqrt(value.part[k][7]);
  });
  return value;
}

#undef SRLIF_EACH_PART

}  // namespace srlif
