// Result files that appear complete or not at all, and the folder they go to;
// how much disk a sweep needs and whether it is there.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace srlif {

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
