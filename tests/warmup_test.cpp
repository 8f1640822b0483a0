// `--warmup` (TimeGrid::warmup, SweepPlan::warmup_steps): W steps simulated from V_init and left
// out of every measure. Since a step's noise depends only on (seed, stream, step), the tallies of a
// run with a warm-up of W steps and K - 1 measured ones are exactly those of one run of W + K - 1
// steps less those of its first W (spike counts and phase sums are sums over spikes); a
// population's PSTH and raster start at t_W; the command line records the warm-up and refuses a
// bad one by name.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "srlif/io/config_text.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

constexpr double kDt = 0.1;  // ms, reference_config's

// A duration of exactly `steps` steps at dt 0.1 ms (K = steps + 1 samples).
double duration_of_steps(std::int64_t steps) { return (static_cast<double>(steps) + 0.5) * kDt; }

// The field of column `name` in the one data row of a CSV (lines_of).
std::string field(const std::vector<std::string>& lines, const std::string& name) {
  const auto split = [](const std::string& line) {
    std::vector<std::string> fields;
    std::size_t begin = 0;
    for (std::size_t comma; (comma = line.find(',', begin)) != std::string::npos; begin = comma + 1)
      fields.push_back(line.substr(begin, comma - begin));
    fields.push_back(line.substr(begin));
    return fields;
  };
  const std::vector<std::string> header = split(lines.at(0));
  const std::vector<std::string> row = split(lines.at(1));
  for (std::size_t i = 0; i < header.size() && i < row.size(); ++i)
    if (header[i] == name) return row[i];
  ADD_FAILURE() << "no column " << name;
  return {};
}

std::vector<PointTally> cpu_tallies(const SweepConfig& config) {
  const auto backend = make_cpu_backend(0);
  return run_sweep(make_plan(config), *backend, {}).tallies;
}

// The run's configurations: the reference neuron at three sigmas, A 20 pA, 101 neurons (a ragged
// lane block), with the variant's scheme, coloured noise or spread.
struct Variant {
  const char* name;
  Scheme scheme;
  double noise_tau;
  double bias_spread;
};

TEST(Warmup, MeasuresExactlyTheStepsAfterIt) {
  constexpr std::int64_t kWarmupSteps = 1204;    // 120.4 ms, a whole number of Philox blocks
  constexpr std::int64_t kMeasuredSteps = 2999;  // 299.9 ms: ends inside a Philox block
  for (const Variant& variant :
       {Variant{"euler", Scheme::euler, 0.0, 0.0}, Variant{"exact", Scheme::exact, 0.0, 0.0},
        Variant{"exact coloured", Scheme::exact, 3.0, 0.0},
        Variant{"euler with a bias spread", Scheme::euler, 0.0, 5.0}}) {
    SCOPED_TRACE(variant.name);
    SweepConfig config = test::reference_config({10.0, 40.0, 90.0}, 101, 0.0);
    config.scheme = variant.scheme;
    config.grid[Axis::noise_tau] = {variant.noise_tau};
    config.grid[Axis::bias_spread] = {variant.bias_spread};
    config.execution.chunk_steps = 256;  // the warm-up ends inside a chunk of 256: one is cut there

    SweepConfig whole = config;
    whole.time.duration = duration_of_steps(kWarmupSteps + kMeasuredSteps);
    SweepConfig first = config;
    first.time.duration = duration_of_steps(kWarmupSteps);
    SweepConfig warm = config;
    warm.time.duration = duration_of_steps(kMeasuredSteps);
    warm.time.warmup = static_cast<double>(kWarmupSteps) * kDt;
    ASSERT_EQ(make_plan(warm).warmup_steps, kWarmupSteps);
    ASSERT_EQ(make_plan(warm).steps, kWarmupSteps + kMeasuredSteps);

    const std::vector<PointTally> all = cpu_tallies(whole);
    const std::vector<PointTally> transient = cpu_tallies(first);
    const std::vector<PointTally> measured = cpu_tallies(warm);
    ASSERT_EQ(measured.size(), 3u);
    for (std::size_t point = 0; point < measured.size(); ++point) {
      SCOPED_TRACE(point);
      EXPECT_EQ(measured[point].neurons, 101u);
      EXPECT_EQ(measured[point].spikes, all[point].spikes - transient[point].spikes);
      EXPECT_EQ(measured[point].cos_sum, all[point].cos_sum - transient[point].cos_sum);
      EXPECT_EQ(measured[point].sin_sum, all[point].sin_sum - transient[point].sin_sum);
    }
    // The warm-up had spikes to leave out (the check could fail): at sigma 90 the transient fires.
    EXPECT_GT(transient[2].spikes, 0u);
    EXPECT_GT(measured[2].spikes, 0u);
  }
}

