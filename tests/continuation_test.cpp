// A run that stops inside a long segment goes on from the neurons' state at a
// chunk boundary (DESIGN.md section 3.3, issue 6): the backend's snapshot and
// start hooks, the scheduling of begun segments, and the checksummed state file.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <string>

#include "srlif/errors.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/state_file.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

// Two points of 70 neurons (ragged lane blocks) over 2503 steps (a ragged last block), in chunks of 400.
SweepConfig continuation_config(Scheme scheme) {
  SweepConfig config = test::reference_config({20.0, 45.0}, 70, 250.3);
  config.scheme = scheme;
  config.execution.chunk_steps = 400;
  config.execution.threads = 2;
  return config;
}

bool same_bits(const std::vector<PointTally>& a, const std::vector<PointTally>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(PointTally)) == 0;
}

TEST(Continuation, GoingOnFromASnapshotGivesTheBitsOfAnUnbrokenRun) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SweepConfig config = continuation_config(scheme);
    const auto backend = make_cpu_backend(2);
    const SweepPlan plan = make_plan(config);
    const std::vector<PointTally> unbroken = backend->run(plan, {}).tallies;
    for (const std::int64_t step : {400, 1200, 2400}) {
      const PopulationSnapshot state = test::snapshot_at(*backend, plan, step);
      ASSERT_EQ(state.next_step, step);
      ASSERT_EQ(state.v.size(), 2u * 70u);
      EXPECT_TRUE(same_bits(test::tallies_from(*backend, plan, state), unbroken))
          << scheme_name(scheme) << ", from step " << step;
      // The chunk length is not part of the result: going on in chunks of 12 gives the same bits.
      config.execution.chunk_steps = 12;
      EXPECT_TRUE(same_bits(test::tallies_from(*backend, make_plan(config), state), unbroken))
          << scheme_name(scheme) << ", from step " << step << " in chunks of 12";
      config.execution.chunk_steps = 400;
    }
  }
}

TEST(Continuation, TheSnapshotHoldsTheRunsState) {
  const SweepPlan plan = make_plan(continuation_config(Scheme::euler));
  const auto backend = make_cpu_backend(1);
  const PopulationSnapshot early = test::snapshot_at(*backend, plan, 400);
  const PopulationSnapshot late = test::snapshot_at(*backend, plan, 2400);
  std::uint64_t early_spikes = 0;
  std::uint64_t late_spikes = 0;
  for (std::size_t i = 0; i < early.spikes.size(); ++i) {
    early_spikes += early.spikes[i];
    late_spikes += late.spikes[i];
    EXPECT_LE(early.spikes[i], late.spikes[i]) << "neuron " << i;
  }
  // At about 20 Hz, 70 neurons spike some 56 times in 40 ms and 336 times in 240 ms.
  EXPECT_GT(early_spikes, 0u);
  EXPECT_GT(late_spikes, early_spikes);
  EXPECT_NE(std::memcmp(early.v.data(), late.v.data(), early.v.size() * sizeof(float)), 0);
}

TEST(Continuation, UnsuitableHooksAreRefused) {
  SweepConfig config = continuation_config(Scheme::euler);
  const auto backend = make_cpu_backend(1);
  const SweepPlan plan = make_plan(config);
  PopulationSnapshot state = test::snapshot_at(*backend, plan, 800);
  PopulationSnapshot off_block = state;
  off_block.next_step = 802;
  EXPECT_THROW(test::tallies_from(*backend, plan, off_block), std::logic_error);
  PopulationSnapshot past_end = state;
  past_end.next_step = plan.steps + 1;
  EXPECT_THROW(test::tallies_from(*backend, plan, past_end), std::logic_error);
  PopulationSnapshot short_state = state;
  short_state.v.pop_back();
  EXPECT_THROW(test::tallies_from(*backend, plan, short_state), std::logic_error);
  config.execution.batch_points = 1;  // two batches: a snapshot would hold only one
  EXPECT_THROW(test::tallies_from(*backend, make_plan(config), state), std::logic_error);
}

