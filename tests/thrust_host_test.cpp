// The CUDA backend's Thrust code run here on the host, through Thrust's CPP system, the very code
// the device runs: its algorithms (kernels/device_population.hpp: the batch's initial
// state, its reduction to one tally per point) must give the CPU backend's bits, and its chunk
// table upload (chunk_table_upload.hpp) every table's words at its own pointer. (The GPU tests
// compare whole runs on a device; these run on any machine.)
#include <gtest/gtest.h>
#include <thrust/execution_policy.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "kernels/chunk_table_upload.hpp"
#include "kernels/device_population.hpp"
#include "kernels/sim_device.hpp"
#include "srlif/running/backend.hpp"
#include "srlif/running/backend_registry.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

// A snapshot's arrays (for_each_state_array's) as the device's population: host memory in the
// device's layout.
cuda::DevicePopulation arrays_of(PopulationSnapshot& state) {
  cuda::DevicePopulation arrays{};
  for_each_state_array([](auto& pointer, auto& array) { pointer = array.data(); }, arrays, state);
  return arrays;
}

// A small grid of 6 points with an odd number of neurons, white or coloured noise, with spikes
// enough that some neurons are valid and some not.
SweepConfig small_config(double noise_tau) {
  SweepConfig config = test::reference_config({0.0, 40.0, 80.0}, 37, 300.0);
  config.grid[Axis::amplitude] = {20.0, 60.0};
  config.grid[Axis::noise_tau] = {noise_tau};
  config.validity.min_spikes = 2;
  config.validity.max_spikes = 6;
  config.execution.chunk_steps = 1000;  // chunk boundaries inside the run, for snapshot_at
  return config;
}

class ThrustPopulation : public ::testing::TestWithParam<double> {};

TEST_P(ThrustPopulation, InitialStateIsTheCpuBackends) {
  const SweepPlan plan = make_plan(small_config(GetParam()));
  ASSERT_EQ(plan.coloured_noise, GetParam() > 0.0);
  const std::size_t points = plan.points.size();
  const std::uint64_t neurons = plan.config.neurons;
  const auto backend = make_cpu_backend(1);
  BackendResult result = make_backend_result(plan);
  const auto engine = backend->make_engine(plan);
  engine->load_batch(0, points, result);
  const PopulationSnapshot cpu = engine->take_snapshot(0);

  PopulationSnapshot host;  // every array filled with a wrong value first
  for_each_state_array([&](auto& array) { array.assign(points * neurons, 7); }, host);
  cuda::initialise_population(thrust::host, arrays_of(host), plan.points.data(), neurons, points * neurons,
                              plan.config.seed, plan.coloured_noise);
  int array_index = 0;  // in for_each_state_array's order: v, refractory, spikes, ...
  for_each_state_array(
      [&](const auto& mine, const auto& theirs) {
        ASSERT_EQ(mine.size(), theirs.size()) << "state array " << array_index;
        EXPECT_EQ(std::memcmp(mine.data(), theirs.data(), mine.size() * sizeof(mine[0])), 0)
            << "state array " << array_index << " differs in its bits";
        ++array_index;
      },
      host, cpu);
  EXPECT_EQ(array_index, static_cast<int>(kNeuronVarCount));
  if (plan.coloured_noise) {
    EXPECT_NE(host.noise_current.front(), host.noise_current.back()) << "each neuron draws its own current";
  }
}

TEST_P(ThrustPopulation, TalliesAreTheCpuBackendsOfTheSameState) {
  const SweepPlan plan = make_plan(small_config(GetParam()));
  const std::size_t points = plan.points.size();
  const std::uint64_t neurons = plan.config.neurons;
  const auto backend = make_cpu_backend(1);
  // A state part way through the run, with spikes.
  const PopulationSnapshot state = test::snapshot_at(*backend, plan, plan.config.time.steps() / 2);
  BackendResult cpu = make_backend_result(plan);
  const auto engine = backend->make_engine(plan);
  engine->load_batch(0, points, cpu);
  engine->restore_snapshot(state);
  engine->read_tallies();

  PopulationSnapshot host = state;
  std::vector<PointTally> tallies(points);
  cuda::reduce_point_tallies(thrust::host, arrays_of(host), neurons, points, plan.config.validity,
                             tallies.data());
  std::uint64_t valid = 0;
  std::uint64_t invalid = 0;
  for (std::size_t point = 0; point < points; ++point) {
    const PointTally& mine = tallies[point];
    const PointTally& theirs = cpu.tallies[point];
    EXPECT_EQ(mine.neurons, neurons) << "point " << point;
    EXPECT_EQ(mine.neurons, theirs.neurons) << "point " << point;
    EXPECT_EQ(mine.spikes, theirs.spikes) << "point " << point;
    EXPECT_EQ(mine.spikes_squared, theirs.spikes_squared) << "point " << point;
    EXPECT_EQ(mine.cos_sum, theirs.cos_sum) << "point " << point;
    EXPECT_EQ(mine.sin_sum, theirs.sin_sum) << "point " << point;
    EXPECT_EQ(mine.valid_neurons, theirs.valid_neurons) << "point " << point;
    EXPECT_EQ(mine.strength_sum, theirs.strength_sum) << "point " << point;
    EXPECT_EQ(mine.strength_squared_sum, theirs.strength_squared_sum) << "point " << point;
    valid += mine.valid_neurons;
    invalid += mine.neurons - mine.valid_neurons;
  }
  EXPECT_GT(valid, 0u) << "the validity rule must let some neurons in";
  EXPECT_GT(invalid, 0u) << "and keep some out";
  std::uint64_t spikes = 0;
  for (const std::uint32_t count : state.spikes) spikes += count;
  std::uint64_t tallied = 0;
  for (const PointTally& tally : tallies) tallied += tally.spikes;
  EXPECT_EQ(tallied, spikes);
  EXPECT_GT(spikes, 0u);
}

