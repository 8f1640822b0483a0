// The word -> uniform -> normal transform shared by CPU and GPU.
#include "srlif/physics/normal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "backends/cpu/lane_group.hpp"
#include "srlif/physics/philox.hpp"

namespace srlif {
namespace {

double float_ulp(double value) {
  const float f = static_cast<float>(std::fabs(value));
  return static_cast<double>(std::nextafter(f, INFINITY) - f);
}

TEST(Uniform, OpenIntervalAndExactGrid) {
  EXPECT_EQ(uniform_open(0u), 5.9604644775390625e-08f);                  // 2^-24, never 0
  EXPECT_EQ(uniform_open(0xFFFFFFFFu), 1.0f - 5.9604644775390625e-08f);  // never 1
  EXPECT_GT(uniform_open(0x00000200u), uniform_open(0u));
}

// log_positive against double-precision log over every value uniform_open can
// produce (2^23 of them): within 2 float ulps of the true value everywhere.
TEST(LogPositive, WithinTwoUlpsOnAllUniforms) {
  double worst_ulps = 0.0;
  for (std::uint32_t m = 0; m < (1u << 23); ++m) {
    const float u = uniform_open(m << 9);
    const double exact = std::log(static_cast<double>(u));
    const double error = std::fabs(static_cast<double>(log_positive(u)) - exact);
    worst_ulps = std::max(worst_ulps, error / float_ulp(exact));
  }
  EXPECT_LE(worst_ulps, 2.0);
}

TEST(LogPositive, WideRange) {
  for (float x : {1e-30f, 1e-10f, 0.001f, 0.5f, 0.70710677f, 0.7071068f, 1.0f, 1.5f, 2.0f, 1e10f}) {
    const double exact = std::log(static_cast<double>(x));
    EXPECT_NEAR(log_positive(x), exact, 2.0 * float_ulp(exact) + 1e-12) << x;
  }
}

TEST(UniformDirection, UnitLengthAndUniformAngle) {
  constexpr int kSectors = 64;
  constexpr int kDraws = 1 << 20;
  std::vector<int> counts(kSectors, 0);
  double worst_norm_error = 0.0;
  for (int i = 0; i < kDraws; ++i) {
    const std::uint32_t word = philox4x32_10(3, 0, static_cast<std::uint64_t>(i)).word[1];
    const UnitVector direction = uniform_direction(word);
    const double norm = std::hypot(direction.cos, direction.sin);
    worst_norm_error = std::max(worst_norm_error, std::fabs(norm - 1.0));
    double angle = std::atan2(direction.sin, direction.cos);
    if (angle < 0) angle += 2 * std::numbers::pi;
    counts[std::min(kSectors - 1, static_cast<int>(angle / (2 * std::numbers::pi) * kSectors))]++;
  }
  EXPECT_LT(worst_norm_error, 3e-7);  // a few float ulps of 1
  // Chi-square with 63 degrees of freedom: mean 63, sd sqrt(126) = 11.2; 4 sd above.
  const double expected = static_cast<double>(kDraws) / kSectors;
  double chi_square = 0.0;
  for (int count : counts) chi_square += (count - expected) * (count - expected) / expected;
  EXPECT_LT(chi_square, 63.0 + 4.0 * std::sqrt(126.0));
}

// Pinned bits: the transform defines every output of srlif (DESIGN.md's
// determinism contract), so any change to it must show here. The values are
// those of the first implementation (2026-11-25); the angle words cover all
// four quadrants and both ends of the angle range, the radius words both ends
// of the uniform.
TEST(BoxMuller, PinnedBits) {
  struct Case {
    std::uint32_t radius_word, angle_word, first_bits, second_bits;
  };
  for (const Case c : {
           Case{0x00000000u, 0x00000000u, 0x40828472u, 0xC0828472u},  // 4.07866764, -4.07866764
           Case{0xFFFFFFFFu, 0xFFFFFFFFu, 0x397FFFFEu, 0xB9800000u},  // 0.000244140596, -0.000244140625
           Case{0x12345678u, 0x40000000u, 0x3FD01D18u, 0x3FD01D18u},  // 1.62588787, 1.62588787
           Case{0x9E3779B9u, 0x80000000u, 0xBF3195F4u, 0x3F3195F4u},  // -0.693694353, 0.693694353
           Case{0x00000100u, 0xC0000000u, 0xC0828472u, 0xC0828472u},  // -4.07866764, -4.07866764
           Case{0x80000000u, 0x3FFFFFFFu, 0x3F55224Cu, 0x3F55224Au},  // 0.832554579, 0.83255446
           Case{0x7FFFFFFFu, 0xBFFFFFC0u, 0xBF55224Fu, 0xBF55224Cu},  // -0.832554758, -0.832554579
           Case{0xDEADBEEFu, 0x6A09E667u, 0xBE03E585u, 0x3F031CB1u},  // -0.128805235, 0.512156546
       }) {
    const NormalPair pair = box_muller(c.radius_word, c.angle_word);
    EXPECT_EQ(float_bits(pair.first), c.first_bits) << std::hex << c.radius_word << " " << c.angle_word;
    EXPECT_EQ(float_bits(pair.second), c.second_bits) << std::hex << c.radius_word << " " << c.angle_word;
  }
}

// The CPU backend runs the same transform on groups of lane vectors
// (lane_group.hpp); every lane must give the scalar's bits. Words from Philox
// plus the edges of each quadrant and of the uniform, in every lane position.
template <int kVectors>
void expect_lanes_equal_scalar() {
  using Words = LaneWords<kVectors>;
  constexpr int kLanes = Words::kLanes;
  std::vector<std::uint32_t> words;
  for (const std::uint32_t edge :
       {0x00000000u, 0x000000FFu, 0x00000100u, 0x3FFFFFFFu, 0x40000000u, 0x7FFFFFFFu, 0x80000000u,
        0xBFFFFFFFu, 0xC0000000u, 0xFFFFFFFFu, 0xFFFFFF00u}) {
    words.push_back(edge);
  }
  for (std::uint64_t block = 0; words.size() < 8192; ++block) {
    const PhiloxWords draw = philox4x32_10(11, 5, block);
    words.insert(words.end(), draw.word, draw.word + 4);
  }
  for (std::size_t first = 0; first + 2 * kLanes <= words.size(); first += 7) {
    std::uint32_t radius[kLanes], angle[kLanes];
    for (int lane = 0; lane < kLanes; ++lane) {
      radius[lane] = words[first + static_cast<std::size_t>(lane)];
      angle[lane] = words[(first + static_cast<std::size_t>(kLanes + 3 * lane)) % words.size()];
    }
    const auto pair = box_muller(Words::load(radius), Words::load(angle));
    float first_lanes[kLanes], second_lanes[kLanes];
    lane_store(pair.first, first_lanes);
    lane_store(pair.second, second_lanes);
    for (int lane = 0; lane < kLanes; ++lane) {
      const NormalPair expected = box_muller(radius[lane], angle[lane]);
      ASSERT_EQ(float_bits(first_lanes[lane]), float_bits(expected.first))
          << kVectors << " vectors, lane " << lane << ", words " << std::hex << radius[lane] << " "
          << angle[lane];
      ASSERT_EQ(float_bits(second_lanes[lane]), float_bits(expected.second))
          << kVectors << " vectors, lane " << lane << ", words " << std::hex << radius[lane] << " "
          << angle[lane];
    }
  }
}

TEST(BoxMuller, LaneGroupsGiveTheScalarBits) {
  expect_lanes_equal_scalar<1>();
  expect_lanes_equal_scalar<4>();
}

// 2^20 Philox blocks = 4 194 304 normals from several streams.
std::vector<float> draw_normals() {
  std::vector<float> normals;
  normals.reserve(1u << 22);
  for (std::uint64_t stream = 0; stream < 4; ++stream) {
    for (std::uint64_t block = 0; block < (1u << 18); ++block) {
      const NormalQuad quad = normals_from_block(philox4x32_10(20261125, stream, block));
      normals.insert(normals.end(), quad.z, quad.z + 4);
    }
  }
  return normals;
}

class NormalSample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sample_ = new std::vector<float>(draw_normals()); }
  static void TearDownTestSuite() { delete sample_; }
  static const std::vector<float>& sample() { return *sample_; }

