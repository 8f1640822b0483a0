// Hostile files and concurrent runs (issue 14), one test per class, driving
// the command line where the class is about what a user sees:
//  1. no value is silently misread (one number rule set; config-file rules);
//  2. no unbounded read (devices, directories, /proc, symlinks to /dev/zero);
//  3. every command checks memory and disk before it starts;
//  4. one run per output folder (a lock the kernel releases);
//  5. no leftovers, no mixing of two runs' files;
//  6. read-back checks beyond the checksum;
//  7. the smaller things found on the way;
// plus a fuzz test of the number parser shared by flags, config keys and axes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/io/checksummed_file.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/io/output_folder.hpp"
#include "srlif/io/population_output.hpp"
#include "srlif/io/staged_files.hpp"
#include "srlif/io/state_file.hpp"
#include "srlif/io/tally_file.hpp"
#include "srlif/planning/axes.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/checkpoint.hpp"
#include "srlif/running/run_control.hpp"
#include "srlif/running/sweep_job.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "srlif/running/trace.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A small sweep's flags (8 neurons, 200 ms; with kSmall, 2 grid points).
const std::string kSmallNoSigma = " --neurons 8 --duration 200 --quiet";
const std::string kSmall = kSmallNoSigma + " --sigma 10,20";

// ---------------------------------------------------------------- 1. numbers

