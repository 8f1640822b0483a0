// `srlif merge DIR... --out DIR`: joins the shard folders of one sweep
// (`srlif sweep --shard I/N`) into the files the unsplit run writes, bit for
// bit: it reads each shard's tallies.csv and computes points.csv,
// optimum.csv and tallies.csv from them as the sweep does. Refuses missing,
// repeated or foreign shards and files that fail their checksum.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "srlif/config_text.hpp"
#include "srlif/errors.hpp"
#include "srlif/output.hpp"
#include "srlif/shard.hpp"
#include "srlif/tally_file.hpp"
#include "srlif/version.hpp"

namespace srlif::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> shards;
  std::string out;
  bool quiet = false;
};

TallyFile read_shard(const std::string& folder) {
  const std::filesystem::path path = std::filesystem::path(folder) / "tallies.csv";
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw InputError(folder,
                     "has no tallies.csv: not the folder of a finished sweep --shard run (an "
                     "interrupted shard is finished with --resume)");
  }
  return read_tally_file(path);
}

int run(const MergeOptions& options, const std::string& command_line) {
  if (options.out.empty()) throw InputError("--out", "is required");
  if (options.shards.empty()) throw InputError("merge", "needs the shard folders to join");
  const auto start = std::chrono::steady_clock::now();

  std::vector<TallyFile> files;
  for (const std::string& folder : options.shards) files.push_back(read_shard(folder));
  const TallyFile& first = files.front();
  const std::uint64_t count = first.shard.count;
  std::map<std::uint64_t, std::size_t> by_index;  // shard index -> position in options.shards
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& folder = options.shards[i];
    if (files[i].config_text != first.config_text) {
      throw InputError(folder, "is a shard of another sweep than " + options.shards.front() + " (" +
                                   first_difference(first.config_text, files[i].config_text) + ")");
    }
    if (files[i].shard.count != count) {
      throw InputError(folder, "is shard " + shard_text(files[i].shard) + " but " + options.shards.front() +
                                   " is shard " + shard_text(first.shard));
    }
    const auto [at, inserted] = by_index.emplace(files[i].shard.index, i);
    if (!inserted) {
      throw InputError(folder, "repeats shard " + shard_text(files[i].shard) + " (also in " +
                                   options.shards[at->second] + ")");
    }
  }
  for (std::uint64_t index = 1; index <= count; ++index) {
    if (!by_index.contains(index)) {
      throw InputError("merge", "shard " + std::to_string(index) + "/" + std::to_string(count) +
                                    " is missing (" + std::to_string(by_index.size()) + " of " +
                                    std::to_string(count) + " given)");
    }
  }

  const SweepConfig config =
      parse_result_config_text(first.config_text, options.shards.front() + "/tallies.csv");
  const SweepPlan plan = make_plan(config);
  std::vector<PointTally> tallies;
  tallies.reserve(plan.points.size());
  for (const auto& [index, position] : by_index) {
    const TallyFile& file = files[position];
    const PointRange range = shard_points(file.shard, plan.points.size());
    bool complete = file.points.size() == range.end - range.first;
    for (std::size_t i = 0; complete && i < file.points.size(); ++i)
      complete = file.points[i] == range.first + i;
    if (!complete) {
      throw InputError(options.shards[position],
                       "does not hold exactly the grid points of shard " + shard_text(file.shard) + " (" +
                           std::to_string(range.first) + " to " + std::to_string(range.end - 1) + ")");
    }
    tallies.insert(tallies.end(), file.tallies.begin(), file.tallies.end());
  }

  const std::filesystem::path out(options.out);
  OutputDirectoryGuard guard(out);
  prepare_output_directory(out);
  const SweepResult result = measures_from_tallies(plan, 0, std::move(tallies));
  FileList outputs = sweep_files(plan, ShardSpec{}, 0, result);
  RunRecord record;
  record.version = kVersion;
  record.command_line = command_line;
  record.backend = "merge";
  record.merged_from = options.shards;
  record.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  outputs.emplace_back("run.json", run_json(plan.config, record));
  write_files_atomically(out, outputs);
  guard.commit();
  if (!options.quiet) {
    std::printf(
        "merged %llu shards (%zu grid points) into %s/{points.csv,optimum.csv,tallies.csv,run.json}\n",
        static_cast<unsigned long long>(count), plan.points.size(), options.out.c_str());
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