INSTANTIATE_TEST_SUITE_P(Noise, ThrustPopulation, ::testing::Values(0.0, 2.0),
                         [](const ::testing::TestParamInfo<double>& info) {
                           return info.param > 0.0 ? std::string("Coloured") : std::string("White");
                         });

// The words at a table's device pointer: the table's own, bit for bit.
template <typename T>
void expect_table_at(const T* device, const std::vector<T>& table, std::size_t alignment_base,
                     const char* name) {
  if (table.empty()) {
    EXPECT_EQ(device, nullptr) << name << ": a table the run has not is null";
    return;
  }
  ASSERT_NE(device, nullptr) << name;
  EXPECT_EQ(std::memcmp(device, table.data(), table.size() * sizeof(T)), 0) << name;
  const std::size_t offset = reinterpret_cast<std::uintptr_t>(device) - alignment_base;
  EXPECT_EQ(offset % (cuda::ChunkTableUpload<cuda::SimDevice>::kAlignWords * sizeof(std::uint32_t)), 0u) << name;
}

void expect_upload_holds(cuda::ChunkTableUpload<cuda::SimDevice>& upload, const ChunkTables& tables) {
  const cuda::DeviceChunkTables device = upload.upload(tables);
  EXPECT_EQ(device.length, tables.length);
  const auto base = reinterpret_cast<std::uintptr_t>(device.drive_sin);  // the first table, offset 0
  expect_table_at(device.drive_sin, tables.drive_sin, base, "drive_sin");
  expect_table_at(device.drive_cos, tables.drive_cos, base, "drive_cos");
  expect_table_at(device.phase_cos, tables.phase_cos, base, "phase_cos");
  expect_table_at(device.phase_sin, tables.phase_sin, base, "phase_sin");
  expect_table_at(device.phase_bin, tables.phase_bin, base, "phase_bin");
  expect_table_at(device.psth_bin, tables.psth_bin, base, "psth_bin");
}

// Every table of a chunk (two frequencies; with readouts and an exact tau_m spread, all six), the
// run's last short chunk after a whole one, and a plan with only the three tables of a plain run.
TEST(ThrustChunkTables, EveryTableAtItsOwnPointer) {
  SweepConfig config = small_config(0.0);
  config.scheme = Scheme::exact;
  config.grid[Axis::frequency] = {7.0, 10.0};
  config.grid[Axis::tau_m_spread] = {1.0};
  config.readouts.enabled = true;
  config.readouts.raster_neurons = 2;
  const SweepPlan full = make_plan(config);
  ASSERT_TRUE(full.drive_quadrature);
  ASSERT_GT(full.readout_layout.psth_bins, 0u);
  cuda::ChunkTableUpload<cuda::SimDevice> upload(full);
  const ChunkTables whole = make_chunk_tables(full, 0, full.chunk_steps);
  ASSERT_FALSE(whole.drive_cos.empty());
  ASSERT_FALSE(whole.phase_bin.empty());
  expect_upload_holds(upload, whole);
  expect_upload_holds(upload, make_chunk_tables(full, full.chunk_steps, 13));

  const SweepPlan plain = make_plan(small_config(0.0));
  cuda::ChunkTableUpload<cuda::SimDevice> plain_upload(plain);
  const ChunkTables tables = make_chunk_tables(plain, 0, plain.chunk_steps);
  ASSERT_TRUE(tables.drive_cos.empty() && tables.phase_bin.empty() && tables.psth_bin.empty());
  expect_upload_holds(plain_upload, tables);
  // A chunk longer than the plan's: refused, not written past the staging buffer.
  EXPECT_THROW(plain_upload.upload(make_chunk_tables(full, 0, full.chunk_steps)), std::logic_error);
}

}  // namespace
}  // namespace srlif
