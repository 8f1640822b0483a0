// The membrane potential and input of one neuron over time (`srlif trace`),
// computed with exactly the engine's step and noise stream.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "srlif/sweep_config.hpp"

namespace srlif {

struct TraceSample {
  double time_ms;   // t_k
  float v_mv;       // v_k
  double input_pa;  // I_k = I_bias + A sin(2 pi f t_k) + sigma z_k / sqrt(dt)
  bool spike;       // a spike at t_k (emitted by step k-1)
};

// All K samples of neuron `neuron` at grid point 0 of the plan.
std::vector<TraceSample> trace_neuron(const SweepPlan& plan, std::uint64_t neuron);

std::string trace_csv(const std::vector<TraceSample>& samples);

}  // namespace srlif
