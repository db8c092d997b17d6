#include "core/fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/strings.h"
#include "hub/error.h"

namespace hub::fs {
namespace {

[[noreturn]] void io_error(const std::string& what, const stdfs::path& p, int err = errno) {
  throw Error(Errc::io, what + " " + p.string() + ": " + std::strerror(err), {.path = p.string()});
}

mode_t current_umask() {
  mode_t m = ::umask(0);
  ::umask(m);
  return m;
}

stdfs::path temp_sibling(const stdfs::path& p) {
  return p.parent_path() / ("." + p.filename().string() + "." + random_hex(8) + ".tmp");
}

}  // namespace

void write_file_atomic(const stdfs::path& path, std::string_view data) {
  std::error_code ec;
  if (path.has_parent_path()) stdfs::create_directories(path.parent_path(), ec);
  TempFile tmp(temp_sibling(path));
  tmp.write(data.data(), data.size());
  tmp.commit(path);
}

std::optional<std::string> read_file(const stdfs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!stdfs::exists(path, ec)) return std::nullopt;
    io_error("cannot open", path);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

stdfs::path relative_target(const stdfs::path& link, const stdfs::path& target) {
  return target.lexically_relative(link.parent_path());
}

void replace_symlink(const stdfs::path& link, const stdfs::path& target_text) {
  std::error_code ec;
  stdfs::create_directories(link.parent_path(), ec);
  stdfs::path tmp = temp_sibling(link);
  if (::symlink(target_text.c_str(), tmp.c_str()) != 0) io_error("cannot create symlink", tmp);
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    io_error("cannot rename symlink onto", link, err);
  }
}

bool link_or_copy(const stdfs::path& from, const stdfs::path& to) {
  if (::link(from.c_str(), to.c_str()) == 0) return true;
  std::error_code ec;
  stdfs::copy_file(from, to, stdfs::copy_options::none, ec);
  if (ec) throw Error(Errc::io, "cannot copy " + from.string() + " to " + to.string() + ": " + ec.message());
  return false;
}

void fsync_path(const stdfs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

double now_seconds() {
  using namespace std::chrono;
  return duration_cast<duration<double>>(system_clock::now().time_since_epoch()).count();
}

FileLock::FileLock(const stdfs::path& lock_path, std::chrono::milliseconds timeout) {
  std::error_code ec;
  stdfs::create_directories(lock_path.parent_path(), ec);
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0664);
  if (fd_ < 0) io_error("cannot open lock file", lock_path);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto wait = std::chrono::milliseconds(5);
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      // Locks unsupported (some network file systems): correctness does not depend on the lock,
      // since every writer uses its own temporary file and an atomic rename.
      effective_ = false;
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd_);
      fd_ = -1;
      throw Error(Errc::locked, "timed out waiting for lock " + lock_path.string(), {.path = lock_path.string()});
    }
    std::this_thread::sleep_for(wait);
    wait = std::min(wait * 2, std::chrono::milliseconds(200));
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

TempFile::TempFile(stdfs::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd_ < 0) io_error("cannot create temporary file", path_);
}

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(path_.c_str());
}

void TempFile::write(const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error("cannot write", path_);
    }
    p += n;
    size -= static_cast<std::size_t>(n);
    size_ += static_cast<std::uint64_t>(n);
  }
}

void TempFile::reset() {
  if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) io_error("cannot truncate", path_);
  size_ = 0;
}

void TempFile::commit(const stdfs::path& target) {
  if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) io_error("cannot fsync", path_);
  ::fchmod(fd_, 0666 & ~current_umask());
  ::close(fd_);
  fd_ = -1;
  if (::rename(path_.c_str(), target.c_str()) != 0) io_error("cannot rename into place:", target);
  committed_ = true;
}

}  // namespace hub::fs
