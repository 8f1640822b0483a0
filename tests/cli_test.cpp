// The command line (DESIGN.md sections 3.5 and 5), tested through the srlif
// binary: bad input exits 2 with `srlif: error: <flag>: <rule>` and writes
// nothing; a sweep writes exactly points.csv, optimum.csv and run.json; a
// config file means the same as the flags; --quiet, info and --help behave.
// Every run that succeeds is tiny (4 neurons, 200 ms) so the file stays fast.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "srlif/running/backend_registry.hpp"
#include "srlif/version.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

namespace fs = std::filesystem;

constexpr int kBadInput = 2;

// Flags that make a successful sweep tiny.
const std::string kSmall = "--neurons 4 --duration 200";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Regular files (and anything else) directly inside `directory`.
std::set<std::string> entries(const std::string& directory) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

// ---------------------------------------------------------------------------
// Bad input: exit 2, a message naming the flag and the rule, no output.

struct BadInput {
  const char* name;       // test name suffix
  const char* arguments;  // appended to `sweep --out DIR` (plus --neurons 4 --duration 200
                          // unless given here: CLI11 refuses a repeated flag)
  const char* flag;       // must appear in the message
  const char* rule_word;  // a word of the rule, must appear in the message
};

void PrintTo(const BadInput& input, std::ostream* out) { *out << input.arguments; }

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

// Runs the bad sweep twice: with --out missing (it must not be created) and
// with --out an existing empty directory (it must stay empty).
TEST_P(CliBadInput, ExitsTwoNamingTheFlagAndWritesNothing) {
  const BadInput& input = GetParam();
  for (const bool out_exists : {false, true}) {
    SCOPED_TRACE(out_exists ? "--out exists before the run" : "--out does not exist before the run");
    const std::string out = test::temporary_directory(std::string("bad_") + input.name);
    if (out_exists) fs::create_directories(out);

    const std::string arguments = input.arguments;
    const std::string small = std::string(contains(arguments, "--neurons") ? "" : " --neurons 4") +
                              (contains(arguments, "--duration") ? "" : " --duration 200");
    const test::CommandResult result = test::run_srlif("sweep" + small + " --out " + out + " " + arguments);

    EXPECT_EQ(result.exit_code, kBadInput) << result.output;
    EXPECT_TRUE(contains(result.output, "srlif: error: ")) << result.output;
    EXPECT_TRUE(contains(result.output, input.flag)) << "message should name " << input.flag << ":\n"
                                                     << result.output;
    EXPECT_TRUE(contains(result.output, input.rule_word))
        << "message should state the rule ('" << input.rule_word << "'):\n"
        << result.output;
    EXPECT_FALSE(contains(result.output, "sigma_opt")) << "no table on bad input:\n" << result.output;
    if (out_exists) {
      ASSERT_TRUE(fs::is_directory(out));
      EXPECT_TRUE(entries(out).empty()) << "bad input left files in --out";
    } else {
      EXPECT_FALSE(fs::exists(out)) << "bad input created --out " << out;
    }
  }
}

