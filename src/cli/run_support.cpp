#include "cli/run_support.hpp"

#include <unistd.h>

#include <filesystem>
#include <memory>

#include "srlif/backend.hpp"
#include "srlif/config_text.hpp"
#include "srlif/errors.hpp"
#include "srlif/output.hpp"
#include "srlif/progress.hpp"
#include "srlif/tally_file.hpp"
#include "srlif/version.hpp"

namespace srlif::cli {
OutputDirectoryGuard::OutputDirectoryGuard(std::filesystem::path directory)
    : directory_(std::move(directory)), created_(!exists_quietly(directory_)) {}

OutputDirectoryGuard::~OutputDirectoryGuard() {
  std::error_code ignored;
  if (created_ && !committed_ && std::filesystem::is_empty(directory_, ignored)) {
    std::filesystem::remove(directory_, ignored);
  }
}

bool OutputDirectoryGuard::exists_quietly(const std::filesystem::path& path) {
  std::error_code error;  // e.g. a name too long: prepare_output_directory reports it
  return std::filesystem::exists(path, error);
}

void add_output_options(CLI::App& command, OutputOptions& options) {
  command.add_option("--out", options.out, "Output directory (created if missing); required");
  command.add_flag("--quiet", options.quiet, "No table, no progress bar");
  command.add_flag("--progress", options.progress, "Progress bar even when stderr is not a terminal");
  command.add_option("--config", options.config,
                     "Read options from a TOML or INI file (keys = long flag names, e.g. v-th = -56); "
                     "the command line wins");
}

SweepResult run_and_write(const SweepPlan& plan, const OutputOptions& options,
                          const std::string& command_line,
                          const std::function<FileList(const SweepResult&)>& files) {
  if (options.out.empty()) throw InputError("--out", "is required (on the command line or in --config)");
  const std::unique_ptr<Backend> backend =
      make_backend(plan.config.execution.backend, plan.config.execution.threads);

  const std::filesystem::path out(options.out);
  OutputDirectoryGuard guard(out);
  prepare_output_directory(out);

  const bool show_progress = options.progress || (!options.quiet && ::isatty(STDERR_FILENO));
  ProgressBar bar(plan.neuron_steps(), show_progress);
  SweepResult result = run_sweep(plan, *backend, [&bar](std::uint64_t done) { bar.update(done); });
  bar.finish();

  FileList outputs = files(result);
  RunRecord record;
  record.version = kVersion;
  record.command_line = command_line;
  record.backend = result.backend;
  record.device = result.device;
  record.wall_seconds = result.wall_seconds;
  record.neuron_steps = result.neuron_steps;
  outputs.emplace_back("run.json", run_json(plan.config, record));
  write_files_atomically(out, outputs);
  guard.commit();
  return result;
}

}  // namespace srlif::cli
