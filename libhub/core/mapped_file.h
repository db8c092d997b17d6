// A whole file mapped read-only (internal): safetensors weights and the cache's listing snapshot
// are read in place, without copying them into memory first.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace hub::fs {

// A private read-only mapping of a file; unmapped by the destructor. A file of zero bytes maps to
// an empty span (mmap refuses length 0).
class MappedFile {
 public:
  MappedFile() = default;
  // Maps the first `size` bytes of the file open on `fd`, which may be closed afterwards.
  // Throws Errc::io naming `path`.
  MappedFile(int fd, std::size_t size, const std::filesystem::path& path);
  // Opens and maps the regular file at `path`; nullopt when it does not exist. Throws Errc::io
  // on other failures, Errc::invalid_input when it is not a regular file. On a network file
  // system (NFS, SMB, FUSE, ...) the bytes are read into memory instead: there another client
  // replacing the file can make a mapped page fail to load, which would kill the process
  // (SIGBUS) rather than raise an error.
  static std::optional<MappedFile> open(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const std::byte> bytes() const noexcept { return {static_cast<const std::byte*>(data()), size_}; }
  std::string_view text() const noexcept { return {static_cast<const char*>(data()), size_}; }

 private:
  const void* data() const noexcept { return copy_ ? static_cast<const void*>(copy_.get()) : addr_; }

  void* addr_ = nullptr;          // the mapping, or
  std::unique_ptr<char[]> copy_;  // the bytes read (network file systems)
  std::size_t size_ = 0;
};

}  // namespace hub::fs