TEST(NumberText, AcceptsExactlyPlainDecimalNumbers) {
  for (const char* good : {"0", "-56", "+5", "1.5", ".5", "5.", "1e3", "1E-3", "-2.5e+10", "007", "1e-400"}) {
    EXPECT_TRUE(read_real(good).has_value()) << good;
    EXPECT_EQ(number_text_error(good, NumberKind::real), "") << good;
  }
  EXPECT_EQ(*read_real("1e-400"), 0.0) << "an underflow is the nearest double";
  for (const char* bad : {"", " 1", "1 ", "\t1", "0x10", "inf", "-inf", "nan", "1e", "e3", ".", "-", "1.2.3",
                          "1,5", "1e999", "--1", "1e+", "five"}) {
    EXPECT_FALSE(read_real(bad).has_value()) << "'" << bad << "'";
    EXPECT_NE(number_text_error(bad, NumberKind::real), "") << "'" << bad << "'";
  }
  EXPECT_EQ(*read_whole("-9223372036854775808"), INT64_MIN);
  EXPECT_FALSE(read_whole("9223372036854775808"));
  EXPECT_EQ(*read_whole_unsigned("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(read_whole_unsigned("-1"));
  EXPECT_FALSE(read_whole("1e3"));
  EXPECT_FALSE(read_whole("2.0"));
  EXPECT_EQ(number_text_error("1e3", NumberKind::whole),
            "'1e3' is not a whole number (write it with digits only)");
  EXPECT_EQ(number_text_error("-1", NumberKind::whole_unsigned), "'-1' is not between 0 and 2^64-1");
  const std::string long_text(300, '9');
  EXPECT_LT(number_text_error(long_text + ".5", NumberKind::whole_unsigned).size(), 120u)
      << "a 300-digit value is not echoed whole";
}

// Random texts over the characters numbers are made of: the parser accepts exactly the texts
// of the grammar, and reads them as strtod/strtoll do.
TEST(NumberText, FuzzAgainstTheGrammarAndTheCLibrary) {
  const std::regex decimal(R"(^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$)");
  const std::regex whole(R"(^[+-]?[0-9]+$)");
  const std::string alphabet = "0123456789+-.eE xabinf\t";
  std::mt19937_64 random(14);  // fixed seed
  int accepted_real = 0;
  int accepted_whole = 0;
  for (int trial = 0; trial < 200000; ++trial) {
    const std::size_t length = random() % 9;
    std::string text;
    for (std::size_t i = 0; i < length; ++i) text += alphabet[random() % alphabet.size()];
    const std::optional<double> real = read_real(text);
    const bool grammatical = std::regex_match(text, decimal);
    ASSERT_EQ(number_text_error(text, NumberKind::real).empty(), real.has_value()) << "'" << text << "'";
    if (real) {
      ASSERT_TRUE(grammatical) << "'" << text << "' accepted outside the grammar";
      const double expected = std::strtod(text.c_str(), nullptr);
      ASSERT_TRUE(*real == expected || (expected == 0.0 && *real == 0.0)) << text;
      ++accepted_real;
    } else if (grammatical) {
      ASSERT_FALSE(std::isfinite(std::strtod(text.c_str(), nullptr))) << "'" << text << "' refused";
    }
    const std::optional<std::int64_t> integer = read_whole(text);
    ASSERT_EQ(number_text_error(text, NumberKind::whole).empty(), integer.has_value()) << "'" << text << "'";
    if (integer) {
      ASSERT_TRUE(std::regex_match(text, whole)) << "'" << text << "'";
      ASSERT_EQ(*integer, std::strtoll(text.c_str(), nullptr, 10)) << text;
      ++accepted_whole;
    } else {
      ASSERT_FALSE(std::regex_match(text, whole)) << "'" << text << "' (8 digits always fit)";
    }
  }
  EXPECT_GT(accepted_real, 1000) << "the fuzz must reach valid numbers too";
  EXPECT_GT(accepted_whole, 500);
}

// The numeric flags of `command` with their kind (FLOAT, INT, UINT, or AXIS for the axes of
// axes.hpp, which take lists and ranges), from --help (so that a flag added later is covered).
std::vector<std::pair<std::string, std::string>> numeric_flags(const std::string& command) {
  const std::string help = test::run_srlif(command + " --help").output;
  std::vector<std::pair<std::string, std::string>> flags;
  const std::regex option(R"(\n\s+(--[a-z-]+) (FLOAT|INT|UINT|TEXT))");
  for (std::sregex_iterator it(help.begin(), help.end(), option), end; it != end; ++it) {
    const std::string flag = (*it)[1];
    const bool axis =
        std::any_of(kAxes.begin(), kAxes.end(), [&](const AxisInfo& info) { return info.flag == flag; });
    if ((*it)[2] != "TEXT") {
      flags.emplace_back(flag, (*it)[2]);
    } else if (axis) {
      flags.emplace_back(flag, "AXIS");
    }
  }
  return flags;
}

// An empty value, blanks around a number, hexadecimal, and a non-integer for an integer flag: refused
// naming the flag and the rule, on the command line and in a config file alike, with no output.
TEST(NoSilentMisreading, EveryNumericFlagAndConfigKeyRefusesEmptyBlankAndNonWholeValues) {
  const std::string base = test::temporary_directory("misread");
  fs::create_directories(base);
  int checked = 0;
  for (const std::string command : {"sweep", "population", "trace", "theory", "reproduce"}) {
    const auto flags = numeric_flags(command);
    ASSERT_GE(flags.size(), 3u) << command;
    for (const auto& [flag, kind] : flags) {
      // An axis drops blanks around its items and ranges (list syntax).
      std::vector<std::pair<std::string, std::string>> cases = {
          {"\"\"", kind == "AXIS" ? "needs at least one value" : "empty"}, {"0x10", "not a"}};
      if (kind != "AXIS") cases.emplace_back("\" 5\"", "blanks");
      if (kind == "INT" || kind == "UINT") cases.emplace_back("1e3", "not a whole number");
      for (const auto& [value, rule] : cases) {
        const std::string out = base + "/out";
        const test::CommandResult result =
            test::run_srlif(command + " " + flag + " " + value + " --out " + out);
        EXPECT_EQ(result.exit_code, 2) << command << " " << flag << " " << value << ": " << result.output;
        EXPECT_TRUE(contains(result.output, flag + ": ") && contains(result.output, rule))
            << command << " " << flag << " " << value << ": " << result.output;
        EXPECT_FALSE(fs::exists(out));
        ++checked;
      }
      if (command == "reproduce") continue;  // reproduce takes no --config
      write_text(base + "/c.toml", flag.substr(2) + " = \"\"\n");
      const test::CommandResult from_file =
          test::run_srlif(command + " --config " + base + "/c.toml --out " + base + "/out");
      EXPECT_EQ(from_file.exit_code, 2) << from_file.output;
      if (kind == "AXIS") {
        EXPECT_TRUE(contains(from_file.output, flag + ": needs at least one value"))
            << command << " " << flag << ": " << from_file.output;
      } else {
        EXPECT_TRUE(contains(from_file.output, flag + ": the value is empty") &&
                    contains(from_file.output, "line 1"))
            << command << " " << flag << ": " << from_file.output;
      }
    }
  }
  EXPECT_GE(checked, 150);
  const test::CommandResult seed =
      test::run_srlif("sweep --seed " + std::string(300, '9') + " --out " + base + "/o");
  EXPECT_EQ(seed.exit_code, 2);
  EXPECT_TRUE(contains(seed.output, "not between 0 and 2^64-1")) << seed.output;
  EXPECT_LT(seed.output.size(), 200u) << "the range in words, not the value echoed: " << seed.output;
  const test::CommandResult shard = test::run_srlif("sweep --shard \"\" --out " + base + "/o" + kSmall);
  EXPECT_EQ(shard.exit_code, 2) << "an empty --shard is not the whole grid: " << shard.output;
}

TEST(NoSilentMisreading, AMistypedCommandSuggestsTheNearest) {
  for (const auto& [typed, meant] : std::vector<std::pair<std::string, std::string>>{
           {"swep", "sweep"}, {"sweeep", "sweep"}, {"popluation", "population"}, {"thoery", "theory"}}) {
    const test::CommandResult result = test::run_srlif(typed + " --neurons 3");
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(contains(result.output, "unknown command '" + typed + "'; did you mean '" + meant + "'?"))
        << result.output;
  }
  EXPECT_FALSE(contains(test::run_srlif("zzzzzz").output, "did you mean")) << "nothing near: no suggestion";
}

TEST(NoSilentMisreading, ConfigFilesSkipABomAndRefuseWhatTheyCannotMean) {
  const std::string base = test::temporary_directory("config_rules");
  fs::create_directories(base);
  const std::string config = base + "/run.toml";
  write_text(config,
             "\xEF\xBB\xBF# a comment\nneurons = 8\nsigma = \"10,20\"  # two points\nduration = 200\n");
  const test::CommandResult bom =
      test::run_srlif("sweep --config " + config + " --quiet --out " + base + "/bom");
  EXPECT_EQ(bom.exit_code, 0) << bom.output;
  EXPECT_EQ(test::lines_of(test::read_file(base + "/bom/points.csv")).size(), 3u)
      << "the keys after the BOM were read";

  const std::vector<std::pair<std::string, std::string>> refused = {
      {"neurons = 8\nv-th =\n", "key 'v-th' in " + config + " line 2 has no value"},
      {"neurons = 8\n\nneurons = 9\n", "key 'neurons' in " + config + " line 3 repeats line 1"},
      {"sigma = [1, 2]\n", "key 'sigma' in " + config + " line 1 is an array"},
      {"[sweep]\nneurons = 8\n", "section '[sweep]' in " + config + " line 1"},
      {"help = true\n", "'help' in " + config + " line 1 is not an option a config can set"},
      {"neurons = 8\nno-such-key = 1\n", "unknown key 'no-such-key' in " + config + " line 2"},
      {"resume = yes\n", "--resume: is a switch: true or false"},
      {"neurons\n", "line 1 is not key = value"}};
  for (const auto& [text, message] : refused) {
    write_text(config, text);
    const test::CommandResult result =
        test::run_srlif("sweep --config " + config + " --out " + base + "/out");
    EXPECT_EQ(result.exit_code, 2) << text << result.output;
    EXPECT_TRUE(contains(result.output, message)) << text << "\n" << result.output;
    EXPECT_FALSE(fs::exists(base + "/out"));
  }
}

// ------------------------------------------------------- 2. bounded reads

TEST(BoundedReads, ConfigFilesThatAreNotRegularFilesAreRefusedForWhatTheyAre) {
  const std::string base = test::temporary_directory("config_kinds");
  fs::create_directories(base);
  fs::create_symlink("/dev/zero", base + "/zero.toml");
  write_text(base + "/huge.toml", std::string(2 << 20, '#'));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/dev/zero", "is a character device, not a file"},
      {base + "/zero.toml", "is a character device, not a file"},
      {base, "is a directory, not a file"},
      {"/proc/self/mem", "cannot be read"},
      {base + "/huge.toml", "is 2097152 bytes, more than the 1048576"},
      {base + "/missing.toml", "cannot be read"}};
  for (const auto& [path, message] : cases) {
    const test::CommandResult result = test::run_srlif("sweep --config " + path + " --out " + base + "/out");
    EXPECT_EQ(result.exit_code, 2) << path << ": " << result.output;
    EXPECT_TRUE(contains(result.output, "--config: '" + path + "' " + message)) << result.output;
    EXPECT_FALSE(fs::exists(base + "/out"));
  }
}

// A checkpoint of one finished part and one unfinished state (a run stopped by SIGINT).
std::string stopped_run(const std::string& name) {
  const std::string out = test::temporary_directory(name);
  // A first run finishes; a second (same options) is stopped with a state file in flight.
  const std::string arguments =
      " --neurons 2000 --duration 30000 --sigma 0,10,20,30 --batch-points 2 --threads 1 "
      "--checkpoint-seconds 0 --quiet --out " +
      out;
  const int pid = test::start_srlif("sweep" + arguments);
  for (int wait = 0; wait < 3000; ++wait) {
    std::error_code error;
    if (fs::exists(out + "/checkpoint/part-000000000000.tallies", error)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGINT);
  EXPECT_EQ(test::wait_for(pid), 130);
  EXPECT_TRUE(fs::exists(out + "/checkpoint/part-000000000000.tallies"));
  return out;
}

TEST(BoundedReads, CheckpointPartsReplacedByDevicesOrDirectoriesAreRefusedByName) {
  const std::string out = stopped_run("bounded_parts");
  const std::string part = out + "/checkpoint/part-000000000000.tallies";
  const std::string arguments =
      "sweep --neurons 2000 --duration 30000 --sigma 0,10,20,30 --batch-points 2 --threads 1 "
      "--quiet --resume --out " +
      out;
  const std::string saved = test::read_file(part);
  fs::remove(part);
  fs::create_symlink("/dev/zero", part);
  test::CommandResult result = test::run_srlif(arguments);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, part + ": is a character device, not a file")) << result.output;
  fs::remove(part);
  fs::create_directory(part);
  result = test::run_srlif(arguments);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, part + ": is a directory, not a file")) << result.output;
  fs::remove(part);
  write_text(part, saved + std::string(1 << 16, '\n'));  // longer than the run's points can be
  result = test::run_srlif(arguments);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, part + ": is ")) << result.output;
  write_text(part, saved);
  result = test::run_srlif(arguments);
  EXPECT_EQ(result.exit_code, 0) << "restored, the checkpoint resumes: " << result.output;
}

