// `srlif trace`: the membrane potential and input of one neuron over time.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/model_options.hpp"
#include "srlif/errors.hpp"
#include "srlif/output.hpp"
#include "srlif/trace.hpp"

namespace srlif::cli {
namespace {

struct TraceOptions {
  ModelOptions model;
  std::int64_t neuron = 0;
  std::string out;
  std::string config;
};

int run(const TraceOptions& options) {
  if (options.out.empty()) throw InputError("--out", "is required: the CSV file to write");
  SweepConfig config = to_sweep_config(options.model);
  for (const auto& [values, flag] : {std::pair{&config.grid.sigma, "--sigma"},
                                     {&config.grid.amplitude, "--amplitude"},
                                     {&config.grid.bias, "--bias"},
                                     {&config.grid.frequency, "--frequency"}}) {
    if (values->size() != 1) throw InputError(flag, "trace takes a single value");
  }
  if (options.neuron < 0 || options.neuron >= (1LL << 32)) {
    throw InputError("--neuron", "must be between 0 and 2^32-1");
  }
  config.neurons = static_cast<std::uint64_t>(options.neuron) + 1;
  const SweepPlan plan = make_plan(config);

  const std::filesystem::path out(options.out);
  const std::filesystem::path directory =
      out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
  if (out.filename().empty()) throw InputError("--out", "must name a file, not a directory");
  if (!std::filesystem::is_directory(directory)) {
    throw InputError("--out", "directory '" + directory.string() + "' does not exist");
  }
  prepare_output_directory(directory);
  write_files_atomically(
      directory,
      {{out.filename().string(), trace_csv(trace_neuron(plan, static_cast<std::uint64_t>(options.neuron)))}});
  return 0;
}

}  // namespace

CommandRunner add_trace_command(CLI::App& app, const std::string&) {
  auto options = std::make_shared<TraceOptions>();
  options->model.sigma = "12.5";
  options->model.time.duration = 1000.0;
  options->model.neurons = 1;
  CLI::App* command = app.add_subcommand(
      "trace",
      "Write the membrane potential and input of one neuron over time (CSV: time_ms, v_mv, input_pa, spike)");
  add_model_options(*command, options->model);
  command->add_option("--neuron", options->neuron, "Which neuron's noise stream (as in a sweep)")
      ->capture_default_str();
  command->add_option("--out", options->out, "CSV file to write; required");
  command->add_option("--config", options->config, "Read options from a TOML or INI file");
  return [options, command] {
    apply_config_file(*command, options->config);
    return run(*options);
  };
}

}  // namespace srlif::cli
