#include "core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "hub/error.h"

namespace hub::fs {
namespace {

[[noreturn]] void io_error(const std::filesystem::path& path, const std::string& what, int err) {
  throw Error(Errc::io, path.string() + ": " + what + ": " + std::strerror(err), ErrorContext{.path = path.string()});
}

}  // namespace

MappedFile::MappedFile(int fd, std::size_t size, const std::filesystem::path& path) {
  if (size == 0) return;
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (addr == MAP_FAILED) io_error(path, "cannot map " + std::to_string(size) + " bytes", errno);
  addr_ = addr;
  size_ = size;
}

std::optional<MappedFile> MappedFile::open(const std::filesystem::path& path) {
  // O_NONBLOCK: opening a FIFO put in the file's place must not wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    io_error(path, "cannot open", errno);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) io_error(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode))
    throw Error(Errc::invalid_input, path.string() + ": not a regular file", ErrorContext{.path = path.string()});
  return MappedFile(fd, static_cast<std::size_t>(st.st_size), path);
}

MappedFile::~MappedFile() {
  if (addr_) ::munmap(addr_, size_);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : addr_(std::exchange(other.addr_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  std::swap(addr_, other.addr_);
  std::swap(size_, other.size_);
  return *this;
}

}  // namespace hub::fs
