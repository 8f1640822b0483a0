// The linear response and the spontaneous spectrum (srlif/measures/linear_response.hpp,
// docs/theory.md "Linear response"): the rate it integrates against the Siegert formula; its
// limits (chi(f -> 0) = dr0/dI, S0(f -> 0) = r0 CV^2 with CV^2 from Brunel's double integral,
// S0(f -> oo) = r0); the exact values of Lindner & Schimansky-Geier's parabolic-cylinder formula
// (tests/reference/lindner_linear_response.py, 40 digits); the SNR it predicts against simulated
// sweeps; and `srlif theory --response linear` through the binary.
#include "srlif/measures/linear_response.hpp"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <filesystem>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/io/csv_line.hpp"
#include "srlif/measures/theory.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

void expect_relative(double actual, double expected, double tolerance) {
  EXPECT_NEAR(actual, expected, tolerance * std::fabs(expected)) << "relative tolerance " << tolerance;
}

// A point of the reference neuron (DESIGN.md section 1), with its refractory period.
struct Case {
  double bias;
  double sigma;
  double t_ref;
};

NeuronParams neuron_with(double t_ref) {
  NeuronParams neuron;
  neuron.t_ref = t_ref;
  return neuron;
}

// Subthreshold at low and moderate rates, no refractory period, strong noise, suprathreshold.
const Case kCases[] = {{178.0, 20.0, 2.0},   {178.0, 40.0, 2.0}, {178.0, 100.0, 0.0},
                       {178.0, 2000.0, 2.0}, {250.0, 10.0, 2.0}, {150.0, 60.0, 5.0}};

TEST(LinearResponse, IntegratedRateIsTheSiegertRate) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(testing::Message() << "bias " << c.bias << " sigma " << c.sigma << " t_ref " << c.t_ref);
    const NeuronParams neuron = neuron_with(c.t_ref);
    expect_relative(linear_response(neuron, c.bias, c.sigma, 10.0).rate_hz,
                    siegert(neuron, c.bias, c.sigma).rate_hz, 1e-9);
  }
}

// The exact values (Lindner & Schimansky-Geier 2001) from tests/reference/lindner_linear_response.py
// BIAS SIGMA FREQUENCY T_REF: rate, Re chi, Im chi (Hz/pA), S0 (Hz).
struct Exact {
  double bias, sigma, frequency, t_ref;
  double rate, chi_re, chi_im, spectrum;
};
const Exact kExact[] = {
    {178, 40, 10, 2, 3.4883528544373134, 0.67801024234110671, -0.20066808665645701, 3.2782711089446958},
    {178, 100, 10, 0, 21.029291049244545, 0.68755916613058258, 0.011283678562351119, 8.1283972537898212},
    {250, 10, 33.3, 2, 55.295027264183031, 0.47022616415671143, 0.41721283424275388, 0.12837986355177597},
    {178, 20, 1000, 2, 0.0010410255824052935, 2.0390199406407481e-5, -3.0486637333166884e-5,
     0.0010410255824052935},
    {178, 60, 3, 5, 10.556223810278896, 0.76433049641583768, 0.020217269688554336, 4.2960559933825679},
};

TEST(LinearResponse, MatchesTheParabolicCylinderFormula) {
  for (const Exact& e : kExact) {
    SCOPED_TRACE(testing::Message() << "bias " << e.bias << " sigma " << e.sigma << " f " << e.frequency);
    const LinearResponse response = linear_response(neuron_with(e.t_ref), e.bias, e.sigma, e.frequency);
    const std::complex<double> exact(e.chi_re, e.chi_im);
    EXPECT_LT(std::abs(response.susceptibility_hz_per_pa - exact), 1e-9 * std::abs(exact));
    expect_relative(response.spontaneous_spectrum_hz, e.spectrum, 1e-9);
    expect_relative(spontaneous_spectrum(neuron_with(e.t_ref), e.bias, e.sigma, e.frequency), e.spectrum,
                    1e-9);
  }
}

