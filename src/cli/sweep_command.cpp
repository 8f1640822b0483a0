// `srlif sweep`: simulate a grid and write points.csv, optimum.csv and run.json.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/model_options.hpp"
#include "cli/summary_table.hpp"
#include "srlif/backend.hpp"
#include "srlif/errors.hpp"
#include "srlif/output.hpp"
#include "srlif/progress.hpp"
#include "srlif/sweep_runner.hpp"

namespace srlif::cli {
namespace {

struct SweepOptions {
  ModelOptions model;
  std::string out;
  bool quiet = false;
  bool progress = false;
  std::string config;
};

// Removes the output directory on failure if this run created it and it is empty.
class OutputDirectoryGuard {
 public:
  explicit OutputDirectoryGuard(std::filesystem::path directory)
      : directory_(std::move(directory)), created_(!exists_quietly(directory_)) {}
  ~OutputDirectoryGuard() {
    std::error_code ignored;
    if (created_ && !committed_ && std::filesystem::is_empty(directory_, ignored)) {
      std::filesystem::remove(directory_, ignored);
    }
  }
  OutputDirectoryGuard(const OutputDirectoryGuard&) = delete;
  OutputDirectoryGuard& operator=(const OutputDirectoryGuard&) = delete;
  void commit() { committed_ = true; }

 private:
  static bool exists_quietly(const std::filesystem::path& path) {
    std::error_code error;  // e.g. a name too long: prepare_output_directory reports it
    return std::filesystem::exists(path, error);
  }

  std::filesystem::path directory_;
  bool created_;
  bool committed_ = false;
};

int run(const SweepOptions& options, const std::string& command_line) {
  if (options.out.empty()) throw InputError("--out", "is required (on the command line or in --config)");
  const SweepPlan plan = make_plan(to_sweep_config(options.model));
  const std::unique_ptr<Backend> backend =
      make_backend(plan.config.execution.backend, plan.config.execution.threads);

  const std::filesystem::path out(options.out);
  OutputDirectoryGuard guard(out);
  prepare_output_directory(out);

  const bool show_progress = options.progress || (!options.quiet && ::isatty(STDERR_FILENO));
  ProgressBar bar(plan.neuron_steps(), show_progress);
  const SweepResult result = run_sweep(plan, *backend, [&bar](std::uint64_t done) { bar.update(done); });
  bar.finish();

  write_files_atomically(out, sweep_output_files(plan.config, result, command_line));
  guard.commit();
  if (!options.quiet) {
    std::fputs(summary_table(plan.config, result).c_str(), stdout);
    std::printf(
        "wrote %s/{points.csv,optimum.csv,run.json}  (%s, %.3g s, %.3g neuron-steps/s)\n",
        out.string().c_str(), result.device.c_str(), result.wall_seconds,
        result.wall_seconds > 0 ? static_cast<double>(result.neuron_steps) / result.wall_seconds : 0.0);
  }
  return 0;
}

}  // namespace

CommandRunner add_sweep_command(CLI::App& app, const std::string& command_line) {
  auto options = std::make_shared<SweepOptions>();
  CLI::App* command = app.add_subcommand(
      "sweep", "Simulate a grid of (sigma x amplitude x bias x frequency) and write the measures");
  add_model_options(*command, options->model);
  command->add_option("--out", options->out, "Output directory (created if missing); required");
  command->add_flag("--quiet", options->quiet, "No table, no progress bar");
  command->add_flag("--progress", options->progress, "Progress bar even when stderr is not a terminal");
  command->add_option("--config", options->config,
                      "Read options from a TOML or INI file (keys = long flag names, e.g. v-th = -56); "
                      "the command line wins");
  return [options, command, command_line] {
    apply_config_file(*command, options->config);
    return run(*options, command_line);
  };
}

}  // namespace srlif::cli
