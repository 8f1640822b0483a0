// A sweep's memory holds only the points in flight (issue 6): its files are
// written as the points arrive (SweepWriter), from the checkpoint's parts in
// grid order, the plan holds no per-point coefficients, and the points to run
// are ranges cut into segments as they start. Each gives the bytes of the
// in-memory path.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "cli/summary_table.hpp"
#include "srlif/errors.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/point_tables.hpp"
#include "srlif/io/sweep_writer.hpp"
#include "srlif/io/tally_file.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/checkpoint.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

namespace fs = std::filesystem;

// Four unsorted sigma values (sigma_opt needs the axis order), 3 x 2 slices, an exact scheme.
SweepConfig streaming_config() {
  SweepConfig config = test::reference_config({45.0, 0.0, 20.0, 30.0}, 40, 1500.0);
  config.grid[Axis::amplitude] = {10.0, 20.0, 30.0};
  config.grid[Axis::bias] = {176.0, 178.0};
  config.scheme = Scheme::exact;
  config.validity = {1, 1000};
  return config;
}

std::vector<std::string> directory_names(const std::string& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(SweepWriter, WritesTheBytesOfTheWholeRunFormattedAtOnce) {
  const SweepConfig config = streaming_config();
  const SweepPlan plan = make_plan(config);
  const auto backend = make_cpu_backend(2);
  const SweepResult result = run_sweep(plan, *backend, {});
  const std::uint64_t points = plan.points.size();
  for (const ShardSpec shard : {ShardSpec{1, 1}, ShardSpec{2, 3}}) {
    const PointRange range = shard_points(shard, points);
    const std::string out =
        test::temporary_directory("sweep_writer_" + shard_text(shard).replace(1, 1, "of"));
    fs::create_directories(out);
    SweepWriter writer(out, config, shard, range);
    for (std::uint64_t point = range.first; point < range.end; ++point)
      writer.add(point, result.tallies[point]);
    writer.finish("{}\n");

    const std::vector<PointMetrics> metrics(result.metrics.begin() + static_cast<std::ptrdiff_t>(range.first),
                                            result.metrics.begin() + static_cast<std::ptrdiff_t>(range.end));
    EXPECT_EQ(test::read_file(out + "/points.csv"),
              points_csv(config.grid, config.neurons, metrics, range.first));
    TallyFile tallies{result_config_text(config), shard, {}, {}, {}};
    for (std::uint64_t point = range.first; point < range.end; ++point) {
      tallies.points.push_back(point);
      tallies.tallies.push_back(result.tallies[point]);
    }
    EXPECT_EQ(test::read_file(out + "/tallies.csv"), format_tally_file(tallies));
    EXPECT_EQ(test::read_file(out + "/run.json"), "{}\n");
    if (shard.count == 1) {
      EXPECT_EQ(test::read_file(out + "/optimum.csv"),
                optimum_csv(config.grid, result.metrics, result.optima, config.objective));
      EXPECT_EQ(cli::summary_table(config, writer.summary()),
                cli::summary_table(config, summarise(config, result)));
      EXPECT_NE(cli::summary_table(config, writer.summary()).find("sigma_opt[vs-valid] = "),
                std::string::npos);
    } else {
      EXPECT_FALSE(fs::exists(out + "/optimum.csv")) << "a shard has no optimum.csv";
    }
    EXPECT_EQ(directory_names(out).size(), shard.count == 1 ? 4u : 3u) << "no temporaries are left";
  }
}

TEST(SweepWriter, PointsOutOfOrderOrMissingAreRefusedAndNothingIsLeft) {
  const SweepConfig config = streaming_config();
  const std::string out = test::temporary_directory("sweep_writer_refused");
  fs::create_directories(out);
  {
    SweepWriter writer(out, config, ShardSpec{}, PointRange{0, 24});
    writer.add(0, PointTally{});
    EXPECT_THROW(writer.add(2, PointTally{}), std::logic_error);
    EXPECT_THROW(writer.finish("{}\n"), std::logic_error);
  }
  EXPECT_TRUE(directory_names(out).empty()) << "an unfinished writer removes its temporary files";
}

TEST(PlanPoints, CoefficientsOnDemandEqualThoseOfTheWholePlan) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    for (const bool decorrelate : {false, true}) {
      SweepConfig config = streaming_config();
      config.scheme = scheme;
      config.decorrelate_points = decorrelate;
      config.grid[Axis::frequency] = {7.0, 10.0};
      const SweepPlan whole = make_plan(config);
      const SweepPlan lean = make_plan(config, PlanPoints::none);
      EXPECT_TRUE(lean.points.empty());
      for (std::size_t i = 0; i < whole.points.size(); ++i) {
        const PointCoefficients on_demand = point_coefficients(lean, i);
        ASSERT_EQ(std::memcmp(&on_demand, &whole.points[i], sizeof(PointCoefficients)), 0) << "point " << i;
      }
    }
  }
}

