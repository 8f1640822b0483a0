// The options of `srlif theory` and their reading into a TheoryJob, shared by
// the command line and the Python package (`srlif.theory`).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "srlif/running/jobs.hpp"

namespace srlif::cli {

struct TheoryOptions {
  TheoryJob job;
  std::string spread = "normal";
  std::string out;
  std::string config;
};

void add_theory_options(CLI::App& command, TheoryOptions& options);
TheoryJob to_theory_job(const TheoryOptions& options);

}  // namespace srlif::cli