// ------------------------------------------------------- 3. checks before starting

TEST(ChecksBeforeStarting, EveryCommandRefusesOutputThatCannotFitBeforeSimulating) {
  const std::string base = test::temporary_directory("preflight");
  fs::create_directories(base);
  // 10^10 samples: half a terabyte of CSV, refused at once instead of running for hours.
  test::CommandResult result = test::run_srlif("trace --duration 1e9 --out " + base + "/trace.csv");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "MiB of disk")) << result.output;
  EXPECT_FALSE(fs::exists(base + "/trace.csv"));
  // 10^9 grid points: refused from the axes' counts.
  result = test::run_srlif("sweep --sigma 0:1:100000000 --amplitude 0:1:10 --out " + base + "/sweep");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "MiB of disk") || contains(result.output, "GiB")) << result.output;
  EXPECT_FALSE(fs::exists(base + "/sweep"));
  // 4 x 10^9 neurons in flight: refused from the memory they need, not left to bad_alloc.
  for (const std::string command : {"sweep", "population"}) {
    result = test::run_srlif(command + " --neurons 4000000000 --sigma 1 --duration 20 --psth 1 --out " +
                             base + "/many");
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, "--neurons: 4000000000 neurons in flight would need about"))
        << result.output;
    EXPECT_FALSE(fs::exists(base + "/many"));
  }
}

// The streamed trace file is the same bytes as the trace held in memory.
// A population's files are held as text until written: their size is bounded from the writer's
// own tables (population_files_bytes), which every run's files respect, and a run whose files could
// outgrow a quarter of the memory is refused before it simulates (10^7 points had passed a check
// of 640 B a point, ignored SIGTERM while formatting, and died of bad_alloc).
TEST(ChecksBeforeStarting, APopulationsTextIsBoundedByItsTablesBeforeItRuns) {
  SweepConfig config = test::reference_config({0.0, 20.0, 40.0}, 50, 1000.0);
  config.grid[Axis::amplitude] = {10.0, 20.0};
  config.readouts.enabled = true;
  config.readouts.psth_bin_ms = 5.0;
  config.readouts.raster_neurons = 10;
  const SweepPlan plan = make_plan(config);
  const auto backend = make_cpu_backend(1);
  const SweepResult result = run_sweep(plan, *backend, {});
  double written = 0.0;
  for (const auto& [name, text] : population_files(plan, result)) written += static_cast<double>(text.size());
  const double bound = population_files_bytes(plan);
  EXPECT_LE(written, bound);
  // A stop while formatting: Interrupted, no file.
  EXPECT_THROW(population_files(plan, result, [] { return SIGTERM; }), Interrupted);
  // Refused: PSTH rows of 1 ms over 100 s for enough points that the text outgrows a quarter of the
  // memory (its binary counts, 8 B a bin, stay within the plan's own check).
  SweepConfig probe = test::reference_config({1.0}, 1, 100000.0);
  probe.readouts.enabled = true;
  probe.readouts.psth_bin_ms = 1.0;
  const double per_point = population_files_bytes(make_plan(probe));
  const auto points = static_cast<long long>(std::ceil(1.5 * physical_memory_bytes() / 4.0 / per_point));
  const std::string out = test::temporary_directory("population_text");
  const test::CommandResult refused = test::run_srlif(
      "population --neurons 1 --duration 100000 --psth 1 --sigma 1:1000:" + std::to_string(points) +
      " --out " + out);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_TRUE(contains(refused.output, "--raster/--psth: the population's files could hold about"))
      << refused.output;
  EXPECT_FALSE(fs::exists(out));
}

// Every checkpoint part repeats the run's header, whose configuration lists every value of a swept
// axis: the disk estimate counts those copies (it had counted none: 30000 sigma values in batches
// of 100 were estimated at 23 MB and ran out of a 60 MB disk). A run stopped near its end, whose
// checkpoint holds nearly all its parts, fits the estimate; the one without the copies falls short.
TEST(ChecksBeforeStarting, TheDiskEstimateCountsTheConfigurationInEveryCheckpointPart) {
  SweepJob job;
  job.config = test::reference_config({0.0}, 1, 20.0);
  std::vector<double> sigma(3000);
  for (std::size_t i = 0; i < sigma.size(); ++i) sigma[i] = 0.02 * static_cast<double>(i);
  job.config.grid[Axis::sigma] = sigma;
  job.config.execution.batch_points = 10;
  job.config.execution.threads = 1;
  job.checkpoint_seconds = 0.0;
  job.out = test::temporary_directory("disk_estimate");
  std::atomic<bool> late{false};
  RunControl control;
  control.progress = [&late](std::uint64_t done, std::uint64_t total) {
    if (done * 10 >= total * 9) late = true;
  };
  control.stop_requested = [&late] { return late ? SIGTERM : 0; };
  EXPECT_THROW(run_sweep_job(job, control), Interrupted);
  double checkpoint_bytes = 0.0;
  std::size_t parts = 0;
  for (const auto& entry : fs::directory_iterator(job.out / "checkpoint")) {
    checkpoint_bytes += static_cast<double>(entry.file_size());
    ++parts;
  }
  ASSERT_GT(parts, 200u) << "the stop must come late, with most parts written";
  const SweepPlan plan = make_plan(job.config, PlanPoints::none);
  const auto header =
      static_cast<double>(tally_file_header(result_config_text(plan.config), {}, false).size());
  const double estimate = sweep_output_bytes(3000.0, 10.0, header, 300.0, 1.0);
  EXPECT_LE(checkpoint_bytes, estimate);
  EXPECT_GT(checkpoint_bytes, sweep_output_bytes(3000.0, 10.0))
      << "the estimate without the copies must fall short";
}