const BadInput kBadInputs[] = {
    // The time step.
    {"NegativeDt", "--dt -0.1", "--dt", "> 0"},
    {"ZeroDt", "--dt 0", "--dt", "> 0"},
    {"DtEqualToTauM", "--dt 10", "--dt", "--tau-m"},
    {"DtAboveTauM", "--dt 2 --tau-m 1", "--dt", "--tau-m"},
    {"NanDt", "--dt nan", "--dt", "finite"},
    {"InfDt", "--dt inf", "--dt", "finite"},
    {"NotANumberDt", "--dt abc", "--dt", "not a number"},
    {"DurationEqualToDt", "--dt 0.1 --duration 0.1", "--duration", "longer"},
    {"DurationBelowDt", "--dt 0.1 --duration 0.05", "--duration", "longer"},
    {"ZeroDuration", "--duration 0", "--duration", "> 0"},
    // The neuron.
    {"ResetEqualToThreshold", "--v-reset -55", "--v-reset", "below"},
    {"ResetAboveThreshold", "--v-reset -50 --v-th -60", "--v-reset", "below"},
    {"NegativeRefractoryPeriod", "--t-ref -1", "--t-ref", ">= 0"},
    {"ZeroLeakConductance", "--g-leak 0", "--g-leak", "> 0"},
    // Noise intensity.
    {"NegativeSigmaInList", "--sigma -1,2", "--sigma", ">= 0"},
    {"NegativeSigmaRangeStart", "--sigma -1:10:3", "--sigma", ">= 0"},
    {"NanSigma", "--sigma nan", "--sigma", "finite"},
    {"InfInSigmaList", "--sigma 1,inf", "--sigma", "finite"},
    {"InfInAmplitudeRange", "--amplitude 0:inf:3", "--amplitude", "finite"},
    {"OverflowingBias", "--bias 1e400", "--bias", "not a number"},
    {"NegativeAmplitude", "--amplitude -5", "--amplitude", ">= 0"},
    // Malformed ranges.
    {"RangeWithoutCount", "--sigma 0:60", "--sigma", "range"},
    {"RangeOfWords", "--sigma a:b:c", "--sigma", "not a number"},
    {"RangeWithZeroCount", "--sigma 0:60:0", "--sigma", ">= 1"},
    {"RangeWithNegativeCount", "--sigma 0:60:-1", "--sigma", ">= 1"},
    {"RangeWithFractionalCount", "--sigma 0:60:2.5", "--sigma", "whole number"},
    {"RangeWithFourFields", "--sigma 1:2:3:4", "--sigma", "range"},
    {"LogRangeFromZero", "--sigma log:0:1:3", "--sigma", "start > 0"},
    {"LogRangeWithoutCount", "--sigma log:1:10", "--sigma", "range"},
    {"EmptyListItem", "--sigma 1,,2", "--sigma", "empty"},
    {"EmptyAxis", "--sigma ''", "--sigma", "at least one value"},
    // Population and validity.
    {"ZeroNeurons", "--neurons 0", "--neurons", ">= 1"},
    {"NegativeNeurons", "--neurons -1", "--neurons", ">= 1"},
    {"MinSpikesAboveMaxSpikes", "--min-spikes 10 --max-spikes 5", "--min-spikes", "--max-spikes"},
    {"NegativeMinSpikes", "--min-spikes -1", "--min-spikes", "between"},
    // Signal frequency against the Nyquist frequency 1000 / (2 dt).
    {"FrequencyAtNyquist", "--frequency 5000", "--frequency", "Nyquist"},
    {"FrequencyAboveNyquist", "--frequency 10,6000", "--frequency", "Nyquist"},
    {"FrequencyAtNyquistOfCoarseDt", "--dt 1 --frequency 500", "--frequency", "Nyquist"},
    {"ZeroFrequency", "--frequency 0", "--frequency", "> 0"},
    // Execution options.
    {"UnknownScheme", "--scheme milstein", "--scheme", "'euler'"},
    {"EmptyScheme", "--scheme ''", "--scheme", "'exact'"},
    {"UnknownBackend", "--backend gpu", "--backend", "auto, cpu, cuda"},
    {"NegativeThreads", "--threads -1", "--threads", ">= 0"},
    {"ChunkNotMultipleOfFour", "--chunk-steps 6", "--chunk-steps", "multiple of 4"},
    {"NegativeBatchPoints", "--batch-points -1", "--batch-points", ">= 0"},
    // The parser itself.
    {"UnknownFlag", "--bogus", "--bogus", "not expected"},
    {"GridTooLargeFromSmallAxes", "--sigma 0:1:100000 --amplitude 0:1:100000 --bias 0:1:100000", "--sigma",
     "GiB"},
};

