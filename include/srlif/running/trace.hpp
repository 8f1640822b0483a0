// The membrane potential and input of one neuron over time (`srlif trace`),
// computed with exactly the engine's step and noise stream.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "srlif/planning/sweep_plan.hpp"

namespace srlif {

struct TraceSample {
  double time_ms;   // t_k
  float v_mv;       // v_k
  double input_pa;  // I_k = I_bias + A sin(2 pi f t_k) + sigma z_k / sqrt(dt)
  bool spike;       // a spike at t_k (emitted by step k-1)
};

// The K samples of neuron `neuron` at grid point 0 of the plan, in time order,
// each handed to `visit` as it is computed (memory does not grow with K).
void trace_neuron(const SweepPlan& plan, std::uint64_t neuron,
                  const std::function<void(const TraceSample&)>& visit);

// All of them, in memory.
std::vector<TraceSample> trace_neuron(const SweepPlan& plan, std::uint64_t neuron);

// The CSV: its header line, and one row per sample.
std::string trace_csv_header();
std::string trace_csv_row(const TraceSample& sample);
std::string trace_csv(const std::vector<TraceSample>& samples);

// Bytes of one CSV row at most (time, v and input as shortest round-trip numbers).
inline constexpr double kTraceRowBytes = 80.0;

}  // namespace srlif
