// The stationary theory (srlif/theory.hpp, docs/theory.md): erfcx, the
// Siegert integral against brute force, the Siegert rate against published
// and high-precision values, its deterministic (sigma -> 0) limit, its
// behaviour far below threshold, and `srlif theory` through the binary.
#include "srlif/measures/theory.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "srlif/errors.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

// Brunel's (2000) test neuron: theta = 20 mV, V_r = 10 mV, tau = 20 ms,
// t_ref = 2 ms, E_L = 0; g_L = 1 nS so that bias (pA) = mu (mV).
NeuronParams brunel_neuron() {
  NeuronParams neuron;
  neuron.v_threshold = 20.0;
  neuron.v_reset = 10.0;
  neuron.e_leak = 0.0;
  neuron.v_init = 0.0;
  neuron.tau_m = 20.0;
  neuron.g_leak = 1.0;
  neuron.t_ref = 2.0;
  return neuron;
}

// The rate at Brunel's (mu, sigma_V), mapped back to this project's inputs:
// bias = (mu - E_L) g_L, sigma = sigma_V g_L sqrt(tau_m).
double brunel_rate(double mu_mv, double sigma_v_mv) {
  const NeuronParams neuron = brunel_neuron();
  const double bias = (mu_mv - neuron.e_leak) * neuron.g_leak;
  const double sigma = sigma_v_mv * neuron.g_leak * std::sqrt(neuron.tau_m);
  return siegert(neuron, bias, sigma).rate_hz;
}

void expect_relative(double actual, double expected, double tolerance) {
  EXPECT_NEAR(actual, expected, tolerance * std::fabs(expected)) << "relative tolerance " << tolerance;
}

// ---------------------------------------------------------------------------
// erfcx

TEST(TheoryErfcx, MatchesExpTimesErfcForModerateArguments) {
  for (int i = -300; i <= 1000; ++i) {
    const double x = i * 0.01;
    SCOPED_TRACE(x);
    expect_relative(erfcx(x), std::exp(x * x) * std::erfc(x), 1e-13);
  }
}

TEST(TheoryErfcx, FollowsTheAsymptoteForLargeArguments) {
  for (const double x : {1e4, 1e6, 1e10, 1e100, 1e300}) {
    SCOPED_TRACE(x);
    // erfcx(x) = (1 - 1/(2x^2) + ...) / (x sqrt(pi)): 5e-9 relative at 1e4.
    expect_relative(erfcx(x), 1.0 / (x * std::sqrt(std::numbers::pi)), 1e-8);
  }
}

TEST(TheoryErfcx, MatchesHighPrecisionValuesWhereExpTimesErfcFails) {
  // mpmath, 40 digits. erfc(30) underflows in double, and exp(x*x) loses
  // x^2 ulp near 25, where erfcx switches to its asymptotic series.
  expect_relative(erfcx(30.0), 0.018795888861416751497, 1e-15);
  expect_relative(erfcx(25.0), 0.022549572432641358944, 1e-15);
  expect_relative(erfcx(24.9), 0.022639987776049506286, 2e-15);
  expect_relative(erfcx(25.1), 0.022459875817581388236, 2e-15);
  expect_relative(erfcx(-3.0), 16205.988853999586625, 1e-15);
  EXPECT_EQ(erfcx(0.0), 1.0);
  EXPECT_EQ(erfcx(-30.0), HUGE_VAL);  // 2 e^{900} overflows
  EXPECT_TRUE(std::isnan(erfcx(std::nan(""))));
}

// ---------------------------------------------------------------------------
// The Siegert integral Int_a^b e^{u^2} (1 + erf u) du

double simpson(double a, double b, int intervals) {
  const auto f = [](double u) { return std::exp(u * u) * (1.0 + std::erf(u)); };
  const double h = (b - a) / intervals;
  double sum = f(a) + f(b);
  for (int i = 1; i < intervals; ++i) sum += (i % 2 == 1 ? 4.0 : 2.0) * f(a + i * h);
  return sum * h / 3.0;
}

TEST(TheorySiegertIntegral, MatchesBruteForceSimpson) {
  for (const auto& [a, b] : {std::pair{-2.0, 1.5}, {-1.0, 3.0}, {0.5, 2.5}, {-4.0, -0.5}}) {
    SCOPED_TRACE(testing::Message() << "[" << a << ", " << b << "]");
    expect_relative(std::exp(log_siegert_integral(a, b)), simpson(a, b, 200000), 1e-10);
  }
}