INSTANTIATE_TEST_SUITE_P(Cli, CliBadInput, ::testing::ValuesIn(kBadInputs),
                         [](const ::testing::TestParamInfo<BadInput>& info) {
                           return std::string(info.param.name);
                         });

// `srlif bench` prints one line per backend, with the CPU's rate; bad input is exit 2.
TEST(CliBench, PrintsOneLinePerBackend) {
  const test::CommandResult result =
      test::run_srlif("bench --neurons 100 --steps 2000 --points 3 --scheme exact");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("scheme exact"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("cpu, 1 thread "), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("neuron-steps/s"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("\ncuda "), std::string::npos) << result.output;  // measured or why not
}

// --backend picks the backends: cpu measures no GPU, cuda no CPU; a named backend that cannot run
// here is an error (exit 2, saying why), as for a sweep.
TEST(CliBench, BackendPicksWhatIsMeasured) {
  const test::CommandResult cpu = test::run_srlif("bench --neurons 64 --steps 500 --backend cpu");
  ASSERT_EQ(cpu.exit_code, 0) << cpu.output;
  EXPECT_TRUE(contains(cpu.output, "cpu, 1 thread ")) << cpu.output;
  EXPECT_FALSE(contains(cpu.output, "\ncuda ")) << cpu.output;
  const test::CommandResult cuda = test::run_srlif("bench --neurons 64 --steps 500 --backend cuda");
  const std::string why_not = backend_kind("cuda").why_unusable();
  if (why_not.empty()) {
    ASSERT_EQ(cuda.exit_code, 0) << cuda.output;
    EXPECT_FALSE(contains(cuda.output, "cpu, ")) << cuda.output;
    EXPECT_TRUE(contains(cuda.output, "\ncuda ")) << cuda.output;
  } else {
    EXPECT_EQ(cuda.exit_code, 2) << cuda.output;
    EXPECT_TRUE(contains(cuda.output, "--backend cuda: " + why_not)) << cuda.output;
    const test::CommandResult sweep =
        test::run_srlif("sweep --sigma 10 --neurons 8 --duration 100 --backend cuda --out " +
                        test::temporary_directory("bench_cuda"));
    EXPECT_EQ(sweep.exit_code, 2) << sweep.output;
  }
}

TEST(CliBench, BadInputIsExitTwoNamingTheFlag) {
  for (const auto& [arguments, flag] : {std::pair{"--scheme rk4", "--scheme"},
                                        {"--neurons 0", "--neurons"},
                                        {"--points 0", "--points"},
                                        {"--steps 0", "--steps"},
                                        {"--repeat 0", "--repeat"},
                                        {"--backend gpu", "--backend"}}) {
    const test::CommandResult result = test::run_srlif(std::string("bench ") + arguments);
    EXPECT_EQ(result.exit_code, kBadInput) << arguments << ": " << result.output;
    EXPECT_NE(result.output.find(std::string("srlif: error: ") + flag + ": "), std::string::npos)
        << arguments << ": " << result.output;
    EXPECT_EQ(result.output.find("neuron-steps/s"), std::string::npos) << arguments;
  }
}

// The message has the documented shape `srlif: error: <flag>: <rule>`.
TEST(CliBadInputMessage, HasTheDocumentedShape) {
  const std::string out = test::temporary_directory("bad_shape");
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --out " + out + " --dt -0.1");
  EXPECT_EQ(result.exit_code, kBadInput);
  EXPECT_EQ(result.output.rfind("srlif: error: --dt: ", 0), 0u) << result.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliBadInputMessage, MissingOutIsRequired) {
  const test::CommandResult result = test::run_srlif("sweep " + kSmall);
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "--out")) << result.output;
  EXPECT_TRUE(contains(result.output, "required")) << result.output;
  EXPECT_FALSE(contains(result.output, "sigma_opt")) << result.output;
}

TEST(CliBadInputMessage, MissingSubcommandIsBadInput) {
  const test::CommandResult result = test::run_srlif("");
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "subcommand")) << result.output;
}

