#include "srlif/io/bounded_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "srlif/errors.hpp"

namespace srlif {
namespace {

std::string kind_of_mode(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a pipe";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISREG(mode)) return "a regular file";
  return "not a regular file";
}

// Closes the descriptor on every path out.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string file_kind(const std::filesystem::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return "missing";
  return kind_of_mode(status.st_mode);
}

namespace {

// The file's bytes, up to `max_bytes` (and one more when `over_is_error`, to tell a file
// that holds more).
std::string read_regular(const std::filesystem::path& path, std::uint64_t max_bytes, const std::string& flag,
                         bool over_is_error) {
  const std::string label = flag.empty() ? path.string() : flag;
  // (Built by append: GCC 12 warns falsely about "'" + std::string&&, -Wrestrict.)
  std::string named;
  if (!flag.empty()) named.append("'").append(path.string()).append("' ");
  // O_NONBLOCK: opening a pipe or device must not wait; a regular file ignores it.
  const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (file.fd < 0) {
    throw InputError(label, named + "cannot be read: " + std::strerror(errno));
  }
  struct stat status {};
  if (::fstat(file.fd, &status) != 0)
    throw InputError(label, named + "cannot be read: " + std::strerror(errno));
  if (!S_ISREG(status.st_mode)) {
    throw InputError(label, named + "is " + kind_of_mode(status.st_mode) + ", not a file");
  }
  if (over_is_error && static_cast<std::uint64_t>(status.st_size) > max_bytes) {
    throw InputError(label, named + "is " + std::to_string(status.st_size) + " bytes, more than the " +
                                std::to_string(max_bytes) + " it can hold");
  }
  const std::uint64_t limit = over_is_error ? max_bytes + 1 : max_bytes;
  std::string bytes(static_cast<std::size_t>(std::min<std::uint64_t>(status.st_size, limit)), '\0');
  std::size_t size = 0;
  while (true) {
    if (size == bytes.size()) {
      // A file that grew, or one whose size the kernel does not tell (/proc): read on, up to the bound.
      if (size >= limit) break;
      bytes.resize(std::min<std::uint64_t>(limit, std::max<std::uint64_t>(2 * size, 4096)));
    }
    const ::ssize_t got = ::read(file.fd, bytes.data() + size, bytes.size() - size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw InputError(label, named + "cannot be read: " + std::strerror(errno));
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  if (size > max_bytes) {
    throw InputError(label,
                     named + "holds more than the " + std::to_string(max_bytes) + " bytes it can hold");
  }
  bytes.resize(size);
  return bytes;
}

}  // namespace

std::string read_bounded_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                              const std::string& flag) {
  return read_regular(path, max_bytes, flag, true);
}

std::string read_file_head(const std::filesystem::path& path, std::uint64_t max_bytes,
                           const std::string& flag) {
  return read_regular(path, max_bytes, flag, false);
}

}  // namespace srlif
