// srlif: stochastic resonance in leaky integrate-and-fire neurons, on CPU or GPU.
// Exit codes: 0 success, 1 runtime failure, 2 bad input (nothing written),
// 128 + signal when SIGINT (130) or SIGTERM (143) stopped a sweep with its checkpoint saved.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "cli/commands.hpp"
#include "cli/numeric_flags.hpp"
#include "srlif/errors.hpp"
#include "srlif/version.hpp"

int main(int argc, char** argv) {
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);

  CLI::App app{"srlif: stochastic resonance in leaky integrate-and-fire neurons, on CPU or GPU"};
  app.name("srlif");
  app.set_version_flag("--version", srlif::kVersion);
  app.require_subcommand(1);
  const srlif::cli::CommandRunner sweep = srlif::cli::add_sweep_command(app, command_line);
  const srlif::cli::CommandRunner population = srlif::cli::add_population_command(app, command_line);
  const srlif::cli::CommandRunner reproduce = srlif::cli::add_reproduce_command(app, command_line);
  const srlif::cli::CommandRunner trace = srlif::cli::add_trace_command(app, command_line);
  const srlif::cli::CommandRunner theory = srlif::cli::add_theory_command(app, command_line);
  const srlif::cli::CommandRunner merge = srlif::cli::add_merge_command(app, command_line);
  const srlif::cli::CommandRunner bench = srlif::cli::add_bench_command(app);
  const srlif::cli::CommandRunner info = srlif::cli::add_info_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& success) {
    return app.exit(success);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "srlif: error: %s\nRun with --help for usage.\n", error.what());
    return 2;
  }

  try {
    for (const CLI::App* command : app.get_subcommands()) srlif::cli::check_numeric_flags(*command);
    if (app.got_subcommand("sweep")) return sweep();
    if (app.got_subcommand("population")) return population();
    if (app.got_subcommand("trace")) return trace();
    if (app.got_subcommand("theory")) return theory();
    if (app.got_subcommand("merge")) return merge();
    if (app.got_subcommand("reproduce")) return reproduce();
    if (app.got_subcommand("bench")) return bench();
    if (app.got_subcommand("info")) return info();
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
