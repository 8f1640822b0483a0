// The CUDA backend gives byte-identical points.csv to the CPU backend: on a GPU where one is
// usable, else through the SIMT emulator (cuda-sim, gpu_test_support.hpp).
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "gpu_test_support.hpp"
#include "srlif/io/point_tables.hpp"
#include "srlif/planning/grid.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

std::string gpu_points_csv(const SweepConfig& config) {
  const SweepPlan plan = make_plan(config);
  const auto backend = test::gpu_backend();
  const SweepResult result = run_sweep(plan, *backend, {});
  return points_csv(config.grid, config.neurons, result.metrics);
}

TEST(GpuBackend, IdenticalToCpuOnReferenceCurve) {
  SweepConfig config = test::reference_config({0.0, 10.0, 12.5, 20.0, 30.0, 45.0, 60.0}, 300, 500.0);
  config.grid[Axis::amplitude] = {10.0, 20.0};
  config.grid[Axis::bias] = {176.0, 178.0};
  EXPECT_EQ(gpu_points_csv(config), test::cpu_points_csv(config));
}

TEST(GpuBackend, IdenticalToCpuAcrossChunksBatchesAndNoiseModes) {
  SweepConfig config = test::reference_config({15.0, 40.0}, 300, 299.9);  // ragged blocks and steps
  config.grid[Axis::frequency] = {7.0, 10.0};
  config.validity = {1, 400};
  const std::string reference = test::cpu_points_csv(config);
  for (std::int64_t chunk : {4, 1000, 1 << 20}) {
    for (std::int64_t batch : {1, 3, 0}) {
      config.execution.chunk_steps = chunk;
      config.execution.batch_points = batch;
      EXPECT_EQ(gpu_points_csv(config), reference) << "chunk " << chunk << " batch " << batch;
    }
  }
  config.decorrelate_points = true;
  EXPECT_EQ(gpu_points_csv(config), test::cpu_points_csv(config));
}

// Several device workers (here two host threads on the first GPU, and every
// usable GPU) share the grid points as run_points schedules them: the same bits.
TEST(GpuBackend, DeviceWorkersShareTheGridWithTheSameBits) {
  SweepConfig config = test::reference_config({0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0}, 300, 299.9);
  config.grid[Axis::amplitude] = {10.0, 20.0};
  config.execution.batch_points = 2;
  const SweepPlan plan = make_plan(config);
  std::vector<std::uint64_t> points(plan.points.size());
  for (std::uint64_t i = 0; i < points.size(); ++i) points[i] = i;
  const auto cpu = make_cpu_backend(0);
  const std::vector<PointTally> expected = run_sweep(plan, *cpu, {}).tallies;
  const auto first = test::gpu_backend();
  const auto second = test::gpu_backend();
  const std::vector<PointTally> two_threads = run_points(plan, {first.get(), second.get()}, points, {}, {});
  ASSERT_EQ(two_threads.size(), expected.size());
  EXPECT_EQ(std::memcmp(two_threads.data(), expected.data(), expected.size() * sizeof(PointTally)), 0);
  std::vector<std::unique_ptr<Backend>> all = make_backends(test::gpu_backend_name(), 0, 0);
  std::vector<Backend*> workers;
  for (const auto& backend : all) workers.push_back(backend.get());
  const std::vector<PointTally> every_gpu = run_points(plan, workers, points, {}, {});
  EXPECT_EQ(std::memcmp(every_gpu.data(), expected.data(), expected.size() * sizeof(PointTally)), 0)
      << workers.size() << " GPUs";
}