TEST(LinearResponse, SusceptibilityTendsToTheRatesSlopeAtLowFrequency) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(testing::Message() << "bias " << c.bias << " sigma " << c.sigma << " t_ref " << c.t_ref);
    const NeuronParams neuron = neuron_with(c.t_ref);
    const double rate = siegert(neuron, c.bias, c.sigma).rate_hz;
    // A static current step: the Siegert rate's slope, by a central difference (relative
    // error ~ h^2 r'''/r' ~ 1e-8).
    const double h = 1e-3;
    const double slope =
        (siegert(neuron, c.bias + h, c.sigma).rate_hz - siegert(neuron, c.bias - h, c.sigma).rate_hz) /
        (2 * h);
    // chi(f) = chi(0) + O(f) in its imaginary part and O(f^2) in its real part: at
    // 2 pi f <ISI> = 1e-3 the real part is within ~1e-6 of the slope.
    const double frequency = 1e-3 * rate / (2 * std::numbers::pi);
    const std::complex<double> chi =
        linear_response(neuron, c.bias, c.sigma, frequency).susceptibility_hz_per_pa;
    expect_relative(chi.real(), slope, 1e-5);
    EXPECT_LT(std::fabs(chi.imag()), 1e-2 * chi.real());
  }
}

// e^{y^2} (1 + erf y)^2 = erfcx(-y)^2 e^{-y^2}
double inner_integrand(double y, void*) {
  const double e = erfcx(-y);
  return e * e * std::exp(-y * y);
}

// Int_{-inf}^x e^{y^2} (1 + erf y)^2 dy, by GSL's adaptive quadrature on (-inf, x].
double inner_integral(double x, void*) {
  gsl_integration_workspace* workspace = gsl_integration_workspace_alloc(1000);
  gsl_function f{inner_integrand, nullptr};
  double value = 0.0;
  double error = 0.0;
  gsl_integration_qagil(&f, x, 0.0, 1e-12, 1000, workspace, &value, &error);
  gsl_integration_workspace_free(workspace);
  return value;
}

// CV^2 of the ISI, independently of the threshold integration: Brunel (2000, J. Comput.
// Neurosci. 8:183, appendix A), CV^2 = 2 pi (r0 tau_m)^2 Int_{x_r}^{b} e^{x^2} dx
// Int_{-inf}^x e^{y^2} (1 + erf y)^2 dy.
double brunel_cv_squared(const NeuronParams& neuron, double bias, double sigma) {
  const TheoryPoint point = siegert(neuron, bias, sigma);
  const double b = (neuron.v_threshold - point.mu_mv) / point.sigma_v_mv;
  const double x_r = (neuron.v_reset - point.mu_mv) / point.sigma_v_mv;
  struct Outer {
    static double integrand(double x, void*) { return std::exp(x * x) * inner_integral(x, nullptr); }
  };
  gsl_set_error_handler_off();
  gsl_integration_workspace* workspace = gsl_integration_workspace_alloc(1000);
  gsl_function f{Outer::integrand, nullptr};
  double value = 0.0;
  double error = 0.0;
  gsl_integration_qag(&f, x_r, b, 0.0, 1e-11, 1000, GSL_INTEG_GAUSS41, workspace, &value, &error);
  gsl_integration_workspace_free(workspace);
  const double rate_per_tau = point.rate_hz * neuron.tau_m / 1000.0;
  return 2.0 * std::numbers::pi * rate_per_tau * rate_per_tau * value;
}

TEST(LinearResponse, SpectrumTendsToRateTimesCvSquaredAtLowFrequency) {
  // Where the double integral's e^{x^2} stays in range (|x_r|, b < 26).
  for (const Case& c :
       {Case{178.0, 40.0, 2.0}, Case{178.0, 100.0, 0.0}, Case{250.0, 30.0, 2.0}, Case{150.0, 60.0, 5.0}}) {
    SCOPED_TRACE(testing::Message() << "bias " << c.bias << " sigma " << c.sigma << " t_ref " << c.t_ref);
    const NeuronParams neuron = neuron_with(c.t_ref);
    const double rate = siegert(neuron, c.bias, c.sigma).rate_hz;
    const double cv_squared = brunel_cv_squared(neuron, c.bias, c.sigma);
    EXPECT_GT(cv_squared, 0.0);
    // S0(f) = r0 CV^2 + O(f^2): at 2 pi f <ISI> = 1e-3 within ~1e-6 of it.
    const double frequency = 1e-3 * rate / (2 * std::numbers::pi);
    expect_relative(spontaneous_spectrum(neuron, c.bias, c.sigma, frequency), rate * cv_squared, 1e-5);
  }
}

