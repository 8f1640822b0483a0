// `srlif merge DIR... --out DIR`: the merge job (merge_job.hpp) from the command line.
#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "srlif/running/merge_job.hpp"

namespace srlif::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> shards;
  std::string out;
  bool quiet = false;
};

int run(const MergeOptions& options, const std::string& command_line) {
  const MergeReport report = run_merge_job({options.shards, options.out, command_line});
  if (!options.quiet) {
    std::printf(
        "merged %llu shards (%llu grid points) into %s/{points.csv,optimum.csv,tallies.csv,run.json}\n",
        static_cast<unsigned long long>(report.shards), static_cast<unsigned long long>(report.grid_points),
        options.out.c_str());
  }
  return 0;
}

}  // namespace

CommandRunner add_merge_command(CLI::App& app, const std::string& command_line) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* command = app.add_subcommand(
      "merge", "Join the shard folders of one sweep (sweep --shard I/N) into the unsplit run's files");
  command->add_option("shards", options->shards, "The shard folders, one per shard, in any order")
      ->required();
  command->add_option("--out", options->out, "Output directory (created if missing)")->required();
  command->add_flag("--quiet", options->quiet, "Print nothing on success");
  return [options, command_line] { return run(*options, command_line); };
}

}  // namespace srlif::cli
