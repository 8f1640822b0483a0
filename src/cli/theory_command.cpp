// `srlif theory`: the stationary firing rate of the LIF neuron under white
// noise (Siegert formula, no signal; coloured noise: Fourcaud-Brunel) and the free membrane's mean and
// standard deviation, over a sigma x bias grid (and any neuron parameter given
// as an axis). Instant; no simulation.
#include "cli/theory_command.hpp"

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/model_options.hpp"

namespace srlif::cli {

TheoryJob to_theory_job(const TheoryOptions& options) {
  TheoryJob job = options.job;
  job.out = options.out;
  job.spread_shape = parse_spread_shape(options.spread, "--spread");
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

  command.add_option("--out", options.out, "CSV file to write (default: print to standard output)");
  command.add_option("--config", options.config, "Read options from a TOML or INI file");
}

CommandRunner add_theory_command(CLI::App& app, const std::string&) {
  auto options = std::make_shared<TheoryOptions>();
  CLI::App* command = app.add_subcommand(
      "theory",
      "Stationary firing rate under white noise (Siegert formula, A = 0), or coloured noise "
      "(--noise-tau: Fourcaud-Brunel, first order in sqrt(tau_s/tau_m), valid to tau_s/tau_m <= 0.1), and "
      "the free membrane's mean and std (CSV: bias, sigma, mu_mv, sigma_v_mv, mean_v_mv, std_v_mv, rate_hz; "
      "with --noise-tau also model, within_validity)");
  add_theory_options(*command, *options);
  return [options, command] {
    apply_config_file(*command, options->config);
    const TheoryJob job = to_theory_job(*options);
    const TheoryTable table = run_theory_job(job);
    if (job.out.empty()) {
      const std::string csv = theory_csv(table);
      if (std::fputs(csv.c_str(), stdout) < 0 || std::fflush(stdout) != 0) {
        throw std::runtime_error("cannot write to standard output");
      }
    }
    return 0;
  };
}

}  // namespace srlif::cli
