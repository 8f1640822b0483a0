// Every neuron parameter is a sweep axis (issue 16): a sweep over one equals
// the separate runs with that flag set, in both schemes and noise modes; a
// sweep of one neuron writes the bytes it wrote before; the files gain a
// column only for an axis that varies; point-wise rules name the point's values.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/point_tables.hpp"
#include "srlif/io/population_output.hpp"
#include "srlif/io/run_json.hpp"
#include "srlif/planning/axes.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  return fields;
}

// The rows of a points.csv without the point index and without the column `drop` (if any).
std::vector<std::vector<std::string>> rows_without(const std::string& csv, const std::string& drop) {
  const std::vector<std::string> lines = test::lines_of(csv);
  const std::vector<std::string> header = fields_of(lines.at(0));
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> fields = fields_of(lines[i]);
    std::vector<std::string> kept;
    for (std::size_t c = 1; c < fields.size(); ++c) {
      if (header.at(c) != drop) kept.push_back(fields[c]);
    }
    rows.push_back(kept);
  }
  return rows;
}

// Three sigma, 72 neurons (nine lane blocks, the last partial), 600 ms: every axis changes spikes.
SweepConfig small_config(Scheme scheme, bool decorrelate) {
  SweepConfig config = test::reference_config({10.0, 25.0, 45.0}, 72, 600.0);
  config.scheme = scheme;
  config.decorrelate_points = decorrelate;
  return config;
}

struct AxisCase {
  Axis axis;
  std::vector<double> values;  // the reference neuron's value first
};

const std::vector<AxisCase>& axis_cases() {
  static const std::vector<AxisCase> cases = {
      {Axis::v_threshold, {-55.0, -53.5}}, {Axis::v_reset, {-75.0, -62.0}},   {Axis::e_leak, {-75.0, -71.0}},
      {Axis::v_init, {-75.0, -56.0}},      {Axis::tau_m, {10.0, 4.0, 21.0}},  {Axis::g_leak, {10.0, 8.5}},
      {Axis::t_ref, {2.0, 0.0, 6.3}},      {Axis::noise_tau, {0.0, 1.0, 5.0}}};
  return cases;
}

TEST(NeuronAxes, EveryParameterIsAnAxis) {
  std::size_t neuron_axes = 0;
  for (const AxisInfo& info : kAxes) neuron_axes += is_neuron_axis(info.axis) ? 1 : 0;
  EXPECT_EQ(neuron_axes, axis_cases().size()) << "a new neuron axis needs a case here";
}

// The axis sweep's rows equal those of one run per value (point index and the axis column
// aside), euler and exact, with common noise; with --decorrelate the points along the axis have
// noise of their own, so there they differ from the runs alone (whose streams depend on the
// input's values only, as before neuron parameters were axes).
TEST(NeuronAxes, ASweepEqualsTheSeparateRuns) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    for (const bool decorrelate : {false, true}) {
      for (const AxisCase& axis_case : axis_cases()) {
        const std::string name(axis_info(axis_case.axis).name);
        SCOPED_TRACE(std::string(scheme_name(scheme)) + (decorrelate ? ", decorrelated, " : ", common, ") +
                     name);
        SweepConfig swept = small_config(scheme, decorrelate);
        swept.grid[axis_case.axis] = axis_case.values;
        const std::string swept_csv = test::cpu_points_csv(swept);
        EXPECT_NE(test::lines_of(swept_csv).at(0).find(",frequency," + name + ",neurons,"), std::string::npos)
            << "the swept axis is a column after frequency: " << test::lines_of(swept_csv).at(0);
        const auto swept_rows = rows_without(swept_csv, name);
        ASSERT_EQ(swept_rows.size(), 3 * axis_case.values.size());
        std::vector<std::vector<std::string>> separate_rows;
        for (const double value : axis_case.values) {
          SweepConfig alone = small_config(scheme, decorrelate);
          alone.grid[axis_case.axis] = {value};
          const std::string alone_csv = test::cpu_points_csv(alone);
          EXPECT_EQ(test::lines_of(alone_csv).at(0).find(name), std::string::npos)
              << "a constant has no column";
          for (auto& row : rows_without(alone_csv, "")) separate_rows.push_back(row);
        }
        if (decorrelate) {
          // The reference value's points too: the swept axis enters every point's tag.
          EXPECT_NE(std::vector(swept_rows.begin(), swept_rows.begin() + 3),
                    std::vector(separate_rows.begin(), separate_rows.begin() + 3));
        } else {
          EXPECT_EQ(swept_rows, separate_rows);
        }
        // The values matter: the runs of the first and the last value differ.
        const std::size_t last = 3 * (axis_case.values.size() - 1);
        EXPECT_NE(swept_rows[1], swept_rows[last + 1]);
      }
    }
  }
}