TEST(LinearResponse, SpectrumTendsToTheRateAtHighFrequency) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(testing::Message() << "bias " << c.bias << " sigma " << c.sigma << " t_ref " << c.t_ref);
    const NeuronParams neuron = neuron_with(c.t_ref);
    const TheoryPoint point = siegert(neuron, c.bias, c.sigma);
    // Far above the rate and 1/tau_m the ISI's transform has decayed like e^{-sqrt(W) (b - x_r)},
    // b - x_r = (V_th - V_reset)/sigma_V: at sqrt(W) (b - x_r) >= 40 (and f >= 20 kHz) below 1e-6.
    const double distance = (neuron.v_threshold - neuron.v_reset) / point.sigma_v_mv;
    const double omega = std::max(2 * std::numbers::pi * 20.0 * neuron.tau_m, std::pow(40.0 / distance, 2));
    const double frequency = omega * 1000.0 / (2 * std::numbers::pi * neuron.tau_m);
    expect_relative(spontaneous_spectrum(neuron, c.bias, c.sigma, frequency), point.rate_hz, 1e-6);
    const LinearResponse response = linear_response(neuron, c.bias, c.sigma, frequency);
    EXPECT_LT(std::abs(response.isi_transform), 1e-6);
    // chi falls like f^{-1/2} (white noise: the density at threshold has a square-root layer),
    // once 2 pi f tau_m is far above b^2 (not yet at 20 kHz for the suprathreshold case, b = -16).
    if (c.bias == 250.0) continue;
    const double ratio =
        std::abs(response.susceptibility_hz_per_pa) /
        std::abs(linear_response(neuron, c.bias, c.sigma, 4.0 * frequency).susceptibility_hz_per_pa);
    EXPECT_NEAR(ratio, 2.0, 0.1);
  }
}

TEST(LinearResponse, SilentNeuronHasNoResponseAndNoiselessFiringOneIsRefused) {
  const NeuronParams neuron;
  const LinearResponse silent = linear_response(neuron, 178.0, 0.0, 10.0);  // below threshold, no noise
  EXPECT_EQ(silent.rate_hz, 0.0);
  EXPECT_EQ(silent.susceptibility_hz_per_pa, 0.0);
  EXPECT_EQ(silent.spontaneous_spectrum_hz, 0.0);
  const auto flag_of = [&](double bias, double sigma, double frequency, double noise_tau) -> std::string {
    NeuronParams n = neuron;
    n.noise_tau = noise_tau;
    try {
      linear_response(n, bias, sigma, frequency);
    } catch (const InputError& error) {
      return error.flag();
    }
    return "(no error)";
  };
  EXPECT_EQ(flag_of(250.0, 0.0, 10.0, 0.0), "--sigma");  // fires without noise: locks, no linear response
  EXPECT_EQ(flag_of(250.0, 1e-150, 10.0, 0.0), "--sigma");
  EXPECT_EQ(flag_of(178.0, 40.0, 0.0, 0.0), "--frequency");
  EXPECT_EQ(flag_of(178.0, 40.0, -1.0, 0.0), "--frequency");
  EXPECT_EQ(flag_of(178.0, 40.0, std::nan(""), 0.0), "--frequency");
  EXPECT_EQ(flag_of(178.0, 40.0, 1e8, 0.0), "--frequency");   // 2 pi f tau_m above 1e5
  EXPECT_EQ(flag_of(178.0, 40.0, 1e-9, 0.0), "--frequency");  // 2 pi f <ISI> below 1e-4
  EXPECT_EQ(flag_of(178.0, 40.0, 10.0, 1.0), "--noise-tau");
  EXPECT_EQ(flag_of(178.0, -1.0, 10.0, 0.0), "--sigma");
  // Just inside the bounds: finite.
  const LinearResponse tiny_noise = linear_response(neuron, 250.0, 1e-100, 10.0);
  EXPECT_TRUE(std::isfinite(std::abs(tiny_noise.susceptibility_hz_per_pa)));
  EXPECT_NEAR(tiny_noise.rate_hz, siegert(neuron, 250.0, 0.0).rate_hz, 1e-8 * tiny_noise.rate_hz);
}

// ---------------------------------------------------------------------------
// `srlif theory --response linear`

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  double at(std::size_t row, const std::string& column) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == column) return std::stod(rows.at(row).at(i));
    }
    ADD_FAILURE() << "no column " << column;
    return std::nan("");
  }
};

