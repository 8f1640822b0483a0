// The merge job (merge_job.hpp).
#include "srlif/running/merge_job.hpp"

#include <chrono>
#include <map>

#include "srlif/errors.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/output_folder.hpp"
#include "srlif/io/sweep_writer.hpp"
#include "srlif/io/tally_file.hpp"
#include "srlif/planning/shard.hpp"
#include "srlif/version.hpp"

namespace srlif {
namespace {

// `first_reading`: the shard is checked for a run holding it (the second reading comes after
// this merge has locked --out, which may be one of the shards).
TallyFile read_shard(const std::string& folder, bool first_reading) {
  const std::filesystem::path path = std::filesystem::path(folder) / "tallies.csv";
  if (first_reading) check_folder_not_in_use(folder, "merge");
  std::error_code error;
  if (std::filesystem::exists(
          std::filesystem::symlink_status(std::filesystem::path(folder) / "checkpoint", error))) {
    throw InputError(folder,
                     "holds a checkpoint: its shard run has not finished (finish it with sweep --resume, "
                     "or remove the checkpoint folder of a run you have abandoned)");
  }
  if (!std::filesystem::exists(path, error)) {  // one that is not a file is refused for what it is
    throw InputError(folder,
                     "has no tallies.csv: not the folder of a finished sweep --shard run (an "
                     "interrupted shard is finished with --resume)");
  }
  return read_tally_file(path);
}

}  // namespace

MergeReport run_merge_job(const MergeJob& job) {
  if (job.out.empty()) throw InputError("--out", "is required");
  if (job.shards.empty()) throw InputError("merge", "needs the shard folders to join");
  const auto start = std::chrono::steady_clock::now();

  // First every shard is read and checked (one at a time: memory holds one shard), then read
  // again, in shard order, into the files.
  std::string config_text;
  std::uint64_t count = 0;
  ShardSpec first_shard;
  SweepConfig merged;
  std::map<std::uint64_t, std::size_t> by_index;  // shard index -> position in job.shards
  std::uint64_t grid_points = 0;
  for (std::size_t i = 0; i < job.shards.size(); ++i) {
    const std::string& folder = job.shards[i];
    const TallyFile file = read_shard(folder, true);
    if (i == 0) {
      config_text = file.config_text;
      count = file.shard.count;
      first_shard = file.shard;
      merged = parse_result_config_text(config_text, folder + "/tallies.csv");
      grid_points = merged.grid.size();
    }
    if (file.config_text != config_text) {
      throw InputError(folder, "is a shard of another sweep than " + job.shards.front() + " (" +
                                   first_difference(config_text, file.config_text) + ")");
    }
    if (file.shard.count != count) {
      throw InputError(folder, "is shard " + shard_text(file.shard) + " but " + job.shards.front() +
                                   " is shard " + shard_text(first_shard));
    }
    check_tallies(file, merged, folder + "/tallies.csv");
    const auto [at, inserted] = by_index.emplace(file.shard.index, i);
    if (!inserted) {
      throw InputError(
          folder, "repeats shard " + shard_text(file.shard) + " (also in " + job.shards[at->second] + ")");
    }
    const PointRange range = shard_points(file.shard, grid_points);
    bool complete = file.points.size() == range.end - range.first;
    for (std::size_t p = 0; complete && p < file.points.size(); ++p)
      complete = file.points[p] == range.first + p;
    if (!complete) {
      throw InputError(folder, "does not hold exactly the grid points of shard " + shard_text(file.shard) +
                                   " (" + std::to_string(range.first) + " to " +
                                   std::to_string(range.end - 1) + ")");
    }
  }
  for (std::uint64_t index = 1; index <= count; ++index) {
    if (!by_index.contains(index)) {
      throw InputError("merge", "shard " + std::to_string(index) + "/" + std::to_string(count) +
                                    " is missing (" + std::to_string(by_index.size()) + " of " +
                                    std::to_string(count) + " given)");
    }
  }

  const SweepConfig& config = merged;
  const std::filesystem::path& out = job.out;
  OutputFolder folder(out);
  SweepWriter writer(out, config, ShardSpec{}, PointRange{0, grid_points});
  for (const auto& [index, position] : by_index) {
    const TallyFile file =
        read_shard(job.shards[position], false);  // checked above; read again, one at a time
    if (file.config_text != config_text)
      throw InputError(job.shards[position], "changed while it was merged");
    for (std::size_t i = 0; i < file.points.size(); ++i) {
      writer.add(file.points[i], file.tallies[i], file.spectra.empty() ? nullptr : &file.spectra[i]);
    }
  }
  RunRecord record;
  record.version = kVersion;
  record.command_line = job.command_line;
  record.backend = "merge";
  record.merged_from = job.shards;
  record.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  writer.finish(run_json(config, record));
  folder.commit(writer.file_names());
  return MergeReport{count, grid_points, record};
}

}  // namespace srlif