TEST(ChecksBeforeStarting, TheStreamedTraceIsTheTraceInMemory) {
  const std::string base = test::temporary_directory("trace_stream");
  fs::create_directories(base);
  const std::string flags = " --duration 3000 --sigma 30 --scheme exact --neuron 3 --chunk-steps 1000";
  ASSERT_EQ(test::run_srlif("trace" + flags + " --out " + base + "/trace.csv").exit_code, 0);
  SweepConfig config = test::reference_config({30.0}, 4, 3000.0);
  config.scheme = Scheme::exact;
  config.execution.chunk_steps = 1000;
  config.seed = 1;  // the command line's default
  const std::string streamed = test::read_file(base + "/trace.csv");
  EXPECT_EQ(test::lines_of(streamed).size(), 30001u);
  EXPECT_TRUE(streamed == trace_csv(trace_neuron(make_plan(config), 3))) << "the streamed file differs";
}

// ------------------------------------------------------- 4. one run per folder

// Several runs (of two configurations) started together into one folder, repeatedly: each ends
// with 0 or is refused at once naming the holder; none dies of another's doing; the folder
// ends with one run's files, never a mix, and no lock, temporary or checkpoint left.
TEST(OneRunPerFolder, ConcurrentRunsAreRefusedAtOnceAndNeverMix) {
  const std::string base = test::temporary_directory("concurrent");
  fs::create_directories(base);
  const std::string configurations[] = {" --neurons 400 --duration 2000 --sigma 0:30:6 --threads 1 --quiet",
                                        " --neurons 300 --duration 2000 --sigma 5:35:6 --threads 1 --quiet"};
  std::string reference[2];
  for (int c = 0; c < 2; ++c) {
    ASSERT_EQ(test::run_srlif("sweep" + configurations[c] + " --out " + base + "/ref" + std::to_string(c))
                  .exit_code,
              0);
    reference[c] = test::read_file(base + "/ref" + std::to_string(c) + "/tallies.csv");
  }
  int refused = 0;
  int finished = 0;
  for (int round = 0; round < 6; ++round) {
    const std::string out = base + "/shared" + std::to_string(round);
    std::vector<int> pids;
    for (int run = 0; run < 4; ++run) {
      pids.push_back(test::start_srlif("sweep" + configurations[run % 2] + " --out " + out,
                                       base + "/log" + std::to_string(run)));
    }
    for (int run = 0; run < 4; ++run) {
      const int code = test::wait_for(pids[run]);
      const std::string log = test::read_file(base + "/log" + std::to_string(run));
      ASSERT_TRUE(code == 0 || code == 2) << "run " << run << " ended with " << code << ": " << log;
      if (code == 2) {
        EXPECT_TRUE(contains(log, "is in use by another srlif run (pid ")) << log;
        ++refused;
      } else {
        ++finished;
      }
    }
    const std::string tallies = test::read_file(out + "/tallies.csv");
    EXPECT_TRUE(tallies == reference[0] || tallies == reference[1]) << "round " << round << ": not one run's";
    const int which = tallies == reference[0] ? 0 : 1;
    EXPECT_EQ(test::read_file(out + "/points.csv"),
              test::read_file(base + "/ref" + std::to_string(which) + "/points.csv"))
        << "points.csv and tallies.csv of different runs";
    for (const auto& entry : fs::directory_iterator(out)) {
      const std::string name = entry.path().filename().string();
      EXPECT_TRUE(name == "points.csv" || name == "optimum.csv" || name == "tallies.csv" ||
                  name == "run.json")
          << "left in the folder: " << name;
    }
  }
  EXPECT_GE(finished, 6) << "every round has a run that finishes";
  EXPECT_GT(refused, 0) << "runs started together must have met";
}

TEST(OneRunPerFolder, ARefusedRunTouchesNothingAndMergeRespectsTheLock) {
  const std::string base = test::temporary_directory("lock_holder");
  const std::string out = base + "/busy";
  const std::string long_run =
      "sweep --neurons 4000 --duration 60000 --sigma 0,10 --threads 1 --checkpoint-seconds 0 --quiet --out " +
      out;
  const int pid = test::start_srlif(long_run);
  for (int wait = 0; wait < 3000 && !fs::exists(out + "/checkpoint"); ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(fs::exists(out + "/checkpoint")) << "the first run writes its state";
  const test::CommandResult second = test::run_srlif("sweep --out " + out + kSmall);
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_TRUE(contains(second.output, "is in use by another srlif run (pid " + std::to_string(pid) + ")"))
      << second.output;
  const test::CommandResult resumed = test::run_srlif(long_run + " --resume");
  EXPECT_EQ(resumed.exit_code, 2) << "--resume waits for no one either: " << resumed.output;
  const test::CommandResult merge = test::run_srlif("merge " + out + " --out " + base + "/merged");
  EXPECT_EQ(merge.exit_code, 2);
  EXPECT_TRUE(contains(merge.output, "in use by a srlif run (pid " + std::to_string(pid) + ")"))
      << merge.output;
  EXPECT_TRUE(fs::exists(out + "/checkpoint/state-000000000000.state")) << "a refused run removed the state";
  ::kill(pid, SIGTERM);
  EXPECT_EQ(test::wait_for(pid), 143) << "the first run ends by the signal, not by the others";
  // Stopped, the folder holds a checkpoint: merge refuses it as unfinished.
  const test::CommandResult unfinished = test::run_srlif("merge " + out + " --out " + base + "/merged");
  EXPECT_EQ(unfinished.exit_code, 2);
  EXPECT_TRUE(contains(unfinished.output, "holds a checkpoint")) << unfinished.output;
  EXPECT_FALSE(fs::exists(out + "/.srlif.lock")) << "the lock file goes with its run";
  EXPECT_FALSE(fs::exists(base + "/merged"));
}

// ------------------------------------------------------- 5. leftovers and mixing

TEST(NoLeftoversNoMixing, StaleTemporariesAreRemovedAndOtherRunsFilesReplaced) {
  const std::string out = test::temporary_directory("leftovers");
  fs::create_directories(out + "/checkpoint");
  write_text(out + "/points.csv.tmp.99999",
             std::string(10000, 'x'));                            // a killed run's, between write and rename
  write_text(out + "/notes.tmp.5", "the user's");                 // not srlif's: kept
  write_text(out + "/population.csv", "another run's result\n");  // srlif's, another kind of run
  write_text(out + "/raster.csv", "another run's result\n");
  write_text(out + "/my_analysis.csv", "the user's\n");
  const test::CommandResult result = test::run_srlif("sweep --shard 1/2 --out " + out + kSmall);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_FALSE(fs::exists(out + "/points.csv.tmp.99999"));
  EXPECT_TRUE(fs::exists(out + "/notes.tmp.5"));
  EXPECT_TRUE(fs::exists(out + "/my_analysis.csv"));
  EXPECT_FALSE(fs::exists(out + "/population.csv"));
  EXPECT_FALSE(fs::exists(out + "/raster.csv"));
  // A whole run, then a shard into the same folder: the whole run's optimum.csv goes with it.
  ASSERT_EQ(test::run_srlif("sweep --out " + out + kSmall).exit_code, 0);
  EXPECT_TRUE(fs::exists(out + "/optimum.csv"));
  ASSERT_EQ(test::run_srlif("sweep --shard 2/2 --out " + out + kSmall).exit_code, 0);
  EXPECT_FALSE(fs::exists(out + "/optimum.csv")) << "a shard's folder must not keep a whole run's optimum";
  // A population into a sweep's folder: the sweep's files go.
  ASSERT_EQ(
      test::run_srlif("population --neurons 8 --duration 200 --sigma 10 --quiet --out " + out).exit_code, 0);
  EXPECT_FALSE(fs::exists(out + "/points.csv"));
  EXPECT_FALSE(fs::exists(out + "/tallies.csv"));
  EXPECT_TRUE(fs::exists(out + "/population.csv"));
  EXPECT_TRUE(fs::exists(out + "/my_analysis.csv"));
}

// The files in `directory` but `except`.
std::vector<std::string> files_in(const std::string& directory, const std::string& except) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().filename() != except) names.push_back(entry.path().filename().string());
  }
  return names;
}

