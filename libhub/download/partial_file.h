// A resumable partial download (internal): a preallocated temporary file written in place by
// several ranges at once, whose per-chunk completion map lives in a trailer after the data.
//
//   [ data: size bytes ][ done map: one byte per chunk ][ footer: magic, version, chunk, size ]
//
// Keeping the state inside the file makes a claim atomic: whoever renames the file owns it, so
// two processes never write into the same temporary file even where file locks do nothing. After
// kill -9 the file stays and the next pull claims it, re-reads the finished chunks to rebuild the
// hash, and fetches only the missing ones. commit() truncates the trailer away and renames the
// file onto its final name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace hub::download {

class PartialFile {
 public:
  // Creates `path` (must not exist) for `size` bytes in chunks of `chunk_size`.
  static std::unique_ptr<PartialFile> create(const std::filesystem::path& path, std::uint64_t size,
                                             std::uint64_t chunk_size);
  // Opens a partial file left by an earlier run; nullptr when it is not one of ours or does not
  // describe a file of `size` bytes.
  static std::unique_ptr<PartialFile> open_existing(const std::filesystem::path& path, std::uint64_t size);
  ~PartialFile();
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  std::uint64_t size() const noexcept { return size_; }
  std::uint64_t chunk_size() const noexcept { return chunk_size_; }
  std::size_t chunks() const noexcept { return done_.size(); }
  std::uint64_t chunk_begin(std::size_t i) const noexcept { return i * chunk_size_; }
  std::uint64_t chunk_end(std::size_t i) const noexcept;  // exclusive
  bool done(std::size_t i) const noexcept { return done_[i] != 0; }
  std::uint64_t bytes_done() const noexcept;
  const std::filesystem::path& path() const noexcept { return path_; }

  // pwrite at an offset inside the data region. Throws Errc::io.
  void write_at(std::uint64_t offset, std::span<const char> data);
  void read_at(std::uint64_t offset, std::span<char> out) const;
  // Starts writing a range back to disk now (sync_file_range), so that the fsync in commit()
  // has little left to do and disk I/O overlaps the download.
  void start_writeback(std::uint64_t offset, std::uint64_t length) noexcept;
  // Records chunk i as complete (after its bytes were written).
  void mark_done(std::size_t i);
  // Forgets every chunk (the server ignored Range and the body restarts).
  void reset();
  // Drops the trailer, fsyncs, applies the usual permissions and renames onto `target`.
  void commit(const std::filesystem::path& target);
  // On destruction the file is kept (for a later resume) unless discard() was called.
  void discard() noexcept { discard_ = true; }

 private:
  PartialFile(std::filesystem::path path, int fd, std::uint64_t size, std::uint64_t chunk_size);
  void write_trailer();

  std::filesystem::path path_;
  int fd_;
  std::uint64_t size_;
  std::uint64_t chunk_size_;
  std::vector<unsigned char> done_;
  bool committed_ = false;
  bool discard_ = false;
};

// Number of chunks of `chunk_size` covering `size` bytes (at least one).
std::size_t chunk_count(std::uint64_t size, std::uint64_t chunk_size) noexcept;

}  // namespace hub::download
