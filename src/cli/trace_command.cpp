// `srlif trace`: the membrane potential and input of one neuron over time.
#include "cli/trace_command.hpp"

#include <memory>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/stop_signals.hpp"
#include "srlif/errors.hpp"

namespace srlif::cli {

TraceJob to_trace_job(const TraceOptions& options) {
  return TraceJob{to_sweep_config(options.model), options.neuron, options.out};
}

void add_trace_options(CLI::App& command, TraceOptions& options) {
  add_model_options(command, options.model, Simulates::one_neuron);
  command.add_option("--neuron", options.neuron, "Which neuron's noise stream (as in a sweep)")
      ->capture_default_str();
  command.add_option("--out", options.out, "CSV file to write; required");
  command.add_option("--config", options.config, "Read options from a TOML or INI file");
}

CommandRunner add_trace_command(CLI::App& app, const std::string&) {
  auto options = std::make_shared<TraceOptions>();
  CLI::App* command = app.add_subcommand(
      "trace",
      "Write the membrane potential and input of one neuron over time (CSV: time_ms, v_mv, input_pa, spike)");
  add_trace_options(*command, *options);
  return [options, command] {
    apply_config_file(*command, options->config);
    // The command line writes the trace or nothing (the Python package may only return it).
    if (options->out.empty()) throw InputError("--out", "is required: the CSV file to write");
    TraceJob job = to_trace_job(*options);
    job.keep_samples = false;   // streamed to the file
    const StopSignals signals;  // a stop: nothing written, the temporary removed
    RunControl control;
    control.stop_requested = [] { return StopSignals::received(); };
    run_trace_job(job, control);
    return 0;
  };
}

}  // namespace srlif::cli
