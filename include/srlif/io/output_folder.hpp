// The output folder of one run (sweep, population, reproduce, merge), held
// from before the run touches it until its files are in place:
//
//  * made if missing, and checked to be a writable directory (InputError "--out");
//  * locked: an exclusive flock on OUT/.srlif.lock, which holds the holder's
//    pid. The kernel releases the lock when the process ends, however it ends,
//    so a killed run never leaves the folder locked. A second run into the
//    folder is refused at once (InputError "--out" naming the holder's pid)
//    and touches nothing in it: not the first run's checkpoint, nor its
//    temporaries;
//  * checked to hold no result name that a commit could not replace or remove
//    (a directory, a link, an immutable file: check_replaceable), before any work;
//  * cleaned of srlif's own stale temporaries (RESULT.tmp.<pid>, RESULT.old.<pid> of the result
//    names below): with the lock held no other run can be writing them, so
//    they are what a killed run left between writing and renaming;
//  * on commit(written): srlif's result files of other kinds that this run
//    did not write (a shard's folder reused for a population, a sweep's for
//    a shard, which writes no optimum.csv) are removed, so that a folder never
//    mixes two runs' files; files that are not srlif's are never touched;
//  * on failure (destroyed before commit): the folder, and the parents this
//    run made for it, are removed when they are empty.
// The lock file is removed when the folder is released; a run that opened it
// just before checks after locking that it still has the file the path names.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace srlif {

// The names of every result file srlif writes into an output folder, of all commands.
const std::vector<std::string>& result_file_names();
// Of those, the figures of `reproduce` (drawn by scripts/plot_report.py; a test checks the two agree).
const std::vector<std::string>& figure_file_names();

class OutputFolder {
 public:
  explicit OutputFolder(std::filesystem::path directory);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  // The run's files are in place: removes the result files it did not write (result_file_names()
  // minus `written`) and keeps the folder.
  void commit(const std::vector<std::string>& written);

  const std::filesystem::path& path() const { return directory_; }

 private:
  void lock();
  void remove_stale_temporaries() const;

  std::filesystem::path directory_;
  std::vector<std::filesystem::path> made_;  // the folders this run made (deepest first)
  bool committed_ = false;
  int lock_fd_ = -1;
};

// Refuses (InputError(flag, ...) naming the pid) a folder that a running srlif run holds;
// takes no lock and writes nothing (for folders that are only read, e.g. merge's shards).
void check_folder_not_in_use(const std::filesystem::path& directory, const std::string& flag);

// The pid written in `directory`'s lock file, or "unknown" when none can be read.
std::string lock_holder(const std::filesystem::path& directory);

}  // namespace srlif
