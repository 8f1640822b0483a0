// The output options that the commands writing a folder share: --out,
// --quiet, --progress, --config; and the progress bar they draw.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "srlif/running/progress.hpp"
#include "srlif/running/run_control.hpp"

namespace srlif::cli {

struct OutputOptions {
  std::string out;
  bool quiet = false;
  bool progress = false;
  std::string config;
};

void add_output_options(CLI::App& command, OutputOptions& options);

// A job's progress on stderr: a bar when `--progress` is given, or when stderr is a terminal and
// not --quiet; made at the job's first report, which tells the total.
class ProgressDisplay {
 public:
  ProgressDisplay(bool progress, bool quiet);
  // Progress only; a stop request is the caller's to add.
  RunControl control();
  void finish();

 private:
  bool show_;
  std::unique_ptr<ProgressBar> bar_;
};

}  // namespace srlif::cli
