#include "parley/scenario/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace parley::scenario {

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string not_regular(mode_t mode) {
  return kind_of(mode) + ", not a regular file (allowed: a regular file)";
}

std::string too_large(std::uint64_t size, std::uint64_t most) {
  return std::to_string(size) + " bytes, more than an input file holds (allowed: at most " +
         std::to_string(most) + " bytes)";
}

}  // namespace

std::optional<std::string> not_a_regular_file(const std::string& path) {
  if (path.find('\0') != std::string::npos) return "a path with a NUL character";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::string(std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode);
  return std::nullopt;
}

std::optional<std::string> read_whole_file(const std::string& path, std::string& why,
                                           std::uint64_t most) {
  if (path.find('\0') != std::string::npos) {
    why = "a path with a NUL character";
    return std::nullopt;
  }
  // Opened without blocking (a FIFO with no writer would wait forever), then examined.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    why = not_regular(st.st_mode);
    return std::nullopt;
  }
  if (static_cast<std::uint64_t>(st.st_size) > most) {
    why = too_large(static_cast<std::uint64_t>(st.st_size), most);
    return std::nullopt;
  }
  std::string text;
  text.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      why = std::strerror(errno);
      return std::nullopt;
    }
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > most) {  // grew while being read
      why = too_large(text.size(), most);
      return std::nullopt;
    }
  }
  return text;
}

}  // namespace parley::scenario
