// Helpers shared by the tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "srlif/planning/sweep_plan.hpp"
#include "srlif/running/backend.hpp"

namespace srlif::test {

// How many times slower than the Release build this test build's srlif runs: under AddressSanitizer
// and UBSan the CPU kernels take 7.9 times as long (one point, 6000 neurons x 4e5 steps, one
// thread: 29.3 s against 3.7 s). The tests that need a run of a few seconds, long enough to be
// stopped in the middle of it, divide their neurons by this (long_run_neurons), so that the run
// lasts about as long in both builds.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr int kBuildSlowdown = 8;
#else
inline constexpr int kBuildSlowdown = 1;
#endif
constexpr int long_run_neurons(int release_neurons) { return release_neurons / kBuildSlowdown; }

// The reference neuron's sweep configuration with a small default grid.
SweepConfig reference_config(std::vector<double> sigma, std::uint64_t neurons, double duration_ms);

// points.csv contents of a run of `config` on the CPU backend.
std::string cpu_points_csv(const SweepConfig& config);

// The state that `backend` reaches in `plan` (one batch, no readouts) at the
// first chunk boundary at or after `step`.
PopulationSnapshot snapshot_at(Backend& backend, const SweepPlan& plan, std::int64_t step);

// The tallies of `plan` run by `backend` from `start`.
std::vector<PointTally> tallies_from(Backend& backend, const SweepPlan& plan,
                                     const PopulationSnapshot& start);

// Runs the srlif binary with `arguments` (a shell-quoted string); captures
// stdout+stderr and the exit code.
struct CommandResult {
  int exit_code;
  std::string output;
};
CommandResult run_srlif(const std::string& arguments);

// Starts the srlif binary with `arguments` without waiting; its output goes to `output_file`. The
// stop signals start at their default action; `shell_first` (e.g. "trap '' HUP; ") runs in the
// shell before srlif replaces it.
int start_srlif(const std::string& arguments, const std::string& output_file = "/dev/null",
                const std::string& shell_first = "");
// Waits for a process started by start_srlif: its exit code, or 128 + the
// signal that ended it.
int wait_for(int pid);
// Whether that process has ended (then `code` is what wait_for would return); does not block.
bool has_ended(int pid, int& code);

// A fresh empty directory under the test temp dir.
std::string temporary_directory(const std::string& name);

std::string read_file(const std::string& path);
// A JSON file (run.json) parsed with nlohmann-json, the fields in their order; a file that is not
// JSON fails the test that reads it.
nlohmann::ordered_json read_json(const std::string& path);

// The lines of `text`, without their line breaks.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace srlif::test
