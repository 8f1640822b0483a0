// SIGINT and SIGTERM during a sweep: the handler only remembers the signal;
// the run stops at its next chunk boundary, with what it finished saved.
#pragma once

#include <csignal>

namespace srlif::cli {

class StopSignals {
 public:
  StopSignals();   // installs the handlers
  ~StopSignals();  // restores the previous ones
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // 0, or the first signal received.
  static int received();

 private:
  struct sigaction previous_interrupt_ {};
  struct sigaction previous_terminate_ {};
};

}  // namespace srlif::cli
