// `srlif bench`: the backends' throughput on this machine, one line each.
#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "srlif/errors.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/throughput.hpp"

namespace srlif::cli {
namespace {

struct BenchOptions {
  std::int64_t neurons = 10000;
  std::int64_t steps = 100000;
  std::int64_t points = 1;
  bool decorrelate = false;
  std::string scheme = "euler";
  std::int64_t repeat = 1;
  std::string backend = "all";
};

int run(const BenchOptions& options) {
  if (options.neurons < 1 || options.neurons > (std::int64_t{1} << 32)) {
    throw InputError("--neurons", "must be between 1 and 2^32");
  }
  if (options.points < 1) throw InputError("--points", "must be >= 1");
  ThroughputWorkload workload;
  workload.neurons = static_cast<std::uint64_t>(options.neurons);
  workload.steps = options.steps;
  workload.points = static_cast<std::uint64_t>(options.points);
  workload.decorrelate = options.decorrelate;
  workload.scheme = parse_scheme(options.scheme, "--scheme");
  workload.repeat = options.repeat;
  workload.backends = options.backend;
  const SweepPlan plan = throughput_plan(workload);  // validates before any output
  std::printf(
      "reference workload (sigma %s, A 20 pA, I_bias 178 pA, f 10 Hz, dt 0.1 ms), scheme %s%s: "
      "%lld neurons x %lld steps x %lld points = %.3g neuron-steps\n",
      options.points == 1 ? "30" : ("0..60, " + std::to_string(options.points) + " values").c_str(),
      scheme_name(workload.scheme), options.decorrelate ? ", each point its own noise" : "",
      static_cast<long long>(options.neurons), static_cast<long long>(plan.steps),
      static_cast<long long>(options.points), static_cast<double>(plan.neuron_steps()));
  std::fflush(stdout);
  measure_all_backends(workload, [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  });
  return 0;
}

}  // namespace

CommandRunner add_bench_command(CLI::App& app) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* command = app.add_subcommand(
      "bench", "Neuron-steps per second of each backend on this machine (best of --repeat runs)");
  command->add_option("--neurons", options->neurons, "Neurons per grid point")->capture_default_str();
  command->add_option("--steps", options->steps, "Time steps (dt 0.1 ms)")->capture_default_str();
  command
      ->add_option(
          "--points", options->points,
          "Grid points: 1 = sigma 30; P > 1 = sigma 0:60:P (an SR curve sharing each neuron's noise)")
      ->capture_default_str();
  command->add_flag("--decorrelate", options->decorrelate,
                    "Every grid point its own noise (nothing shared between the points)");
  command->add_option("--scheme", options->scheme, "euler | exact")->capture_default_str();
  command->add_option("--repeat", options->repeat, "Runs per backend; the best counts")
      ->capture_default_str();
  command
      ->add_option("--backend", options->backend,
                   "all" + backend_choices(" | ").substr(4) +
                       ": the backends to measure; all: those auto can choose (a GPU-sized workload "
                       "takes minutes on one CPU thread)")
      ->capture_default_str();
  return [options] { return run(*options); };
}

}  // namespace srlif::cli