// Waits (at most 60 s) until `path` holds bytes or the process has ended; whether it has bytes.
bool wait_for_bytes(const std::string& directory, int pid) {
  int code = 0;
  for (int wait = 0; wait < 60000; ++wait) {
    for (const auto& entry : fs::directory_iterator(directory)) {
      std::error_code ignored;
      if (contains(entry.path().filename().string(), ".tmp.") && fs::file_size(entry.path(), ignored) > 0)
        return true;
    }
    if (test::has_ended(pid, code)) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// Every stop signal ends a trace streaming its file with exit 128 + signal, saying so, and leaves
// neither the file nor its temporary; one stops a theory between rows the same way; a signal the
// parent ignores (nohup's SIGHUP) stays ignored.
TEST(NoLeftoversNoMixing, EveryStopSignalEndsATraceOrTheoryWithNothingLeft) {
  const std::string base = test::temporary_directory("stop_signals");
  fs::create_directories(base);
  const std::string log = "log.txt";
  // 10^7 samples (~400 MB, several seconds); stopped once its first MiB is written.
  const std::string trace = "trace --sigma 60 --duration 100000 --dt 0.01 --out " + base + "/trace.csv";
  for (const StopSignal& stop : kStopSignals) {
    const int pid = test::start_srlif(trace, base + "/" + log);
    ASSERT_TRUE(wait_for_bytes(base, pid)) << stop.name << ": the trace ended before it could be stopped";
    ::kill(pid, stop.number);
    EXPECT_EQ(test::wait_for(pid), 128 + stop.number) << stop.name;
    const std::string said = test::read_file(base + "/" + log);
    EXPECT_TRUE(
        contains(said, std::string("interrupted by ") + stop.name + ": a trace keeps no partial results"))
        << said;
    EXPECT_EQ(files_in(base, log), std::vector<std::string>{}) << stop.name << " left files behind";
  }
  // Under nohup (SIGHUP ignored) a hang-up does not stop it; SIGTERM still does.
  const int pid = test::start_srlif(trace, base + "/" + log, "trap '' HUP; ");
  ASSERT_TRUE(wait_for_bytes(base, pid));
  ::kill(pid, SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  int code = 0;
  EXPECT_FALSE(test::has_ended(pid, code)) << "an ignored SIGHUP stopped the trace (exit " << code << ")";
  ::kill(pid, SIGTERM);
  EXPECT_EQ(test::wait_for(pid), 128 + SIGTERM);
  EXPECT_EQ(files_in(base, log), std::vector<std::string>{});
  // A theory of 40 periodic states (several seconds), stopped after its first rows.
  const int theory = test::start_srlif(
      "theory --response periodic --sigma 20:100:40 --amplitude 20 --out " + base + "/theory.csv",
      base + "/" + log);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(theory, SIGUSR1);
  EXPECT_EQ(test::wait_for(theory), 128 + SIGUSR1);
  EXPECT_TRUE(
      contains(test::read_file(base + "/" + log), "interrupted by SIGUSR1: theory keeps no partial results"))
      << test::read_file(base + "/" + log);
  EXPECT_EQ(files_in(base, log), std::vector<std::string>{});
}

// An output file is written where its name leads, never renamed over what is not a regular file:
// through a symbolic link, into a FIFO or a device as it is; a directory refused. (No test writes
// /dev/null by its own name: a regression would replace the system's device.)
TEST(NoLeftoversNoMixing, OutputFilesAreWrittenThroughLinksAndIntoPipesNeverReplaced) {
  const std::string base = test::temporary_directory("out_kinds");
  fs::create_directories(base);
  const std::string trace = "trace --duration 50 --sigma 60 --out ";
  const std::string expected = [&] {
    const test::CommandResult plain = test::run_srlif(trace + base + "/plain.csv");
    EXPECT_EQ(plain.exit_code, 0) << plain.output;
    return test::read_file(base + "/plain.csv");
  }();
  ASSERT_FALSE(expected.empty());
  // A link to a regular file: the file gets the trace, the link stays a link.
  write_text(base + "/target.csv", "old\n");
  fs::create_symlink("target.csv", base + "/link.csv");
  test::CommandResult result = test::run_srlif(trace + base + "/link.csv");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(fs::is_symlink(base + "/link.csv"));
  EXPECT_EQ(test::read_file(base + "/target.csv"), expected);
  // A link to a missing file in an existing folder: created there, as the shell's > does.
  fs::create_symlink(base + "/made.csv", base + "/dangling.csv");
  ASSERT_EQ(test::run_srlif(trace + base + "/dangling.csv").exit_code, 0);
  EXPECT_TRUE(fs::is_symlink(base + "/dangling.csv"));
  EXPECT_EQ(test::read_file(base + "/made.csv"), expected);
  // A link to /dev/null: written into, the device and the link kept.
  fs::create_symlink("/dev/null", base + "/null.csv");
  result = test::run_srlif(trace + base + "/null.csv");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(fs::is_symlink(base + "/null.csv"));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  // A link to /dev/full: the write fails, exit 1, nothing replaced.
  fs::create_symlink("/dev/full", base + "/full.csv");
  result = test::run_srlif(trace + base + "/full.csv");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, "cannot write")) << result.output;
  EXPECT_TRUE(fs::is_symlink(base + "/full.csv"));
  // A FIFO: read as it is written (trace and theory), and a FIFO still.
  for (const std::string& command : {trace, std::string("theory --sigma 20:60:5 --out ")}) {
    const std::string fifo = base + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
    std::string read;
    std::thread reader([&] { read = test::read_file(fifo); });
    result = test::run_srlif(command + fifo);
    reader.join();
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(fs::is_fifo(fifo));
    EXPECT_GT(read.size(), 100u) << command;
    fs::remove(fifo);
  }
  // Refused, naming the flag and what the path is, with nothing created.
  fs::create_directory(base + "/folder");
  fs::create_symlink("folder", base + "/folder_link");
  for (const auto& [flag, path, says] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"--out", base + "/folder", "is a directory"},
           {"--out", base + "/folder_link", "is a directory"},
           {"--out", base + "/missing/trace.csv", "does not exist"}}) {
    result = test::run_srlif(trace + path);
    EXPECT_EQ(result.exit_code, 2) << path << ": " << result.output;
    EXPECT_TRUE(contains(result.output, flag + ": ") && contains(result.output, says)) << result.output;
  }
  result = test::run_srlif("theory --response periodic --sigma 40 --out " + base + "/t.csv --rate-curve " +
                           base + "/folder_link");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "--rate-curve: ")) << result.output;
  EXPECT_FALSE(fs::exists(base + "/t.csv"));
  EXPECT_TRUE(fs::is_empty(base + "/folder"));
  // What a command prints must reach standard output: a full device is a failure, not exit 0.
  EXPECT_EQ(test::run_srlif("info >/dev/full").exit_code, 1);
  EXPECT_EQ(test::run_srlif("sweep --neurons 8 --duration 200 --sigma 10 --out " + base + "/sweep >/dev/full")
                .exit_code,
            1);
}

