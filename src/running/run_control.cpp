#include "srlif/running/run_control.hpp"

#include "srlif/errors.hpp"

namespace srlif {

const char* stop_name(int stop) {
  if (stop == kStopRequested) return "a stop request";
  for (const StopSignal& signal : kStopSignals) {
    if (signal.number == stop) return signal.name;
  }
  return "a signal";
}

ProgressCallback progress_with_stop(const RunControl& control, std::uint64_t total) {
  return [&control, total](std::uint64_t done) {
    if (control.progress) control.progress(done, total);
    if (const int stop = control.stop()) throw Interrupted(stop, "");
  };
}

}  // namespace srlif
