// The exact integer tallies of a set of grid points as a checksummed text file
// (`tallies.csv` of a sweep or shard, the parts of a checkpoint). Everything a
// result is computed from, so `srlif merge` and `--resume` rebuild the output
// files bit for bit from it. Sweeps with spectra add two columns,
// spectral_amplitude_hz and snr_db (shortest round-trip doubles), the point's
// measures from its PSTH:
//
//   # srlif tallies 1
//   # shard 2/4
//   # config scheme = "euler"          (one line per result_config_text line)
//   point,neurons,spikes,spikes_squared,cos_sum,sin_sum,valid_neurons,strength_sum,strength_squared_sum
//   12,1000,70712,...
//   # fnv1a64 0123456789abcdef          (FNV-1a of every byte before this line)
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "srlif/io/checksummed_file.hpp"
#include "srlif/measures/spectrum.hpp"
#include "srlif/physics/accumulators.hpp"
#include "srlif/planning/shard.hpp"
#include "srlif/planning/sweep_config.hpp"

namespace srlif {

struct TallyFile {
  std::string config_text;               // result_config_text of the run
  ShardSpec shard;                       // 1/1 for a whole run
  std::vector<std::uint64_t> points;     // grid point indices, ascending
  std::vector<PointTally> tallies;       // tallies[i] belongs to points[i]
  std::vector<SpectralReadout> spectra;  // spectra[i] belongs to points[i]; empty without spectra
};

std::string format_tally_file(const TallyFile& file);

// The pieces of that text, for files written a row at a time: the lines
// before the rows, and one row; the checksum line (checksummed_file.hpp) ends it.
std::string tally_file_header(const std::string& config_text, const ShardSpec& shard, bool with_spectra);
std::string tally_file_row(std::uint64_t point, const PointTally& tally, const SpectralReadout* spectrum);

// Reads and verifies a tally file; throws InputError(`path`, ...) when it is
// truncated, fails its checksum or is malformed, saying which.
TallyFile parse_tally_file(const std::string& text, const std::string& path);

// The most bytes a tally file of at most `points` rows can hold, its run's
// config text being `config_text_bytes` long (a row is at most kMaxTallyRowBytes).
inline constexpr std::uint64_t kMaxTallyRowBytes = 256;
std::uint64_t tally_file_bound(std::uint64_t config_text_bytes, std::uint64_t points);

// Reads (bounded_file.hpp: a regular file of at most `max_bytes`) and parses
// the file as above; an unreadable file is InputError(path, ...) too.
TallyFile read_tally_file(const std::filesystem::path& path, std::uint64_t max_bytes);

// The same for a file whose bound comes from its own header (read first, at
// most kMaxTallyHeaderBytes): the rows of its shard of its configuration's grid.
inline constexpr std::uint64_t kMaxTallyHeaderBytes = 256ULL << 20;
TallyFile read_tally_file(const std::filesystem::path& path);

// Refuses (InputError(path, ...), naming the grid point) a row whose counts
// contradict `config`: neurons other than the run's, more valid neurons than
// neurons, more spikes than the steps allow, phase or strength sums beyond
// what those spikes and neurons can reach. A checksum proves a file intact;
// this proves its numbers possible.
void check_tallies(const TallyFile& file, const SweepConfig& config, const std::string& path);

}  // namespace srlif
