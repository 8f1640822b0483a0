// run.json: what a run was (the config, the backend, the shard or merge) and
// how long it took.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "srlif/planning/sweep_config.hpp"

namespace srlif {

struct RunRecord {
  std::string version;
  std::string command_line;
  std::string backend;
  std::string device;
  double wall_seconds = 0.0;
  std::uint64_t neuron_steps = 0;
  std::string shard;                     // "I/N" of a shard run, else empty (not written)
  std::uint64_t points_resumed = 0;      // grid points read from a checkpoint (written when > 0)
  std::vector<std::string> merged_from;  // `srlif merge`: the shard folders (written when any)
};
std::string run_json(const SweepConfig& config, const RunRecord& record);

}  // namespace srlif
