// `srlif reproduce` end to end on a reduced protocol (3 trials, 1 s per neuron).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "test_support.hpp"

namespace srlif {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool matplotlib_available() {
  return std::system("python3 -c 'import matplotlib' >/dev/null 2>&1") == 0 ||
         std::system("/usr/bin/python3 -c 'import matplotlib' >/dev/null 2>&1") == 0;
}

TEST(Reproduce, ReducedProtocolWritesTablesAndAReportOnAllFiveHypotheses) {
  const std::string out = test::temporary_directory("reproduce_tables");
  const test::CommandResult result =
      test::run_srlif("reproduce --trials 3 --duration 1000 --no-figures --quiet --out " + out);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* table :
       {"h1_curve.csv", "h2_curves.csv", "h2_sigma_opt_vs_amplitude.csv", "h3_curves.csv",
        "h3_sigma_opt_vs_bias.csv", "h5_population.csv", "h5_phase_histogram.csv", "h5_psth.csv",
        "h5_raster.csv", "spectral_readout.csv", "heatmap_sigma_amplitude.csv", "h1_theory.csv",
        "h1_theory_rate_curve.csv", "report.md", "run.json"}) {
    EXPECT_TRUE(fs::exists(out + "/" + table)) << table;
  }
  const std::string report = test::read_file(out + "/report.md");
  for (const char* hypothesis : {"## H1", "## H2", "## H3", "## H4", "## H5", "subthreshold"}) {
    EXPECT_TRUE(contains(report, hypothesis)) << hypothesis;
  }
  EXPECT_TRUE(contains(report, "Verdict")) << report;
  // The theory beside H1: the periodic state from sigma 12.5 (a = A sqrt(tau_m)/sigma <= 6), its
  // sigma_opt beside the simulated one.
  EXPECT_TRUE(contains(report, "## Theory beside the simulation")) << report;
  // Its sigma_opt is `srlif theory`'s on the same sigma.
  const test::CommandResult theory_run =
      test::run_srlif("theory --response periodic --sigma 12.5:60:20 --amplitude 20 --out " + out + "/t.csv");
  ASSERT_EQ(theory_run.exit_code, 0) << theory_run.output;
  const std::size_t refined = theory_run.output.find("(refined ");
  ASSERT_NE(refined, std::string::npos) << theory_run.output;
  char sigma_opt[32];
  std::snprintf(sigma_opt, sizeof sigma_opt, "%.3g", std::stod(theory_run.output.substr(refined + 9)));
  EXPECT_TRUE(contains(report, std::string("The Rayleigh rate's sigma_opt: theory ") + sigma_opt + " ("))
      << sigma_opt << "\n"
      << report;
  const std::vector<std::string> theory = test::lines_of(test::read_file(out + "/h1_theory.csv"));
  ASSERT_EQ(theory.size(), 1u + 20u);  // sigma 12.5 ... 60 of the study's 0:60:25
  EXPECT_EQ(theory[1].substr(0, theory[1].find(',', theory[1].find(',') + 1)), "178,12.5");
  EXPECT_EQ(test::lines_of(test::read_file(out + "/h1_theory_rate_curve.csv")).size(), 1u + 20u * 200u);
  // The study's sigma grid: 25 values, one row each in the H1 curve (plus the header).
  const std::string curve = test::read_file(out + "/h1_curve.csv");
  EXPECT_EQ(std::count(curve.begin(), curve.end(), '\n'), 26);
  // Three objectives x four amplitudes, plus the header.
  const std::string optima = test::read_file(out + "/h2_sigma_opt_vs_amplitude.csv");
  EXPECT_EQ(std::count(optima.begin(), optima.end(), '\n'), 13);
  const nlohmann::ordered_json run = test::read_json(out + "/run.json");
  EXPECT_EQ(run["trials"], 3) << run;
  EXPECT_EQ(run["duration_ms"], 1000.0) << run;
  EXPECT_EQ(run["scheme"], "euler") << run;  // the study's own scheme
  EXPECT_EQ(run["backend"], "cpu") << run;
  EXPECT_GT(run["neuron_steps"].get<std::uint64_t>(), 0u) << run;
}

TEST(Reproduce, SameSeedSameBytes) {
  const std::string first = test::temporary_directory("reproduce_first");
  const std::string second = test::temporary_directory("reproduce_second");
  const std::string run = "reproduce --trials 2 --duration 500 --no-figures --no-theory --quiet --threads ";
  ASSERT_EQ(test::run_srlif(run + "1 --out " + first).exit_code, 0);
  ASSERT_EQ(test::run_srlif(run + "2 --out " + second).exit_code, 0);
  EXPECT_FALSE(fs::exists(first + "/h1_theory.csv"));  // --no-theory
  for (const char* table : {"h1_curve.csv", "h3_sigma_opt_vs_bias.csv", "h5_raster.csv", "report.md"}) {
    const std::string a = test::read_file(first + "/" + table);
    const std::string b = test::read_file(second + "/" + table);
    // report.md names the backend's thread count; everything else must agree.
    if (std::string(table) == "report.md") {
      EXPECT_EQ(a.substr(a.find("## H1")), b.substr(b.find("## H1"))) << table;
    } else {
      EXPECT_EQ(a, b) << table;
    }
  }
}

TEST(Reproduce, DrawsTheFigures) {
  if (!matplotlib_available()) GTEST_SKIP() << "no python3 with matplotlib (scripts/install_dependencies.sh)";
  const std::string out = test::temporary_directory("reproduce_figures");
  const test::CommandResult result =
      test::run_srlif("reproduce --trials 2 --duration 1000 --quiet --out " + out);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* figure :
       {"h1_sr_curve.png", "h1_spectral.png", "h2_curves.png", "h3_curves.png", "sigma_opt.png",
        "h5_raster_psth.png", "h5_phase_polar.png", "heatmap_r.png", "heatmap_snr.png"}) {
    ASSERT_TRUE(fs::exists(out + "/" + figure)) << figure;
    const std::string png = test::read_file(out + "/" + figure);
    EXPECT_EQ(png.substr(1, 3), "PNG") << figure;
    EXPECT_GT(png.size(), 10000u) << figure;
  }
}

TEST(Reproduce, BadInputExitsTwoAndWritesNothing) {
  for (const char* arguments : {"--trials -1", "--duration 0", "--duration nan", "--seed -3", "--backend gpu",
                                "--threads -2", "--warmup -5", "--bogus"}) {
    SCOPED_TRACE(arguments);
    const std::string out = test::temporary_directory("reproduce_bad");
    const test::CommandResult result =
        test::run_srlif(std::string("reproduce ") + arguments + " --out " + out);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, "srlif: error: ")) << result.output;
    EXPECT_FALSE(fs::exists(out));
  }
  const test::CommandResult no_out = test::run_srlif("reproduce --trials 2");
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_TRUE(contains(no_out.output, "--out"));
}

}  // namespace
}  // namespace srlif