TEST(Warmup, ZeroIsTheRunWithout) {
  SweepConfig config = test::reference_config({20.0, 60.0}, 64, 300.0);
  SweepConfig zero = config;
  zero.time.warmup = 0.0;
  EXPECT_EQ(test::cpu_points_csv(zero), test::cpu_points_csv(config));
  EXPECT_EQ(result_config_text(zero), result_config_text(config));
  EXPECT_EQ(result_config_text(config).find("warmup"), std::string::npos);
  // A warm-up is part of what defines the result: its config text says it, and reads back.
  config.time.warmup = 50.0;
  const std::string text = result_config_text(config);
  EXPECT_NE(text.find("warmup = 50\n"), std::string::npos);
  EXPECT_EQ(parse_result_config_text(text, "test").time.warmup, 50.0);
  EXPECT_NE(test::cpu_points_csv(config), test::cpu_points_csv(zero));
}

TEST(Warmup, PopulationReadoutsStartAtItsEnd) {
  const std::string out = test::temporary_directory("warmup_population");
  const test::CommandResult run = test::run_srlif(
      "population --sigma 60 --neurons 50 --duration 200 --warmup 100 --psth 10 --raster 5 --seed 3 "
      "--min-spikes 0 --out " +
      out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto record = test::read_json(out + "/run.json");
  EXPECT_EQ(record["time"]["warmup_ms"], 100.0);
  EXPECT_EQ(record["time"]["warmup_steps"], 1000);
  EXPECT_EQ(record["time"]["duration_ms"], 200.0);
  // The PSTH: 20 bins of 10 ms from t_W = 100 ms, whose spikes are the population's.
  const std::vector<std::string> psth = test::lines_of(test::read_file(out + "/psth.csv"));
  ASSERT_EQ(psth.size(), 21u);
  EXPECT_NE(psth[1].find(",0,100,110,"), std::string::npos) << psth[1];
  EXPECT_NE(psth[20].find(",19,290,300,"), std::string::npos) << psth[20];
  std::uint64_t psth_spikes = 0;
  for (std::size_t i = 1; i < psth.size(); ++i) {
    const std::size_t comma = psth[i].rfind(',');
    const std::size_t before = psth[i].rfind(',', comma - 1);
    psth_spikes += std::stoull(psth[i].substr(before + 1, comma - before - 1));
  }
  const std::vector<std::string> population = test::lines_of(test::read_file(out + "/population.csv"));
  ASSERT_EQ(population.size(), 2u);
  EXPECT_GT(psth_spikes, 0u);
  EXPECT_EQ(std::to_string(psth_spikes), field(population, "total_spikes"));
  // Every raster spike lies in the measured window (100, 300] ms.
  const std::vector<std::string> raster = test::lines_of(test::read_file(out + "/raster.csv"));
  ASSERT_GT(raster.size(), 1u);
  for (std::size_t i = 1; i < raster.size(); ++i) {
    const double time = std::stod(raster[i].substr(raster[i].rfind(',') + 1));
    EXPECT_GT(time, 100.0) << raster[i];
    EXPECT_LE(time, 300.0) << raster[i];
  }
}

TEST(Warmup, BadValuesAreRefusedByName) {
  for (const char* value : {"-1", "nan", "1e20"}) {
    SCOPED_TRACE(value);
    const std::string out = test::temporary_directory("warmup_bad");
    const test::CommandResult run =
        test::run_srlif(std::string("sweep --sigma 20 --neurons 10 --duration 100 --warmup ") + value +
                        " --out " + out + "/run");
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("--warmup"), std::string::npos) << run.output;
    EXPECT_FALSE(std::filesystem::exists(out + "/run"));
  }
  // trace has no warm-up: its one neuron's whole time course is its output.
  const test::CommandResult trace = test::run_srlif("trace --sigma 20 --duration 10 --warmup 5 --out -");
  EXPECT_EQ(trace.exit_code, 2);
}

}  // namespace
}  // namespace srlif
