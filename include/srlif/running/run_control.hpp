// How a front end (the command line, the Python package) steers a run that the
// library carries out: a progress callback and a stop request, both called at
// chunk boundaries (the output folder is output_folder.hpp's).
//
// The library never installs a signal handler: the command line turns the
// signals of kStopSignals into a stop request, the Python package a KeyboardInterrupt or a
// threading.Event. A stopped run throws Interrupted (errors.hpp) at a chunk
// boundary, after saving what the run keeps (a sweep's checkpoint).
#pragma once

#include <csignal>
#include <cstdint>
#include <functional>

#include "srlif/running/backend.hpp"

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

// The signals that the command line turns into a stop request (cli/stop_signals): Ctrl-C, kill,
// an ssh hang-up, Ctrl-\\, the warnings of batch systems (Slurm's --signal, SIGXCPU at a CPU limit).
// `always`: caught even when the parent ignores it (others stay ignored, so that nohup works).
struct StopSignal {
  int number;
  const char* name;
  bool always;
};
inline constexpr StopSignal kStopSignals[] = {{SIGINT, "SIGINT", true},    {SIGTERM, "SIGTERM", true},
                                              {SIGHUP, "SIGHUP", false},   {SIGQUIT, "SIGQUIT", false},
                                              {SIGUSR1, "SIGUSR1", false}, {SIGUSR2, "SIGUSR2", false},
                                              {SIGXCPU, "SIGXCPU", false}};

// The stop number of a request that is not a signal (the Python package's stop= event).
inline constexpr int kStopRequested = 1000;

// "SIGINT" (a kStopSignals name), "a stop request" or "a signal": a stop's name in messages.
const char* stop_name(int stop);

// The backend's progress callback for a run of `total` neuron-steps: reports
// to `control` and throws Interrupted(stop, "") once a stop is requested.
ProgressCallback progress_with_stop(const RunControl& control, std::uint64_t total);

}  // namespace srlif