// Every obstacle to a folder's commit is found before the run; a commit that fails anyway puts
// back what it had replaced.
TEST(NoLeftoversNoMixing, AResultFolderIsCommittedAsOne) {
  const std::string out = test::temporary_directory("commit_as_one");
  ASSERT_EQ(test::run_srlif("sweep --out " + out + kSmall).exit_code, 0);
  const std::string points = test::read_file(out + "/points.csv");
  // A directory where optimum.csv goes: refused before simulating, the earlier run's files untouched.
  fs::remove(out + "/optimum.csv");
  fs::create_directory(out + "/optimum.csv");
  test::CommandResult result = test::run_srlif("sweep --seed 7 --out " + out + kSmall);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "--out: ") && contains(result.output, "optimum.csv' is a directory"))
      << result.output;
  EXPECT_EQ(test::read_file(out + "/points.csv"), points);
  fs::remove(out + "/optimum.csv");
  // A link, and a file of another kind of run (a population's) that is a directory.
  fs::create_symlink("points.csv", out + "/optimum.csv");
  result = test::run_srlif("sweep --seed 7 --out " + out + kSmall);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "is a symbolic link")) << result.output;
  fs::remove(out + "/optimum.csv");
  fs::create_directory(out + "/raster.csv");
  result = test::run_srlif("sweep --seed 7 --out " + out + kSmall);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  fs::remove(out + "/raster.csv");
  EXPECT_EQ(test::read_file(out + "/points.csv"), points);
  // An immutable result file (where the file system and the user may set one).
  write_text(out + "/optimum.csv", "kept\n");
  if (std::system(("chattr +i " + out + "/optimum.csv 2>/dev/null").c_str()) == 0) {
    result = test::run_srlif("sweep --seed 7 --out " + out + kSmall);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, "immutable")) << result.output;
    EXPECT_EQ(std::system(("chattr -i " + out + "/optimum.csv").c_str()), 0);
  } else {
    std::printf("note: chattr +i is not possible here; the immutable case was not run\n");
  }
  EXPECT_EQ(test::read_file(out + "/points.csv"), points);
  ASSERT_EQ(test::run_srlif("sweep --seed 7 --out " + out + kSmall).exit_code, 0);
  EXPECT_NE(test::read_file(out + "/points.csv"), points);

  // A rename that fails inside the commit (the second file's folder gone after it was staged): the
  // first file's rename is undone, the file it had replaced is back, no temporary or kept name stays.
  const std::string one = test::temporary_directory("commit_one");
  const std::string two = test::temporary_directory("commit_two");
  fs::create_directories(one);
  fs::create_directories(two);
  write_text(one + "/a.csv", "before\n");
  {
    StagedFiles staged;
    staged.append(staged.create(OutputTarget{one + "/a.csv", false}), "after\n");
    staged.append(staged.create(OutputTarget{one + "/new.csv", false}), "added\n");
    staged.append(staged.create(OutputTarget{two + "/b.csv", false}), "after\n");
    fs::remove_all(two);
    EXPECT_THROW(staged.commit(), std::system_error);
  }
  EXPECT_EQ(test::read_file(one + "/a.csv"), "before\n");
  EXPECT_EQ(files_in(one, ""), std::vector<std::string>{"a.csv"});
  // And one that succeeds replaces every file and keeps no second name.
  fs::create_directory(two);
  {
    StagedFiles staged;
    staged.append(staged.create(OutputTarget{one + "/a.csv", false}), "after\n");
    staged.append(staged.create(OutputTarget{two + "/b.csv", false}), "after\n");
    staged.commit();
  }
  EXPECT_EQ(test::read_file(one + "/a.csv"), "after\n");
  EXPECT_EQ(test::read_file(two + "/b.csv"), "after\n");
  EXPECT_EQ(files_in(one, "").size() + files_in(two, "").size(), 2u);
}

// ------------------------------------------------------- 6. read-back checks