// A grid whose results cannot fit in memory is refused before anything is
// simulated or allocated for it, with the estimate in the message. The axes
// are the largest a single axis may be (10^8 values each).
TEST(CliGridTooLarge, FailsFastWithTheEstimate) {
  const std::string out = test::temporary_directory("too_large");
  const auto start = std::chrono::steady_clock::now();
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --out " + out +
                                                     " --sigma 0:1:100000000 --amplitude 0:1:100000000");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "--sigma")) << result.output;
  EXPECT_TRUE(contains(result.output, "GiB")) << result.output;
  EXPECT_FALSE(fs::exists(out));
  // Counting 2 x 10^8 values takes microseconds; materialising them takes
  // seconds and gigabytes, which is what "fail fast" rules out.
  EXPECT_LT(seconds, 2.0) << "refusing an oversized grid took " << seconds << " s";
}

// ---------------------------------------------------------------------------
// An --out that cannot be written: exit 2 naming --out, nothing created.

TEST(CliBadOut, PathUnderARegularFile) {
  const std::string base = test::temporary_directory("out_under_file");
  fs::create_directories(base);
  const std::string file = base + "/plain_file";
  write_text(file, "keep me\n");
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --out " + file + "/sub");
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "srlif: error: --out: ")) << result.output;
  EXPECT_TRUE(contains(result.output, "directory")) << result.output;
  EXPECT_TRUE(fs::is_regular_file(file));
  EXPECT_EQ(test::read_file(file), "keep me\n");
  EXPECT_EQ(entries(base), std::set<std::string>{"plain_file"});
}

TEST(CliBadOut, RegularFileAsOut) {
  const std::string base = test::temporary_directory("out_is_file");
  fs::create_directories(base);
  const std::string file = base + "/plain_file";
  write_text(file, "keep me\n");
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --out " + file);
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "srlif: error: --out: ")) << result.output;
  EXPECT_EQ(test::read_file(file), "keep me\n");
  EXPECT_EQ(entries(base), std::set<std::string>{"plain_file"});
}

TEST(CliBadOut, PathInProc) {
  const std::string out = "/proc/srlif_cli_test_out";
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --out " + out);
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "srlif: error: --out: ")) << result.output;
  EXPECT_TRUE(contains(result.output, "directory")) << result.output;
  EXPECT_FALSE(fs::exists(out));
}

// A path component longer than NAME_MAX: bad input (2), not a crash-like
// runtime failure (1) from an uncaught filesystem_error.
TEST(CliBadOut, OverlongPathComponent) {
  const std::string base = test::temporary_directory("out_overlong");
  fs::create_directories(base);
  const std::string out = base + "/" + std::string(300, 'a');
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --out " + out);
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "srlif: error: --out: ")) << result.output;
  EXPECT_TRUE(entries(base).empty());
}

// ---------------------------------------------------------------------------
// Backends.

bool info_reports_usable_cuda(const std::string& info) {
  return std::regex_search(info, std::regex("auto:\\s+cuda"));
}

TEST(CliBackend, CudaWithoutUsableDeviceIsBadInput) {
  const test::CommandResult info = test::run_srlif("info");
  ASSERT_EQ(info.exit_code, 0) << info.output;
  if (info_reports_usable_cuda(info.output)) {
    GTEST_SKIP() << "a CUDA device is usable here:\n" << info.output;
  }
  const std::string out = test::temporary_directory("cuda_unavailable");
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --out " + out + " --backend cuda");
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "srlif: error: --backend cuda: ")) << result.output;
  if (contains(info.output, "cuda:     not built")) {
    EXPECT_TRUE(contains(result.output, "without CUDA")) << result.output;
  } else {
    EXPECT_TRUE(contains(result.output, "no usable CUDA device")) << result.output;
  }
  EXPECT_FALSE(fs::exists(out));
}

// ---------------------------------------------------------------------------
// A successful sweep.

