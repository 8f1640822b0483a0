// `srlif population` and `srlif trace` through the binary (DESIGN.md sections
// 3.5 and 5): the files and their columns, and bad readout options refused
// with exit code 2, the flag named and nothing written.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "srlif/io/point_tables.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

namespace fs = std::filesystem;

constexpr int kBadInput = 2;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::set<std::string> entries(const std::string& directory) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) names.insert(entry.path().filename().string());
  return names;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  return fields;
}

const std::string kKey = "point,sigma,amplitude,bias,frequency,";

// Two sigma, 8 neurons, 500 ms: 30 phase bins, 50 PSTH bins, raster of 4.
TEST(PopulationCli, WritesTheReadoutFiles) {
  const std::string out = test::temporary_directory("population_files");
  const test::CommandResult result = test::run_srlif(
      "population --backend cpu --sigma 0,30 --neurons 8 --duration 500 --raster 4 --quiet --out " + out);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(entries(out), (std::set<std::string>{"population.csv", "phase_histogram.csv", "psth.csv",
                                                 "raster.csv", "run.json"}));

  // population.csv: the points.csv columns, then the readout measures.
  const std::vector<std::string> summary = test::lines_of(test::read_file(out + "/population.csv"));
  ASSERT_EQ(summary.size(), 3u);
  const std::vector<std::string> columns = split(summary[0]);
  std::vector<std::string> expected_start = {"point", "sigma", "amplitude", "bias", "frequency"};
  const std::vector<std::string> metric_columns = points_csv_columns(Grid{{0.0}, {20.0}, {178.0}, {10.0}});
  for (const std::string& column : metric_columns) {
    if (std::find(expected_start.begin(), expected_start.end(), column) == expected_start.end()) {
      expected_start.push_back(column);
    }
  }
  for (const std::string& column : expected_start) {
    EXPECT_NE(std::find(columns.begin(), columns.end(), column), columns.end())
        << column << " in " << summary[0];
  }
  for (const char* column : {"spectral_amplitude_hz", "snr_db", "max_v_mv", "subthreshold_margin_mv"}) {
    EXPECT_EQ(std::count(columns.begin(), columns.end(), column), 1) << column << " in " << summary[0];
  }
  EXPECT_EQ(std::set<std::string>(columns.begin(), columns.end()).size(), columns.size())
      << "duplicate columns: " << summary[0];
  for (std::size_t row = 1; row < summary.size(); ++row)
    EXPECT_EQ(split(summary[row]).size(), columns.size());

  const std::vector<std::string> phase = test::lines_of(test::read_file(out + "/phase_histogram.csv"));
  ASSERT_FALSE(phase.empty());
  EXPECT_EQ(phase[0], kKey + "bin,phase_start_rad,phase_end_rad,spikes,density_per_rad");
  EXPECT_EQ(phase.size(), 1u + 2u * 30u);

  const std::vector<std::string> psth = test::lines_of(test::read_file(out + "/psth.csv"));
  ASSERT_FALSE(psth.empty());
  EXPECT_EQ(psth[0], kKey + "bin,time_start_ms,time_end_ms,spikes,rate_hz");
  EXPECT_EQ(psth.size(), 1u + 2u * 50u);

  const std::vector<std::string> raster = test::lines_of(test::read_file(out + "/raster.csv"));
  ASSERT_FALSE(raster.empty());
  EXPECT_EQ(raster[0], kKey + "neuron,spike_time_ms");
  ASSERT_GT(raster.size(), 1u) << "sigma 30 should make the first 4 neurons fire in 500 ms";
  for (std::size_t row = 1; row < raster.size(); ++row) {
    const std::vector<std::string> fields = split(raster[row]);
    ASSERT_EQ(fields.size(), 7u) << raster[row];
    EXPECT_EQ(fields[0], "1") << "no spikes at sigma 0: " << raster[row];
    EXPECT_LT(std::stoi(fields[5]), 4) << raster[row];
    EXPECT_GT(std::stod(fields[6]), 0.0) << raster[row];
    EXPECT_LT(std::stod(fields[6]), 500.0) << raster[row];
  }
  const nlohmann::ordered_json json = test::read_json(out + "/run.json");
  EXPECT_TRUE(json.contains("seed")) << json;
  EXPECT_TRUE(json.contains("readouts")) << json;
}

TEST(PopulationCli, NoRasterFileWithoutRaster) {
  const std::string out = test::temporary_directory("population_no_raster");
  const test::CommandResult result = test::run_srlif(
      "population --backend cpu --sigma 20 --neurons 4 --duration 200 --raster 0 --quiet --out " + out);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(entries(out),
            (std::set<std::string>{"population.csv", "phase_histogram.csv", "psth.csv", "run.json"}));
}