// A tally file with `edit` applied to its first row, and a checksum that matches again.
std::string forged(const std::string& text, const std::function<void(std::vector<std::string>&)>& edit) {
  std::string body(verified_body(text, "forged"));
  std::vector<std::string> lines = test::lines_of(body);
  for (std::string& line : lines) {
    if (line.empty() || line[0] == '#' || !std::isdigit(static_cast<unsigned char>(line[0]))) continue;
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
    edit(fields);
    line.clear();
    for (std::size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + fields[i];
    break;
  }
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  append_checksum(out);
  return out;
}

TEST(ReadBackChecks, CountsThatContradictTheConfigurationAreRefusedDespiteTheChecksum) {
  const std::string base = test::temporary_directory("forged");
  const std::string shard1 = base + "/s1";
  const std::string shard2 = base + "/s2";
  ASSERT_EQ(test::run_srlif("sweep --shard 1/2 --out " + shard1 + kSmall).exit_code, 0);
  ASSERT_EQ(test::run_srlif("sweep --shard 2/2 --out " + shard2 + kSmall).exit_code, 0);
  const std::string original = test::read_file(shard1 + "/tallies.csv");
  // Fields:
  // point,neurons,spikes,spikes_squared,cos_sum,sin_sum,valid_neurons,strength_sum,strength_squared_sum
  const std::vector<std::pair<std::function<void(std::vector<std::string>&)>, std::string>> forgeries = {
      {[](std::vector<std::string>& f) { f[1] = std::string("9"); }, "9 neurons, but the run has 8"},
      {[](std::vector<std::string>& f) { f[6] = std::string("9"); }, "more valid neurons than neurons"},
      {[](std::vector<std::string>& f) { f[2] = std::string("99999999"); },
       "spikes, more than 8 neurons can fire"},
      {[](std::vector<std::string>& f) { f[4] = std::string("-99999999999999"); }, "phase sums"},
      // Each component within the spikes, their vector 1.13 times longer.
      {[](std::vector<std::string>& f) { f[2] = "100", f[3] = "1250", f[4] = f[5] = "1342177200"; },
       "phase sums"},
      {[](std::vector<std::string>& f) { f[7] = std::string("999999999999999"); }, "vector-strength sums"},
      // Sum R^2 > 0 with sum R = 0; sum R^2 far below (sum R)^2 / valid.
      {[](std::vector<std::string>& f) { f[7] = "0", f[8] = "1000"; }, "vector-strength sums"},
      {[](std::vector<std::string>& f) {
         f[2] = "100", f[3] = "1250", f[4] = f[5] = "0", f[6] = "8", f[7] = "17179869184", f[8] = "0";
       },
       "vector-strength sums"},
      // 8 valid neurons of --min-spikes 10 from 75 spikes (spikes_squared and phases consistent).
      {[](std::vector<std::string>& f) { f[2] = "75", f[3] = "704", f[4] = f[5] = "0", f[6] = "8"; },
       "8 valid neurons, but 75 spikes"}};
  for (const auto& [edit, message] : forgeries) {
    SCOPED_TRACE(message);
    write_text(shard1 + "/tallies.csv", forged(original, edit));
    const test::CommandResult merge =
        test::run_srlif("merge " + shard1 + " " + shard2 + " --out " + base + "/m");
    EXPECT_EQ(merge.exit_code, 2) << merge.output;
    EXPECT_TRUE(contains(merge.output, "tallies.csv: grid point 0: ") && contains(merge.output, message))
        << merge.output;
    EXPECT_FALSE(fs::exists(base + "/m"));
    // --resume of a finished shard reads its tallies.csv the same way.
    const test::CommandResult resume = test::run_srlif("sweep --shard 1/2 --resume --out " + shard1 + kSmall);
    EXPECT_EQ(resume.exit_code, 2) << resume.output;
    EXPECT_TRUE(contains(resume.output, message)) << resume.output;
  }
  write_text(shard1 + "/tallies.csv", original);
  EXPECT_EQ(test::run_srlif("merge " + shard1 + " " + shard2 + " --out " + base + "/m --quiet").exit_code, 0);
  // Into one of the shard folders, which merge locks as its --out and reads again.
  EXPECT_EQ(test::run_srlif("merge " + shard1 + " " + shard2 + " --out " + shard1 + " --quiet").exit_code, 0);
  EXPECT_EQ(test::read_file(shard1 + "/points.csv"), test::read_file(base + "/m/points.csv"));
}

// The spectral columns of tallies.csv: only what the estimator can give, before anything is written.
TEST(ReadBackChecks, SpectralReadoutsNoRunCanGiveAreRefused) {
  const std::string base = test::temporary_directory("forged_spectra");
  const std::string shard1 = base + "/s1";
  const std::string shard2 = base + "/s2";
  const std::string sweep = " --spectrum --neurons 8 --duration 2000 --quiet --sigma 10,20";
  ASSERT_EQ(test::run_srlif("sweep --shard 1/2 --out " + shard1 + sweep).exit_code, 0);
  ASSERT_EQ(test::run_srlif("sweep --shard 2/2 --out " + shard2 + sweep).exit_code, 0);
  const std::string original = test::read_file(shard1 + "/tallies.csv");
  // ...,strength_squared_sum,spectral_amplitude_hz,snr_db
  for (const auto& [amplitude, snr, message] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"-8.1", "", "spectral_amplitude_hz -8.1"},
           {"1e300", "", "spectral_amplitude_hz"},
           {"", "1e300", "snr_db"},
           {"nan", "", "spectral_amplitude_hz"}}) {
    write_text(shard1 + "/tallies.csv", forged(original, [&](std::vector<std::string>& f) {
                 if (!amplitude.empty()) f[9] = amplitude;
                 if (!snr.empty()) f[10] = snr;
               }));
    const test::CommandResult merge =
        test::run_srlif("merge " + shard1 + " " + shard2 + " --out " + base + "/m");
    EXPECT_EQ(merge.exit_code, 2) << merge.output;
    EXPECT_TRUE(contains(merge.output, "grid point 0: ") && contains(merge.output, message)) << merge.output;
    EXPECT_FALSE(fs::exists(base + "/m"));
  }
  write_text(shard1 + "/tallies.csv", original);
  EXPECT_EQ(test::run_srlif("merge " + shard1 + " " + shard2 + " --out " + base + "/m --quiet").exit_code, 0);
}

// A checkpoint state's arrays: each neuron's variables within what the run can reach at its step,
// checked before the run goes on from them (a NaN potential, a hold of 2e9 steps or 2^32-1 spikes
// had resumed with exit 0 and other results).
TEST(ReadBackChecks, StatesNoRunCanReachAreRefusedBeforeResuming) {
  const std::string out = stopped_run("forged_states");
  const std::string arguments =
      "sweep --neurons 2000 --duration 30000 --sigma 0,10,20,30 --batch-points 2 --threads 1 "
      "--quiet --resume --out " +
      out;
  std::string state_path;
  for (const auto& entry : fs::directory_iterator(out + "/checkpoint")) {
    if (entry.path().extension() == ".state") state_path = entry.path().string();
  }
  ASSERT_FALSE(state_path.empty()) << "the stopped run left no state";
  const std::string saved = test::read_file(state_path);
  const StateFile state = parse_state_file(saved, state_path);
  const std::vector<std::pair<std::function<void(PopulationSnapshot&)>, std::string>> forgeries = {
      {[](PopulationSnapshot& s) { s.v[3] = std::nanf(""); }, "neuron 3: v nan mV"},
      {[](PopulationSnapshot& s) { s.v[3] = 1000.0f; }, "is not below the threshold"},
      {[](PopulationSnapshot& s) { s.refractory[5] = 2000000000; }, "a hold of 2000000000 steps"},
      {[](PopulationSnapshot& s) { s.spikes[7] = 4294967295u; }, "4294967295 spikes"},
      {[](PopulationSnapshot& s) { s.cos_sum[9] = s.sin_sum[9] = std::int64_t{1} << 40; }, "phase sums"},
      {[](PopulationSnapshot& s) { s.noise_current[11] = 3.0f; }, "under white noise"},
      {[](PopulationSnapshot& s) { s.release[13] = 0.5f; }, "a release of 0.5"}};
  for (const auto& [edit, message] : forgeries) {
    StateFile forged_state = state;
    edit(forged_state.state);
    write_text(state_path, format_state_file(forged_state));
    const test::CommandResult result = test::run_srlif(arguments);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, state_path + ": grid point ") && contains(result.output, message))
        << message << ": " << result.output;
    EXPECT_FALSE(fs::exists(out + "/points.csv"));
  }
  write_text(state_path, saved);
  const test::CommandResult resumed = test::run_srlif(arguments);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
}

