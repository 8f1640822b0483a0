// Fuzz target `shards`: the shard folders that `srlif merge` joins. The input is one to four
// tallies.csv files, each after a line "=====" (none before the first), each of whose first byte
// may ask for its checksum (file_input.hpp). Each goes to its own folder, and
// the merge writes a folder beside them. A merge is refused (InputError) with nothing written, or
// writes a folder that the readers take (read_sweep_folder: what Python's srlif.open reads) with
// every grid point computed.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "file_input.hpp"
#include "fuzz_target.hpp"
#include "srlif/errors.hpp"
#include "srlif/io/output_reader.hpp"
#include "srlif/running/merge_job.hpp"

namespace {

constexpr std::string_view kSeparator = "=====\n";
constexpr std::size_t kMostShards = 4;

// A folder of this process's own for the shards and the merge, emptied for every input.
const std::filesystem::path& work_folder() {
  static const std::filesystem::path folder = [] {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/srlif-fuzz-shards-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) srlif::fuzz::fail("cannot make a work folder under " + pattern);
    return std::filesystem::path(pattern);
  }();
  return folder;
}

struct RemoveAtExit {
  ~RemoveAtExit() {
    std::error_code ignored;
    std::filesystem::remove_all(work_folder(), ignored);
  }
};

}  // namespace

SRLIF_FUZZ_TARGET(shards) {
  static const RemoveAtExit cleanup;
  const std::filesystem::path& work = work_folder();
  for (const auto& entry : std::filesystem::directory_iterator(work)) std::filesystem::remove_all(entry.path());
  std::vector<std::string> files;
  for (std::size_t from = 0; files.size() < kMostShards;) {
    const std::size_t next = bytes.find(kSeparator, from);
    files.emplace_back(bytes.substr(from, next == std::string_view::npos ? std::string_view::npos : next - from));
    if (next == std::string_view::npos) break;
    from = next + kSeparator.size();
  }
  srlif::MergeJob job;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i].empty()) return;
    const std::string text = srlif::fuzz::checksummed_file_text(files[i]);
    const std::filesystem::path folder = work / ("shard-" + std::to_string(i));
    std::filesystem::create_directory(folder);
    std::ofstream(folder / "tallies.csv", std::ios::binary) << text;
    job.shards.push_back(folder.string());
  }
  job.out = work / "merged";
  try {
    const srlif::MergeReport report = srlif::run_merge_job(job);
    try {
      const srlif::SweepFolder merged = srlif::read_sweep_folder(job.out);
      srlif::fuzz::require(merged.computed.size() == report.grid_points &&
                               std::all_of(merged.computed.begin(), merged.computed.end(),
                                           [](std::uint8_t computed) { return computed == 1; }),
                           "a merged folder that lacks grid points");
    } catch (const srlif::InputError& error) {
      srlif::fuzz::fail(std::string("a merged folder that its readers refuse: ") + error.what());
    }
  } catch (const srlif::InputError&) {
    srlif::fuzz::require(!std::filesystem::exists(job.out), "a refused merge left its folder behind");
  }
}
