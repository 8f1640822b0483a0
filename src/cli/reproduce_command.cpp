// `srlif reproduce`: the reference study's five experiments, tables, report and figures.
#include "cli/reproduce_command.hpp"

#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/output_options.hpp"
#include "cli/stop_signals.hpp"
#include "srlif/errors.hpp"
#include "srlif/running/backend_registry.hpp"

namespace srlif::cli {
namespace {

int run(const ReproduceOptions& options, const std::string& command_line) {
  ReproduceJob job = to_reproduce_job(options);
  job.command_line = command_line;
  ProgressDisplay display(options.progress, options.quiet);
  RunControl control = display.control();
  const StopSignals signals;  // a stop signal ends the run at a chunk boundary: the folder is left as it was
  control.stop_requested = [] { return StopSignals::received(); };
  const ReproduceReport report = run_reproduce_job(job, control);
  display.finish();
  const double rate =
      report.wall_seconds > 0 ? static_cast<double>(report.neuron_steps) / report.wall_seconds : 0.0;
  if (!options.quiet) {
    std::printf("simulated %.3g neuron-steps in %.2f s (%s, %.3g neuron-steps/s)\n",
                static_cast<double>(report.neuron_steps), report.wall_seconds, report.device.c_str(), rate);
  }
  if (!report.figure_error.empty()) {
    std::fprintf(stderr, "srlif: failed: figures not drawn: %s (tables and report.md are written)\n",
                 report.figure_error.c_str());
    return 1;
  }
  if (!options.quiet) {
    std::printf("wrote %s/report.md and tables (*.csv)%s\n", options.out.c_str(),
                options.figures ? " and figures (*.png)" : "");
  }
  return 0;
}

}  // namespace

ReproduceJob to_reproduce_job(const ReproduceOptions& options) {
  ReproduceJob job;
  if (options.out.empty()) throw InputError("--out", "is required");
  if (options.trials < 0 || options.trials > 100000000) {
    throw InputError("--trials", "must be between 1 and 10^8 (0 = the study's own counts)");
  }
  if (options.trials > 0) job.protocol.set_trials(static_cast<std::uint64_t>(options.trials));
  job.trials = options.trials;
  job.protocol.seed = options.seed;
  job.protocol.time.duration = options.duration;
  job.protocol.time.warmup = options.warmup;
  job.protocol.theory = options.theory;
  job.protocol.scheme = parse_scheme(options.scheme, "--scheme");
  job.protocol.execution = options.execution;
  job.out = options.out;
  job.figures = options.figures;
  return job;
}

void add_reproduce_options(CLI::App& command, ReproduceOptions& options) {
  command.add_option("--out", options.out, "Output directory; required");
  command.add_option("--trials", options.trials,
                     "Neurons per grid point in every experiment (default: the study's 20 / 15 / 50)");
  command.add_option("--seed", options.seed, "Random seed (64-bit, >= 0)")->capture_default_str();
  command.add_option("--duration", options.duration, "Measured time per neuron (after any --warmup), ms")
      ->capture_default_str();
  command
      .add_option("--warmup", options.warmup,
                  "Simulated before --duration and left out of every measure, ms (the study's protocol: 0)")
      ->capture_default_str();
  command.add_option("--scheme", options.scheme, "euler (the study's scheme) | exact")->capture_default_str();
  command.add_option("--backend", options.execution.backend, backend_help())->capture_default_str();
  command.add_option("--threads", options.execution.threads, "CPU threads, 0 = all cores")
      ->capture_default_str();
  command.add_flag("!--no-figures", options.figures, "Tables and report only");
  command.add_flag("!--no-theory", options.theory,
                   "Without the periodic Fokker-Planck state beside H1 (about 6 s on 2 cores)");
  command.add_flag("--quiet", options.quiet, "No summary, no progress bar");
  command.add_flag("--progress", options.progress, "Progress bar even when stderr is not a terminal");
  command.add_option("--config", options.config, "Read options from a TOML or INI file");
}

CommandRunner add_reproduce_command(CLI::App& app, const std::string& command_line) {
  auto options = std::make_shared<ReproduceOptions>();
  CLI::App* command = app.add_subcommand(
      "reproduce", "Run the reference study's five experiments (H1-H5): tables, report.md and figures");
  add_reproduce_options(*command, *options);
  return [options, command, command_line] {
    apply_config_file(*command, options->config);
    return run(*options, command_line);
  };
}

}  // namespace srlif::cli
