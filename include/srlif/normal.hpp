// Raw Philox words -> uniform and standard normal variates, bit-identical on
// host and device.
//
// Everything here is plain IEEE-754 single precision: +, -, *, sqrt and exact
// integer<->float conversions, each correctly rounded by both compilers as long
// as neither contracts a*b+c into an FMA (the build forbids it: -ffp-contract=off
// on the host, -fmad=false for nvcc). We deliberately avoid libm and fmaf: libm
// differs between platforms and a software fmaf on CPUs without FMA is slow.
#pragma once

#include <cmath>
#include <cstdint>

#include "srlif/host_device.hpp"
#include "srlif/philox.hpp"

namespace srlif {

// Uniform on (0, 1): (2m+1) * 2^-24 with m = word >> 9 in [0, 2^23). Every value
// is exactly representable in a float and never 0 or 1, so log() is finite.
SRLIF_HD float uniform_open(std::uint32_t word) {
  return static_cast<float>((word >> 8) | 1u) * 5.9604644775390625e-08f;  // 2^-24
}

// Natural logarithm for normal positive floats (Cephes logf polynomial,
// about 1 ulp on the reduced range [sqrt(1/2), sqrt(2))).
SRLIF_HD float log_positive(float x) {
  const std::uint32_t bits = float_bits(x);
  int exponent = static_cast<int>(bits >> 23) - 126;                     // x = m * 2^e
  float mantissa = float_from_bits((bits & 0x007FFFFFu) | 0x3F000000u);  // m in [0.5, 1)
  const bool small = mantissa < 0.707106781186547524f;
  exponent = small ? exponent - 1 : exponent;
  const float reduced = small ? (mantissa + mantissa) - 1.0f : mantissa - 1.0f;  // exact
  const float squared = reduced * reduced;
  float poly = 7.0376836292e-2f;
  poly = poly * reduced + -1.1514610310e-1f;
  poly = poly * reduced + 1.1676998740e-1f;
  poly = poly * reduced + -1.2420140846e-1f;
  poly = poly * reduced + 1.4249322787e-1f;
  poly = poly * reduced + -1.6668057665e-1f;
  poly = poly * reduced + 2.0000714765e-1f;
  poly = poly * reduced + -2.4999993993e-1f;
  poly = poly * reduced + 3.3333331174e-1f;
  const float exponent_f = static_cast<float>(exponent);
  float result = poly * reduced * squared;
  result = result + -2.12194440e-4f * exponent_f;  // low part of ln 2
  result = result + -0.5f * squared;
  result = reduced + result;
  result = result + 0.693359375f * exponent_f;  // high part of ln 2 (exact in float)
  return result;
}

struct UnitVector {
  float cos;
  float sin;
};

// A uniformly distributed direction from one 32-bit word: the top two bits pick
// the quadrant, the next 24 bits an angle in [-pi/4, pi/4) (Cephes sinf/cosf
// polynomials, about 1 ulp there). The angle is uniform on the circle, which is
// all Box-Muller needs; it is not meant to equal 2*pi*u for any particular u.
SRLIF_HD UnitVector uniform_direction(std::uint32_t word) {
  const std::uint32_t quadrant = word >> 30;
  const float fraction = static_cast<float>((word >> 6) & 0x00FFFFFFu) * 5.9604644775390625e-08f;
  const float angle = (fraction - 0.5f) * 1.57079632679489662f;  // [-pi/4, pi/4)
  const float angle_sq = angle * angle;
  float sin_poly = -1.9515295891e-4f;
  sin_poly = sin_poly * angle_sq + 8.3321608736e-3f;
  sin_poly = sin_poly * angle_sq + -1.6666654611e-1f;
  const float sine = sin_poly * angle_sq * angle + angle;
  float cos_poly = 2.443315711809948e-5f;
  cos_poly = cos_poly * angle_sq + -1.388731625493765e-3f;
  cos_poly = cos_poly * angle_sq + 4.166664568298827e-2f;
  const float cosine = (cos_poly * angle_sq * angle_sq + -0.5f * angle_sq) + 1.0f;
  // Rotate by quadrant * pi/2: (c, s) -> (-s, c) -> (-c, -s) -> (s, -c).
  const bool odd = (quadrant & 1u) != 0;
  const float x = odd ? sine : cosine;
  const float y = odd ? cosine : sine;
  const bool negate_x = quadrant == 1u || quadrant == 2u;
  const bool negate_y = quadrant >= 2u;
  return UnitVector{negate_x ? -x : x, negate_y ? -y : y};
}

struct NormalPair {
  float first;
  float second;
};

// Box-Muller: two independent N(0,1) from two words. |z| <= sqrt(2 ln 2^25) ~ 5.9.
SRLIF_HD NormalPair box_muller(std::uint32_t radius_word, std::uint32_t angle_word) {
  const float radius = sqrtf(-2.0f * log_positive(uniform_open(radius_word)));
  const UnitVector direction = uniform_direction(angle_word);
  return NormalPair{radius * direction.cos, radius * direction.sin};
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
