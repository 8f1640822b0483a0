// The signals that end a run from outside (kStopSignals: Ctrl-C, kill, an ssh
// hang-up, Ctrl-\, a batch system's warning): the handler only remembers the
// first; the run stops at its next chunk boundary, with what it finished saved,
// and removes its temporaries.
#pragma once

#include <csignal>

#include "srlif/running/run_control.hpp"

namespace srlif::cli {

class StopSignals {
 public:
  StopSignals();   // installs the handlers for every signal of kStopSignals
  ~StopSignals();  // restores the previous ones
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // 0, or the first signal received.
  static int received();

 private:
  struct sigaction previous_[std::size(kStopSignals)]{};
};

}  // namespace srlif::cli
