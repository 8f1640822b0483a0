// Hostile input (issue 6): every numeric flag of every command refuses NaN,
// infinities, huge values and integers that do not fit, with exit code 2, a
// message naming the flag, and no output; output that would not fit on disk is
// refused before any work, with the estimate.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/io/staged_files.hpp"
#include "srlif/planning/axes.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

namespace fs = std::filesystem;

// The numeric flags of a command, and its axes, read from its --help, so that a flag added later is
// covered too.
std::vector<std::string> numeric_flags(const std::string& command) {
  const std::string help = test::run_srlif(command + " --help").output;
  std::vector<std::string> flags;
  std::string axes;  // every axis flag (axes.hpp): sigma|amplitude|...|t-ref
  for (const AxisInfo& info : kAxes) axes += (axes.empty() ? "" : "|") + std::string(info.flag.substr(2));
  const std::regex option(R"(\n\s+(--[a-z-]+) (FLOAT|INT|UINT)|\n\s+(--()" + axes + R"()) TEXT)");
  for (std::sregex_iterator it(help.begin(), help.end(), option), end; it != end; ++it) {
    flags.push_back((*it)[1].matched ? (*it)[1] : (*it)[3]);
  }
  return flags;
}

// Flags that keep a command's run tiny, minus the one under test.
std::string small_run(const std::string& command, const std::string& flag) {
  std::vector<std::pair<std::string, std::string>> base;
  if (command == "bench") {
    base = {{"--neurons", "10"}, {"--steps", "100"}, {"--backend", "cpu"}};
  } else if (command == "reproduce") {
    base = {{"--trials", "2"}, {"--no-figures", ""}, {"--no-theory", ""}};
  } else if (command == "trace") {
    base = {{"--duration", "200"}, {"--sigma", "10"}};
  } else if (command != "theory") {
    base = {{"--neurons", "4"}, {"--duration", "200"}, {"--sigma", "10"}};
  }
  std::string arguments;
  for (const auto& [name, value] : base) {
    if (name != flag) arguments += " " + name + (value.empty() ? "" : " " + value);
  }
  return arguments;
}

TEST(HostileInput, EveryNumericFlagRefusesNanInfinityAndHugeValues) {
  const char* const bad_values[] = {"nan",
                                    "inf",
                                    "-inf",
                                    "1e308",
                                    "-1e308",
                                    "1e999",
                                    "99999999999999999999999",
                                    "-99999999999999999999999"};
  int checked = 0;
  for (const std::string command : {"sweep", "population", "trace", "theory", "reproduce", "bench"}) {
    const std::vector<std::string> flags = numeric_flags(command);
    EXPECT_GE(flags.size(), command == "bench" ? 4u : 3u) << command << ": --help lists no numeric flags?";
    for (const std::string& flag : flags) {
      for (const char* value : bad_values) {
        const std::string out = test::temporary_directory("hostile_out");
        const std::string out_flag = command == "bench" ? "" : " --out " + out;
        const test::CommandResult result =
            test::run_srlif(command + small_run(command, flag) + " " + flag + " " + value + out_flag);
        EXPECT_EQ(result.exit_code, 2) << command << " " << flag << " " << value << ": " << result.output;
        EXPECT_NE(result.output.find(flag), std::string::npos)
            << command << " " << flag << " " << value
            << ": the message must name the flag: " << result.output;
        EXPECT_FALSE(fs::exists(out)) << command << " " << flag << " " << value << " left output";
        ++checked;
      }
    }
  }
  // trace offers no --neurons, --min-spikes, --max-spikes, --backend, --threads, --batch-points.
  EXPECT_GE(checked, 8 * 78) << "64 numeric flags and 14 axes in all";
}

TEST(HostileInput, IntegersThatDoNotFitAreRefusedInConfigFilesToo) {
  const std::string base = test::temporary_directory("hostile_config");
  fs::create_directories(base);
  const std::string config = base + "/run.toml";
  test::CommandResult result;
  {
    std::ofstream(config) << "seed = 99999999999999999999999\n";
    result = test::run_srlif("sweep --neurons 4 --duration 200 --sigma 10 --config " + config + " --out " +
                             base + "/out");
  }
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("srlif: error: --seed: "), std::string::npos) << result.output;
  {
    std::ofstream(config) << "v-th = nan\n";
    result = test::run_srlif("sweep --neurons 4 --duration 200 --sigma 10 --config " + config + " --out " +
                             base + "/out");
  }
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("srlif: error: --v-th: "), std::string::npos) << result.output;
  EXPECT_FALSE(fs::exists(base + "/out"));
}

TEST(HostileInput, OutputThatWouldNotFitOnDiskIsRefusedWithTheEstimate) {
  EXPECT_NO_THROW(check_output_fits_disk(1e6, 2e6, "/data"));
  EXPECT_NO_THROW(check_output_fits_disk(1e12, -1.0, "/data"));  // free space unknown
  try {
    check_output_fits_disk(sweep_output_bytes(1e7), 100.0 * 1048576.0, "/data/run");
    FAIL() << "10^7 grid points cannot fit in 100 MiB";
  } catch (const InputError& error) {
    EXPECT_EQ(error.flag(), "--out");
    EXPECT_NE(std::string(error.what()).find("7153 MiB of disk but only 100 MiB are free in '/data/run'"),
              std::string::npos)
        << error.what();
  }
  EXPECT_GT(free_disk_bytes(fs::temp_directory_path()), 0.0);
  // A folder not made yet: the free space where it would be made.
  EXPECT_GT(free_disk_bytes(fs::temp_directory_path() / "no/such/directory"), 0.0);
  EXPECT_LT(free_disk_bytes("/proc/no_such_directory"), 0.0) << "a file system without blocks tells nothing";
}

}  // namespace
}  // namespace srlif

