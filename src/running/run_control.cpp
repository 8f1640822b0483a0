#include "srlif/running/run_control.hpp"

#include <csignal>

#include "srlif/errors.hpp"

namespace srlif {

const char* stop_name(int stop) {
  return stop == SIGINT           ? "SIGINT"
         : stop == SIGTERM        ? "SIGTERM"
         : stop == kStopRequested ? "a stop request"
                                  : "a signal";
}

ProgressCallback progress_with_stop(const RunControl& control, std::uint64_t total) {
  return [&control, total](std::uint64_t done) {
    if (control.progress) control.progress(done, total);
    if (const int stop = control.stop()) throw Interrupted(stop, "");
  };
}

}  // namespace srlif
