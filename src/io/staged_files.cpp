#include "srlif/io/staged_files.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <system_error>
#include <utility>

#include "srlif/errors.hpp"
#include "srlif/io/bounded_file.hpp"
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

std::vector<std::filesystem::path> prepare_output_directory(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> made;
  std::error_code error;
  std::filesystem::path deepest = directory.lexically_normal();
  if (deepest.filename().empty()) deepest = deepest.parent_path();  // "a/b/"
  for (std::filesystem::path folder = deepest; !folder.empty(); folder = folder.parent_path()) {
    std::error_code ignored;
    if (std::filesystem::exists(std::filesystem::symlink_status(folder, ignored))) break;
    made.push_back(folder);
    if (folder.parent_path() == folder) break;
  }
  std::filesystem::create_directories(directory, error);
  const auto refuse = [&made](const std::string& rule) {
    remove_made_folders(made);
    throw InputError("--out", rule);
  };
  if (error) refuse("cannot create directory '" + directory.string() + "': " + error.message());
  if (!std::filesystem::is_directory(directory)) {
    refuse("'" + directory.string() + "' exists and is not a directory");
  }
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    refuse("directory '" + directory.string() + "' is not writable");
  }
  return made;
}

void remove_made_folders(const std::vector<std::filesystem::path>& made) {
  for (const std::filesystem::path& folder : made) {
    std::error_code missing;
    const bool empty = std::filesystem::is_empty(folder, missing);
    if (missing) continue;  // never made (its name was refused)
    if (!empty) return;     // holds something: so do its parents
    std::filesystem::remove(folder, missing);
  }
}