TEST(TheorySiegertIntegral, MatchesHighPrecisionValues) {
  // mpmath, 40 digits.
  expect_relative(std::exp(log_siegert_integral(-2.0, 1.5)), 8.2692984069165781936, 1e-12);
  expect_relative(std::exp(log_siegert_integral(-1.0, 3.0)), 2888.5492270766124118, 1e-12);
  expect_relative(log_siegert_integral(-1.0, 1.0), 1.0733982331865951351, 1e-12);
}

TEST(TheorySiegertIntegral, StaysFiniteInLogSpaceBeyondTheDoubleRange) {
  // For large b the integral is about e^{b^2}/b: far beyond the double range, but not its log.
  for (const double b : {30.0, 100.0, 1e4, 1e8}) {
    SCOPED_TRACE(b);
    const double log_integral = log_siegert_integral(-5.0, b);
    ASSERT_TRUE(std::isfinite(log_integral));
    // e^{u^2}(1 + erf u) = 2 e^{u^2} - erfcx(u), and
    // 2 Int^b e^{u^2} du = e^{b^2}/b (1 + 1/(2b^2) + 3/(4b^4) + 15/(8b^6) + O(b^-8)).
    const double y = 1.0 / (b * b);
    expect_relative(log_integral, b * b - std::log(b) + std::log1p(y * (0.5 + y * (0.75 + y * 1.875))),
                    1e-13);
  }
  EXPECT_EQ(log_siegert_integral(-5.0, 1e200), HUGE_VAL);
}

// ---------------------------------------------------------------------------
// The Siegert rate

TEST(TheoryRate, ReproducesBrunelsPublishedValues) {
  expect_relative(brunel_rate(15.0, 5.0), 9.4608, 1e-3);
  expect_relative(brunel_rate(18.0, 2.0), 7.6678, 1e-3);
  expect_relative(brunel_rate(10.0, 4.0), 0.122604, 1e-3);
  // The same points to 40 digits (mpmath quadrature of the same formula).
  expect_relative(brunel_rate(15.0, 5.0), 9.460799805759126, 1e-10);
  expect_relative(brunel_rate(18.0, 2.0), 7.667845762151902, 1e-10);
  expect_relative(brunel_rate(10.0, 4.0), 0.1226042598069767, 1e-10);
}

TEST(TheoryRate, MatchesHighPrecisionValuesForTheReferenceNeuron) {
  // mpmath with mu = -57.2 mV exactly; in double, V_th - mu = 2.2 carries a
  // relative rounding error of ~1e-15, which the rate amplifies by ~2b^2
  // (b = (V_th - mu)/sigma_V up to 14 here), hence 1e-11 at sigma = 5.
  const NeuronParams neuron;
  const std::vector<std::pair<double, double>> expected = {
      {5.0, 6.52134354408389e-82}, {10.0, 3.710103688685311e-19}, {20.0, 0.001041025582405293},
      {30.0, 0.5226675659003943},  {40.0, 3.488352854437313},     {60.0, 10.90145851820895},
      {1000.0, 91.83566567280821}};
  for (const auto& [sigma, rate] : expected) {
    SCOPED_TRACE(sigma);
    expect_relative(siegert(neuron, 178.0, sigma).rate_hz, rate, sigma < 10.0 ? 1e-11 : 1e-12);
  }
}

TEST(TheoryRate, SigmaZeroIsTheDeterministicRate) {
  const NeuronParams neuron;  // mu = -75 + 250/10 = -50 mV, 5 mV above threshold
  const double deterministic = 1000.0 / (2.0 + 10.0 * std::log(25.0 / 5.0));
  expect_relative(siegert(neuron, 250.0, 0.0).rate_hz, deterministic, 1e-14);
  EXPECT_EQ(siegert(neuron, 178.0, 0.0).rate_hz, 0.0);  // below threshold
  EXPECT_EQ(siegert(neuron, 200.0, 0.0).rate_hz, 0.0);  // mu exactly at threshold
}

TEST(TheoryRate, ConvergesToTheDeterministicRateAsSigmaVanishes) {
  const NeuronParams neuron;
  for (const double bias : {201.0, 250.0, 1000.0}) {
    const double deterministic = siegert(neuron, bias, 0.0).rate_hz;
    ASSERT_GT(deterministic, 0.0);
    for (const double sigma : {1e-1, 1e-2, 1e-4, 1e-8, 1e-100}) {
      SCOPED_TRACE(testing::Message() << "bias " << bias << " sigma " << sigma);
      expect_relative(siegert(neuron, bias, sigma).rate_hz, deterministic, 1e-3);
    }
    // The correction is O(sigma^2): far inside 1e-3 at tiny sigma.
    expect_relative(siegert(neuron, bias, 1e-6).rate_hz, deterministic, 1e-12);
  }
}