// Several axes at once, with threads, chunks and batches that split the grid differently: the
// same bits, and each point equal to its own run.
TEST(NeuronAxes, SeveralAxesAndAnySplitGiveTheSameBits) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SweepConfig config = small_config(scheme, false);
    config.grid[Axis::tau_m] = {8.0, 12.0};
    config.grid[Axis::t_ref] = {0.0, 2.0};
    config.grid[Axis::v_threshold] = {-55.0, -54.0};
    config.grid[Axis::frequency] = {10.0, 23.0};
    const std::string reference = test::cpu_points_csv(config);
    for (const auto& [threads, chunk, batch] :
         {std::tuple{1, 4096, 0}, std::tuple{2, 12, 5}, std::tuple{2, 1000, 1}, std::tuple{1, 36, 7}}) {
      config.execution.threads = threads;
      config.execution.chunk_steps = chunk;
      config.execution.batch_points = batch;
      EXPECT_EQ(test::cpu_points_csv(config), reference)
          << scheme_name(scheme) << " threads " << threads << " chunk " << chunk << " batch " << batch;
    }
    // Grid point 45 = 3 + 6 + 12 + 24: sigma 10, frequency 23, v_th -54, tau_m 12, t_ref 2 (strides
    // 3, 6, 12, 24: sigma fastest, then the axes in kAxes' order).
    const GridPoint point = config.grid.point(45);
    ASSERT_EQ(point.sigma(), 10.0);
    ASSERT_EQ(point.frequency(), 23.0);
    ASSERT_EQ(point[Axis::v_threshold], -54.0);
    ASSERT_EQ(point[Axis::tau_m], 12.0);
    ASSERT_EQ(point[Axis::t_ref], 2.0);
    SweepConfig alone = small_config(scheme, false);
    alone.grid[Axis::sigma] = {point.sigma()};
    alone.grid[Axis::frequency] = {point.frequency()};
    alone.grid[Axis::tau_m] = {point[Axis::tau_m]};
    alone.grid[Axis::t_ref] = {point[Axis::t_ref]};
    alone.grid[Axis::v_threshold] = {point[Axis::v_threshold]};
    const auto all_rows = rows_without(reference, "");
    const auto alone_rows = rows_without(test::cpu_points_csv(alone), "");
    ASSERT_EQ(alone_rows.size(), 1u);
    std::vector<std::string> expected = all_rows.at(point.index);
    // The grid's row has the swept neuron columns (v_th, tau_m, t_ref after frequency); the run alone has
    // none.
    expected.erase(expected.begin() + 4, expected.begin() + 7);
    EXPECT_EQ(alone_rows[0], expected);
  }
}

// sigma_opt per slice over every other axis: optimum.csv has one row per (A, I, f, tau_m) and the
// tau_m column; the config text carries the axis and reads back.
TEST(NeuronAxes, OptimumPerSliceAndConfigText) {
  SweepConfig config = small_config(Scheme::euler, false);
  config.grid[Axis::sigma] = {0.0, 15.0, 30.0, 45.0, 60.0};
  config.grid[Axis::tau_m] = {6.0, 10.0, 14.0};
  const SweepPlan plan = make_plan(config);
  const auto backend = make_cpu_backend(0);
  const SweepResult result = run_sweep(plan, *backend, {});
  ASSERT_EQ(result.optima.size(), 3u);
  const std::string csv = optimum_csv(config.grid, result.metrics, result.optima, config.objective);
  const std::vector<std::string> lines = test::lines_of(csv);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("objective,amplitude,bias,frequency,tau_m,eligible_points,sigma_opt,", 0), 0u)
      << lines[0];
  EXPECT_EQ(lines[2].rfind("vs-valid,20,178,10,10,", 0), 0u) << lines[2];
  for (std::size_t slice = 0; slice < 3; ++slice) {
    EXPECT_EQ(result.optima[slice].slice, slice);
    if (result.optima[slice].found) {
      EXPECT_EQ(config.grid.point(result.optima[slice].point)[Axis::tau_m], config.grid[Axis::tau_m][slice]);
    }
  }

  const std::string text = result_config_text(config);
  EXPECT_NE(text.find("tau-m = \"6,10,14\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t-ref = 2\n"), std::string::npos) << "a constant stays a bare number: " << text;
  EXPECT_EQ(result_config_text(parse_result_config_text(text, "test")), text);
}

