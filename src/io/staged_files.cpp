#include "srlif/io/staged_files.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <system_error>
#include <utility>

#include "srlif/errors.hpp"
#include "srlif/io/number_text.hpp"

namespace srlif {

namespace {

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "cannot write " + path.string());
    }
    written += static_cast<std::size_t>(n);
  }
}

constexpr std::size_t kStagingBuffer = 1 << 20;  // bytes gathered before a write(2)

}  // namespace

void prepare_output_directory(const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    throw InputError("--out", "cannot create directory '" + directory.string() + "': " + error.message());
  }
  if (!std::filesystem::is_directory(directory)) {
    throw InputError("--out", "'" + directory.string() + "' exists and is not a directory");
  }
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    throw InputError("--out", "directory '" + directory.string() + "' is not writable");
  }
}

double sweep_output_bytes(double grid_points, double neurons_in_flight) {
  // points.csv <= ~350 B and tallies.csv <= ~200 B per point, optimum.csv less;
  // the checkpoint holds the tallies once more until the end.
  constexpr double kBytesPerPoint = 350.0 + 2.0 * 200.0;
  // A state file holds 36 B per neuron in flight, twice while it is replaced.
  constexpr double kStateBytesPerNeuron = 2.0 * 36.0;
  return 65536.0 + grid_points * kBytesPerPoint + neurons_in_flight * kStateBytesPerNeuron;
}

double free_disk_bytes(const std::filesystem::path& directory) {
  struct statvfs stats {};
  std::filesystem::path existing = directory.empty() ? std::filesystem::path(".") : directory;
  std::error_code error;
  while (!std::filesystem::exists(existing, error)) {
    if (!existing.has_parent_path() || existing.parent_path() == existing) {
      existing = existing.is_absolute() ? existing.root_path() : std::filesystem::path(".");
      break;
    }
    existing = existing.parent_path();
  }
  // A file system without blocks (/proc, /sys) tells nothing; creating the folder says why it fails.
  if (::statvfs(existing.c_str(), &stats) != 0 || stats.f_blocks == 0) return -1.0;
  return static_cast<double>(stats.f_bavail) * static_cast<double>(stats.f_frsize);
}

void check_output_fits_disk(double needed_bytes, double free_bytes, const std::filesystem::path& directory,
                            const std::string& advice) {
  if (free_bytes < 0.0 || needed_bytes <= free_bytes) return;
  const auto mib = [](double bytes) { return format_number(std::ceil(bytes / 1048576.0)) + " MiB"; };
  throw InputError("--out", "the results need about " + mib(needed_bytes) + " of disk but only " +
                                mib(free_bytes) + " are free in '" + directory.string() + "'; " + advice);
}

StagedFiles::StagedFiles(std::filesystem::path directory) : directory_(std::move(directory)) {}

StagedFiles::~StagedFiles() {
  for (File& file : files_) {
    if (file.fd >= 0) ::close(file.fd);
    if (!committed_) ::unlink(file.temporary.c_str());
  }
}

std::size_t StagedFiles::create(const std::string& name) {
  File file{name, directory_ / (name + ".tmp." + std::to_string(::getpid())), -1, {}};
  file.fd = ::open(file.temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (file.fd < 0)
    throw std::system_error(errno, std::generic_category(), "cannot create " + file.temporary.string());
  files_.push_back(std::move(file));
  return files_.size() - 1;
}

void StagedFiles::append(std::size_t file, std::string_view bytes) {
  File& staged = files_.at(file);
  staged.buffer += bytes;
  if (staged.buffer.size() >= kStagingBuffer) {
    write_all(staged.fd, staged.buffer, staged.temporary);
    staged.buffer.clear();
  }
}

void StagedFiles::commit() {
  for (File& file : files_) {
    write_all(file.fd, file.buffer, file.temporary);
    file.buffer = {};
    const int fd = std::exchange(file.fd, -1);
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      throw std::system_error(errno, std::generic_category(), "cannot sync " + file.temporary.string());
    }
  }
  for (const File& file : files_) std::filesystem::rename(file.temporary, directory_ / file.name);
  committed_ = true;
  const int fd = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::vector<std::string> StagedFiles::names() const {
  std::vector<std::string> names;
  for (const File& file : files_) names.push_back(file.name);
  return names;
}

void write_files_atomically(const std::filesystem::path& directory,
                            const std::vector<std::pair<std::string, std::string>>& files) {
  StagedFiles staged(directory);
  for (const auto& [name, contents] : files) staged.append(staged.create(name), contents);
  staged.commit();
}

}  // namespace srlif
