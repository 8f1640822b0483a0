// The population state of one unfinished segment of grid points at a chunk
// boundary, as a checkpoint file (OUT/checkpoint/state-<first point>.state),
// so that a run killed in the middle of a long segment goes on from there:
//
//   # srlif state 2                    (version 1, without the last two arrays, is read too)
//   # shard 2/4
//   # config scheme = "euler"          (one line per result_config_text line)
//   points 12 13 14                    (the segment's grid points, ascending)
//   neurons 1000                       (per grid point)
//   next_step 40000
//   data 108000                        (bytes that follow: v, refractory, spikes, cos_sum,
//   <binary, little-endian>             sin_sum, noise_current, release, one array after another)
//   # fnv1a64 0123456789abcdef          (FNV-1a of every byte before this line)
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "srlif/planning/shard.hpp"
#include "srlif/planning/sweep_config.hpp"
#include "srlif/running/backend.hpp"

namespace srlif {

struct StateFile {
  std::string config_text;            // result_config_text of the run
  ShardSpec shard;                    // 1/1 for a whole run
  std::vector<std::uint64_t> points;  // the segment's grid points, ascending
  std::uint64_t neurons_per_point = 0;
  PopulationSnapshot state;  // points.size() * neurons_per_point neurons
};

std::string format_state_file(const StateFile& file);

// Reads and verifies a state file; throws InputError(`path`, ...) when it is
// truncated, fails its checksum or is malformed, saying which.
StateFile parse_state_file(const std::string& bytes, const std::string& path);

// The most bytes a state file of at most `points` grid points x `neurons_per_point` can hold,
// its run's config text being `config_text_bytes` long.
std::uint64_t state_file_bound(std::uint64_t config_text_bytes, std::uint64_t points,
                               std::uint64_t neurons_per_point);

// Reads (bounded_file.hpp: a regular file of at most `max_bytes`) and parses it as above.
StateFile read_state_file(const std::filesystem::path& path, std::uint64_t max_bytes);

// Refuses (InputError(path, ...), naming the neuron and the variable) a state whose neurons
// `config` cannot reach at its step: v not finite or above the highest threshold, a hold longer
// than t_ref, more spikes than the steps allow, phase sums longer than the spikes, a noise current
// where the noise is white or not finite, a release outside [0, 1] (0 under euler). A checksum
// proves a file intact; this proves its numbers possible, before the run goes on from them.
void check_state(const StateFile& file, const SweepConfig& config, const std::string& path);

}  // namespace srlif
