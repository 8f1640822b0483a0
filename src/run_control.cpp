#include "srlif/run_control.hpp"

#include <csignal>
#include <system_error>
#include <utility>

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

OutputDirectoryGuard::OutputDirectoryGuard(std::filesystem::path directory)
    : directory_(std::move(directory)), created_(!exists_quietly(directory_)) {}

OutputDirectoryGuard::~OutputDirectoryGuard() {
  std::error_code ignored;
  if (created_ && !committed_ && std::filesystem::is_empty(directory_, ignored)) {
    std::filesystem::remove(directory_, ignored);
  }
}

bool OutputDirectoryGuard::exists_quietly(const std::filesystem::path& path) {
  std::error_code error;  // e.g. a name too long: prepare_output_directory reports it
  return std::filesystem::exists(path, error);
}

}  // namespace srlif
