// The options of `srlif trace` and their reading into a TraceJob, shared by
// the command line and the Python package (`srlif.trace`).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "cli/model_options.hpp"
#include "srlif/running/jobs.hpp"

namespace srlif::cli {

struct TraceOptions {
  ModelOptions model = trace_model_defaults();
  std::int64_t neuron = 0;
  std::string out;
  std::string config;

  static ModelOptions trace_model_defaults() {
    ModelOptions model;
    model.axes[axis_index(Axis::sigma)] = "12.5";
    model.time.duration = 1000.0;
    model.neurons = 1;
    return model;
  }
};

void add_trace_options(CLI::App& command, TraceOptions& options);
// The job (an empty --out: not written; the command line requires one).
TraceJob to_trace_job(const TraceOptions& options);

}  // namespace srlif::cli
