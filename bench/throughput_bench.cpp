// Throughput of the reference workload (DESIGN.md section 1 neuron, sigma = 30,
// A = 20, I_bias = 178, f = 10) in neuron-steps per second: the CPU backend with
// one thread and with all threads, and the CUDA backend when a GPU is usable.
//
//   srlif_bench [--neurons N] [--steps K] [--points P] [--repeat R]
// Defaults: 10^4 neurons x 10^5 steps x 1 point (DESIGN.md's reference workload).
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "srlif/backend.hpp"
#include "srlif/sweep_runner.hpp"

namespace {

struct Workload {
  std::uint64_t neurons = 10000;
  std::int64_t steps = 100000;
  std::size_t points = 1;
  int repeat = 1;
};

srlif::SweepPlan reference_plan(const Workload& workload) {
  srlif::SweepConfig config;
  config.grid.sigma.assign(workload.points, 30.0);
  config.grid.amplitude = {20.0};
  config.grid.bias = {178.0};
  config.grid.frequency = {10.0};
  config.neurons = workload.neurons;
  config.time.duration = static_cast<double>(workload.steps + 1) * config.time.dt;
  return srlif::make_plan(config);
}

void measure(const char* label, srlif::Backend& backend, const srlif::SweepPlan& plan, int repeat) {
  double best = 1e300;
  double rate_hz = 0.0;
  for (int i = 0; i < repeat; ++i) {
    const srlif::SweepResult result = srlif::run_sweep(plan, backend, {});
    best = std::min(best, result.wall_seconds);
    rate_hz = result.metrics.front().mean_rate_hz;
  }
  std::printf("%-26s %12.4g neuron-steps/s  (%.3f s, %s; mean rate %.3f Hz)\n", label,
              static_cast<double>(plan.neuron_steps()) / best, best, backend.device().c_str(), rate_hz);
}

}  // namespace

int main(int argc, char** argv) {
  Workload workload;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char* flag = argv[i];
    const char* value = argv[i + 1];
    if (std::strcmp(flag, "--neurons") == 0)
      workload.neurons = std::strtoull(value, nullptr, 10);
    else if (std::strcmp(flag, "--steps") == 0)
      workload.steps = std::strtoll(value, nullptr, 10);
    else if (std::strcmp(flag, "--points") == 0)
      workload.points = std::strtoull(value, nullptr, 10);
    else if (std::strcmp(flag, "--repeat") == 0)
      workload.repeat = std::atoi(value);
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag);
      return 2;
    }
  }
  const srlif::SweepPlan plan = reference_plan(workload);
  std::printf(
      "reference workload: sigma 30, A 20, I_bias 178, f 10; %llu neurons x %lld steps x %zu points "
      "= %.3g neuron-steps\n",
      static_cast<unsigned long long>(workload.neurons), static_cast<long long>(plan.steps), workload.points,
      static_cast<double>(plan.neuron_steps()));
  auto single = srlif::make_cpu_backend(1);
  measure("cpu, 1 thread", *single, plan, workload.repeat);
  const int cores = omp_get_num_procs();
  auto all = srlif::make_cpu_backend(cores);
  measure(("cpu, " + std::to_string(cores) + " threads").c_str(), *all, plan, workload.repeat);
  std::string why_not;
  if (!srlif::cuda_devices(why_not).empty()) {
    auto gpu = srlif::make_cuda_backend();
    measure("cuda", *gpu, plan, workload.repeat);
  } else {
    std::printf("%-26s not measured: %s\n", "cuda", why_not.c_str());
  }
  return 0;
}