TEST(TheoryRate, IsTinyButCleanFarBelowThreshold) {
  const NeuronParams neuron;
  const double rate = siegert(neuron, 100.0, 1.0).rate_hz;  // mu = -65 mV, b = 316
  EXPECT_TRUE(std::isfinite(rate));
  EXPECT_GE(rate, 0.0);
  EXPECT_LT(rate, 1e-100);
  // No NaN or inf anywhere over a wide grid, including the double range's edges.
  for (const double bias : {-1e6, -100.0, 0.0, 100.0, 178.0, 199.999, 200.0, 200.001, 300.0, 1e6}) {
    for (const double sigma : {0.0, 1e-300, 1e-20, 1e-3, 0.5, 1.0, 12.5, 60.0, 1e3, 1e20, 1e300}) {
      SCOPED_TRACE(testing::Message() << "bias " << bias << " sigma " << sigma);
      const TheoryPoint point = siegert(neuron, bias, sigma);
      EXPECT_TRUE(std::isfinite(point.rate_hz));
      EXPECT_GE(point.rate_hz, 0.0);
      EXPECT_LE(point.rate_hz, 1000.0 / neuron.t_ref);  // never faster than the refractory limit
    }
  }
}

TEST(TheoryRate, RisesWithSigmaAtTheReferenceBias) {
  const NeuronParams neuron;
  double previous = 0.0;
  for (int i = 0; i <= 110; ++i) {
    const double sigma = 5.0 + 0.5 * i;
    SCOPED_TRACE(sigma);
    const double rate = siegert(neuron, 178.0, sigma).rate_hz;
    EXPECT_GT(rate, previous);
    previous = rate;
  }
}

TEST(TheoryRate, FreeMembraneMeanAndStd) {
  NeuronParams neuron;
  neuron.tau_m = 12.0;
  neuron.g_leak = 8.0;
  for (const double sigma : {0.0, 1.0, 17.5, 60.0}) {
    SCOPED_TRACE(sigma);
    const TheoryPoint point = siegert(neuron, 150.0, sigma);
    EXPECT_DOUBLE_EQ(point.mu_mv, -75.0 + 150.0 / 8.0);
    EXPECT_EQ(point.mean_v_mv, point.mu_mv);
    EXPECT_DOUBLE_EQ(point.sigma_v_mv, sigma / (8.0 * std::sqrt(12.0)));
    EXPECT_DOUBLE_EQ(point.std_v_mv, sigma / (8.0 * std::sqrt(2.0 * 12.0)));
  }
}

TEST(TheoryRate, BadInputNamesTheFlag) {
  const auto flag_of = [](NeuronParams neuron, double bias, double sigma) -> std::string {
    try {
      siegert(neuron, bias, sigma);
    } catch (const InputError& error) {
      return error.flag();
    }
    return "(no error)";
  };
  const NeuronParams good;
  EXPECT_EQ(flag_of(good, 178.0, -1.0), "--sigma");
  EXPECT_EQ(flag_of(good, 178.0, std::nan("")), "--sigma");
  EXPECT_EQ(flag_of(good, 178.0, HUGE_VAL), "--sigma");
  EXPECT_EQ(flag_of(good, std::nan(""), 10.0), "--bias");
  NeuronParams neuron = good;
  neuron.tau_m = 0.0;
  EXPECT_EQ(flag_of(neuron, 178.0, 10.0), "--tau-m");
  neuron = good;
  neuron.g_leak = -1.0;
  EXPECT_EQ(flag_of(neuron, 178.0, 10.0), "--g-leak");
  neuron = good;
  neuron.v_reset = neuron.v_threshold;
  EXPECT_EQ(flag_of(neuron, 178.0, 10.0), "--v-reset");
  neuron = good;
  neuron.t_ref = -1.0;
  EXPECT_EQ(flag_of(neuron, 178.0, 10.0), "--t-ref");
}

// ---------------------------------------------------------------------------
// `srlif theory`

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const char* const kHeader = "bias,sigma,mu_mv,sigma_v_mv,mean_v_mv,std_v_mv,rate_hz";