const char* const kPointsHeader =
    "point,sigma,amplitude,bias,frequency,neurons,mean_rate_hz,rate_std_hz,"
    "pooled_vector_strength,preferred_phase_rad,mean_vector_strength,std_vector_strength,"
    "valid_neurons,valid_fraction,rayleigh_z,rayleigh_p,total_spikes,rayleigh_rate_hz,"
    "spectral_amplitude_hz,snr_db";

TEST(CliSweep, WritesExactlyTheResultFiles) {
  const std::string out = test::temporary_directory("sweep_files");
  const test::CommandResult result = test::run_srlif(
      "sweep " + kSmall + " --sigma 0:40:3 --amplitude 5,10 --seed 42 --backend cpu --quiet --out " + out);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(entries(out), (std::set<std::string>{"optimum.csv", "points.csv", "run.json", "tallies.csv"}))
      << "no temp files and no checkpoint may be left behind";

  // points.csv: the documented header, one row per grid point, sigma fastest.
  const std::vector<std::string> points = test::lines_of(test::read_file(out + "/points.csv"));
  ASSERT_EQ(points.size(), 1u + 3u * 2u);
  EXPECT_EQ(points[0], kPointsHeader);
  const char* const prefixes[] = {"0,0,5,178,10,4,",  "1,20,5,178,10,4,",  "2,40,5,178,10,4,",
                                  "3,0,10,178,10,4,", "4,20,10,178,10,4,", "5,40,10,178,10,4,"};
  for (std::size_t row = 0; row < 6; ++row) {
    EXPECT_EQ(points[row + 1].rfind(prefixes[row], 0), 0u) << "row " << row << ": " << points[row + 1];
  }

  // optimum.csv: one row per (amplitude, bias, frequency) slice.
  const std::vector<std::string> optimum = test::lines_of(test::read_file(out + "/optimum.csv"));
  ASSERT_EQ(optimum.size(), 1u + 2u);
  EXPECT_EQ(optimum[0].rfind("objective,amplitude,bias,frequency,eligible_points,sigma_opt,", 0), 0u)
      << optimum[0];
  EXPECT_EQ(optimum[1].rfind("vs-valid,5,178,10,", 0), 0u) << optimum[1];

  // run.json: the configuration, the seed and the backend.
  const nlohmann::ordered_json json = test::read_json(out + "/run.json");
  EXPECT_EQ(json["seed"], 42) << json;
  EXPECT_EQ(json["execution"]["backend"], "cpu") << json;
  EXPECT_EQ(json["grid_points"], 6) << json;
  EXPECT_EQ(json["neurons_per_point"], 4) << json;
  EXPECT_EQ(json["srlif_version"], kVersion) << json;
  EXPECT_EQ(json["axes"]["sigma"], (std::vector<double>{0, 20, 40})) << json;
  EXPECT_EQ(json["axes"]["amplitude"], (std::vector<double>{5, 10})) << json;
  EXPECT_EQ(json.begin().key(), "srlif_version") << json;
  EXPECT_EQ((--json.end()).key(), "neuron_steps_per_second") << json;
  const std::string text = test::read_file(out + "/run.json");
  EXPECT_EQ(text.substr(text.size() - 2), "}\n");
}

TEST(CliSweep, QuietPrintsNothing) {
  const std::string out = test::temporary_directory("sweep_quiet");
  const test::CommandResult result =
      test::run_srlif("sweep " + kSmall + " --sigma 0,30 --quiet --out " + out);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "");
  EXPECT_TRUE(fs::exists(out + "/points.csv"));
}

TEST(CliSweep, WithoutQuietPrintsTheTable) {
  const std::string out = test::temporary_directory("sweep_table");
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --sigma 0,30 --out " + out);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "sigma_opt")) << result.output;
  EXPECT_TRUE(contains(result.output, "mean_R")) << result.output;
  EXPECT_TRUE(contains(result.output, "points.csv")) << result.output;
}