TEST(NeuronAxes, RunJsonListsTheSweptAxes) {
  SweepConfig config = small_config(Scheme::euler, false);
  config.grid[Axis::g_leak] = {9.0, 11.0};
  const auto json = nlohmann::ordered_json::parse(run_json(config, RunRecord{}));
  EXPECT_EQ(json["neuron"]["g_leak_nS"], (std::vector<double>{9.0, 11.0})) << json;
  EXPECT_EQ(json["neuron"]["tau_m_ms"], 10.0) << json;
  EXPECT_FALSE(json["neuron"].contains("noise_tau_ms")) << "white noise: " << json;
  // The file columns' axes in grid order: the input's four, then the swept g_leak.
  std::vector<std::string> axes;
  for (const auto& [name, values] : json["axes"].items()) axes.push_back(name);
  EXPECT_EQ(axes, (std::vector<std::string>{"sigma", "amplitude", "bias", "frequency", "g_leak"})) << json;
  EXPECT_EQ(json["axes"]["g_leak"], (std::vector<double>{9.0, 11.0})) << json;
}

// Readouts: each point's max V starts at its own V_init, and its margin is to its own V_th.
TEST(NeuronAxes, ReadoutsAreEachPointsOwn) {
  SweepConfig config = small_config(Scheme::euler, false);
  config.grid[Axis::sigma] = {0.0};
  config.grid[Axis::amplitude] = {0.0};
  config.grid[Axis::bias] = {100.0};  // mu = -65 mV: a noiseless membrane decays to it
  config.grid[Axis::v_init] = {-75.0, -58.0};
  config.grid[Axis::v_threshold] = {-55.0, -50.0};
  config.readouts.enabled = true;
  const SweepPlan plan = make_plan(config);
  const auto backend = make_cpu_backend(0);
  const SweepResult result = run_sweep(plan, *backend, {});
  ASSERT_EQ(result.metrics.size(), 4u);
  for (std::size_t index = 0; index < 4; ++index) {
    const GridPoint point = config.grid.point(index);
    const PopulationMeasures measures = population_measures(plan, result, index);
    // Below mu the membrane rises towards it (max -65 mV); above, it starts at its maximum.
    if (point[Axis::v_init] > -65.0) {
      EXPECT_EQ(measures.max_v_mv, static_cast<float>(point[Axis::v_init])) << index;
    } else {
      EXPECT_NEAR(measures.max_v_mv, -65.0, 0.01) << index;  // mV: 600 ms is 60 tau_m
    }
    EXPECT_EQ(measures.subthreshold_margin_mv, point[Axis::v_threshold] - measures.max_v_mv) << index;
    EXPECT_EQ(result.metrics[index].total_spikes, 0u);
  }
}

// Rules between parameters hold at every grid point; the message names the point's values.
TEST(NeuronAxes, PointwiseRulesNameTheValues) {
  SweepConfig config = small_config(Scheme::euler, false);
  config.grid[Axis::v_reset] = {-70.0, -54.0};
  config.grid[Axis::v_threshold] = {-50.0, -55.0};
  try {
    make_plan(config);
    FAIL() << "a point with V_reset above V_th was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.flag()), "--v-reset");
    EXPECT_NE(std::string(error.what()).find("must be below --v-th (-54 mV >= -55 mV)"), std::string::npos)
        << error.what();
  }
  config.grid[Axis::v_reset] = {-70.0};
  EXPECT_NO_THROW(make_plan(config));

  config.grid[Axis::tau_m] = {10.0, 0.05};
  try {
    make_plan(config);
    FAIL() << "a tau_m below dt was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.flag()), "--dt");
    EXPECT_NE(std::string(error.what()).find("(0.1 ms >= 0.05 ms"), std::string::npos) << error.what();
  }
  config.grid[Axis::tau_m] = {10.0, -1.0};
  EXPECT_THROW(make_plan(config), InputError);
  config.grid[Axis::tau_m] = {10.0};
  config.grid[Axis::t_ref] = {2.0, -0.5};
  try {
    make_plan(config);
    FAIL() << "a negative t_ref was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.flag()), "--t-ref");
    EXPECT_NE(std::string(error.what()).find("-0.5"), std::string::npos) << error.what();
  }
}

