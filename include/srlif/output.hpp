// Output files: tidy CSVs, run.json, atomic writes (numbers: number_text.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "srlif/metrics.hpp"
#include "srlif/number_text.hpp"
#include "srlif/sweep_config.hpp"

namespace srlif {

// The key of a grid point in every per-point file (points.csv, population.csv
// and the readout files): "point" and the grid's column axes (Grid::column_axes).
std::vector<std::string> point_key_columns(const Grid& grid);
std::vector<std::string> point_key_fields(const Grid& grid, std::size_t index);

// Column names of points.csv, in order: the point's key, neurons, the measures.
std::vector<std::string> points_csv_columns(const Grid& grid);

// A JSON string literal with the necessary escapes.
std::string json_string(const std::string& text);

// One CSV line (fields joined by commas, newline-terminated).
std::string csv_line(const std::vector<std::string>& fields);

// The fields of one points.csv row.
std::vector<std::string> points_csv_fields(const Grid& grid, std::uint64_t neurons, std::size_t index,
                                           const PointMetrics& metrics);

// Rows for grid points first_point, first_point + 1, ... (a shard's range); all of them by default.
std::string points_csv(const Grid& grid, std::uint64_t neurons, const std::vector<PointMetrics>& metrics,
                       std::uint64_t first_point = 0);
std::string optimum_csv(const Grid& grid, const std::vector<PointMetrics>& metrics,
                        const std::vector<SliceOptimum>& optima, Objective objective);

// The pieces of those files, for writing them a row at a time: the header
// lines, and one optimum row (`at_optimum`: the measures at optimum.point, or
// null when none was found).
std::string points_csv_header(const Grid& grid);
std::string optimum_csv_header(const Grid& grid);
std::string optimum_csv_row(const Grid& grid, const SliceOptimum& optimum, const PointMetrics* at_optimum,
                            Objective objective);

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

// Makes `directory` (and parents) and checks that a file can be created in it.
// Throws InputError("--out", ...) when it cannot.
void prepare_output_directory(const std::filesystem::path& directory);

// Bytes of disk a sweep of `grid_points` points needs at most: its result
// files and, while it runs, its checkpoint (with the state of its neurons in flight).
double sweep_output_bytes(double grid_points, double neurons_in_flight = 0.0);

// Free bytes for an unprivileged user on the file system of `directory` (of
// its nearest existing parent when it does not exist yet), or a negative
// number when that cannot be told.
double free_disk_bytes(const std::filesystem::path& directory);

// Refuses (InputError "--out", with both figures and `advice`) output that needs
// more than `free_bytes`; a negative `free_bytes` (unknown) passes.
void check_output_fits_disk(double needed_bytes, double free_bytes, const std::filesystem::path& directory,
                            const std::string& advice = "free some space or split the grid (--shard)");

// Files written a piece at a time under temporary names (NAME.tmp.<pid>) in
// `directory`; commit() fsyncs each and renames them all, so that each appears
// complete or not at all. Uncommitted temporaries are removed on destruction.
class StagedFiles {
 public:
  explicit StagedFiles(std::filesystem::path directory);
  ~StagedFiles();
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;

  std::size_t create(const std::string& name);  // a new, empty file; its handle
  void append(std::size_t file, std::string_view bytes);
  void commit();
  std::vector<std::string> names() const;  // of the files created

 private:
  struct File {
    std::string name;
    std::filesystem::path temporary;
    int fd;
    std::string buffer;  // appended, not yet written
  };
  std::filesystem::path directory_;
  std::vector<File> files_;
  bool committed_ = false;
};

// Writes whole files the same way.
void write_files_atomically(const std::filesystem::path& directory,
                            const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace srlif