template <typename T>
bool same_values(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// A run stopped inside a long segment goes on from its state at step `step` (a chunk boundary):
// the CUDA backend's state there equals the CPU's bit for bit, and each backend goes on from the
// other's state to the bits of an unbroken run.
void expect_snapshots_match(const SweepConfig& config, std::int64_t step) {
  const std::string scheme = scheme_name(config.scheme);
  const SweepPlan plan = make_plan(config);
  const auto cpu = make_cpu_backend(0);
  const auto cuda = test::gpu_backend();
  const std::vector<PointTally> unbroken = cpu->run(plan, {}).tallies;
  const PopulationSnapshot cpu_state = test::snapshot_at(*cpu, plan, step);
  const PopulationSnapshot cuda_state = test::snapshot_at(*cuda, plan, step);
  EXPECT_EQ(cuda_state.next_step, step);
  EXPECT_TRUE(same_values(cuda_state.v, cpu_state.v)) << scheme;
  EXPECT_TRUE(same_values(cuda_state.refractory, cpu_state.refractory)) << scheme;
  EXPECT_TRUE(same_values(cuda_state.spikes, cpu_state.spikes)) << scheme;
  EXPECT_TRUE(same_values(cuda_state.cos_sum, cpu_state.cos_sum)) << scheme;
  EXPECT_TRUE(same_values(cuda_state.sin_sum, cpu_state.sin_sum)) << scheme;
  EXPECT_TRUE(same_values(test::tallies_from(*cuda, plan, cpu_state), unbroken)) << scheme;
  EXPECT_TRUE(same_values(test::tallies_from(*cpu, plan, cuda_state), unbroken)) << scheme;
}

TEST(GpuBackend, SnapshotsAndContinuationsMatchTheCpu) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SweepConfig config = test::reference_config({20.0, 45.0}, 300, 250.3);  // ragged blocks and steps
    config.scheme = scheme;
    config.execution.chunk_steps = 400;
    expect_snapshots_match(config, 1200);
  }
}

// Scheme exact: the bridge uniforms come from the shared Philox on both sides.
TEST(GpuBackend, ExactSchemeIdenticalToCpu) {
  SweepConfig config = test::reference_config({0.0, 12.5, 30.0, 60.0}, 333, 299.9);
  config.scheme = Scheme::exact;
  config.grid[Axis::frequency] = {7.0, 10.0};
  config.validity = {1, 400};
  for (std::int64_t chunk : {4, 1000, 1 << 20}) {
    config.execution.chunk_steps = chunk;
    EXPECT_EQ(gpu_points_csv(config), test::cpu_points_csv(config)) << "chunk " << chunk;
  }
  config.decorrelate_points = true;
  EXPECT_EQ(gpu_points_csv(config), test::cpu_points_csv(config));
}

// Shared noise (noise_sharing.hpp) in every sharing width: 63 points are launches of width 32, 16,
// 8, 4, 2 and 1; a neuron count that fills no warp evenly, steps that end inside a Philox block,
// chunks shorter than a window and longer, two frequencies in one sharing group, both schemes.
TEST(GpuBackend, SharedNoiseIdenticalToCpuInEveryWidth) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SweepConfig config = test::reference_config({}, 45, 200.3);
    config.grid[Axis::sigma] = parse_axis("0:60:21", "--sigma");
    config.grid[Axis::amplitude] = {10.0, 20.0, 30.0};
    config.scheme = scheme;
    config.validity = {1, 400};
    const std::string reference = test::cpu_points_csv(config);
    for (std::int64_t chunk : {4, 36, 1000, 1 << 20}) {
      config.execution.chunk_steps = chunk;
      EXPECT_EQ(gpu_points_csv(config), reference) << scheme_name(scheme) << " chunk " << chunk;
    }
    config.execution.batch_points = 37;  // batches of 37 and 26 points: other widths
    EXPECT_EQ(gpu_points_csv(config), reference) << scheme_name(scheme) << " batches of 37";
    config.grid[Axis::frequency] = {7.0, 10.0};  // 126 points, half at each frequency, sharing noise
    config.execution.batch_points = 0;
    EXPECT_EQ(gpu_points_csv(config), test::cpu_points_csv(config))
        << scheme_name(scheme) << " two frequencies";
  }
}

// Every neuron parameter swept (issue 16): per-point constants, V_init and drive tables per
// (frequency, tau_m) for exact, in sharing groups whose points differ in their neuron; both
// schemes, both noise modes, chunks and batches that cut the grid differently.
TEST(GpuBackend, NeuronAxesIdenticalToCpu) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    for (const bool decorrelate : {false, true}) {
      SweepConfig config = test::reference_config({30.0}, 45, 100.3);
      config.scheme = scheme;
      config.decorrelate_points = decorrelate;
      config.validity = {1, 400};
      config.grid[Axis::frequency] = {7.0, 10.0};
      config.grid[Axis::v_threshold] = {-55.0, -54.0};
      config.grid[Axis::v_reset] = {-75.0, -65.0};
      config.grid[Axis::e_leak] = {-75.0, -72.0};
      config.grid[Axis::v_init] = {-75.0, -56.0};
      config.grid[Axis::tau_m] = {6.0, 10.0};
      config.grid[Axis::g_leak] = {10.0, 9.0};
      config.grid[Axis::t_ref] = {0.0, 2.0};
      const std::string reference = test::cpu_points_csv(config);
      for (const auto& [chunk, batch] : {std::pair<std::int64_t, std::int64_t>{4096, 0}, {36, 37}}) {
        config.execution.chunk_steps = chunk;
        config.execution.batch_points = batch;
        EXPECT_EQ(gpu_points_csv(config), reference)
            << scheme_name(scheme) << (decorrelate ? " decorrelated" : "") << " chunk " << chunk << " batch "
            << batch;
      }
    }
  }
}

