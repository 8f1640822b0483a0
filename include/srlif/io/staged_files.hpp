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

// Makes `directory` (and parents) and checks that a file can be created in it; returns the
// folders it made, deepest first. Throws InputError("--out", ...) when it cannot, with every folder
// it made removed again.
std::vector<std::filesystem::path> prepare_output_directory(const std::filesystem::path& directory);

// Removes those of `made` (deepest first) that are empty: a refused run leaves no folder it made.
void remove_made_folders(const std::vector<std::filesystem::path>& made);

// Bytes of disk a sweep of `grid_points` points needs at most: its result files and, while it
// runs, its checkpoint (with the state of its neurons in flight). Every checkpoint file repeats the
// run's header (its configuration, `header_bytes`, as tally_file_header writes it): tallies.csv
// once, each of at most `parts` parts, and each of `states` state files twice while one replaces it.
double sweep_output_bytes(double grid_points, double neurons_in_flight = 0.0, double header_bytes = 0.0,
                          double parts = 0.0, double states = 0.0);

// Free bytes for an unprivileged user on the file system of `directory` (of
// its nearest existing parent when it does not exist yet), or a negative
// number when that cannot be told.
double free_disk_bytes(const std::filesystem::path& directory);

// Refuses (InputError "--out", with both figures and `advice`) output that needs
// more than `free_bytes`; a negative `free_bytes` (unknown) passes.
void check_output_fits_disk(double needed_bytes, double free_bytes, const std::filesystem::path& directory,
                            const std::string& advice = "free some space or split the grid (--shard)");

// Where an output file named by a flag goes (trace's and theory's --out, theory's --rate-curve).
struct OutputTarget {
  std::filesystem::path path;               // the file written: a symbolic link's final target
  bool direct = false;                      // a character device or a FIFO: written as it is, never replaced
  std::filesystem::path directory() const;  // the folder that holds `path`
};

// Resolves `path` for writing (InputError(flag) naming the path and the rule otherwise): a missing
// name in an existing folder, or a regular file, is staged beside it and renamed over it; a
// symbolic link is followed to what it names (as the shell's `>` does); a character device or FIFO
// (/dev/null, /dev/stdout, a named pipe) is written directly; a directory, a block device, a socket,
// or an immutable or append-only file is refused. Creates nothing.
OutputTarget output_target(const std::filesystem::path& path, const std::string& flag);

// Refuses (InputError(flag)) an existing `path` that a commit could not replace: anything but a
// regular file (a directory, a link, a device, ...), or an immutable or append-only one.
void check_replaceable(const std::filesystem::path& path, const std::string& flag);

// Files written a piece at a time under temporary names (NAME.tmp.<pid>) beside the files they
// become; commit() fsyncs each and renames them all, so that each appears complete or not at all,
// and the set as one: the files they replace are kept under a second name (NAME.old.<pid>, a hard
// link) until every rename is done, and a failed rename puts back every file the commit had
// replaced (and removes those it had added) before the error is thrown. Uncommitted temporaries
// are removed on destruction (an exception's, a stop's). A direct target (a device, a FIFO) is
// written through and is not part of the all-or-nothing.
class StagedFiles {
 public:
  explicit StagedFiles(std::filesystem::path directory = {});
  ~StagedFiles();
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;

  std::size_t create(const std::string& name);     // a new, empty file in the directory; its handle
  std::size_t create(const OutputTarget& target);  // the same for any folder, or a device opened
  void append(std::size_t file, std::string_view bytes);
  void commit();
  std::vector<std::string> names() const;  // of the files created

 private:
  struct File {
    std::filesystem::path target;
    std::filesystem::path temporary;  // empty: written directly
    int fd;
    std::string buffer;  // appended, not yet written
  };
  void replace_all();

  std::filesystem::path directory_;
  std::vector<File> files_;
  bool committed_ = false;
};

// Writes whole files the same way.
void write_files_atomically(const std::filesystem::path& directory,
                            const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace srlif