 private:
  static inline std::vector<float>* sample_ = nullptr;
};

TEST_F(NormalSample, MeanAndVarianceWithinFourStandardErrors) {
  const auto n = static_cast<double>(sample().size());
  double sum = 0.0;
  double sum_sq = 0.0;
  for (float z : sample()) {
    sum += z;
    sum_sq += static_cast<double>(z) * z;
  }
  const double mean = sum / n;
  const double variance = sum_sq / n - mean * mean;
  EXPECT_LT(std::fabs(mean), 4.0 / std::sqrt(n));                  // SE of the mean = 1/sqrt(n)
  EXPECT_LT(std::fabs(variance - 1.0), 4.0 * std::sqrt(2.0 / n));  // SE of the variance = sqrt(2/n)
}

TEST_F(NormalSample, KolmogorovSmirnovAgainstStandardNormal) {
  std::vector<float> sorted = sample();
  std::sort(sorted.begin(), sorted.end());
  const auto n = static_cast<double>(sorted.size());
  double statistic = 0.0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const double cdf = 0.5 * std::erfc(-static_cast<double>(sorted[i]) / std::numbers::sqrt2);
    statistic = std::max({statistic, static_cast<double>(i + 1) / n - cdf, cdf - static_cast<double>(i) / n});
  }
  // Kolmogorov distribution: P(sqrt(n) D > 1.95) = 0.001.
  EXPECT_LT(std::sqrt(n) * statistic, 1.95);
}

TEST_F(NormalSample, TailBeyondFourSigma) {
  std::size_t beyond = 0;
  for (float z : sample()) beyond += std::fabs(z) > 4.0f ? 1 : 0;
  const double p = std::erfc(4.0 / std::numbers::sqrt2);  // P(|z| > 4) = 6.334e-5
  const double expected = p * static_cast<double>(sample().size());
  EXPECT_NEAR(static_cast<double>(beyond), expected, 4.0 * std::sqrt(expected));
}

TEST_F(NormalSample, PairsAreUncorrelated) {
  // Box-Muller pairs (z0, z1) and (z2, z3) share a radius: check they are uncorrelated.
  const std::vector<float>& z = sample();
  const auto pairs = static_cast<double>(z.size() / 2);
  double product = 0.0;
  for (std::size_t i = 0; i + 1 < z.size(); i += 2) product += static_cast<double>(z[i]) * z[i + 1];
  EXPECT_LT(std::fabs(product / pairs), 4.0 / std::sqrt(pairs));
}

}  // namespace
}  // namespace srlif
