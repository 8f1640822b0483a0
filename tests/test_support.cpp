#include "test_support.hpp"

#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "srlif/io/point_tables.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/run_control.hpp"
#include "srlif/running/sweep_runner.hpp"

namespace srlif::test {

SweepConfig reference_config(std::vector<double> sigma, std::uint64_t neurons, double duration_ms) {
  SweepConfig config;
  config.grid[Axis::sigma] = std::move(sigma);
  config.grid[Axis::amplitude] = {20.0};
  config.grid[Axis::bias] = {178.0};
  config.grid[Axis::frequency] = {10.0};
  config.neurons = neurons;
  config.time.duration = duration_ms;
  config.seed = 12345;
  return config;
}

std::string cpu_points_csv(const SweepConfig& config) {
  const SweepPlan plan = make_plan(config);
  const auto backend = make_cpu_backend(config.execution.threads);
  const SweepResult result = run_sweep(plan, *backend, {});
  return points_csv(config.grid, config.neurons, result.metrics);
}

PopulationSnapshot snapshot_at(Backend& backend, const SweepPlan& plan, std::int64_t step) {
  PopulationSnapshot taken;
  ChunkHooks hooks;
  hooks.snapshot_due = [&](std::int64_t next_step) { return taken.v.empty() && next_step >= step; };
  hooks.on_snapshot = [&](const PopulationSnapshot& state) { taken = state; };
  backend.run(plan, {}, hooks);
  if (taken.v.empty()) throw std::logic_error("snapshot_at: no chunk boundary at or after the step");
  return taken;
}

std::vector<PointTally> tallies_from(Backend& backend, const SweepPlan& plan,
                                     const PopulationSnapshot& start) {
  ChunkHooks hooks;
  hooks.start = &start;
  return backend.run(plan, {}, hooks).tallies;
}

CommandResult run_srlif(const std::string& arguments) {
  const std::string command = std::string(SRLIF_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed");
  std::string output;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  return CommandResult{WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

int start_srlif(const std::string& arguments, const std::string& output_file,
                const std::string& shell_first) {
  const std::string command =
      shell_first + "exec " + std::string(SRLIF_BINARY) + " " + arguments + " >" + output_file + " 2>&1";
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  // The stop signals at their default action, whatever the test runner ignores (nohup's SIGHUP):
  // srlif keeps an ignored signal ignored, and the tests send them all.
  posix_spawnattr_t attributes;
  ::posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (const StopSignal& stop : kStopSignals) sigaddset(&defaults, stop.number);
  ::posix_spawnattr_setsigdefault(&attributes, &defaults);
  ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int failed =
      ::posix_spawn(&pid, "/bin/sh", nullptr, &attributes, const_cast<char* const*>(argv), environ);
  ::posix_spawnattr_destroy(&attributes);
  if (failed != 0) throw std::runtime_error("posix_spawn failed");
  return pid;
}

int wait_for(int pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) throw std::runtime_error("waitpid failed");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool has_ended(int pid, int& code) {
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) != pid) return false;
  code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

namespace {

// The test process's own folder under the system's temporary directory.
std::filesystem::path process_directory() {
  return std::filesystem::temp_directory_path() / ("srlif_test_" + std::to_string(::getpid()));
}

// Removes the process's folder when every test passed (a failure leaves it to look at), so that
// test runs do not fill /tmp with one folder per test process.
class TemporaryDirectoryCleanup final : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!::testing::UnitTest::GetInstance()->Passed()) return;
    std::error_code ignored;
    std::filesystem::remove_all(process_directory(), ignored);
  }
};

[[maybe_unused]] ::testing::Environment* const kCleanup =
    ::testing::AddGlobalTestEnvironment(new TemporaryDirectoryCleanup);

}  // namespace

std::string temporary_directory(const std::string& name) {
  const std::filesystem::path path = process_directory() / name;
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path.parent_path());
  return path.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

nlohmann::ordered_json read_json(const std::string& path) {
  const std::string text = read_file(path);
  EXPECT_TRUE(nlohmann::ordered_json::accept(text)) << path << " is not JSON:\n" << text;
  return nlohmann::ordered_json::parse(text, nullptr, false);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) lines.push_back(line);
  return lines;
}

}  // namespace srlif::test
