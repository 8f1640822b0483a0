// Hostile input (issue 6): every numeric flag of every command refuses NaN,
// infinities, huge values and integers that do not fit, with exit code 2, a
// message naming the flag, and no output; output that would not fit on disk is
// refused before any work, with the estimate.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
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
