// The one batch/chunk/snapshot loop (Backend::run, running/backend.cpp) and
// the interface it drives (BatchEngine): a recording engine shows that every
// batch of plan.batch_points points goes through every chunk of
// plan.chunk_steps steps, in order, with the chunk's tables, that progress and
// snapshots come between chunks, and that a start state is restored before the
// first chunk, and that a warm-up ends on a chunk boundary with start_measuring, before the
// snapshot there. What a backend is asked to do is all there is to a backend.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "srlif/planning/drive_tables.hpp"
#include "srlif/running/backend.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

// Writes each call into a log; its "tallies" count the chunks of each point.
class RecordingEngine final : public BatchEngine {
 public:
  explicit RecordingEngine(std::vector<std::string>& log) : log_(log) {}
  void load_batch(std::size_t first_point, std::size_t point_count, BackendResult& result) override {
    first_ = first_point;
    count_ = point_count;
    result_ = &result;
    log_.push_back("load " + std::to_string(first_point) + " " + std::to_string(point_count));
  }
  void restore_snapshot(const PopulationSnapshot& snapshot) override {
    log_.push_back("restore " + std::to_string(snapshot.next_step));
  }
  void advance_chunk(const ChunkTables& tables) override {
    log_.push_back("advance " + std::to_string(tables.first_step) + " " + std::to_string(tables.length) +
                   " tables " + std::to_string(tables.drive_sin.size()));
    ++chunks_;
  }
  void start_measuring() override { log_.emplace_back("start measuring"); }
  PopulationSnapshot take_snapshot(std::int64_t next_step) override {
    log_.push_back("snapshot " + std::to_string(next_step));
    PopulationSnapshot snapshot;
    snapshot.next_step = next_step;
    return snapshot;
  }
  void read_tallies() override {
    log_.push_back("read");
    for (std::size_t i = first_; i < first_ + count_; ++i) result_->tallies[i].neurons = chunks_;
    chunks_ = 0;
  }

 private:
  std::vector<std::string>& log_;
  std::size_t first_ = 0;
  std::size_t count_ = 0;
  std::uint64_t chunks_ = 0;
  BackendResult* result_ = nullptr;
};

class RecordingBackend final : public Backend {
 public:
  std::string name() const override { return "recording"; }
  std::string device() const override { return "test"; }
  std::unique_ptr<BatchEngine> make_engine(const SweepPlan&) override {
    ++engines;
    return std::make_unique<RecordingEngine>(log);
  }
  std::vector<std::string> log;
  int engines = 0;
};

// 5 points of 3 neurons; 1000 steps (K = 1001 samples, 100.1 ms at dt = 0.1 ms) in chunks of 400.
SweepPlan five_point_plan(std::int64_t batch_points) {
  SweepConfig config = test::reference_config({0, 10, 20, 30, 40}, 3, 100.1);
  config.execution.batch_points = batch_points;
  config.execution.chunk_steps = 400;
  return make_plan(config);
}

TEST(BatchLoop, EveryBatchGoesThroughEveryChunkInOrder) {
  const SweepPlan plan = five_point_plan(2);
  ASSERT_EQ(plan.steps, 1000);
  ASSERT_EQ(plan.chunk_steps, 400);
  ASSERT_EQ(plan.drive_tables.size(), 1u);
  RecordingBackend backend;
  std::vector<std::uint64_t> progress;
  const BackendResult result = backend.run(plan, [&](std::uint64_t done) { progress.push_back(done); });
  const std::vector<std::string> one_batch_chunks = {"advance 0 400 tables 400", "advance 400 400 tables 400",
                                                     "advance 800 200 tables 200", "read"};
  std::vector<std::string> expected;
  for (const char* load : {"load 0 2", "load 2 2", "load 4 1"}) {
    expected.emplace_back(load);
    expected.insert(expected.end(), one_batch_chunks.begin(), one_batch_chunks.end());
  }
  EXPECT_EQ(backend.log, expected);
  EXPECT_EQ(backend.engines, 1);  // one engine, with the memory of one batch, for the whole run
  // Neuron-steps after each chunk: 2 points x 3 neurons, then again, then 1 point x 3 neurons.
  const std::vector<std::uint64_t> expected_progress = {2400,  4800,  6000,  8400, 10800,
                                                        12000, 13200, 14400, 15000};
  EXPECT_EQ(progress, expected_progress);
  ASSERT_EQ(result.tallies.size(), 5u);
  for (const PointTally& tally : result.tallies) EXPECT_EQ(tally.neurons, 3u);  // every point saw 3 chunks
}

