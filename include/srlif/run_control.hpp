// How a front end (the command line, the Python package) steers a run that the
// library carries out: a progress callback and a stop request, both called at
// chunk boundaries, and the all-or-nothing handling of an output folder.
//
// The library never installs a signal handler: the command line turns SIGINT
// and SIGTERM into a stop request, the Python package a KeyboardInterrupt or a
// threading.Event. A stopped run throws Interrupted (errors.hpp) at a chunk
// boundary, after saving what the run keeps (a sweep's checkpoint).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>

#include "srlif/backend.hpp"

namespace srlif {

struct RunControl {
  // Neuron-steps done so far and in all (or, for `reproduce`, parts per million
  // of the study), after each chunk; called under the runner's lock.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  // Polled at each chunk boundary: 0 to go on, else the stop's number (the
  // signal for the command line), which Interrupted carries.
  std::function<int()> stop_requested;

  int stop() const { return stop_requested ? stop_requested() : 0; }
};

// The stop number of a request that is not a signal (the Python package's stop= event).
inline constexpr int kStopRequested = 1000;

// "SIGINT", "SIGTERM", "a stop request" or "a signal": a stop's name in messages.
const char* stop_name(int stop);

// The backend's progress callback for a run of `total` neuron-steps: reports
// to `control` and throws Interrupted(stop, "") once a stop is requested.
ProgressCallback progress_with_stop(const RunControl& control, std::uint64_t total);

// Removes the output directory on failure if this run created it and it is empty.
class OutputDirectoryGuard {
 public:
  explicit OutputDirectoryGuard(std::filesystem::path directory);
  ~OutputDirectoryGuard();
  OutputDirectoryGuard(const OutputDirectoryGuard&) = delete;
  OutputDirectoryGuard& operator=(const OutputDirectoryGuard&) = delete;
  void commit() { committed_ = true; }

 private:
  static bool exists_quietly(const std::filesystem::path& path);
  std::filesystem::path directory_;
  bool created_;
  bool committed_ = false;
};

}  // namespace srlif