Table parse_csv(const std::string& text) {
  Table table;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) fields.push_back(cell);
    if (table.header.empty()) {
      table.header = fields;
    } else {
      table.rows.push_back(fields);
    }
  }
  return table;
}

TEST(LinearResponseCli, WritesTheResponseColumnsConsistentWithTheLibrary) {
  const std::string file = test::temporary_directory("linear_cli") + "/table.csv";
  std::filesystem::create_directories(std::filesystem::path(file).parent_path());
  const test::CommandResult result =
      test::run_srlif("theory --response linear --sigma 40,60 --amplitude 2 --frequency 5,10 --out " + file);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const Table table = parse_csv(test::read_file(file));
  const std::vector<std::string> expected = {"bias",
                                             "sigma",
                                             "amplitude",
                                             "frequency",
                                             "mu_mv",
                                             "sigma_v_mv",
                                             "mean_v_mv",
                                             "std_v_mv",
                                             "rate_hz",
                                             "susceptibility_hz_per_pa",
                                             "susceptibility_phase_rad",
                                             "spontaneous_spectrum_hz",
                                             "linear_vector_strength",
                                             "linear_rayleigh_rate_hz",
                                             "linear_snr_db"};
  EXPECT_EQ(table.header, expected);
  ASSERT_EQ(table.rows.size(), 4u);  // sigma fastest, then frequency
  for (std::size_t row = 0; row < 4; ++row) {
    const double sigma = table.at(row, "sigma");
    const double frequency = table.at(row, "frequency");
    EXPECT_EQ(sigma, row % 2 == 0 ? 40.0 : 60.0);
    EXPECT_EQ(frequency, row < 2 ? 5.0 : 10.0);
    const LinearResponse response = linear_response(NeuronParams{}, 178.0, sigma, frequency);
    EXPECT_DOUBLE_EQ(table.at(row, "susceptibility_hz_per_pa"), std::abs(response.susceptibility_hz_per_pa));
    EXPECT_DOUBLE_EQ(table.at(row, "susceptibility_phase_rad"), -std::arg(response.susceptibility_hz_per_pa));
    EXPECT_DOUBLE_EQ(table.at(row, "spontaneous_spectrum_hz"), response.spontaneous_spectrum_hz);
    EXPECT_DOUBLE_EQ(table.at(row, "linear_vector_strength"),
                     2.0 * std::abs(response.susceptibility_hz_per_pa) / (2.0 * table.at(row, "rate_hz")));
    EXPECT_GT(table.at(row, "linear_snr_db"), 10.0);
    EXPECT_DOUBLE_EQ(table.at(row, "linear_rayleigh_rate_hz"),
                     table.at(row, "rate_hz") * std::pow(table.at(row, "linear_vector_strength"), 2));
  }
  // Each frequency's slice: sigma_opt of the SNR and of the Rayleigh rate, on stderr.
  const std::vector<std::string> printed = test::lines_of(result.output);
  for (const std::string objective : {"sigma_opt[snr] = ", "sigma_opt[rayleigh-rate] = "}) {
    for (const std::string slice : {"f = 5 Hz:", "f = 10 Hz:"}) {
      const auto line = std::ranges::find_if(printed, [&](const std::string& text) {
        return text.starts_with(objective) && text.find(slice) != std::string::npos;
      });
      EXPECT_NE(line, printed.end()) << objective << slice << "\n" << result.output;
    }
  }
}

TEST(LinearResponseCli, StationaryTableIsUnchangedAndRefusesTheSignalsFlags) {
  const test::CommandResult plain = test::run_srlif("theory --sigma 40");
  ASSERT_EQ(plain.exit_code, 0);
  EXPECT_EQ(plain.output.substr(0, plain.output.find('\n')),
            "bias,sigma,mu_mv,sigma_v_mv,mean_v_mv,std_v_mv,rate_hz");
  for (const char* flag : {"--amplitude 5", "--frequency 5", "--neurons 10", "--duration 1000", "--psth 5"}) {
    const test::CommandResult result = test::run_srlif(std::string("theory --sigma 40 ") + flag);
    EXPECT_EQ(result.exit_code, 2) << flag;
    const std::string name = std::string(flag).substr(0, std::string(flag).find(' '));
    EXPECT_NE(result.output.find("srlif: error: " + name), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("--response linear"), std::string::npos) << result.output;
  }
}

