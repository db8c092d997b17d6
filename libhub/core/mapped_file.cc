#include "core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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

// File systems whose pages can vanish under a mapping when another machine changes the file.
bool network_file_system(int fd) {
  struct statfs fs {};
  if (::fstatfs(fd, &fs) != 0) return false;
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0x6969:      // NFS
    case 0x517B:      // SMB
    case 0xFF534D42:  // CIFS
    case 0xFE534D42:  // SMB2
    case 0x65735546:  // FUSE (sshfs, s3fs, ...)
    case 0x00C36400:  // Ceph
    case 0x01021997:  // 9p
    case 0x5346414F:  // AFS
    case 0x0BD00BD0:  // Lustre
    case 0x01161970:  // GFS2
    case 0x7461636F:  // OCFS2
      return true;
    default: return false;
  }
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
  const auto size = static_cast<std::size_t>(st.st_size);
  if (!network_file_system(fd)) return MappedFile(fd, size, path);
  MappedFile out;
  out.copy_ = std::make_unique_for_overwrite<char[]>(size);
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = ::read(fd, out.copy_.get() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_error(path, "cannot read", errno);
    if (n == 0) break;  // shorter than it was: what was read is all there is
    done += static_cast<std::size_t>(n);
    out.size_ = done;
  }
  return out;
}

MappedFile::~MappedFile() {
  if (addr_) ::munmap(addr_, size_);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : addr_(std::exchange(other.addr_, nullptr)), copy_(std::move(other.copy_)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  std::swap(addr_, other.addr_);
  std::swap(copy_, other.copy_);
  std::swap(size_, other.size_);
  return *this;
}

}  // namespace hub::fs