TEST(TheoryCli, PrintsOneRowPerPointSigmaFastest) {
  const test::CommandResult result = test::run_srlif("theory --sigma 0:60:25 --bias 170,178");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::string> lines = test::lines_of(result.output);
  ASSERT_EQ(lines.size(), 1u + 2u * 25u) << result.output;
  EXPECT_EQ(lines[0], kHeader);
  EXPECT_EQ(lines[1], "170,0,-58,0,-58,0,0");  // no noise, 3 mV below threshold: silent
  EXPECT_EQ(lines[2].rfind("170,2.5,-58,", 0), 0u) << lines[2];
  EXPECT_EQ(lines[26].rfind("178,0,", 0), 0u) << lines[26];
  EXPECT_EQ(lines[50].rfind("178,60,-57.2,", 0), 0u) << lines[50];
}

TEST(TheoryCli, DefaultsAreTheReferenceSweep) {
  const test::CommandResult result = test::run_srlif("theory");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::string> lines = test::lines_of(result.output);
  ASSERT_EQ(lines.size(), 26u) << result.output;
  EXPECT_EQ(lines[25].rfind("178,60,", 0), 0u) << lines[25];
}

TEST(TheoryCli, WritesTheSameCsvToAFile) {
  const std::string directory = test::temporary_directory("theory_out");
  std::filesystem::create_directories(directory);
  const std::string file = directory + "/rates.csv";
  const std::string arguments = "theory --sigma 10,20,30 --bias 178 --tau-m 12 --t-ref 1";
  const test::CommandResult printed = test::run_srlif(arguments);
  ASSERT_EQ(printed.exit_code, 0) << printed.output;
  const test::CommandResult written = test::run_srlif(arguments + " --out " + file);
  ASSERT_EQ(written.exit_code, 0) << written.output;
  EXPECT_EQ(written.output, "");
  EXPECT_EQ(test::read_file(file), printed.output);
  // Exactly the file asked for: no temporary left behind.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(directory)) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(TheoryCli, ConfigFileMeansTheSameAsFlags) {
  const std::string directory = test::temporary_directory("theory_config");
  std::filesystem::create_directories(directory);
  const std::string config = directory + "/theory.toml";
  {
    std::ofstream out(config);
    out << "sigma = \"10,40\"\nbias = \"175\"\ntau-m = 15\nv-th = -56\n";
  }
  const test::CommandResult from_file = test::run_srlif("theory --config " + config);
  const test::CommandResult from_flags =
      test::run_srlif("theory --sigma 10,40 --bias 175 --tau-m 15 --v-th -56");
  ASSERT_EQ(from_file.exit_code, 0) << from_file.output;
  ASSERT_EQ(from_flags.exit_code, 0) << from_flags.output;
  EXPECT_EQ(from_file.output, from_flags.output);
}

struct TheoryBadInput {
  const char* arguments;
  const char* flag;
};

void PrintTo(const TheoryBadInput& input, std::ostream* out) { *out << input.arguments; }

class TheoryCliBadInput : public ::testing::TestWithParam<TheoryBadInput> {};

TEST_P(TheoryCliBadInput, ExitsTwoNamingTheFlagAndPrintsNoCsv) {
  const TheoryBadInput& input = GetParam();
  const test::CommandResult result = test::run_srlif(std::string("theory ") + input.arguments);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, std::string("srlif: error: ") + input.flag)) << result.output;
  EXPECT_FALSE(contains(result.output, kHeader)) << result.output;
}

INSTANTIATE_TEST_SUITE_P(
    Flags, TheoryCliBadInput,
    ::testing::Values(TheoryBadInput{"--sigma -1", "--sigma"}, TheoryBadInput{"--sigma 10,-1", "--sigma"},
                      TheoryBadInput{"--sigma nan", "--sigma"}, TheoryBadInput{"--sigma 0:60", "--sigma"},
                      TheoryBadInput{"--bias inf", "--bias"}, TheoryBadInput{"--tau-m 0", "--tau-m"},
                      TheoryBadInput{"--g-leak -2", "--g-leak"}, TheoryBadInput{"--v-reset -50", "--v-reset"},
                      TheoryBadInput{"--t-ref -1", "--t-ref"},
                      TheoryBadInput{"--out /nonexistent/dir/x.csv", "--out"}));

TEST(TheoryCli, BadInputWritesNoFile) {
  const std::string directory = test::temporary_directory("theory_bad");
  std::filesystem::create_directories(directory);
  const std::string file = directory + "/rates.csv";
  const test::CommandResult result = test::run_srlif("theory --sigma 10,-1 --out " + file);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(std::filesystem::is_empty(directory));
}

}  // namespace
}  // namespace srlif