namespace srlif {
namespace {

// Every value of a trace's columns (time_ms, v_mv, input_pa) is a finite number.
bool trace_is_finite(const std::string& path) {
  const std::vector<std::string> lines = test::lines_of(test::read_file(path));
  if (lines.size() < 3) return false;
  for (std::size_t row = 1; row < lines.size(); ++row) {
    std::stringstream fields(lines[row]);
    std::string field;
    for (int column = 0; column < 3 && std::getline(fields, field, ','); ++column) {
      if (!std::isfinite(std::strtod(field.c_str(), nullptr))) return false;
    }
  }
  return true;
}

// The float ranges of the step (sweep_config.cpp, validate_float_ranges), each walked from both
// sides: just inside, a trace of finite numbers; just outside, exit 2 naming the flag and the rule.
TEST(FloatRanges, EachBoundIsWalkedFromBothSides) {
  const std::string out = test::temporary_directory("float_ranges") + ".csv";
  struct Bound {
    std::string inside, outside, flag, rule;
  };
  const std::vector<Bound> bounds = {
      // dt / tau_m >= 3e-6 (tau_m 10 ms; with a spread, its longest neuron's 10 + 5.77 x 1 ms).
      {"--dt 3.001e-5 --duration 0.2", "--dt 2.999e-5 --duration 0.2", "--dt",
       "must be at least 3e-06 x tau_m"},
      {"--dt 4.74e-5 --duration 0.2 --tau-m-spread 1", "--dt 4.72e-5 --duration 0.2 --tau-m-spread 1", "--dt",
       "(15.77 ms"},
      // sigma / sqrt(2 tau_s) <= 10^6 pA: at sigma 60, tau_s >= 1.8e-9 ms (the issue's 1e-300 gave -inf,
      // nan).
      {"--scheme exact --sigma 60 --noise-tau 1.801e-9 --duration 5",
       "--scheme exact --sigma 60 --noise-tau 1.799e-9 --duration 5", "--noise-tau", "at least sigma^2"},
      {"--scheme exact --sigma 60 --noise-tau 1 --duration 5",
       "--scheme exact --sigma 60 --noise-tau 1e-300 --duration 5", "--noise-tau", "would exceed 1e+06 pA"},
      // sigma / (g_L sqrt(2 tau_m)) <= 10^15 mV: at sigma 10^6, g_L 10^-6, tau_m >= 5e-7 ms.
      {"--sigma 1e6 --g-leak 1e-6 --tau-m 5.01e-7 --dt 1e-7 --t-ref 0 --duration 2e-5",
       "--sigma 1e6 --g-leak 1e-6 --tau-m 4.99e-7 --dt 1e-7 --t-ref 0 --duration 2e-5",
       "--sigma/--g-leak/--tau-m", "free membrane's standard deviation"},
      // The drive |E_L| + |I| / g_L: the bounds of its parameters keep it below 2.1e12 mV, and the
      // largest is stepped in finite numbers; beyond, g_L's own bound.
      {"--bias 1e6 --amplitude 1e6 --g-leak 1e-6 --t-ref 0 --duration 5", "--bias 1e6 --g-leak 1e-7",
       "--g-leak", "between 1e-06 and 1e+09 nS"}};
  for (const Bound& bound : bounds) {
    SCOPED_TRACE(bound.inside);
    fs::remove(out);
    const test::CommandResult inside = test::run_srlif("trace " + bound.inside + " --out " + out);
    ASSERT_EQ(inside.exit_code, 0) << inside.output;
    EXPECT_TRUE(trace_is_finite(out)) << test::read_file(out).substr(0, 400);
    fs::remove(out);
    const test::CommandResult outside = test::run_srlif("trace " + bound.outside + " --out " + out);
    EXPECT_EQ(outside.exit_code, 2) << outside.output;
    EXPECT_NE(outside.output.find(bound.flag + ": "), std::string::npos) << outside.output;
    EXPECT_NE(outside.output.find(bound.rule), std::string::npos) << outside.output;
    EXPECT_FALSE(fs::exists(out));
  }
  // The same rules for a sweep and a population (one plan's validation); theory computes in double
  // and takes what its formulas can.
  const std::string folder = test::temporary_directory("float_ranges_sweep");
  for (const std::string command : {"sweep", "population"}) {
    const test::CommandResult refused = test::run_srlif(
        command + " --scheme exact --sigma 60 --noise-tau 1e-300 --neurons 4 --duration 20 --out " + folder);
    EXPECT_EQ(refused.exit_code, 2) << refused.output;
    EXPECT_NE(refused.output.find("--noise-tau: "), std::string::npos) << refused.output;
    EXPECT_FALSE(fs::exists(folder));
  }
}

}  // namespace
}  // namespace srlif
