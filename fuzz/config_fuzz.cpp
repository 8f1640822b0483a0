// Fuzz target `config`: the text of a `--config` file (config_file.hpp) for each command that
// reads one, and the configuration text that tallies, parts and states carry (config_text.hpp).
// The first byte picks the reader, the rest is the text. A config file is applied or refused with
// InputError naming --config (or the key's flag, for a value its flag refuses); a sweep's
// accepted options make a job that validates or is refused naming a flag, and whose result
// configuration reads back to itself (what a finished run writes, --resume and merge read).
// An accepted result configuration writes back to the same text.
#include <CLI/CLI.hpp>
#include <string>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/sweep_command.hpp"
#include "fuzz_target.hpp"
#include "srlif/errors.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/planning/sweep_config.hpp"

namespace {

// A swept axis lists every value in the result configuration: beyond this many grid points the
// read-back is not tried (the sweep's own budget checks refuse such grids before they run).
constexpr std::size_t kMostReadBackPoints = 1 << 12;

void sweep_config(const std::string& text) {
  using srlif::fuzz::require;
  CLI::App command;
  srlif::cli::SweepOptions options;
  srlif::cli::add_sweep_options(command, options);
  srlif::cli::apply_config_text(command, text, "fuzz.toml");
  const srlif::SweepJob job = srlif::cli::to_sweep_job(options, command);
  srlif::validate(job.config);
  if (job.config.grid.size() > kMostReadBackPoints) return;
  const std::string written = srlif::result_config_text(job.config);
  try {
    const srlif::SweepConfig back = srlif::parse_result_config_text(written, "written");
    require(srlif::result_config_text(back) == written, "an accepted sweep's configuration reads back changed");
  } catch (const srlif::InputError& error) {
    srlif::fuzz::fail(std::string("an accepted sweep's configuration does not read back: ") + error.what());
  }
}

void command_config(int which, const std::string& text) {
  struct Command {
    srlif::cli::CommandRunner (*add)(CLI::App&, const std::string&);
    const char* name;
  };
  constexpr Command kCommands[] = {{srlif::cli::add_population_command, "population"},
                                   {srlif::cli::add_theory_command, "theory"},
                                   {srlif::cli::add_trace_command, "trace"},
                                   {srlif::cli::add_reproduce_command, "reproduce"}};
  CLI::App app;
  // The runner holds the options that the command's flags write into.
  const srlif::cli::CommandRunner runner = kCommands[which].add(app, "");
  srlif::cli::apply_config_text(*app.get_subcommand(kCommands[which].name), text, "fuzz.toml");
}

void result_config(const std::string& text) {
  const srlif::SweepConfig config = srlif::parse_result_config_text(text, "fuzz");
  srlif::fuzz::require(srlif::result_config_text(config) == text, "an accepted configuration text writes back changed");
}

}  // namespace

SRLIF_FUZZ_TARGET(config) {
  if (bytes.empty()) return;
  const int reader = static_cast<unsigned char>(bytes[0]) % 6;
  const std::string text(bytes.substr(1));
  try {
    if (reader == 0) {
      sweep_config(text);
    } else if (reader <= 4) {
      command_config(reader - 1, text);
    } else {
      result_config(text);
    }
  } catch (const srlif::InputError&) {
  }
}
