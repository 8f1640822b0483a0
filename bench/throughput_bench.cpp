// Throughput of the reference workload in neuron-steps per second on every
// backend of this machine (the same measurement as `srlif bench`, kept as a
// stand-alone binary for profilers: perf, valgrind, nsys, ncu).
//
//   srlif_bench [--neurons N] [--steps K] [--points P] [--decorrelate true|false]
//               [--scheme euler|exact] [--repeat R] [--backend all|cpu|cuda]
// Defaults: 10^4 neurons x 10^5 steps x 1 point (sigma 30), euler, 1 run.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "srlif/errors.hpp"
#include "srlif/running/throughput.hpp"

int main(int argc, char** argv) {
  srlif::ThroughputWorkload workload;
  try {
    for (int i = 1; i < argc; i += 2) {
      const std::string flag = argv[i];
      if (i + 1 >= argc) throw srlif::InputError(flag, "needs a value");
      const char* value = argv[i + 1];
      if (flag == "--neurons")
        workload.neurons = std::strtoull(value, nullptr, 10);
      else if (flag == "--steps")
        workload.steps = std::strtoll(value, nullptr, 10);
      else if (flag == "--points")
        workload.points = std::strtoull(value, nullptr, 10);
      else if (flag == "--decorrelate")
        workload.decorrelate = std::strcmp(value, "true") == 0 || std::strcmp(value, "1") == 0;
      else if (flag == "--scheme")
        workload.scheme = srlif::parse_scheme(value, "--scheme");
      else if (flag == "--repeat")
        workload.repeat = std::atoi(value);
      else if (flag == "--backend")
        workload.backends = value;
      else
        throw srlif::InputError(flag, "unknown flag");
    }
    const srlif::SweepPlan plan = srlif::throughput_plan(workload);
    std::printf("workload: %llu neurons x %lld steps x %zu points = %.3g neuron-steps, scheme %s\n",
                static_cast<unsigned long long>(workload.neurons), static_cast<long long>(plan.steps),
                plan.points.size(), static_cast<double>(plan.neuron_steps()),
                srlif::scheme_name(workload.scheme));
    srlif::measure_all_backends(workload, [](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    });
  } catch (const srlif::InputError& error) {
    std::fprintf(stderr, "srlif_bench: error: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "srlif_bench: failed: %s\n", error.what());
    return 1;
  }
  return 0;
}
