// The srlif subcommands. Each registers its options on the app and returns
// the function that runs it once parsing succeeded.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace srlif::cli {

using CommandRunner = std::function<int()>;

CommandRunner add_sweep_command(CLI::App& app, const std::string& command_line);
CommandRunner add_population_command(CLI::App& app, const std::string& command_line);
CommandRunner add_reproduce_command(CLI::App& app, const std::string& command_line);
CommandRunner add_trace_command(CLI::App& app, const std::string& command_line);
CommandRunner add_theory_command(CLI::App& app, const std::string& command_line);
CommandRunner add_merge_command(CLI::App& app, const std::string& command_line);
CommandRunner add_bench_command(CLI::App& app);
CommandRunner add_info_command(CLI::App& app);

}  // namespace srlif::cli
