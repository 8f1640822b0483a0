// `srlif theory`: the stationary firing rate of the LIF neuron under white
// noise (Siegert formula, no signal) and the free membrane's mean and
// standard deviation, over a sigma x bias grid. Instant; no simulation.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "srlif/errors.hpp"
#include "srlif/grid.hpp"
#include "srlif/output.hpp"
#include "srlif/sweep_config.hpp"
#include "srlif/theory.hpp"

namespace srlif::cli {
namespace {

struct TheoryOptions {
  NeuronParams neuron;
  std::string sigma = "0:60:25";
  std::string bias = "178";
  std::string out;
  std::string config;
};

// A row is about 120 bytes; 10^7 rows is already a gigabyte of CSV.
constexpr double kMaxRows = 1e7;

std::string theory_csv(const NeuronParams& neuron, const std::vector<double>& biases,
                       const std::vector<double>& sigmas) {
  std::string csv = csv_line({"bias", "sigma", "mu_mv", "sigma_v_mv", "mean_v_mv", "std_v_mv", "rate_hz"});
  // sigma varies fastest, as in a sweep's points.csv, so each sigma slice is contiguous.
  for (const double bias : biases) {
    for (const double sigma : sigmas) {
      const TheoryPoint point = siegert(neuron, bias, sigma);
      csv += csv_line({format_number(bias), format_number(sigma), format_number(point.mu_mv),
                       format_number(point.sigma_v_mv), format_number(point.mean_v_mv),
                       format_number(point.std_v_mv), format_number(point.rate_hz)});
    }
  }
  return csv;
}

int run(const TheoryOptions& options) {
  const double rows = static_cast<double>(count_axis(options.sigma, "--sigma")) *
                      static_cast<double>(count_axis(options.bias, "--bias"));
  if (rows > kMaxRows) {
    throw InputError("--sigma/--bias", "the grid has " + format_number(rows) + " points; at most " +
                                           format_number(kMaxRows) + " rows are written");
  }
  const std::vector<double> sigmas = parse_axis(options.sigma, "--sigma");
  const std::vector<double> biases = parse_axis(options.bias, "--bias");
  validate_axis(sigmas, "--sigma", 0.0, false, "noise intensity must be >= 0 pA*sqrt(ms)", kMaxCurrent);
  validate_axis(biases, "--bias", -1e300, false, "bias must be finite", kMaxCurrent);

  // Check --out before computing, so a bad path fails without work; compute
  // every row before writing, so bad input writes nothing.
  std::filesystem::path directory;
  const std::filesystem::path out(options.out);
  if (!options.out.empty()) {
    directory = out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
    if (out.filename().empty()) throw InputError("--out", "must name a file, not a directory");
    if (!std::filesystem::is_directory(directory)) {
      throw InputError("--out", "directory '" + directory.string() + "' does not exist");
    }
  }
  const std::string csv = theory_csv(options.neuron, biases, sigmas);

  if (options.out.empty()) {
    if (std::fputs(csv.c_str(), stdout) < 0 || std::fflush(stdout) != 0) {
      throw std::runtime_error("cannot write to standard output");
    }
    return 0;
  }
  prepare_output_directory(directory);
  write_files_atomically(directory, {{out.filename().string(), csv}});
  return 0;
}

}  // namespace

CommandRunner add_theory_command(CLI::App& app, const std::string&) {
  auto options = std::make_shared<TheoryOptions>();
  CLI::App* command = app.add_subcommand(
      "theory",
      "Stationary firing rate under white noise (Siegert formula, A = 0) and the free membrane's "
      "mean and std (CSV: bias, sigma, mu_mv, sigma_v_mv, mean_v_mv, std_v_mv, rate_hz)");

  const char* axes = "Axes (start:stop:count | log:start:stop:count | a,b,c)";
  command->add_option("--sigma", options->sigma, "Noise intensity sigma, pA*sqrt(ms)")
      ->capture_default_str()
      ->group(axes);
  command->add_option("--bias", options->bias, "Bias current I_bias, pA")->capture_default_str()->group(axes);

  // The same neuron flags as sweep; V_init plays no role in the stationary state.
  const char* neuron = "Neuron";
  NeuronParams& n = options->neuron;
  command->add_option("--v-th", n.v_threshold, "Threshold V_th, mV")->capture_default_str()->group(neuron);
  command->add_option("--v-reset", n.v_reset, "Reset potential V_reset, mV")
      ->capture_default_str()
      ->group(neuron);
  command->add_option("--e-leak", n.e_leak, "Leak reversal E_L, mV")->capture_default_str()->group(neuron);
  command->add_option("--tau-m", n.tau_m, "Membrane time constant tau_m, ms")
      ->capture_default_str()
      ->group(neuron);
  command->add_option("--g-leak", n.g_leak, "Leak conductance g_L, nS")->capture_default_str()->group(neuron);
  command->add_option("--t-ref", n.t_ref, "Absolute refractory period t_ref, ms")
      ->capture_default_str()
      ->group(neuron);

  command->add_option("--out", options->out, "CSV file to write (default: print to standard output)");
  command->add_option("--config", options->config, "Read options from a TOML or INI file");
  return [options, command] {
    apply_config_file(*command, options->config);
    return run(*options);
  };
}

}  // namespace srlif::cli
