// The options of `srlif sweep` and their reading into a SweepJob: used by the
// command line and, with the same names, defaults and checks, by the Python
// package (`srlif.sweep`), which feeds its keyword arguments through them.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/model_options.hpp"
#include "cli/output_options.hpp"
#include "srlif/running/sweep_job.hpp"

namespace srlif::cli {

struct SweepOptions {
  ModelOptions model;
  OutputOptions output;
  std::string objective = "vs-valid";
  bool spectrum = false;
  double psth_bin_ms = 10.0;
  std::string shard;
  bool resume = false;
  double checkpoint_seconds = 10.0;
};

void add_sweep_options(CLI::App& command, SweepOptions& options);

// The job the options describe (InputError naming the flag); `command` tells
// which options were given (--psth is checked only then).
SweepJob to_sweep_job(const SweepOptions& options, const CLI::App& command);

}  // namespace srlif::cli
