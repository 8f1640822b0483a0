#include "cli/output_options.hpp"

#include <unistd.h>

namespace srlif::cli {

void add_output_options(CLI::App& command, OutputOptions& options) {
  command.add_option("--out", options.out, "Output directory (created if missing); required");
  command.add_flag("--quiet", options.quiet, "No table, no progress bar");
  command.add_flag("--progress", options.progress, "Progress bar even when stderr is not a terminal");
  command.add_option("--config", options.config,
                     "Read options from a TOML or INI file (keys = long flag names, e.g. v-th = -56); "
                     "the command line wins");
}

ProgressDisplay::ProgressDisplay(bool progress, bool quiet)
    : show_(progress || (!quiet && ::isatty(STDERR_FILENO))) {}

RunControl ProgressDisplay::control() {
  RunControl control;
  control.progress = [this](std::uint64_t done, std::uint64_t total) {
    if (!bar_) bar_ = std::make_unique<ProgressBar>(total, show_);
    bar_->update(done);
  };
  return control;
}

void ProgressDisplay::finish() {
  if (bar_) bar_->finish();
}

}  // namespace srlif::cli
