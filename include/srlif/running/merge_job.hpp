// `srlif merge` and `srlif.merge`: joins the shard folders of one sweep (`sweep --shard I/N`) into
// the files the unsplit run writes, bit for bit: it reads each shard's tallies.csv and computes
// points.csv, optimum.csv and tallies.csv from them as the sweep does. Refuses missing, repeated
// or foreign shards, unfinished shards and files that fail their checks, before writing anything.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "srlif/io/run_json.hpp"

namespace srlif {

struct MergeJob {
  std::vector<std::string> shards;  // the shard folders, in any order
  std::filesystem::path out;        // required (InputError "--out")
  std::string command_line;         // for run.json
};

struct MergeReport {
  std::uint64_t shards = 0;
  std::uint64_t grid_points = 0;
  RunRecord record;  // what run.json says of the merge
};

// Checks every shard (InputError naming the folder), then writes OUT's points.csv, optimum.csv,
// tallies.csv and run.json, committed together under OUT's lock.
MergeReport run_merge_job(const MergeJob& job);

}  // namespace srlif
