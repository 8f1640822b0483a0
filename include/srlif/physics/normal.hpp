// Raw Philox words -> uniform and standard normal variates, bit-identical on
// host and device.
//
// Everything here is plain IEEE-754 single precision: +, -, *, sqrt and exact
// integer<->float conversions, each correctly rounded by both compilers as long
// as neither contracts a*b+c into an FMA (the build forbids it: -ffp-contract=off
// on the host, -fmad=false for nvcc). We deliberately avoid libm and fmaf: libm
// differs between platforms and a software fmaf on CPUs without FMA is slow.
//
// The transforms are written once for a scalar (Real = float, Word = uint32:
// a GPU thread, the trace, the tests) and for the CPU backend's groups of lane
// vectors (lane_group.hpp), through the lane_* helpers below; selects and sign
// flips are bit operations, so a lane computes exactly what a scalar does.
#pragma once

#include <cmath>
#include <cstdint>

#include "srlif/physics/host_device.hpp"
#include "srlif/physics/philox.hpp"

namespace srlif {

// Scalar forms of the operations the transforms need beyond + - * and
// comparisons (lane_group.hpp has the same names for lane vectors).
SRLIF_HD float lane_select(bool condition, float if_true, float if_false) {
  return condition ? if_true : if_false;
}
SRLIF_HD std::uint32_t lane_bits(float value) { return float_bits(value); }
SRLIF_HD float lane_from_bits(std::uint32_t bits) { return float_from_bits(bits); }
SRLIF_HD float lane_from_bits(std::int32_t bits) { return float_from_bits(static_cast<std::uint32_t>(bits)); }
SRLIF_HD std::int32_t lane_signed(std::uint32_t word) { return static_cast<std::int32_t>(word); }
// Exact for |value| < 2^24, the only values converted here.
SRLIF_HD float lane_to_float(std::int32_t value) { return static_cast<float>(value); }
SRLIF_HD float lane_sqrt(float value) { return sqrtf(value); }

// Uniform on (0, 1): (2m+1) * 2^-24 with m = word >> 9 in [0, 2^23). Every value
// is exactly representable in a float and never 0 or 1, so log() is finite.
template <typename Word>
SRLIF_HD auto uniform_open(Word word) {
  return lane_to_float(lane_signed((word >> 8) | 1u)) * 5.9604644775390625e-08f;  // 2^-24
}

// Natural logarithm for normal positive floats (Cephes logf polynomial,
// about 1 ulp on the reduced range [sqrt(1/2), sqrt(2))).
template <typename Real>
SRLIF_HD Real log_positive(Real x) {
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)): subtracting the bits of
  // sqrt(1/2) (0x3F3504F3) from x's moves the exponent's boundary there, so an
  // arithmetic shift gives e and the low 23 bits put back on sqrt(1/2)'s give m.
  const auto offset = lane_signed(lane_bits(x)) - 0x3F3504F3;
  const auto exponent = offset >> 23;
  const Real mantissa = lane_from_bits((offset & 0x007FFFFF) + 0x3F3504F3);
  const Real reduced = mantissa - 1.0f;  // exact
  const Real squared = reduced * reduced;
  Real poly = Real(7.0376836292e-2f);
  poly = poly * reduced + -1.1514610310e-1f;
  poly = poly * reduced + 1.1676998740e-1f;
  poly = poly * reduced + -1.2420140846e-1f;
  poly = poly * reduced + 1.4249322787e-1f;
  poly = poly * reduced + -1.6668057665e-1f;
  poly = poly * reduced + 2.0000714765e-1f;
  poly = poly * reduced + -2.4999993993e-1f;
  poly = poly * reduced + 3.3333331174e-1f;
  const Real exponent_f = lane_to_float(exponent);
  Real result = poly * reduced * squared;
  result = result + -2.12194440e-4f * exponent_f;  // low part of ln 2
  result = result + -0.5f * squared;
  result = reduced + result;
  result = result + 0.693359375f * exponent_f;  // high part of ln 2 (exact in float)
  return result;
}

template <typename Real>
struct UnitVectorOf {
  Real cos;
  Real sin;
};
using UnitVector = UnitVectorOf<float>;

// A uniformly distributed direction from one 32-bit word: the top two bits pick
// the quadrant, the next 24 bits an angle in [-pi/4, pi/4) (Cephes sinf/cosf
// polynomials, about 1 ulp there). The angle is uniform on the circle, which is
// all Box-Muller needs; it is not meant to equal 2*pi*u for any particular u.
template <typename Word>
SRLIF_HD auto uniform_direction(Word word) {
  auto fraction = lane_to_float(lane_signed((word >> 6) & 0x00FFFFFFu)) * 5.9604644775390625e-08f;
  using Real = decltype(fraction);
  const Real angle = (fraction - 0.5f) * 1.57079632679489662f;  // [-pi/4, pi/4)
  const Real angle_sq = angle * angle;
  Real sin_poly = Real(-1.9515295891e-4f);
  sin_poly = sin_poly * angle_sq + 8.3321608736e-3f;
  sin_poly = sin_poly * angle_sq + -1.6666654611e-1f;
  const Real sine = sin_poly * angle_sq * angle + angle;
  Real cos_poly = Real(2.443315711809948e-5f);
  cos_poly = cos_poly * angle_sq + -1.388731625493765e-3f;
  cos_poly = cos_poly * angle_sq + 4.166664568298827e-2f;
  const Real cosine = (cos_poly * angle_sq * angle_sq + -0.5f * angle_sq) + 1.0f;
  // Rotate by quadrant q = word >> 30 times pi/2: (c, s) -> (-s, c) -> (-c, -s)
  // -> (s, -c). Odd quadrants swap the two; x is negated in quadrants 1 and 2
  // (bit 31 xor bit 30), y in 2 and 3 (bit 31): a negation is a sign-bit flip.
  const auto odd = (word & 0x40000000u) != 0u;
  const Real x = lane_select(odd, sine, cosine);
  const Real y = lane_select(odd, cosine, sine);
  const Word x_sign = (word ^ (word << 1)) & 0x80000000u;
  const Word y_sign = word & 0x80000000u;
  return UnitVectorOf<Real>{lane_from_bits(lane_bits(x) ^ x_sign), lane_from_bits(lane_bits(y) ^ y_sign)};
}

template <typename Real>
struct NormalPairOf {
  Real first;
  Real second;
};
using NormalPair = NormalPairOf<float>;

// Box-Muller: two independent N(0,1) from two words. |z| <= sqrt(2 ln 2^25) ~ 5.9.
template <typename Word>
SRLIF_HD auto box_muller(Word radius_word, Word angle_word) {
  auto radius = lane_sqrt(-2.0f * log_positive(uniform_open(radius_word)));
  const auto direction = uniform_direction(angle_word);
  return NormalPairOf<decltype(radius)>{radius * direction.cos, radius * direction.sin};
}

struct NormalQuad {
  float z[4];
};

// The four normals of one Philox block: step 4b+j of a stream uses z[j].
SRLIF_HD NormalQuad normals_from_block(const PhiloxWords& words) {
  const NormalPair low = box_muller(words.word[0], words.word[1]);
  const NormalPair high = box_muller(words.word[2], words.word[3]);
  return NormalQuad{{low.first, low.second, high.first, high.second}};
}

}  // namespace srlif
