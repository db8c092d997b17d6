#include "download/partial_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hub/error.h"

namespace hub::download {
namespace {

constexpr char kMagic[12] = {'L', 'I', 'B', 'H', 'U', 'B', 'P', 'A', 'R', 'T', '1', '\0'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kFooterSize = sizeof(kMagic) + 4 + 8 + 8;

[[noreturn]] void io_error(const std::string& what, const std::filesystem::path& p) {
  throw Error(Errc::io, what + " " + p.string() + ": " + std::strerror(errno), {.path = p.string()});
}

void put_u64(unsigned char* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint64_t get_u64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void pwrite_all(int fd, const void* data, std::size_t n, std::uint64_t offset, const std::filesystem::path& p) {
  const char* c = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::pwrite(fd, c, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      io_error("cannot write", p);
    }
    c += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
}

mode_t current_umask() {
  mode_t m = ::umask(0);
  ::umask(m);
  return m;
}

}  // namespace

std::size_t chunk_count(std::uint64_t size, std::uint64_t chunk_size) noexcept {
  if (size == 0 || chunk_size == 0) return 1;
  return static_cast<std::size_t>((size + chunk_size - 1) / chunk_size);
}

PartialFile::PartialFile(std::filesystem::path path, int fd, std::uint64_t size, std::uint64_t chunk_size)
    : path_(std::move(path)), fd_(fd), size_(size), chunk_size_(chunk_size), done_(chunk_count(size, chunk_size), 0) {}

std::unique_ptr<PartialFile> PartialFile::create(const std::filesystem::path& path, std::uint64_t size,
                                                 std::uint64_t chunk_size) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) io_error("cannot create temporary file", path);
  std::unique_ptr<PartialFile> f(new PartialFile(path, fd, size, chunk_size));
  // Reserve the space up front: a full disk fails now, not in the middle of the download.
  if (size > 0 && ::posix_fallocate(fd, 0, static_cast<off_t>(size)) != 0 &&
      ::ftruncate(fd, static_cast<off_t>(size)) != 0)
    io_error("cannot allocate", path);
  f->write_trailer();
  return f;
}

std::unique_ptr<PartialFile> PartialFile::open_existing(const std::filesystem::path& path, std::uint64_t size) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  unsigned char footer[kFooterSize];
  if (::fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) < size + kFooterSize ||
      ::pread(fd, footer, kFooterSize, st.st_size - static_cast<off_t>(kFooterSize)) !=
          static_cast<ssize_t>(kFooterSize) ||
      std::memcmp(footer, kMagic, sizeof kMagic) != 0) {
    ::close(fd);
    return nullptr;
  }
  std::uint32_t version =
      footer[12] | (footer[13] << 8) | (footer[14] << 16) | (static_cast<std::uint32_t>(footer[15]) << 24);
  std::uint64_t chunk = get_u64(footer + 16), stored_size = get_u64(footer + 24);
  std::size_t n = chunk_count(size, chunk);
  if (version != kVersion || chunk == 0 || stored_size != size ||
      static_cast<std::uint64_t>(st.st_size) != size + n + kFooterSize) {
    ::close(fd);
    return nullptr;
  }
  std::unique_ptr<PartialFile> f(new PartialFile(path, fd, size, chunk));
  if (::pread(fd, f->done_.data(), n, static_cast<off_t>(size)) != static_cast<ssize_t>(n)) return nullptr;
  return f;
}

PartialFile::~PartialFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && discard_) ::unlink(path_.c_str());
}

std::uint64_t PartialFile::chunk_end(std::size_t i) const noexcept {
  return std::min<std::uint64_t>(size_, (i + 1) * chunk_size_);
}

std::uint64_t PartialFile::bytes_done() const noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < done_.size(); ++i)
    if (done_[i]) total += chunk_end(i) - chunk_begin(i);
  return total;
}

void PartialFile::write_at(std::uint64_t offset, std::span<const char> data) {
  if (offset + data.size() > size_) throw Error(Errc::internal, "write past the end of " + path_.string());
  pwrite_all(fd_, data.data(), data.size(), offset, path_);
}

void PartialFile::read_at(std::uint64_t offset, std::span<char> out) const {
  std::size_t got = 0;
  while (got < out.size()) {
    ssize_t r = ::pread(fd_, out.data() + got, out.size() - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) io_error("cannot read", path_);
    got += static_cast<std::size_t>(r);
  }
}

void PartialFile::start_writeback(std::uint64_t offset, std::uint64_t length) noexcept {
  ::sync_file_range(fd_, static_cast<off_t>(offset), static_cast<off_t>(length), SYNC_FILE_RANGE_WRITE);
}

void PartialFile::mark_done(std::size_t i) {
  done_[i] = 1;
  pwrite_all(fd_, &done_[i], 1, size_ + i, path_);
}

void PartialFile::reset() {
  std::fill(done_.begin(), done_.end(), 0);
  pwrite_all(fd_, done_.data(), done_.size(), size_, path_);
}

void PartialFile::write_trailer() {
  std::vector<unsigned char> t(done_.size() + kFooterSize);
  std::memcpy(t.data(), done_.data(), done_.size());
  unsigned char* footer = t.data() + done_.size();
  std::memcpy(footer, kMagic, sizeof kMagic);
  footer[12] = kVersion & 0xff;
  footer[13] = footer[14] = footer[15] = 0;
  put_u64(footer + 16, chunk_size_);
  put_u64(footer + 24, size_);
  pwrite_all(fd_, t.data(), t.size(), size_, path_);
}

void PartialFile::commit(const std::filesystem::path& target) {
  if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) io_error("cannot truncate", path_);
  if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) io_error("cannot fsync", path_);
  ::fchmod(fd_, 0666 & ~current_umask());
  ::close(fd_);
  fd_ = -1;
  if (::rename(path_.c_str(), target.c_str()) != 0) io_error("cannot rename into place:", target);
  committed_ = true;
}

}  // namespace hub::download