// A second run into the same directory replaces the files and leaves nothing else.
// --psth is checked without --spectrum only when given: its default (10 ms) must not stop a
// sweep shorter than 10 ms.
TEST(CliSweep, AShortRunIsNotStoppedByTheDefaultPsth) {
  const std::string out = test::temporary_directory("sweep_short");
  const test::CommandResult result =
      test::run_srlif("sweep --neurons 4 --duration 2 --sigma 10 --quiet --out " + out);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const test::CommandResult given =
      test::run_srlif("sweep --neurons 4 --duration 2 --sigma 10 --psth 10 --quiet --out " + out + "_given");
  EXPECT_EQ(given.exit_code, kBadInput) << given.output;
  EXPECT_TRUE(contains(given.output, "srlif: error: --psth: ")) << given.output;
}

TEST(CliSweep, RerunIntoTheSameDirectoryReplacesTheFiles) {
  const std::string out = test::temporary_directory("sweep_rerun");
  ASSERT_EQ(test::run_srlif("sweep " + kSmall + " --sigma 0,30 --quiet --out " + out).exit_code, 0);
  ASSERT_EQ(test::run_srlif("sweep " + kSmall + " --sigma 0,10,30 --quiet --out " + out).exit_code, 0);
  EXPECT_EQ(entries(out), (std::set<std::string>{"optimum.csv", "points.csv", "run.json", "tallies.csv"}));
  EXPECT_EQ(test::lines_of(test::read_file(out + "/points.csv")).size(), 4u);
}

// ---------------------------------------------------------------------------
// --config FILE: the same as the flags.

// A config file whose only effect is a bad-input error; the flags on the
// command line keep the run tiny in case the file were ignored.
bool config_file_is_read(const std::string& base, std::string& output) {
  const std::string config = base + "/probe.toml";
  write_text(config, "min-spikes = 10\nmax-spikes = 5\n");
  const std::string out = base + "/probe_out";
  const test::CommandResult result =
      test::run_srlif("sweep " + kSmall + " --sigma 0 --quiet --config " + config + " --out " + out);
  output = result.output;
  return result.exit_code == kBadInput && contains(result.output, "--min-spikes");
}

TEST(CliConfig, FileIsRead) {
  const std::string base = test::temporary_directory("config_probe");
  fs::create_directories(base);
  std::string output;
  EXPECT_TRUE(config_file_is_read(base, output))
      << "a config file with min-spikes > max-spikes was not refused, so it was not read:\n"
      << output;
  EXPECT_FALSE(fs::exists(base + "/probe_out"));
}

TEST(CliConfig, SameResultAsFlags) {
  const std::string base = test::temporary_directory("config_same");
  fs::create_directories(base);
  std::string probe_output;
  // Without this guard an ignored file would run the default (large) sweep.
  ASSERT_TRUE(config_file_is_read(base, probe_output)) << "config file ignored:\n" << probe_output;

  const std::string config = base + "/sweep.toml";
  write_text(config,
             "# srlif sweep configuration\n"
             "sigma = \"0:60:3\"\n"
             "neurons = 4\n"
             "duration = 200\n"
             "seed = 7\n"
             "v-th = -56\n"
             "min-spikes = 1\n");
  const test::CommandResult from_file =
      test::run_srlif("sweep --quiet --config " + config + " --out " + base + "/from_file");
  ASSERT_EQ(from_file.exit_code, 0) << from_file.output;
  const test::CommandResult from_flags = test::run_srlif(
      "sweep --quiet --sigma 0:60:3 --neurons 4 --duration 200 --seed 7 --v-th -56 --min-spikes 1 "
      "--out " +
      base + "/from_flags");
  ASSERT_EQ(from_flags.exit_code, 0) << from_flags.output;

  const std::string points_file = test::read_file(base + "/from_file/points.csv");
  const std::string points_flags = test::read_file(base + "/from_flags/points.csv");
  EXPECT_EQ(test::lines_of(points_file).size(), 4u);
  EXPECT_EQ(points_file, points_flags);

  // The dashed key v-th took effect, and so did the seed and the duration.
  const nlohmann::ordered_json json = test::read_json(base + "/from_file/run.json");
  EXPECT_EQ(json["neuron"]["v_th_mV"], -56.0) << json;
  EXPECT_EQ(json["seed"], 7) << json;
  EXPECT_EQ(json["time"]["duration_ms"], 200.0) << json;
  EXPECT_EQ(json["validity"]["min_spikes"], 1) << json;
}

