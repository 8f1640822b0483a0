// The stderr progress bar: what it draws, and that it stays silent when it should.
#include "srlif/running/progress.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "test_support.hpp"

namespace srlif {
namespace {

std::string contents_of(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[512];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  return text;
}

TEST(ProgressBar, RenderShowsPercentEtaAndThroughput) {
  const std::string text = ProgressBar::render(250, 1000, 2.0);
  EXPECT_NE(text.find(" 25.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("ETA 6 s"), std::string::npos) << text;  // 750 left at 125/s
  EXPECT_NE(text.find("125 neuron-steps/s"), std::string::npos) << text;
  EXPECT_NE(text.find("[#######"), std::string::npos) << text;
  EXPECT_NE(ProgressBar::render(1000, 1000, 1.0).find("100.0%"), std::string::npos);
}

TEST(ProgressBar, DrawsWhenEnabledAndClearsOnFinish) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressBar bar(100, true, file, std::chrono::milliseconds(0));
  bar.update(100);
  bar.finish();
  const std::string text = contents_of(file);
  std::fclose(file);
  EXPECT_NE(text.find("100.0%"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\r');  // the line is blanked and the cursor returned
}

TEST(ProgressBar, SilentWhenDisabledOrBeforeTheDelay) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressBar disabled(100, false, file, std::chrono::milliseconds(0));
  disabled.update(50);
  disabled.finish();
  ProgressBar delayed(100, true, file, std::chrono::hours(1));
  delayed.update(50);
  delayed.finish();
  EXPECT_EQ(contents_of(file), "");
  std::fclose(file);
}

// stderr is a pipe here, so the bar appears only when --progress asks for it.
// The bar draws after its one-second delay: 9 * 10^8 neuron-steps on one CPU
// thread take about 2.6 s here (6 * 10^8 on two threads took 0.8 s, too short),
// on any machine the CPU backend runs on.
TEST(ProgressBar, CommandLineDrawsOnlyWhenAskedWithoutATerminal) {
  // 2.4e9 neuron-steps on one thread (in the sanitized build an eighth: long_run_neurons), a few
  // seconds, so that the bar (drawn after 1 s) shows: the 9e8 of 3000 neurons x 3e5 steps took
  // about 1 s once the CPU kernel got faster.
  const std::string run = "sweep --sigma 30 --neurons " + std::to_string(test::long_run_neurons(6000)) +
                          " --duration 40000 --backend cpu --threads 1 --quiet --out ";
  const test::CommandResult asked =
      test::run_srlif(run + test::temporary_directory("progress_on") + " --progress");
  EXPECT_EQ(asked.exit_code, 0);
  EXPECT_NE(asked.output.find("neuron-steps/s"), std::string::npos) << asked.output;
  EXPECT_NE(asked.output.find('%'), std::string::npos);
  const test::CommandResult silent = test::run_srlif(run + test::temporary_directory("progress_off"));
  EXPECT_EQ(silent.exit_code, 0);
  EXPECT_EQ(silent.output, "");
}

}  // namespace
}  // namespace srlif