// The table on stdout names the readout measures.
TEST(PopulationCli, PrintsTheTable) {
  const std::string out = test::temporary_directory("population_table");
  const test::CommandResult result =
      test::run_srlif("population --backend cpu --sigma 0,30 --neurons 4 --duration 600 --out " + out);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* word : {"SNR_dB", "margin_mV", "pooled_R", "raster.csv"}) {
    EXPECT_TRUE(contains(result.output, word)) << word << ":\n" << result.output;
  }
}

struct BadInput {
  const char* name;
  const char* arguments;  // appended to `population --neurons 4 --duration 200 --out DIR`
  const char* flag;       // must appear in the message
};

void PrintTo(const BadInput& input, std::ostream* out) { *out << input.arguments; }

class PopulationCliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(PopulationCliBadInput, ExitsTwoNamingTheFlagAndWritesNothing) {
  const BadInput& input = GetParam();
  for (const bool out_exists : {false, true}) {
    SCOPED_TRACE(out_exists ? "--out exists" : "--out does not exist");
    const std::string out = test::temporary_directory(std::string("population_bad_") + input.name);
    if (out_exists) fs::create_directories(out);
    const test::CommandResult result = test::run_srlif(
        "population --backend cpu --neurons 4 --duration 200 --out " + out + " " + input.arguments);
    EXPECT_EQ(result.exit_code, kBadInput) << result.output;
    EXPECT_TRUE(contains(result.output, "srlif: error: ")) << result.output;
    EXPECT_TRUE(contains(result.output, input.flag)) << "should name " << input.flag << ":\n"
                                                     << result.output;
    if (out_exists) {
      ASSERT_TRUE(fs::is_directory(out));
      EXPECT_TRUE(entries(out).empty()) << "bad input left files in --out";
    } else {
      EXPECT_FALSE(fs::exists(out)) << "bad input created --out";
    }
  }
}

const BadInput kBadInputs[] = {
    {"ZeroPhaseBins", "--phase-bins 0", "--phase-bins"},
    {"TooManyPhaseBins", "--phase-bins 5000", "--phase-bins"},
    {"ZeroPsth", "--psth 0", "--psth"},
    {"NegativePsth", "--psth -1", "--psth"},
    {"PsthBelowDt", "--psth 0.05", "--psth"},
    {"PsthAboveDuration", "--psth 300", "--psth"},
    {"RasterAboveNeurons", "--raster 5", "--raster"},
    {"NegativeRaster", "--raster -5", "--raster"},
};

INSTANTIATE_TEST_SUITE_P(PopulationCli, PopulationCliBadInput, ::testing::ValuesIn(kBadInputs),
                         [](const ::testing::TestParamInfo<BadInput>& info) {
                           return std::string(info.param.name);
                         });

// ---------------------------------------------------------------------------
// srlif trace

TEST(PopulationCli, TraceWritesOneRowPerSample) {
  const std::string out = test::temporary_directory("trace_file");
  fs::create_directories(out);
  const test::CommandResult result =
      test::run_srlif("trace --sigma 12.5 --duration 100 --out " + out + "/trace.csv");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(entries(out), std::set<std::string>{"trace.csv"});
  const std::vector<std::string> lines = test::lines_of(test::read_file(out + "/trace.csv"));
  ASSERT_EQ(lines.size(), 1u + 1000u);  // K = 100 ms / 0.1 ms samples
  EXPECT_EQ(lines[0], "time_ms,v_mv,input_pa,spike");
  const std::vector<std::string> first = split(lines[1]);
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[0], "0");
  EXPECT_EQ(first[1], "-75");
  EXPECT_EQ(first[3], "0");
  EXPECT_EQ(split(lines.back())[0], "99.9");
  for (std::size_t row = 1; row < lines.size(); ++row) {
    const std::string spike = split(lines[row]).at(3);
    ASSERT_TRUE(spike == "0" || spike == "1") << lines[row];
  }
}

TEST(PopulationCli, TraceRefusesAListOfSigma) {
  const std::string out = test::temporary_directory("trace_list");
  fs::create_directories(out);
  const test::CommandResult result =
      test::run_srlif("trace --sigma 1,2 --duration 100 --out " + out + "/t.csv");
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "--sigma")) << result.output;
  EXPECT_TRUE(entries(out).empty());
}

TEST(PopulationCli, TraceNeedsOut) {
  const test::CommandResult result = test::run_srlif("trace --sigma 12.5 --duration 100");
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "--out")) << result.output;
}

TEST(PopulationCli, TraceIntoMissingDirectoryIsBadInput) {
  const std::string out = test::temporary_directory("trace_missing");
  const test::CommandResult result =
      test::run_srlif("trace --sigma 12.5 --duration 100 --out " + out + "/t.csv");
  EXPECT_EQ(result.exit_code, kBadInput) << result.output;
  EXPECT_TRUE(contains(result.output, "--out")) << result.output;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace srlif