double sweep_output_bytes(double grid_points, double neurons_in_flight, double header_bytes, double parts,
                          double states) {
  // points.csv <= ~350 B and tallies.csv <= ~200 B per point, optimum.csv less;
  // the checkpoint holds the tallies once more until the end.
  constexpr double kBytesPerPoint = 350.0 + 2.0 * 200.0;
  // A state file holds 36 B per neuron in flight, twice while it is replaced.
  constexpr double kStateBytesPerNeuron = 2.0 * 36.0;
  return 65536.0 + grid_points * kBytesPerPoint + neurons_in_flight * kStateBytesPerNeuron +
         header_bytes * (1.0 + parts + 2.0 * states);
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

std::filesystem::path OutputTarget::directory() const {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

OutputTarget output_target(const std::filesystem::path& path, const std::string& flag) {
  const std::string named = "'" + path.string() + "'";
  if (path.empty() || path.filename().empty() || path.filename() == "." || path.filename() == "..") {
    throw InputError(flag, named + " names a directory; name the file to write");
  }
  // A chain of symbolic links, followed to its end (which may be missing: then created there).
  OutputTarget target{path, false};
  for (int hops = 0;; ++hops) {
    struct stat link {};
    if (::lstat(target.path.c_str(), &link) != 0) {
      if (errno == ENOENT) break;
      throw InputError(flag, "'" + target.path.string() + "' cannot be used: " + std::strerror(errno));
    }
    if (!S_ISLNK(link.st_mode)) break;
    if (hops == 40) throw InputError(flag, named + " is a chain of more than 40 symbolic links");
    std::error_code error;
    const std::filesystem::path next = std::filesystem::read_symlink(target.path, error);
    if (error) throw InputError(flag, "'" + target.path.string() + "' cannot be read: " + error.message());
    target.path = next.is_absolute() ? next : target.directory() / next;
  }
  const std::string through =
      target.path == path ? named : named + " (a link to '" + target.path.string() + "')";
  struct stat status {};
  if (::stat(target.path.c_str(), &status) == 0) {
    if (S_ISCHR(status.st_mode) || S_ISFIFO(status.st_mode)) {
      target.direct = true;
      return target;
    }
    if (!S_ISREG(status.st_mode)) {
      throw InputError(flag, through + " is " + file_kind(target.path) + "; name the file to write");
    }
    check_replaceable(target.path, flag);
  }
  if (!std::filesystem::is_directory(target.directory())) {
    throw InputError(flag, "directory '" + target.directory().string() + "' does not exist");
  }
  return target;
}

void check_replaceable(const std::filesystem::path& path, const std::string& flag) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return;  // missing: nothing to replace
  const std::string named = "'" + path.string() + "'";
  if (!S_ISREG(status.st_mode)) {
    throw InputError(flag, named + " is " + (S_ISLNK(status.st_mode) ? "a symbolic link" : file_kind(path)) +
                               ", where srlif writes a result file; move it away");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return;  // unreadable: its folder's rights decide whether it can be replaced
  int flags = 0;
  const bool known = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  ::close(fd);
  if (known && (flags & (FS_IMMUTABLE_FL | FS_APPEND_FL)) != 0) {
    throw InputError(flag, named +
                               " is immutable or append-only (chattr +i, +a): srlif cannot replace it with "
                               "its result; clear the attribute or move it away");
  }
}

StagedFiles::StagedFiles(std::filesystem::path directory) : directory_(std::move(directory)) {}

StagedFiles::~StagedFiles() {
  for (File& file : files_) {
    if (file.fd >= 0) ::close(file.fd);
    if (!committed_ && !file.temporary.empty()) ::unlink(file.temporary.c_str());
  }
}

std::size_t StagedFiles::create(const std::string& name) {
  return create(OutputTarget{directory_ / name, false});
}

std::size_t StagedFiles::create(const OutputTarget& target) {
  File file{target.path, {}, -1, {}};
  if (target.direct) {
    file.fd = ::open(file.target.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (file.fd < 0)
      throw std::system_error(errno, std::generic_category(), "cannot open " + file.target.string());
  } else {
    file.temporary = file.target;
    file.temporary += ".tmp." + std::to_string(::getpid());
    file.fd = ::open(file.temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (file.fd < 0)
      throw std::system_error(errno, std::generic_category(), "cannot create " + file.temporary.string());
  }
  files_.push_back(std::move(file));
  return files_.size() - 1;
}

void StagedFiles::append(std::size_t file, std::string_view bytes) {
  File& staged = files_.at(file);
  staged.buffer += bytes;
  if (staged.buffer.size() >= kStagingBuffer) {
    write_all(staged.fd, staged.buffer, staged.target);
    staged.buffer.clear();
  }
}

void StagedFiles::commit() {
  for (File& file : files_) {
    write_all(file.fd, file.buffer, file.target);
    file.buffer = {};
    const int fd = std::exchange(file.fd, -1);
    // A device or a pipe has nothing to sync (fsync fails with EINVAL there).
    if ((!file.temporary.empty() && ::fsync(fd) != 0) || ::close(fd) != 0) {
      throw std::system_error(errno, std::generic_category(), "cannot write " + file.target.string());
    }
  }
  replace_all();
  committed_ = true;
  std::vector<std::filesystem::path> folders;
  for (const File& file : files_) {
    const std::filesystem::path folder = OutputTarget{file.target, false}.directory();
    if (file.temporary.empty() || std::find(folders.begin(), folders.end(), folder) != folders.end())
      continue;
    folders.push_back(folder);
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
}

void StagedFiles::replace_all() {
  // What each rename replaces, kept as NAME.old.<pid> (a second link to it, so that the name is never
  // missing; a move where the file system has no hard links) until every rename has been done.
  std::vector<std::filesystem::path> kept(files_.size());
  const auto forget_kept = [&kept] {
    for (const std::filesystem::path& old : kept) {
      if (!old.empty()) ::unlink(old.c_str());
    }
  };
  for (std::size_t i = 0; i < files_.size(); ++i) {
    const File& file = files_[i];
    struct stat status {};
    if (file.temporary.empty() || ::lstat(file.target.c_str(), &status) != 0) continue;
    std::filesystem::path old = file.target;
    old += ".old." + std::to_string(::getpid());
    ::unlink(old.c_str());
    if (::link(file.target.c_str(), old.c_str()) != 0 && ::rename(file.target.c_str(), old.c_str()) != 0) {
      const int error = errno;
      forget_kept();
      throw std::system_error(error, std::generic_category(), "cannot replace " + file.target.string());
    }
    kept[i] = old;
  }
  for (std::size_t i = 0; i < files_.size(); ++i) {
    const File& file = files_[i];
    if (file.temporary.empty() || ::rename(file.temporary.c_str(), file.target.c_str()) == 0) continue;
    const int error = errno;
    // Back to what was there before the commit: the replaced files restored (a kept name that cannot
    // be restored stays, the old file under it), the added ones removed.
    for (std::size_t j = 0; j < files_.size(); ++j) {
      if (files_[j].temporary.empty()) continue;
      if (!kept[j].empty()) {
        ::rename(kept[j].c_str(), files_[j].target.c_str());
      } else if (j < i) {
        ::unlink(files_[j].target.c_str());
      }
    }
    throw std::system_error(error, std::generic_category(),
                            "cannot rename " + file.temporary.string() + " to " + file.target.string());
  }
  forget_kept();
}

std::vector<std::string> StagedFiles::names() const {
  std::vector<std::string> names;
  for (const File& file : files_) names.push_back(file.target.filename().string());
  return names;
}

void write_files_atomically(const std::filesystem::path& directory,
                            const std::vector<std::pair<std::string, std::string>>& files) {
  StagedFiles staged(directory);
  for (const auto& [name, contents] : files) staged.append(staged.create(name), contents);
  staged.commit();
}

}  // namespace srlif
