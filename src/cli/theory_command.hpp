// The options of `srlif theory` and their reading into a TheoryJob, shared by
// the command line and the Python package (`srlif.theory`).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "srlif/running/jobs.hpp"

namespace srlif::cli {

struct TheoryOptions {
  TheoryJob job;
  std::string response = "stationary";
  std::int64_t neurons = 1000;
  std::string spread = "normal";
  std::string out;
  std::string rate_curve;
  std::string config;
};

void add_theory_options(CLI::App& command, TheoryOptions& options);
// `command`: the options' app, which tells the flags given (the signal's and the simulation's
// flags are refused with --response stationary, where they would play no role).
TheoryJob to_theory_job(const TheoryOptions& options, const CLI::App& command);

}  // namespace srlif::cli