TEST(RunPointRanges, RangesOnALeanPlanGiveTheBitsOfTheWholePlan) {
  SweepConfig config = streaming_config();
  config.execution.batch_points = 3;
  const SweepPlan whole = make_plan(config);
  const SweepPlan lean = make_plan(config, PlanPoints::none);
  const auto first = make_cpu_backend(1);
  const auto second = make_cpu_backend(1);
  const std::vector<std::uint64_t> points{0, 1, 2, 3, 5, 6, 7, 8, 9, 20, 23};
  const std::vector<PointTally> expected = run_points(whole, {first.get()}, points, {}, {});
  for (const std::vector<Backend*>& workers :
       {std::vector<Backend*>{first.get()}, std::vector<Backend*>{first.get(), second.get()}}) {
    std::vector<PointTally> tallies(24);
    std::vector<int> times(24, 0);
    SegmentHooks hooks;
    hooks.on_segment = [&](const std::vector<std::uint64_t>& segment, const std::vector<PointTally>& results,
                           const std::vector<SpectralReadout>&) {
      EXPECT_LE(segment.size(), 3u);
      for (std::size_t i = 0; i < segment.size(); ++i) {
        tallies[segment[i]] = results[i];
        ++times[segment[i]];
      }
    };
    run_point_ranges(lean, workers, {{0, 4}, {5, 10}, {20, 21}, {23, 24}}, {}, hooks);
    for (std::size_t i = 0; i < points.size(); ++i) {
      EXPECT_EQ(times[points[i]], 1) << "point " << points[i];
      EXPECT_EQ(std::memcmp(&tallies[points[i]], &expected[i], sizeof(PointTally)), 0)
          << "point " << points[i];
    }
    EXPECT_EQ(times[4] + times[10] + times[22], 0) << "points outside the ranges are not run";
  }
}

PointTally tally_of(std::uint64_t point) {
  PointTally tally{};
  tally.neurons = 40;
  tally.spikes = 1000 + point;
  tally.spikes_squared = (tally.spikes * tally.spikes + 39) / 40;  // possible counts for 40 neurons
  tally.cos_sum = -static_cast<std::int64_t>(point);
  return tally;
}

// Parts written in any order, and interleaved (as several workers leave them), are read back in
// grid order; a point that no part holds is an error, not a gap.
TEST(CheckpointParts, AreReadBackInGridOrderFromInterleavedParts) {
  const std::string out = test::temporary_directory("checkpoint_interleaved");
  fs::create_directories(out);
  const std::string config_text = result_config_text(streaming_config());
  {
    Checkpoint checkpoint(out, config_text, ShardSpec{}, PointRange{0, 10}, false, 0.0);
    checkpoint.save({6, 7, 8, 9}, {tally_of(6), tally_of(7), tally_of(8), tally_of(9)});
    checkpoint.save({0, 2, 4}, {tally_of(0), tally_of(2), tally_of(4)});
    checkpoint.save({1, 3, 5}, {tally_of(1), tally_of(3), tally_of(5)});
    EXPECT_EQ(checkpoint.finished_count(), 10u);
  }
  Checkpoint resumed(out, config_text, ShardSpec{}, PointRange{0, 10}, true, 0.0);
  EXPECT_EQ(resumed.finished_count(), 10u);
  std::vector<std::uint64_t> order;
  resumed.read_finished([&](std::uint64_t point, const PointTally& tally, const SpectralReadout* spectrum) {
    EXPECT_EQ(spectrum, nullptr);
    order.push_back(point);
    EXPECT_EQ(tally.spikes, 1000 + point);
  });
  EXPECT_EQ(order, (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));

  Checkpoint wider(out, config_text, ShardSpec{}, PointRange{0, 11}, true, 0.0);
  EXPECT_FALSE(wider.finished(10));
  EXPECT_THROW(wider.read_finished([](std::uint64_t, const PointTally&, const SpectralReadout*) {}),
               InputError);
  EXPECT_THROW(Checkpoint(out, config_text, ShardSpec{}, PointRange{0, 9}, true, 0.0), InputError)
      << "a part that holds a point outside the run is corrupt";
}

// However long the interval, 2^16 gathered points are written: memory does not grow with the grid.
TEST(CheckpointParts, ManyGatheredPointsAreWrittenBeforeTheInterval) {
  const std::string out = test::temporary_directory("checkpoint_many");
  fs::create_directories(out);
  constexpr std::uint64_t kPoints = (1u << 16) + 5;
  Checkpoint checkpoint(out, result_config_text(streaming_config()), ShardSpec{}, PointRange{0, kPoints},
                        false, 1e6);
  std::vector<std::uint64_t> points;
  std::vector<PointTally> tallies;
  for (std::uint64_t point = 0; point < (1u << 16) - 1; ++point) {
    points.push_back(point);
    tallies.push_back(tally_of(point));
  }
  checkpoint.save(points, tallies);
  EXPECT_FALSE(fs::exists(out + "/checkpoint")) << "below 2^16 points, the interval decides";
  checkpoint.save({kPoints - 1}, {tally_of(kPoints - 1)});
  EXPECT_TRUE(fs::exists(out + "/checkpoint/part-000000000000.tallies"));
}

}  // namespace
}  // namespace srlif