TEST(ReadBackChecks, AStateThatOverlapsSomeFinishedPointsIsRefused) {
  const std::string out = test::temporary_directory("state_overlap");
  fs::create_directories(out);
  SweepConfig config = test::reference_config({0.0, 10.0, 20.0}, 8, 200.0);
  const std::string text = result_config_text(config);
  PointTally tally{};
  tally.neurons = 8;
  {
    Checkpoint checkpoint(out, text, ShardSpec{}, PointRange{0, 3}, false, 0.0);
    checkpoint.save({0}, {tally});
    PopulationSnapshot state;
    state.next_step = 1000;
    for (int i = 0; i < 16; ++i) {
      state.v.push_back(-60.0f);
      state.refractory.push_back(0);
      state.spikes.push_back(0);
      state.cos_sum.push_back(0);
      state.sin_sum.push_back(0);
      state.noise_current.push_back(0.0f);
      state.release.push_back(0.0f);
    }
    checkpoint.save_state({0, 1}, 8, state);  // point 0 is finished, point 1 is not
  }
  try {
    Checkpoint resumed(out, text, ShardSpec{}, PointRange{0, 3}, true, 0.0);
    FAIL() << "a state overlapping a finished point was accepted";
  } catch (const InputError& error) {
    EXPECT_TRUE(contains(error.what(), "does not fit the checkpoint's finished points")) << error.what();
  }
}

// ------------------------------------------------------- 7. smaller things

TEST(SmallerThings, EachIsHandled) {
  const std::string base = test::temporary_directory("smaller");
  fs::create_directories(base);
  // --resume into a folder with nothing to resume: says so, and starts.
  test::CommandResult result = test::run_srlif("sweep --resume --out " + base + "/fresh" + kSmall);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "held no checkpoint and no finished run; this run started afresh"))
      << result.output;
  // A regular file where the checkpoint folder goes.
  fs::create_directories(base + "/blocked");
  write_text(base + "/blocked/checkpoint", "not a folder");
  result = test::run_srlif("sweep --out " + base + "/blocked" + kSmall);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "checkpoint' is a regular file")) << result.output;
  // trace --out naming a folder.
  result = test::run_srlif("trace --duration 100 --out " + base);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "is a directory")) << result.output;
  // trace refuses the flags it would ignore.
  for (const char* flag : {"--neurons 5", "--threads 2", "--min-spikes 3", "--backend cpu"}) {
    result = test::run_srlif(std::string("trace --duration 100 --out ") + base + "/t.csv " + flag);
    EXPECT_EQ(result.exit_code, 2) << flag << ": " << result.output;
    EXPECT_FALSE(fs::exists(base + "/t.csv"));
  }
  // Repeated axis values.
  result = test::run_srlif("sweep --sigma 10,20,10 --out " + base + "/dup" + kSmallNoSigma);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "--sigma: the value 10 appears more than once")) << result.output;
  result = test::run_srlif("sweep --sigma 0:10:3,5 --out " + base + "/dup" + kSmallNoSigma);
  EXPECT_EQ(result.exit_code, 2) << "a range and a list item that meet: " << result.output;
  // optimum.csv of a slice with no eligible point: nan in every measure cell, none empty.
  result = test::run_srlif("sweep --bias 100 --out " + base + "/silent" + kSmall);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::string> optimum = test::lines_of(test::read_file(base + "/silent/optimum.csv"));
  ASSERT_EQ(optimum.size(), 2u);
  EXPECT_FALSE(contains(optimum[1] + ",", ",,")) << optimum[1];
  EXPECT_TRUE(contains(optimum[1], ",nan,nan,nan")) << optimum[1];
  // population stopped by SIGTERM: no folder left behind.
  const std::string population = base + "/population";
  const int pid =
      test::start_srlif("population --neurons 20000 --duration 60000 --sigma 10 --quiet --out " + population);
  for (int wait = 0; wait < 3000 && !fs::exists(population); ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ::kill(pid, SIGTERM);
  EXPECT_EQ(test::wait_for(pid), 143);
  EXPECT_FALSE(fs::exists(population)) << "the stopped population left its folder";
}

// Rules that had contradicted their docs (issue 30, class 7).
TEST(SmallerThings, TheRulesAreTheDocumentedOnes) {
  const std::string base = test::temporary_directory("documented_rules");
  fs::create_directories(base);
  // A switch is true or false on the command line as in a config file.
  test::CommandResult result = test::run_srlif("sweep --decorrelate=-1 --out " + base + "/d" + kSmall);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "--decorrelate: is a switch: true or false, not '-1'"))
      << result.output;
  EXPECT_FALSE(fs::exists(base + "/d"));
  EXPECT_EQ(test::run_srlif("sweep --decorrelate=false --out " + base + "/d" + kSmall).exit_code, 0);
  // reproduce reads --config like every command; its keys are srlif's to refuse.
  write_text(base + "/study.toml", "trials = 2\nspeed = 3\n");
  result = test::run_srlif("reproduce --config " + base + "/study.toml --out " + base + "/r");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "--config: unknown key 'speed'")) << result.output;
  EXPECT_FALSE(fs::exists(base + "/r"));
  // A refused --out leaves none of the folders it made on the way.
  result = test::run_srlif("sweep --out " + base + "/a/b/" + std::string(300, 'x') + "/c" + kSmall);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_FALSE(fs::exists(base + "/a")) << "the refused run left the folders it made";
  // A finished run removes its checkpoint's files, not a user's file put there.
  fs::create_directories(base + "/kept/checkpoint");
  write_text(base + "/kept/checkpoint/notes.tmp.txt", "the user's\n");
  ASSERT_EQ(test::run_srlif("sweep --checkpoint-seconds 0 --out " + base + "/kept" + kSmall).exit_code, 0);
  EXPECT_EQ(test::read_file(base + "/kept/checkpoint/notes.tmp.txt"), "the user's\n");
  // A spread's every draw stays within its parameter's bounds, the same rule in sweep and theory.
  for (const std::string& command : {"sweep --out " + base + "/spread" + kSmall, std::string("theory")}) {
    result = test::run_srlif(command + " --v-th 1e4 --v-reset 0 --v-th-spread 1e3");
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output,
                         "--v-th-spread: every neuron's threshold must stay within 10000 mV in "
                         "magnitude: --v-th 10000 mV + 5.77 x --v-th-spread 1000 mV = 15770 mV"))
        << command << ": " << result.output;
  }
  EXPECT_FALSE(fs::exists(base + "/spread"));
  // trace --neuron takes 0..2^32-1 as documented: any neuron's trace is one neuron's memory.
  result = test::run_srlif("trace --duration 5 --neuron 4294967295 --out " + base + "/last.csv");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  result = test::run_srlif("trace --duration 5 --neuron 4294967296 --out " + base + "/beyond.csv");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "--neuron: ")) << result.output;
}

TEST(SmallerThings, TheResultNamesCoverTheFiguresScript) {
  const std::string script = test::read_file(SRLIF_SOURCE_DIR "/scripts/plot_report.py");
  const std::regex png(R"re("([a-z0-9_]+\.png)")re");
  std::set<std::string> found;
  for (std::sregex_iterator it(script.begin(), script.end(), png), end; it != end; ++it)
    found.insert((*it)[1]);
  const std::set<std::string> listed(figure_file_names().begin(), figure_file_names().end());
  EXPECT_EQ(found, listed) << "scripts/plot_report.py and figure_file_names() must name the same figures";
}

}  // namespace
}  // namespace srlif
