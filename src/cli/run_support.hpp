// What the simulating commands share after parsing: the output options, the
// run with its progress bar, and the all-or-nothing write of the output folder.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "srlif/shard.hpp"
#include "srlif/sweep_runner.hpp"

namespace srlif::cli {

// Removes the output directory on failure if this run created it and it is empty.
class OutputDirectoryGuard {
 public:
  explicit OutputDirectoryGuard(std::filesystem::path directory);
  ~OutputDirectoryGuard();
  OutputDirectoryGuard(const OutputDirectoryGuard&) = delete;
  OutputDirectoryGuard& operator=(const OutputDirectoryGuard&) = delete;
  void commit() { committed_ = true; }

 private:
  static bool exists_quietly(const std::filesystem::path& path);
  std::filesystem::path directory_;
  bool created_;
  bool committed_ = false;
};

struct OutputOptions {
  std::string out;
  bool quiet = false;
  bool progress = false;
  std::string config;
};

// --out, --quiet, --progress, --config.
void add_output_options(CLI::App& command, OutputOptions& options);

using FileList = std::vector<std::pair<std::string, std::string>>;

// Picks the backend, prepares --out (refused with exit code 2 if unusable),
// runs the plan with a progress bar when wanted, and writes `files(result)`
// plus run.json atomically. On failure an output folder this run created is removed.
SweepResult run_and_write(const SweepPlan& plan, const OutputOptions& options,
                          const std::string& command_line,
                          const std::function<FileList(const SweepResult&)>& files);

}  // namespace srlif::cli
