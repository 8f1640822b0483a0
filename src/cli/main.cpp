// srlif: stochastic resonance in leaky integrate-and-fire neurons, on CPU or GPU.
// Exit codes: 0 success, 1 runtime failure, 2 bad input (nothing written),
// 128 + signal when a stop signal (SIGINT 130, SIGTERM 143, SIGHUP 129, ...) ended a run, a sweep with its
// checkpoint saved.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "cli/numeric_flags.hpp"
#include "srlif/errors.hpp"
#include "srlif/version.hpp"

namespace {

// Edit distance (insertions, deletions, substitutions, swaps of neighbours).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// "unknown command 'swep'; did you mean 'sweep'?" when the first word is not a command, else "".
std::string unknown_command_message(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return "";
  const std::string word = argv[1];
  std::string nearest;
  std::size_t best = 3;  // suggest only within two edits
  std::string names;
  for (const CLI::App* command : app.get_subcommands({})) {
    if (command->get_name() == word) return "";
    names += (names.empty() ? "" : ", ") + command->get_name();
    const std::size_t distance = edit_distance(word, command->get_name());
    if (distance < best) {
      best = distance;
      nearest = command->get_name();
    }
  }
  return "unknown command '" + word + "'" + (nearest.empty() ? "" : "; did you mean '" + nearest + "'?") +
         " (commands: " + names + ")";
}

}  // namespace

int main(int argc, char** argv) {
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);

  CLI::App app{"srlif: stochastic resonance in leaky integrate-and-fire neurons, on CPU or GPU"};
  app.name("srlif");
  app.set_version_flag("--version", srlif::kVersion);
  app.require_subcommand(1);
  // Each command, in the order --help lists them, and what runs it.
  const std::vector<std::pair<std::string, srlif::cli::CommandRunner>> commands = {
      {"sweep", srlif::cli::add_sweep_command(app, command_line)},
      {"population", srlif::cli::add_population_command(app, command_line)},
      {"reproduce", srlif::cli::add_reproduce_command(app, command_line)},
      {"trace", srlif::cli::add_trace_command(app, command_line)},
      {"theory", srlif::cli::add_theory_command(app, command_line)},
      {"merge", srlif::cli::add_merge_command(app, command_line)},
      {"bench", srlif::cli::add_bench_command(app)},
      {"info", srlif::cli::add_info_command(app)}};
  srlif::cli::require_plain_numbers(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& success) {
    return app.exit(success);
  } catch (const CLI::ParseError& error) {
    const std::string unknown = unknown_command_message(app, argc, argv);
    std::fprintf(stderr, "srlif: error: %s\nRun with --help for usage.\n",
                 unknown.empty() ? error.what() : unknown.c_str());
    return 2;
  }

  try {
    const auto chosen = std::find_if(commands.begin(), commands.end(), [&app](const auto& command) {
      return app.got_subcommand(command.first);
    });
    if (chosen == commands.end()) return 2;
    const int code = chosen->second();
    // What a command printed must have reached standard output (a full disk, /dev/full, a closed pipe).
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
      std::fprintf(stderr, "srlif: failed: cannot write to standard output: %s\n", std::strerror(errno));
      return 1;
    }
    return code;
  } catch (const srlif::InputError& error) {
    std::fprintf(stderr, "srlif: error: %s\n", error.what());
    return 2;
  } catch (const srlif::Interrupted& interrupted) {
    std::fprintf(stderr, "srlif: %s\n", interrupted.what());
    return 128 + interrupted.signal();
  } catch (const srlif::UnavailableError& error) {
    std::fprintf(stderr, "srlif: error: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "srlif: failed: %s\n", error.what());
    return 1;
  }
  return 2;
}