// run_points runs a begun segment from its state, first, and the rest as usual.
TEST(Continuation, RunPointsGoesOnWithBegunSegments) {
  SweepConfig config = continuation_config(Scheme::euler);
  config.grid[Axis::sigma] = {0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0};
  config.execution.batch_points = 2;
  const SweepPlan plan = make_plan(config);
  const auto backend = make_cpu_backend(2);
  std::vector<std::uint64_t> points{0, 1, 2, 3, 4, 5, 6};
  const std::vector<PointTally> unbroken = run_points(plan, {backend.get()}, points, {}, {});

  // The begun segment {3, 4, 5} (larger than --batch-points now), stopped at step 1600.
  SweepPlan begun_plan = plan;
  begun_plan.points = {plan.points[3], plan.points[4], plan.points[5]};
  begun_plan.batch_points = 3;
  const PopulationSnapshot state = test::snapshot_at(*backend, begun_plan, 1600);

  SegmentHooks hooks;
  hooks.started.push_back({{3, 4, 5}, &state});
  std::vector<std::vector<std::uint64_t>> order;
  hooks.on_segment = [&](const std::vector<std::uint64_t>& segment, const std::vector<PointTally>&,
                         const std::vector<SpectralReadout>&) { order.push_back(segment); };
  std::uint64_t last_progress = 0;
  const std::vector<PointTally> continued = run_points(
      plan, {backend.get()}, points, [&](std::uint64_t done) { last_progress = done; }, hooks);
  EXPECT_TRUE(same_bits(continued, unbroken));
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(order.front(), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_EQ(order.size(), 3u);  // {3,4,5}, then {0,1} and {2,6}
  // Progress counts what this run simulated: 3 points from step 1600, 4 from step 0.
  EXPECT_EQ(last_progress, (3 * static_cast<std::uint64_t>(plan.steps - 1600) + 4 * plan.steps) * 70);

  hooks.started.front().points = {3, 4, 7};  // a point that is not to be run
  EXPECT_THROW(run_points(plan, {backend.get()}, points, {}, hooks), std::logic_error);
}

// Snapshots are taken when the policy asks, each of the segment it belongs to.
TEST(Continuation, RunPointsAsksForSnapshotsAtChunkBoundaries) {
  SweepConfig config = continuation_config(Scheme::euler);
  config.grid[Axis::sigma] = {10.0, 20.0, 30.0};
  config.execution.batch_points = 2;
  const SweepPlan plan = make_plan(config);
  const auto backend = make_cpu_backend(1);
  SegmentHooks hooks;
  hooks.snapshot_due = [](double) { return true; };
  std::vector<std::pair<std::vector<std::uint64_t>, std::int64_t>> taken;
  hooks.on_snapshot = [&](const std::vector<std::uint64_t>& segment, const PopulationSnapshot& state) {
    EXPECT_EQ(state.v.size(), segment.size() * 70);
    taken.emplace_back(segment, state.next_step);
  };
  run_points(plan, {backend.get()}, {0, 1, 2}, {}, hooks);
  // Chunk boundaries 400 ... 2400 inside each of the segments {0, 1} and {2}.
  ASSERT_EQ(taken.size(), 12u);
  EXPECT_EQ(taken.front().first, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(taken.front().second, 400);
  EXPECT_EQ(taken[5].second, 2400);
  EXPECT_EQ(taken.back().first, (std::vector<std::uint64_t>{2}));
}

// Two workers: each segment's snapshots are its own (the hooks run under the scheduler's lock), and
// two begun segments go on, one per worker, to the unbroken bits.
TEST(Continuation, TwoWorkersSnapshotAndGoOnWithTheSameBits) {
  SweepConfig config = continuation_config(Scheme::exact);
  config.grid[Axis::sigma] = {10.0, 20.0, 30.0, 40.0, 50.0};
  config.execution.batch_points = 2;
  const SweepPlan plan = make_plan(config);
  const auto first = make_cpu_backend(1);
  const auto second = make_cpu_backend(1);
  const std::vector<std::uint64_t> points{0, 1, 2, 3, 4};
  const std::vector<PointTally> unbroken = run_points(plan, {first.get()}, points, {}, {});

  std::map<std::vector<std::uint64_t>, std::vector<PopulationSnapshot>> taken;
  SegmentHooks hooks;
  hooks.snapshot_due = [](double) { return true; };
  hooks.on_snapshot = [&](const std::vector<std::uint64_t>& segment, const PopulationSnapshot& state) {
    taken[segment].push_back(state);
  };
  EXPECT_TRUE(same_bits(run_points(plan, {first.get(), second.get()}, points, {}, hooks), unbroken));
  ASSERT_EQ(taken.size(), 3u);  // {0, 1}, {2, 3}, {4}
  for (const auto& [segment, states] : taken) {
    ASSERT_EQ(states.size(), 6u) << "chunk boundaries 400 ... 2400";
    for (std::size_t i = 0; i < states.size(); ++i) {
      EXPECT_EQ(states[i].next_step, 400 * static_cast<std::int64_t>(i + 1));
      EXPECT_EQ(states[i].v.size(), segment.size() * 70);
    }
  }

  SegmentHooks going_on;
  going_on.started.push_back({{0, 1}, &taken.at({0, 1})[1]});
  going_on.started.push_back({{4}, &taken.at({4})[4]});
  EXPECT_TRUE(same_bits(run_points(plan, {first.get(), second.get()}, points, {}, going_on), unbroken));
}

StateFile sample_state_file() {
  SweepConfig config = continuation_config(Scheme::exact);
  const SweepPlan plan = make_plan(config);
  const auto backend = make_cpu_backend(1);
  return StateFile{
      result_config_text(config), ShardSpec{2, 5}, {7, 8}, 70, test::snapshot_at(*backend, plan, 800)};
}

TEST(StateFile, ReadsBackEveryBit) {
  const StateFile file = sample_state_file();
  const std::string bytes = format_state_file(file);
  const StateFile back = parse_state_file(bytes, "state");
  EXPECT_EQ(back.config_text, file.config_text);
  EXPECT_EQ(back.shard, file.shard);
  EXPECT_EQ(back.points, file.points);
  EXPECT_EQ(back.neurons_per_point, 70u);
  EXPECT_EQ(back.state.next_step, 800);
  EXPECT_EQ(std::memcmp(back.state.v.data(), file.state.v.data(), file.state.v.size() * sizeof(float)), 0);
  EXPECT_EQ(back.state.refractory, file.state.refractory);
  EXPECT_EQ(back.state.spikes, file.state.spikes);
  EXPECT_EQ(back.state.cos_sum, file.state.cos_sum);
  EXPECT_EQ(back.state.sin_sum, file.state.sin_sum);
  EXPECT_EQ(format_state_file(back), bytes);
}

std::string refusal(const std::string& bytes) {
  try {
    parse_state_file(bytes, "state");
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

// Every damaged byte, and every truncation, is refused: the checksum covers the binary data too.
TEST(StateFile, EveryDamagedByteAndEveryTruncationIsRefused) {
  const std::string bytes = format_state_file(sample_state_file());
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
    ASSERT_NE(refusal(damaged), "") << "byte " << at << " changed";
  }
  for (std::size_t length = 0; length < bytes.size(); length += 7) {
    const std::string message = refusal(bytes.substr(0, length));
    ASSERT_NE(message.find("truncated"), std::string::npos) << length << " bytes: " << message;
  }
}

// A file whose checksum is right but whose header does not describe its data (written by
// something else) is refused too.
TEST(StateFile, AHeaderThatDoesNotFitTheDataIsRefused) {
  StateFile file = sample_state_file();
  file.neurons_per_point = 71;
  EXPECT_NE(refusal(format_state_file(file)).find("is not the state of 2 grid points x 71 neurons"),
            std::string::npos);
  file = sample_state_file();
  file.points = {8, 7};
  EXPECT_NE(refusal(format_state_file(file)).find("ascending"), std::string::npos);
  file.points = {};
  EXPECT_NE(refusal(format_state_file(file)).find("no grid points"), std::string::npos);
  file = sample_state_file();
  file.state.next_step = 6;
  EXPECT_NE(refusal(format_state_file(file)).find("multiple of 4"), std::string::npos);
}

}  // namespace
}  // namespace srlif
