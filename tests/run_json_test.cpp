// run.json as nlohmann-json writes it: text that parses back to what was recorded, whatever bytes
// the user's command line holds.
#include "srlif/io/run_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace srlif {
namespace {

TEST(RunJson, CommandLineBytesThatAreNotUtf8AreReplacedNotFatal) {
  RunRecord record;
  record.command_line = std::string("srlif sweep --out /tmp/caf\xe9 \"quoted\"\t\x01");
  record.device = "CPU, 2 threads";
  const std::string text = run_json(test::reference_config({0.0, 30.0}, 10, 100.0), record);
  ASSERT_TRUE(nlohmann::ordered_json::accept(text)) << text;
  const auto json = nlohmann::ordered_json::parse(text);
  EXPECT_EQ(json["command_line"], "srlif sweep --out /tmp/caf\xef\xbf\xbd \"quoted\"\t\x01");
  EXPECT_EQ(json["execution"]["device"], "CPU, 2 threads");
}

TEST(RunJson, NumbersReadBackToTheSameDoubles) {
  SweepConfig config = test::reference_config({0.0, 0.1, 1e-7, 123456.789, 2.0 / 3.0}, 10, 100.0);
  config.grid[Axis::tau_m] = {10.0 / 3.0, 20.0};
  config.time.dt = 0.025;
  const auto json = nlohmann::ordered_json::parse(run_json(config, RunRecord{}));
  EXPECT_EQ(json["axes"]["sigma"].get<std::vector<double>>(), config.grid[Axis::sigma]);
  EXPECT_EQ(json["axes"]["tau_m"].get<std::vector<double>>(), config.grid[Axis::tau_m]);
  EXPECT_EQ(json["neuron"]["tau_m_ms"].get<std::vector<double>>(), config.grid[Axis::tau_m]);
  EXPECT_EQ(json["time"]["dt_ms"].get<double>(), 0.025);
  EXPECT_EQ(json["seed"].get<std::uint64_t>(), config.seed);
  EXPECT_EQ(json["grid_points"].get<std::uint64_t>(), config.grid.size());
}

TEST(RunJson, StudyRecordHasItsFacts) {
  RunRecord record;
  record.backend = "cpu";
  record.wall_seconds = 2.0;
  record.neuron_steps = 1000;
  const auto json =
      nlohmann::ordered_json::parse(study_run_json(StudyRunFacts{20, 7, 20000.0, Scheme::exact}, record));
  EXPECT_EQ(json["trials"], 20);
  EXPECT_EQ(json["seed"], 7);
  EXPECT_EQ(json["duration_ms"], 20000.0);
  EXPECT_EQ(json["scheme"], "exact");
  EXPECT_EQ(json["backend"], "cpu");
  EXPECT_EQ(json["neuron_steps_per_second"], 500.0);
}

}  // namespace
}  // namespace srlif
