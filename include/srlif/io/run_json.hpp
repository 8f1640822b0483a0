// run.json: what a run was (the config, the backend, the shard or merge) and
// how long it took, written with nlohmann-json (run_json.cpp).
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
// The run.json of a sweep, a population or a merge.
std::string run_json(const SweepConfig& config, const RunRecord& record);

// What the run.json of `srlif reproduce` says of the study besides its RunRecord.
struct StudyRunFacts {
  std::int64_t trials = 0;  // as given (0: the study's own counts)
  std::uint64_t seed = 0;
  double duration_ms = 0.0;
  Scheme scheme = Scheme::euler;
  double warmup_ms = 0.0;  // recorded when > 0
  bool theory = true;      // the periodic state beside H1 (recorded when not)
};
std::string study_run_json(const StudyRunFacts& study, const RunRecord& record);

}  // namespace srlif