TEST(LinearResponseCli, BadInputExitsTwoNamingTheFlag) {
  const std::pair<const char*, const char*> cases[] = {{"--noise-tau 1", "--noise-tau"},
                                                       {"--noise-tau 0,1", "--noise-tau"},
                                                       {"--bias-spread 5", "--bias-spread"},
                                                       {"--v-th-spread 0,1", "--v-th-spread"},
                                                       {"--tau-m-spread 1", "--tau-m-spread"},
                                                       {"--frequency 0", "--frequency"},
                                                       {"--frequency -5", "--frequency"},
                                                       {"--amplitude nan", "--amplitude"},
                                                       {"--bias 250 --sigma 0", "--sigma"},
                                                       {"--neurons 0", "--neurons"},
                                                       {"--duration 0", "--duration"},
                                                       {"--psth 0", "--psth"},
                                                       {"--psth 20000", "--psth"},
                                                       {"--response wobbly", "--response"}};
  for (const auto& [arguments, flag] : cases) {
    const test::CommandResult result = test::run_srlif(std::string("theory --response linear ") + arguments);
    EXPECT_EQ(result.exit_code, 2) << arguments << ": " << result.output;
    EXPECT_NE(result.output.find(std::string("srlif: error: ") + flag), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find("bias,sigma"), std::string::npos) << result.output;
  }
}

// The SNR the theory predicts against the SNR `sweep --spectrum` measures, over independent
// seeds: their mean within 4 standard errors of linear_snr_db, and the spectral amplitude within
// 4 standard errors of the theory's A |chi| sinc(pi f bin) (the estimator sees the bins' averages).
TEST(LinearResponseCli, PredictedSnrIsWhatSweepsMeasure) {
  const std::string common =
      "--sigma 60 --amplitude 2 --frequency 10 --neurons 1000 --duration 10000 --psth 10";
  const test::CommandResult theory = test::run_srlif("theory --response linear " + common);
  ASSERT_EQ(theory.exit_code, 0) << theory.output;
  const Table predicted = parse_csv(theory.output);
  const double snr = predicted.at(0, "linear_snr_db");
  const double x = std::numbers::pi * 10.0 * 0.010;  // pi f bin
  const double amplitude = 2.0 * predicted.at(0, "susceptibility_hz_per_pa") * std::sin(x) / x;
  constexpr int kSeeds = 12;
  std::vector<double> snrs;
  std::vector<double> amplitudes;
  const std::string directory = test::temporary_directory("linear_snr");
  for (int seed = 1; seed <= kSeeds; ++seed) {
    const std::string out = directory + "/seed" + std::to_string(seed);
    const test::CommandResult run = test::run_srlif("sweep " + common + " --spectrum --scheme exact --seed " +
                                                    std::to_string(seed) + " --quiet --out " + out);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const Table points = parse_csv(test::read_file(out + "/points.csv"));
    snrs.push_back(points.at(0, "snr_db"));
    amplitudes.push_back(points.at(0, "spectral_amplitude_hz"));
  }
  const auto mean_and_error = [](const std::vector<double>& values) {
    double mean = 0.0;
    for (const double v : values) mean += v;
    mean /= static_cast<double>(values.size());
    double squares = 0.0;
    for (const double v : values) squares += (v - mean) * (v - mean);
    const double sd = std::sqrt(squares / static_cast<double>(values.size() - 1));
    return std::pair{mean, sd / std::sqrt(static_cast<double>(values.size()))};
  };
  const auto [snr_mean, snr_error] = mean_and_error(snrs);
  const auto [amplitude_mean, amplitude_error] = mean_and_error(amplitudes);
  EXPECT_NEAR(snr_mean, snr, 4.0 * snr_error) << "standard error " << snr_error;
  std::printf("linear_snr_db %.3f, measured %.3f +- %.3f dB; amplitude %.4f, measured %.4f +- %.4f Hz\n", snr,
              snr_mean, snr_error, amplitude, amplitude_mean, amplitude_error);
  EXPECT_NEAR(amplitude_mean, amplitude, 4.0 * amplitude_error) << "standard error " << amplitude_error;
}

}  // namespace
}  // namespace srlif
