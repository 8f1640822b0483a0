#include "cli/stop_signals.hpp"

namespace srlif::cli {
namespace {

volatile std::sig_atomic_t stop_signal = 0;

extern "C" void remember_signal(int signal) {
  if (stop_signal == 0) stop_signal = signal;
}

}  // namespace

StopSignals::StopSignals() {
  stop_signal = 0;
  struct sigaction action {};
  action.sa_handler = remember_signal;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i) {
    const StopSignal& stop = kStopSignals[i];
    sigaction(stop.number, nullptr, &previous_[i]);
    // nohup's SIGHUP (and any other the parent ignores) stays ignored; SIGINT and SIGTERM always stop.
    if (previous_[i].sa_handler == SIG_IGN && !stop.always) continue;
    sigaction(stop.number, &action, nullptr);
  }
}

StopSignals::~StopSignals() {
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i) {
    sigaction(kStopSignals[i].number, &previous_[i], nullptr);
  }
}

int StopSignals::received() { return stop_signal; }

}  // namespace srlif::cli