// The command line: the axis syntax on a neuron flag, its column, the table, exit 2 for a bad value.
TEST(NeuronAxes, CommandLine) {
  const std::string out = test::temporary_directory("neuron_axis_cli");
  const test::CommandResult run = test::run_srlif(
      "sweep --sigma 0:60:4 --tau-m 5:15:3 --v-th=-55,-54 --neurons 40 --duration 300 --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::vector<std::string> points = test::lines_of(test::read_file(out + "/points.csv"));
  ASSERT_EQ(points.size(), 1u + 4 * 3 * 2);
  EXPECT_EQ(points[0].rfind("point,sigma,amplitude,bias,frequency,v_th,tau_m,neurons,", 0), 0u) << points[0];
  // Point 4: sigma 0 and the second v_th at the first tau_m (v_th comes before tau_m in kAxes).
  EXPECT_EQ(points[5].rfind("4,0,20,178,10,-54,5,40,", 0), 0u) << points[5];
  EXPECT_NE(run.output.find("   v_th    tau_m"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find(" at A = 20 pA, I_bias = 178 pA, f = 10 Hz, v_th = -54 mV, tau_m = 15 ms: "),
            std::string::npos)
      << run.output;
  const std::vector<std::string> optimum = test::lines_of(test::read_file(out + "/optimum.csv"));
  EXPECT_EQ(optimum.size(), 1u + 3 * 2);

  const std::string bad = test::temporary_directory("neuron_axis_bad");
  for (const std::string arguments : {"--tau-m 10,0", "--g-leak 0:10:3", "--v-reset -70,-50", "--t-ref 2,2",
                                      "--e-leak 1e5", "--v-init nan"}) {
    const test::CommandResult refused =
        test::run_srlif("sweep --neurons 4 --duration 100 " + arguments + " --out " + bad);
    EXPECT_EQ(refused.exit_code, 2) << arguments << ": " << refused.output;
    const std::string flag = arguments.substr(0, arguments.find(' '));
    EXPECT_NE(refused.output.find(flag + ": "), std::string::npos) << arguments << ": " << refused.output;
    EXPECT_FALSE(std::filesystem::exists(bad)) << arguments;
  }
}

// theory over a neuron axis: a column for it, each row the Siegert rate of that neuron.
TEST(NeuronAxes, TheoryTakesTheAxesToo) {
  const test::CommandResult swept = test::run_srlif("theory --sigma 20 --bias 170 --tau-m 5,20 --t-ref 1,3");
  ASSERT_EQ(swept.exit_code, 0) << swept.output;
  const std::vector<std::string> rows = test::lines_of(swept.output);
  ASSERT_EQ(rows.size(), 5u) << swept.output;
  EXPECT_EQ(rows[0], "bias,sigma,tau_m,t_ref,mu_mv,sigma_v_mv,mean_v_mv,std_v_mv,rate_hz");
  const test::CommandResult alone = test::run_srlif("theory --sigma 20 --bias 170 --tau-m 20 --t-ref 3");
  ASSERT_EQ(alone.exit_code, 0) << alone.output;
  const std::vector<std::string> alone_rows = test::lines_of(alone.output);
  ASSERT_EQ(alone_rows.size(), 2u);
  // Row 4: tau_m 20, t_ref 3; the same measures as the run with those values alone.
  EXPECT_EQ(rows[4].substr(rows[4].find(",20,3,") + 6),
            alone_rows[1].substr(alone_rows[1].find("170,20,") + 7));
  EXPECT_NE(rows[1], rows[2]);
}

}  // namespace
}  // namespace srlif
