// `srlif theory`: the stationary firing rate of the LIF neuron under white
// noise (Siegert formula, no signal; coloured noise: Fourcaud-Brunel) and the free membrane's mean and
// standard deviation, over a sigma x bias grid (and any neuron parameter given
// as an axis); with --response linear also the linear response to the signal and the SNR a
// sweep should measure, with --response periodic the periodic state under it. No simulation.
#include "cli/theory_command.hpp"

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/model_options.hpp"
#include "cli/stop_signals.hpp"
#include "cli/summary_table.hpp"
#include "srlif/errors.hpp"

namespace srlif::cli {

namespace {

// The flags of a response to the signal: the signal's, used by both responses, and the simulation
// linear_snr_db is for, by the linear response alone.
struct ResponseFlag {
  const char* flag;
  bool periodic;  // the periodic state uses it too
};
constexpr ResponseFlag kResponseFlags[] = {{"--amplitude", true},
                                           {"--frequency", true},
                                           {"--neurons", false},
                                           {"--duration", false},
                                           {"--psth", false}};

TheoryResponse parse_response(const std::string& text) {
  if (text == "stationary") return TheoryResponse::stationary;
  if (text == "linear") return TheoryResponse::linear;
  if (text == "periodic") return TheoryResponse::periodic;
  throw InputError("--response", "must be stationary, linear or periodic (got '" + text + "')");
}

}  // namespace

TheoryJob to_theory_job(const TheoryOptions& options, const CLI::App& command) {
  TheoryJob job = options.job;
  job.out = options.out;
  job.rate_curve = options.rate_curve;
  job.spread_shape = parse_spread_shape(options.spread, "--spread");
  job.response = parse_response(options.response);
  // A flag given where it plays no role is refused.
  for (const auto& [flag, periodic] : kResponseFlags) {
    if (command.count(flag) == 0) continue;
    if (job.response == TheoryResponse::stationary) {
      // A value that breaks the number rules is refused for that first, as everywhere.
      for (const Axis axis : {Axis::amplitude, Axis::frequency}) {
        if (axis_info(axis).flag == flag) count_axis(job.axes[axis_index(axis)], flag);
      }
      throw InputError(flag,
                       "plays no role in the stationary theory (A = 0); add --response linear or periodic");
    }
    if (job.response == TheoryResponse::periodic && !periodic) {
      throw InputError(flag,
                       "plays no role in the periodic state (it describes the simulation linear_snr_db is "
                       "for); use --response linear");
    }
  }
  if (options.neurons < 1) throw InputError("--neurons", "must be >= 1");
  job.neurons = static_cast<std::uint64_t>(options.neurons);
  return job;
}

void add_theory_options(CLI::App& command, TheoryOptions& options) {
  // sigma, bias and the same neuron flags as sweep; V_init plays no role in the stationary state.
  std::vector<Axis> axes = {Axis::sigma, Axis::bias};
  for (const Axis axis : model_axes(false)) axes.push_back(axis);
  add_axis_options(command, options.job.axes, axes);
  command.add_option("--spread", options.spread, "normal | uniform: the shape of every spread")
      ->capture_default_str()
      ->group(kSpreadGroup);

  const char* response = "Response to the signal (--response linear | periodic)";
  command
      .add_option(
          "--response", options.response,
          "stationary (the state at A = 0) | linear (also the linear response to the signal A sin(2 pi f "
          "t)) | periodic (also the periodic state under it, any A); white noise, no spreads")
      ->capture_default_str()
      ->group(response);
  const Axis signal[] = {Axis::amplitude, Axis::frequency};
  add_axis_options(command, options.job.axes, signal);
  for (const Axis axis : signal) command.get_option(std::string(axis_info(axis).flag))->group(response);
  command
      .add_option("--neurons", options.neurons,
                  "Neurons per point of the sweep whose SNR linear_snr_db predicts")
      ->capture_default_str()
      ->group(response);
  command.add_option("--duration", options.job.duration_ms, "... its duration, ms")
      ->capture_default_str()
      ->group(response);
  command.add_option("--psth", options.job.psth_bin_ms, "... and its PSTH bin, ms")
      ->capture_default_str()
      ->group(response);
  command
      .add_option("--rate-curve", options.rate_curve,
                  "With --response periodic: CSV file of the rate over one period at each point")
      ->group(response);

  command.add_option("--out", options.out, "CSV file to write (default: print to standard output)");
  command.add_option("--config", options.config, "Read options from a TOML or INI file");
}

CommandRunner add_theory_command(CLI::App& app, const std::string&) {
  auto options = std::make_shared<TheoryOptions>();
  // The columns each response adds, named as the library declares them (theory_table.hpp).
  const auto added_columns = [](TheoryResponse response) {
    TheoryTable stationary;
    TheoryTable table;
    table.response = response;
    std::string names;
    for (const TheoryColumn& column : theory_columns(table)) {
      bool also_stationary = false;
      for (const TheoryColumn& other : theory_columns(stationary))
        also_stationary |= other.name == column.name;
      if (!also_stationary) names += (names.empty() ? "" : ", ") + column.name;
    }
    return names;
  };
  CLI::App* command = app.add_subcommand(
      "theory",
      "Stationary firing rate under white noise (Siegert formula, A = 0), or coloured noise "
      "(--noise-tau: Fourcaud-Brunel, first order in sqrt(tau_s/tau_m), valid to tau_s/tau_m <= 0.1), and "
      "the free membrane's mean and std (CSV: bias, sigma, mu_mv, sigma_v_mv, mean_v_mv, std_v_mv, rate_hz; "
      "with --noise-tau also model, within_validity); with --response linear also the linear response to the "
      "signal (" +
          added_columns(TheoryResponse::linear) +
          "), with --response periodic the periodic state under it (" +
          added_columns(TheoryResponse::periodic) +
          "); with either, each sigma slice's sigma_opt (rayleigh-rate; with linear also snr) on stderr");
  add_theory_options(*command, *options);
  return [options, command] {
    apply_config_file(*command, options->config);
    const TheoryJob job = to_theory_job(*options, *command);
    const StopSignals signals;  // a stop between rows: nothing written
    RunControl control;
    control.stop_requested = [] { return StopSignals::received(); };
    const TheoryTable table = run_theory_job(job, control);
    if (job.out.empty()) {
      const std::string csv = theory_csv(table);
      if (std::fputs(csv.c_str(), stdout) < 0 || std::fflush(stdout) != 0) {
        throw std::runtime_error("cannot write to standard output");
      }
    }
    // The theory's sigma_opt of each slice (with a response to the signal), on stderr beside the CSV.
    std::string optima;
    for (const Objective objective : theory_objectives(table)) {
      const TheoryOptima found = theory_optima(table, objective);
      for (std::size_t slice = 0; slice < found.optima.size(); ++slice)
        optima += optimum_line(table.grid, objective, found.optima[slice], found.values[slice]);
    }
    std::fputs(optima.c_str(), stderr);
    return 0;
  };
}

}  // namespace srlif::cli
