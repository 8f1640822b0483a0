#include "srlif/io/output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "srlif/errors.hpp"
#include "srlif/io/staged_files.hpp"

namespace srlif {
namespace {

constexpr const char* kLockName = ".srlif.lock";

// NAME.tmp.<digits> or NAME.old.<digits> (staged_files.hpp) for a result name NAME.
bool is_stale_temporary(const std::string& name) {
  for (const char* infix : {".tmp.", ".old."}) {
    const std::size_t mark = name.rfind(infix);
    if (mark == std::string::npos || mark + 5 == name.size()) continue;
    if (name.find_first_not_of("0123456789", mark + 5) != std::string::npos) continue;
    const std::vector<std::string>& names = result_file_names();
    if (std::find(names.begin(), names.end(), name.substr(0, mark)) != names.end()) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& figure_file_names() {
  static const std::vector<std::string> names = {
      "h1_sr_curve.png",    "h1_spectral.png", "h2_curves.png",   "h3_curves.png", "h5_phase_polar.png",
      "h5_raster_psth.png", "heatmap_r.png",   "heatmap_snr.png", "sigma_opt.png"};
  return names;
}

const std::vector<std::string>& result_file_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all = {
        // sweep and merge (sweep_writer.cpp), population (population_output.cpp), every run
        "points.csv", "optimum.csv", "tallies.csv", "population.csv", "phase_histogram.csv", "psth.csv",
        "raster.csv", "run.json",
        // reproduce: its tables and report (reproduce.cpp)
        "h1_curve.csv", "h2_curves.csv", "h2_sigma_opt_vs_amplitude.csv", "h3_curves.csv",
        "h3_sigma_opt_vs_bias.csv", "h5_phase_histogram.csv", "h5_population.csv", "h5_psth.csv",
        "h5_raster.csv", "heatmap_sigma_amplitude.csv", "spectral_readout.csv", "h1_theory.csv",
        "h1_theory_rate_curve.csv", "report.md"};
    all.insert(all.end(), figure_file_names().begin(), figure_file_names().end());
    return all;
  }();
  return names;
}

std::string lock_holder(const std::filesystem::path& directory) {
  const int fd = ::open((directory / kLockName).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return "unknown";
  char text[32] = {};
  const ::ssize_t got = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  std::string pid(text, got > 0 ? static_cast<std::size_t>(got) : 0);
  while (!pid.empty() && pid.back() == '\n') pid.pop_back();
  return !pid.empty() && pid.find_first_not_of("0123456789") == std::string::npos ? pid : "unknown";
}

OutputFolder::OutputFolder(std::filesystem::path directory) : directory_(std::move(directory)) {
  try {
    made_ = prepare_output_directory(directory_);
    lock();
    // Every result name the commit may replace or remove, before the run: a directory, a link or an
    // immutable file there would fail it after the work.
    for (const std::string& name : result_file_names()) check_replaceable(directory_ / name, "--out");
  } catch (...) {
    if (lock_fd_ >= 0) {
      ::unlink((directory_ / kLockName).c_str());
      ::close(std::exchange(lock_fd_, -1));
    }
    remove_made_folders(made_);
    throw;
  }
  remove_stale_temporaries();
}

void OutputFolder::lock() {
  const std::filesystem::path path = directory_ / kLockName;
  while (true) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
      throw InputError("--out",
                       "cannot create the lock file '" + path.string() + "': " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      ::close(fd);
      if (error == EWOULDBLOCK) {
        throw InputError("--out", "'" + directory_.string() + "' is in use by another srlif run (pid " +
                                      lock_holder(directory_) +
                                      "); wait for it to end, or write to another folder");
      }
      throw InputError("--out", "cannot lock '" + path.string() + "': " + std::strerror(error));
    }
    // The holder before us may have removed the file after we opened it: then ours is not the
    // file the path names, and another run may lock that one. Lock again.
    struct stat held {};
    struct stat named {};
    if (::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev) {
      const std::string pid = std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd, 0) != 0 ||
          ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<::ssize_t>(pid.size())) {
        ::close(fd);
        throw InputError("--out",
                         "cannot write the lock file '" + path.string() + "': " + std::strerror(errno));
      }
      lock_fd_ = fd;
      return;
    }
    ::close(fd);
  }
}

void OutputFolder::remove_stale_temporaries() const {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, error)) {
    const std::string name = entry.path().filename().string();
    std::error_code ignored;
    if (is_stale_temporary(name) && entry.is_regular_file(ignored))
      std::filesystem::remove(entry.path(), ignored);
  }
}

void OutputFolder::commit(const std::vector<std::string>& written) {
  for (const std::string& name : result_file_names()) {
    if (std::find(written.begin(), written.end(), name) != written.end()) continue;
    std::error_code ignored;
    const std::filesystem::path path = directory_ / name;
    if (std::filesystem::is_regular_file(std::filesystem::symlink_status(path, ignored)))
      std::filesystem::remove(path, ignored);
  }
  committed_ = true;
}

OutputFolder::~OutputFolder() {
  if (lock_fd_ >= 0) {
    ::unlink((directory_ / kLockName).c_str());  // still locked: no run can hold this file after us
    ::close(lock_fd_);
  }
  if (!committed_) remove_made_folders(made_);
}

void check_folder_not_in_use(const std::filesystem::path& directory, const std::string& flag) {
  const int fd = ::open((directory / kLockName).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return;  // no lock file: no run holds the folder
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  if (held) {
    throw InputError(flag, "'" + directory.string() + "' is in use by a srlif run (pid " +
                               lock_holder(directory) + "); wait for it to end");
  }
}

}  // namespace srlif
