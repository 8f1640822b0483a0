// The CUDA backend's population readouts (phase histogram, PSTH, raster, max V
// and the measures derived from them) are byte-identical to the CPU's: on a GPU where one is
// usable, else through the SIMT emulator (cuda-sim, gpu_test_support.hpp).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "gpu_test_support.hpp"
#include "srlif/io/population_output.hpp"
#include "srlif/planning/grid.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

Files population_files_on(Backend& backend, const SweepConfig& config) {
  const SweepPlan plan = make_plan(config);
  const SweepResult result = run_sweep(plan, backend, {});
  return population_files(plan, result);
}

// 300 neurons (ragged blocks), 399.9 ms (a partial Philox block and a partial
// PSTH bin), two frequencies, sigma from subthreshold silence to strong noise,
// a raster of 20 neurons.
SweepConfig small_population() {
  SweepConfig config = test::reference_config({0.0, 15.0, 30.0, 60.0}, 300, 399.9);
  config.grid[Axis::frequency] = {7.0, 10.0};
  config.validity = {1, 400};
  config.readouts.enabled = true;
  config.readouts.phase_bins = 24;
  config.readouts.psth_bin_ms = 10.0;
  config.readouts.raster_neurons = 20;
  return config;
}

TEST(GpuReadouts, IdenticalToCpuAcrossChunks) {
  SweepConfig config = small_population();
  const auto cpu = make_cpu_backend(0);
  const auto cuda = test::gpu_backend();
  const Files reference = population_files_on(*cpu, config);
  ASSERT_EQ(reference.size(), 4u);
  for (std::int64_t chunk : {4, 4096}) {
    config.execution.chunk_steps = chunk;
    const Files files = population_files_on(*cuda, config);
    ASSERT_EQ(files.size(), reference.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
      EXPECT_EQ(files[i].first, reference[i].first);
      EXPECT_TRUE(files[i].second == reference[i].second)
          << files[i].first << " differs from the CPU's at chunk " << chunk;
    }
  }
}

TEST(GpuReadouts, IdenticalToCpuAcrossBatchesAndDecorrelatedPoints) {
  SweepConfig config = small_population();
  config.decorrelate_points = true;
  const auto cpu = make_cpu_backend(0);
  const auto cuda = test::gpu_backend();
  const Files reference = population_files_on(*cpu, config);
  for (std::int64_t batch : {1, 3}) {
    config.execution.batch_points = batch;
    EXPECT_TRUE(population_files_on(*cuda, config) == reference) << "batch " << batch;
  }
}

// Readouts of 63 shared points (21 sigmas x three values of `axis`: launches of widths 32 ... 1),
// both schemes, chunks shorter than the widest window, against the CPU's files.
void expect_readouts_in_every_width(Axis axis, const std::vector<double>& values) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SweepConfig config = small_population();
    config.neurons = 45;
    config.grid[Axis::sigma] = parse_axis("0:60:21", "--sigma");
    config.grid[Axis::frequency] = {10.0};
    config.grid[axis] = values;
    config.scheme = scheme;
    config.execution.chunk_steps = 36;
    const auto cpu = make_cpu_backend(0);
    const auto gpu = test::gpu_backend();
    EXPECT_TRUE(population_files_on(*gpu, config) == population_files_on(*cpu, config))
        << scheme_name(scheme) << " " << axis_info(axis).name;
  }
}

TEST(GpuReadouts, SharedNoiseIdenticalToCpuInEveryWidth) {
  expect_readouts_in_every_width(Axis::amplitude, {10.0, 20.0, 30.0});
}

// With coloured noise (white points among the coloured): the kernels of readouts and coloured
// noise together.
TEST(GpuReadouts, ColouredNoiseIdenticalToCpuInEveryWidth) {
  expect_readouts_in_every_width(Axis::noise_tau, {0.0, 1.0, 5.0});
}

// Readouts of a heterogeneous population.
TEST(GpuReadouts, HeterogeneousPopulationIdenticalToCpu) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SweepConfig config = small_population();
    config.scheme = scheme;
    config.grid[Axis::bias_spread] = {4.0};
    config.grid[Axis::v_threshold_spread] = {0.5};
    const auto cpu = make_cpu_backend(0);
    const auto cuda = test::gpu_backend();
    EXPECT_TRUE(population_files_on(*cuda, config) == population_files_on(*cpu, config))
        << scheme_name(scheme);
  }
}

// Readouts with neuron axes: each point's V_init starts its max V, its t_ref bounds its raster.
TEST(GpuReadouts, NeuronAxesIdenticalToCpu) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SweepConfig config = small_population();
    config.scheme = scheme;
    config.neurons = 45;
    config.grid[Axis::v_init] = {-75.0, -40.0};
    config.grid[Axis::t_ref] = {0.5, 3.0};
    config.grid[Axis::tau_m] = {7.0, 10.0};
    const auto cpu = make_cpu_backend(0);
    const auto cuda = test::gpu_backend();
    EXPECT_TRUE(population_files_on(*cuda, config) == population_files_on(*cpu, config))
        << scheme_name(scheme);
  }
}

// A warm-up (--warmup): both backends clear the same tallies at its end and take max V, the PSTH
// and the raster from there; a chunk cut at its end, white and coloured noise, a spread.
TEST(GpuReadouts, WarmUpIdenticalToCpu) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    for (const double noise_tau : {0.0, 2.0}) {
      SCOPED_TRACE(std::string(scheme_name(scheme)) + " noise_tau " + std::to_string(noise_tau));
      SweepConfig config = small_population();
      config.scheme = scheme;
      config.grid[Axis::noise_tau] = {noise_tau};
      config.grid[Axis::bias_spread] = {noise_tau > 0.0 ? 3.0 : 0.0};
      const auto cpu = make_cpu_backend(0);
      const auto cuda = test::gpu_backend();
      const Files without = population_files_on(*cpu, config);
      config.time.warmup = 60.1;  // 604 steps: inside the second chunk of 512
      config.execution.chunk_steps = 512;
      const Files reference = population_files_on(*cpu, config);
      EXPECT_FALSE(reference == without);  // the warm-up changed every measure's window
      EXPECT_TRUE(population_files_on(*cuda, config) == reference);
    }
  }
}

}  // namespace
}  // namespace srlif