TEST(BatchLoop, AStartStateIsRestoredAndSnapshotsComeBetweenChunks) {
  const SweepPlan plan = five_point_plan(5);
  PopulationSnapshot start;
  start.next_step = 400;
  for_each_state_array([](auto& array) { array.resize(15); }, start);
  ChunkHooks hooks;
  hooks.start = &start;
  std::vector<std::int64_t> asked;
  hooks.snapshot_due = [&](std::int64_t next_step) {
    asked.push_back(next_step);
    return true;
  };
  std::vector<std::int64_t> given;
  hooks.on_snapshot = [&](const PopulationSnapshot& snapshot) { given.push_back(snapshot.next_step); };
  RecordingBackend backend;
  backend.run(plan, {}, hooks);
  const std::vector<std::string> expected = {
      "load 0 5", "restore 400", "advance 400 400 tables 400", "snapshot 800", "advance 800 200 tables 200",
      "read"};
  EXPECT_EQ(backend.log, expected);
  EXPECT_EQ(asked, std::vector<std::int64_t>{800});  // never after the last chunk
  EXPECT_EQ(given, std::vector<std::int64_t>{800});
}

TEST(BatchLoop, AWarmUpEndsOnAChunkBoundaryWhereMeasuringStarts) {
  SweepConfig config = test::reference_config({0, 10}, 3, 100.1);
  config.execution.chunk_steps = 400;
  config.time.warmup = 50.1;  // 501 steps, rounded up to 504 (a whole Philox block)
  config.readouts = sweep_spectrum_readouts(10.0);
  const SweepPlan plan = make_plan(config);
  ASSERT_EQ(plan.warmup_steps, 504);
  ASSERT_EQ(plan.steps, 1504);
  RecordingBackend backend;
  backend.run(plan, {});
  const std::vector<std::string> expected = {"load 0 2",
                                             "advance 0 400 tables 400",
                                             "advance 400 104 tables 104",
                                             "start measuring",
                                             "advance 504 400 tables 400",
                                             "advance 904 400 tables 400",
                                             "advance 1304 200 tables 200",
                                             "read"};
  EXPECT_EQ(backend.log, expected);
  // The warm-up's chunks record no readouts and have no bin tables; the measured ones count
  // their PSTH from the warm-up's end.
  EXPECT_FALSE(make_chunk_tables(plan, 400, 104).readouts);
  EXPECT_TRUE(make_chunk_tables(plan, 400, 104).psth_bin.empty());
  const ChunkTables measured = make_chunk_tables(plan, 504, 400);
  EXPECT_TRUE(measured.readouts);
  EXPECT_EQ(measured.psth_bin[0], 0);   // a spike at t_505, 0.1 ms into the window
  EXPECT_EQ(measured.psth_bin[99], 1);  // at t_604: 10 ms in, the second bin
  EXPECT_THROW(make_chunk_tables(plan, 500, 8), std::logic_error);  // across the warm-up's end

  // A snapshot due at the warm-up's end comes after start_measuring: resumed there, a run measures.
  ChunkHooks hooks;
  hooks.snapshot_due = [](std::int64_t next_step) { return next_step == 504; };
  std::vector<std::int64_t> given;
  hooks.on_snapshot = [&](const PopulationSnapshot& snapshot) { given.push_back(snapshot.next_step); };
  config.readouts = ReadoutConfig{};
  RecordingBackend hooked;
  hooked.run(make_plan(config), {}, hooks);
  ASSERT_GE(hooked.log.size(), 5u);
  EXPECT_EQ(hooked.log[3], "start measuring");
  EXPECT_EQ(hooked.log[4], "snapshot 504");
  EXPECT_EQ(given, std::vector<std::int64_t>{504});
}

TEST(BatchLoop, HooksThatDoNotSuitThePlanAreRefusedBeforeAnyWork) {
  const SweepPlan plan = five_point_plan(2);  // three batches: no snapshots
  ChunkHooks hooks;
  hooks.snapshot_due = [](std::int64_t) { return true; };
  hooks.on_snapshot = [](const PopulationSnapshot&) {};
  RecordingBackend backend;
  EXPECT_THROW(backend.run(plan, {}, hooks), std::logic_error);
  EXPECT_TRUE(backend.log.empty());
  EXPECT_EQ(backend.engines, 0);
}

}  // namespace
}  // namespace srlif
