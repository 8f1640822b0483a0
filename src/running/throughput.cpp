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
  if (workload.backends != "all") backend_kind(workload.backends);  // InputError naming --backend
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
  for (const BackendKind& kind : backend_kinds()) {
    // "all": the backends that are there for speed (auto's), not cuda-sim's check of the GPU code.
    if (workload.backends == "all" ? kind.auto_priority <= 0 : workload.backends != kind.name) continue;
    const std::string name = kind.name;
    const std::string why_not = kind.why_unusable();
    // A backend named alone must run, as for a sweep: unusable is an error, exit 2.
    if (!why_not.empty() && workload.backends != "all")
      throw UnavailableError("--backend " + name + ": " + why_not);
    if (!why_not.empty()) {
      const std::string padding(name.size() < 17 ? 17 - name.size() : 1, ' ');
      if (on_line) on_line(name + padding + "not measured: " + why_not);
      continue;
    }
    if (kind.host) {  // one thread, then all of them
      auto single = kind.make(1, 1);
      report(measure_throughput(name + ", 1 thread", *single.front(), plan, workload.repeat));
      const int cores = omp_get_num_procs();
      if (cores > 1) {
        auto all = kind.make(cores, 1);
        report(measure_throughput(name + ", " + std::to_string(cores) + " threads", *all.front(), plan,
                                  workload.repeat));
      }
      continue;
    }
    auto device = kind.make(0, 1);  // the first device
    report(measure_throughput(name, *device.front(), plan, workload.repeat));
    if (workload.points == 1) {
      ThroughputWorkload curve = workload;  // as many neuron-steps as the line above
      curve.points = kCurvePoints;
      curve.steps = std::max<std::int64_t>(1, workload.steps / static_cast<std::int64_t>(kCurvePoints));
      report(measure_throughput(name + ", " + std::to_string(kCurvePoints) + "-pt curve", *device.front(),
                                throughput_plan(curve), workload.repeat));
    }
  }
  return results;
}

}  // namespace srlif
