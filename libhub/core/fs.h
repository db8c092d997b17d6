// File-system building blocks (internal): atomic writes, relative symlinks, advisory locks and
// temporary files that vanish unless committed. Every failure throws hub::Error(Errc::io).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace hub::fs {

namespace stdfs = std::filesystem;

// Writes `data` to `path` through a temporary file in the same folder and a rename, so readers
// see the old content or the new one, never a mix. Creates parent folders.
void write_file_atomic(const stdfs::path& path, std::string_view data);
// Whole file as a string; nullopt if it does not exist. Throws on other errors.
std::optional<std::string> read_file(const stdfs::path& path);
// The relative path from the folder holding `link` to `target` (both absolute or both relative
// to the same base), e.g. "../../blobs/<etag>".
stdfs::path relative_target(const stdfs::path& link, const stdfs::path& target);
// Creates or replaces `link` as a symlink to `target_text`, atomically (symlink to a temporary
// name, then rename over `link`). Creates parent folders.
void replace_symlink(const stdfs::path& link, const stdfs::path& target_text);
// Hard-links `from` to `to`, copying when links are not possible (other device, no support).
// `to` must not exist. Returns true for a link, false for a copy.
bool link_or_copy(const stdfs::path& from, const stdfs::path& to);
// fsync of a file descriptor's file, by path; no-op on errors that mean "unsupported".
void fsync_path(const stdfs::path& path);
// Seconds since the Unix epoch, with fraction.
double now_seconds();

// An exclusive advisory lock on a lock file (flock), created group-writable if missing and never
// deleted (huggingface_hub's convention). Blocks up to `timeout`, then throws Errc::locked.
class FileLock {
 public:
  FileLock(const stdfs::path& lock_path, std::chrono::milliseconds timeout);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // False where the file system silently does not support locks (some network file systems):
  // the caller then must not assume exclusive access.
  bool effective() const noexcept { return effective_; }

 private:
  int fd_ = -1;
  bool effective_ = true;
};

// A temporary file opened for writing; removed by the destructor unless commit() renamed it.
class TempFile {
 public:
  // Creates `path` exclusively (O_EXCL); the caller picks a unique name.
  explicit TempFile(stdfs::path path);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write(const void* data, std::size_t size);
  // Truncates to zero length and rewinds (a server that ignored a range restarts the body).
  void reset();
  std::uint64_t size() const noexcept { return size_; }
  const stdfs::path& path() const noexcept { return path_; }
  // fsyncs, closes, sets mode 0644 less the umask, and renames onto `target` atomically.
  void commit(const stdfs::path& target);

 private:
  stdfs::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool committed_ = false;
};

}  // namespace hub::fs
