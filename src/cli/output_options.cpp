#include "cli/output_options.hpp"

namespace srlif::cli {

void add_output_options(CLI::App& command, OutputOptions& options) {
  command.add_option("--out", options.out, "Output directory (created if missing); required");
  command.add_flag("--quiet", options.quiet, "No table, no progress bar");
  command.add_flag("--progress", options.progress, "Progress bar even when stderr is not a terminal");
  command.add_option("--config", options.config,
                     "Read options from a TOML or INI file (keys = long flag names, e.g. v-th = -56); "
                     "the command line wins");
}

}  // namespace srlif::cli