// Heterogeneous populations (spreads): each thread's own coefficients, in shared-noise launches
// of every width, both schemes (with a tau_m spread: exact's drive quadrature), both spread
// shapes, a continuation.
TEST(GpuBackend, HeterogeneousPopulationsIdenticalToCpu) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    for (const SpreadShape shape : {SpreadShape::normal, SpreadShape::uniform}) {
      SweepConfig config = test::reference_config({}, 45, 150.3);
      config.grid[Axis::sigma] = parse_axis("0:60:21", "--sigma");
      config.grid[Axis::bias_spread] = {0.0, 2.0, 5.0};
      config.grid[Axis::v_threshold_spread] = {0.8};
      config.grid[Axis::tau_m_spread] = {1.0};
      config.scheme = scheme;
      config.spread_shape = shape;
      config.validity = {1, 400};
      const std::string reference = test::cpu_points_csv(config);
      for (std::int64_t chunk : {36, 1 << 20}) {
        config.execution.chunk_steps = chunk;
        EXPECT_EQ(gpu_points_csv(config), reference)
            << scheme_name(scheme) << " " << spread_shape_name(shape) << " chunk " << chunk;
      }
      config.decorrelate_points = true;
      EXPECT_EQ(gpu_points_csv(config), test::cpu_points_csv(config))
          << scheme_name(scheme) << " decorrelated";
    }
  }
}

// Coloured noise (issue 17): each thread's current, under exact its second normals shared like the
// first, in launches of every width (21 sigmas x 3 taus: 63 points); white points (noise_tau 0)
// among coloured ones, a spread, a continuation from a CPU snapshot.
TEST(GpuBackend, ColouredNoiseIdenticalToCpu) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SweepConfig config = test::reference_config({}, 45, 200.3);
    config.grid[Axis::sigma] = parse_axis("0:60:21", "--sigma");
    config.grid[Axis::noise_tau] = {0.0, 1.0, 5.0};
    config.scheme = scheme;
    config.validity = {1, 400};
    const std::string reference = test::cpu_points_csv(config);
    for (const auto& [chunk, batch] : {std::pair<std::int64_t, std::int64_t>{4096, 0}, {36, 5}}) {
      config.execution.chunk_steps = chunk;
      config.execution.batch_points = batch;
      EXPECT_EQ(gpu_points_csv(config), reference) << scheme_name(scheme) << " chunk " << chunk;
    }
    config.decorrelate_points = true;
    config.grid[Axis::bias_spread] = {2.0};
    EXPECT_EQ(gpu_points_csv(config), test::cpu_points_csv(config)) << scheme_name(scheme) << " spread";

    SweepConfig resumed = test::reference_config({20.0, 40.0}, 300, 300.0);
    resumed.scheme = scheme;
    resumed.grid[Axis::noise_tau] = {2.0};
    resumed.execution.chunk_steps = 400;
    const SweepPlan plan = make_plan(resumed);
    const auto cpu = make_cpu_backend(2);
    const auto gpu = test::gpu_backend();
    const PopulationSnapshot state = test::snapshot_at(*cpu, plan, 1200);
    const PopulationSnapshot device_state = test::snapshot_at(*gpu, plan, 1200);
    EXPECT_EQ(device_state.noise_current, state.noise_current) << scheme_name(scheme);
    EXPECT_EQ(device_state.v, state.v) << scheme_name(scheme);
    const std::vector<PointTally> on_cpu = test::tallies_from(*cpu, plan, state);
    const std::vector<PointTally> on_gpu = test::tallies_from(*gpu, plan, state);
    for (std::size_t i = 0; i < on_cpu.size(); ++i) {
      EXPECT_EQ(on_gpu[i].spikes, on_cpu[i].spikes);
      EXPECT_EQ(on_gpu[i].cos_sum, on_cpu[i].cos_sum);
    }
  }
}

