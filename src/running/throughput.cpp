#include "srlif/running/throughput.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdio>

#include "srlif/errors.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"

namespace srlif {

SweepPlan throughput_plan(const ThroughputWorkload& workload) {
  if (workload.points < 1 || workload.points > 100000)
    throw InputError("--points", "must be between 1 and 10^5");
  if (workload.steps < 1 || workload.steps > (std::int64_t{1} << 40)) {
    throw InputError("--steps", "must be between 1 and 2^40");
  }
  if (workload.repeat < 1 || workload.repeat > 1000)
    throw InputError("--repeat", "must be between 1 and 1000");
  if (workload.backends != "all" && workload.backends != "cpu" && workload.backends != "cuda")
    throw InputError("--backend", "must be all, cpu or cuda");
  SweepConfig config;
  config.scheme = workload.scheme;
  config.grid[Axis::sigma] = workload.points == 1
                                 ? std::vector<double>{30.0}
                                 : parse_axis("0:60:" + std::to_string(workload.points), "--points");
  config.grid[Axis::amplitude] = {20.0};
  config.grid[Axis::bias] = {178.0};
  config.grid[Axis::frequency] = {10.0};
  config.neurons = workload.neurons;
  config.decorrelate_points = workload.decorrelate;
  // K = steps + 1 samples: duration (steps + 1/2) dt leaves no doubt about the ceiling.
  config.time.duration = (static_cast<double>(workload.steps) + 0.5) * config.time.dt;
  return make_plan(config);
}

Throughput measure_throughput(const std::string& label, Backend& backend, const SweepPlan& plan,
                              std::int64_t repeat) {
  Throughput throughput;
  throughput.label = label;
  throughput.device = backend.device();
  throughput.seconds = 1e300;
  for (std::int64_t run = 0; run < repeat; ++run) {
    const SweepResult result = run_sweep(plan, backend, {});
    throughput.seconds = std::min(throughput.seconds, result.wall_seconds);
    throughput.mean_rate_hz = result.metrics.front().mean_rate_hz;
  }
  throughput.neuron_steps_per_second = static_cast<double>(plan.neuron_steps()) / throughput.seconds;
  return throughput;
}

std::string throughput_line(const Throughput& throughput) {
  char line[256];
  std::snprintf(line, sizeof line, "%-16s %11.4g neuron-steps/s  (%.3f s; %s; mean rate %.4f Hz)",
                throughput.label.c_str(), throughput.neuron_steps_per_second, throughput.seconds,
                throughput.device.c_str(), throughput.mean_rate_hz);
  return line;
}

std::vector<Throughput> measure_all_backends(const ThroughputWorkload& workload,
                                             const std::function<void(const std::string&)>& on_line) {
  const SweepPlan plan = throughput_plan(workload);
  std::vector<Throughput> results;
  const auto report = [&](Throughput throughput) {
    results.push_back(std::move(throughput));
    if (on_line) on_line(throughput_line(results.back()));
  };
  if (workload.backends != "cuda") {
    auto single = make_cpu_backend(1);
    report(measure_throughput("cpu, 1 thread", *single, plan, workload.repeat));
    const int cores = omp_get_num_procs();
    if (cores > 1) {
      auto all = make_cpu_backend(cores);
      report(measure_throughput("cpu, " + std::to_string(cores) + " threads", *all, plan, workload.repeat));
    }
  }
  if (workload.backends == "cpu") return results;
  std::string why_not;
  if (!cuda_devices(why_not).empty()) {
    auto gpu = make_cuda_backend();
    report(measure_throughput("cuda", *gpu, plan, workload.repeat));
    if (workload.points == 1) {
      ThroughputWorkload curve = workload;  // as many neuron-steps as the line above
      curve.points = kCurvePoints;
      curve.steps = std::max<std::int64_t>(1, workload.steps / static_cast<std::int64_t>(kCurvePoints));
      report(measure_throughput("cuda, " + std::to_string(kCurvePoints) + "-pt curve", *gpu,
                                throughput_plan(curve), workload.repeat));
    }
  } else if (on_line) {
    on_line("cuda             not measured: " + why_not);
  }
  return results;
}

}  // namespace srlif