TEST(CliConfig, CommandLineOverridesFile) {
  const std::string base = test::temporary_directory("config_override");
  fs::create_directories(base);
  std::string probe_output;
  ASSERT_TRUE(config_file_is_read(base, probe_output)) << "config file ignored:\n" << probe_output;

  const std::string config = base + "/sweep.toml";
  write_text(config, "neurons = 0\nseed = 9\n");  // neurons = 0 alone would be refused
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --sigma 0,30 --quiet --config " +
                                                     config + " --out " + base + "/out");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::ordered_json json = test::read_json(base + "/out/run.json");
  EXPECT_EQ(json["neurons_per_point"], 4) << json;
  EXPECT_EQ(json["seed"], 9) << json;
}

TEST(CliConfig, BadValueInFileNamesTheFlag) {
  const std::string base = test::temporary_directory("config_bad_value");
  fs::create_directories(base);
  const std::string config = base + "/sweep.toml";
  write_text(config, "dt = -0.5\n");
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --sigma 0 --quiet --config " +
                                                     config + " --out " + base + "/out");
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "--dt")) << result.output;
  EXPECT_FALSE(fs::exists(base + "/out"));
}

TEST(CliConfig, MissingFileIsBadInput) {
  const std::string base = test::temporary_directory("config_missing");
  fs::create_directories(base);
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --sigma 0 --quiet --config " +
                                                     base + "/does_not_exist.toml --out " + base + "/out");
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "does_not_exist.toml")) << result.output;
  EXPECT_FALSE(fs::exists(base + "/out"));
}

// A misspelt key must not be silently ignored (the run would use the default).
TEST(CliConfig, UnknownKeyIsBadInput) {
  const std::string base = test::temporary_directory("config_unknown_key");
  fs::create_directories(base);
  const std::string config = base + "/sweep.toml";
  write_text(config, "sigmaa = \"0:10:3\"\n");
  const test::CommandResult result = test::run_srlif("sweep " + kSmall + " --sigma 0 --quiet --config " +
                                                     config + " --out " + base + "/out");
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "sigmaa")) << result.output;
  EXPECT_FALSE(fs::exists(base + "/out"));
}

// ---------------------------------------------------------------------------
// info, --version and --help.

TEST(CliInfo, PrintsVersionAndCuda) {
  const test::CommandResult result = test::run_srlif("info");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, std::string("srlif ") + kVersion)) << result.output;
  EXPECT_TRUE(contains(result.output, "cuda")) << result.output;
  EXPECT_TRUE(std::regex_search(result.output, std::regex("auto:\\s+(cpu|cuda)"))) << result.output;
}

TEST(CliInfo, VersionFlag) {
  const test::CommandResult result = test::run_srlif("--version");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, kVersion)) << result.output;
}

TEST(CliHelp, TopLevelListsTheSubcommands) {
  const test::CommandResult result = test::run_srlif("--help");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "sweep")) << result.output;
  EXPECT_TRUE(contains(result.output, "info")) << result.output;
}

TEST(CliHelp, SweepListsItsOptions) {
  const test::CommandResult result = test::run_srlif("sweep --help");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  for (const char* flag : {"--sigma", "--amplitude", "--dt", "--neurons", "--seed", "--out", "--config",
                           "--quiet", "--backend"}) {
    EXPECT_TRUE(contains(result.output, flag)) << flag << " missing from:\n" << result.output;
  }
}

}  // namespace
}  // namespace srlif
