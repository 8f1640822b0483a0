// The options of `srlif reproduce` and their reading into a ReproduceJob,
// shared by the command line and the Python package (`srlif.reproduce`).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "srlif/running/jobs.hpp"

namespace srlif::cli {

struct ReproduceOptions {
  std::string out;
  std::int64_t trials = 0;  // 0: the study's own trial counts
  std::uint64_t seed = 1;
  double duration = 10000.0;
  double warmup = 0.0;
  bool theory = true;
  std::string scheme = "euler";
  ExecutionOptions execution;
  bool figures = true;
  bool quiet = false;
  bool progress = false;
  std::string config;  // --config: a file of these options
};

void add_reproduce_options(CLI::App& command, ReproduceOptions& options);
ReproduceJob to_reproduce_job(const ReproduceOptions& options);

}  // namespace srlif::cli
