// The output options that the commands writing a folder share: --out,
// --quiet, --progress, --config.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace srlif::cli {

struct OutputOptions {
  std::string out;
  bool quiet = false;
  bool progress = false;
  std::string config;
};

void add_output_options(CLI::App& command, OutputOptions& options);

}  // namespace srlif::cli