// A state taken inside a segment of 25 shared points (widths 16, 8, 1) and continued.
TEST(GpuBackend, SharedNoiseSnapshotsMatchTheCpu) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SweepConfig config = test::reference_config({}, 70, 250.3);
    config.grid[Axis::sigma] = parse_axis("0:60:25", "--sigma");
    config.scheme = scheme;
    config.execution.chunk_steps = 404;  // not a multiple of any window of more than one block
    expect_snapshots_match(config, 1212);
  }
}

TEST(GpuBackend, CommandLineBackendsWriteIdenticalFiles) {
  const std::string cpu_dir = test::temporary_directory("gpu_cli_cpu");
  const std::string gpu_dir = test::temporary_directory("gpu_cli_cuda");
  const std::string common = " --sigma 0:60:13 --amplitude 5,20 --neurons 100 --duration 500 --quiet";
  ASSERT_EQ(test::run_srlif("sweep --backend cpu --out " + cpu_dir + common).exit_code, 0);
  ASSERT_EQ(
      test::run_srlif("sweep --backend " + test::gpu_backend_name() + " --out " + gpu_dir + common).exit_code,
      0);
  EXPECT_EQ(test::read_file(gpu_dir + "/points.csv"), test::read_file(cpu_dir + "/points.csv"));
  EXPECT_EQ(test::read_file(gpu_dir + "/optimum.csv"), test::read_file(cpu_dir + "/optimum.csv"));
}

// A sweep killed inside its segment (SIGKILL: no chance to save anything but the states already
// written) goes on from its state file on the GPU backend, and on the CPU backend from the GPU's
// state: the CPU's unbroken bytes both times. Shards run on the GPU backend merge into them too.
TEST(GpuBackend, KilledSweepResumesFromItsStateAndShardsMerge) {
  const int steps_ms = test::gpu_emulated() ? 20000 : 2000000;  // long enough to be killed mid-run
  const std::string options = " --sigma 0:60:5 --neurons 64 --duration " + std::to_string(steps_ms) +
                              " --chunk-steps 4000 --checkpoint-seconds 0 --quiet";
  const std::string reference = test::temporary_directory("gpu_resume_reference");
  ASSERT_EQ(test::run_srlif("sweep --backend cpu --out " + reference + options).exit_code, 0);
  const std::string state = "/checkpoint/state-000000000000.state";
  for (const std::string& resumed_on : {test::gpu_backend_name(), std::string("cpu")}) {
    const std::string out = test::temporary_directory("gpu_resume_on_" + resumed_on);
    const int pid =
        test::start_srlif("sweep --backend " + test::gpu_backend_name() + " --out " + out + options);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    int code = -1;
    while (!std::filesystem::exists(out + state) && !test::has_ended(pid, code) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(pid, SIGKILL);
    ASSERT_EQ(test::wait_for(pid), 128 + SIGKILL) << "the run must still be going when it is killed";
    ASSERT_TRUE(std::filesystem::exists(out + state));
    const test::CommandResult resumed =
        test::run_srlif("sweep --backend " + resumed_on + " --resume --out " + out + options);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    for (const char* file : {"/points.csv", "/optimum.csv", "/tallies.csv"})
      EXPECT_EQ(test::read_file(out + file), test::read_file(reference + file))
          << file << " resumed on " << resumed_on;
  }
  const std::string shards = " --sigma 0:60:5 --neurons 64 --duration 500 --quiet";
  const std::string whole = test::temporary_directory("gpu_shards_whole");
  ASSERT_EQ(test::run_srlif("sweep --backend cpu --out " + whole + shards).exit_code, 0);
  std::string folders;
  for (int shard = 1; shard <= 3; ++shard) {
    const std::string out = test::temporary_directory("gpu_shard_" + std::to_string(shard));
    ASSERT_EQ(test::run_srlif("sweep --backend " + test::gpu_backend_name() + " --shard " +
                              std::to_string(shard) + "/3 --out " + out + shards)
                  .exit_code,
              0);
    folders += " " + out;
  }
  const std::string merged = test::temporary_directory("gpu_shards_merged");
  ASSERT_EQ(test::run_srlif("merge --out " + merged + folders).exit_code, 0);
  for (const char* file : {"/points.csv", "/optimum.csv", "/tallies.csv"})
    EXPECT_EQ(test::read_file(merged + file), test::read_file(whole + file)) << file;
}

}  // namespace
}  // namespace srlif
