// Modification times as change detectors (internal; see Index::reconcile).
//
// A folder's mtime moves whenever an entry is created, removed or renamed in it, and nearly every
// write to a cache is one of those (blobs and links arrive by rename). The exception is a ref:
// huggingface_hub rewrites refs/<name> in place when a branch moves, which moves the file's time
// but not its folder's, so ref files are stamped too. A scan records the times of what it read;
// if they all still match, nothing the scan saw has changed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

struct stat;

namespace hub::cache {

namespace stdfs = std::filesystem;

// A folder (or ref file) of a repo whose modification time a scan recorded.
struct PathStamp {
  std::string rel;  // relative to the repo folder, '/'-separated
  // Nanoseconds; -1 = absent; 0 = too recent to trust (a change in the same clock tick would
  // not move it), which forces a rescan.
  std::int64_t mtime_ns = -1;
};

// Times within this margin of "now" are not trusted (recorded as 0): a change in the same clock
// tick as the scan would leave them unchanged. File-system clocks tick in nanoseconds to seconds,
// FAT's in 2 s; three seconds covers it with room for clock adjustments.
constexpr std::int64_t kRacyMarginNs = 3'000'000'000;

// Modification time of a folder in nanoseconds; -1 when it does not exist or is not a folder.
std::int64_t dir_mtime_ns(const stdfs::path& dir);
// Modification time of what `st` describes, in nanoseconds.
std::int64_t mtime_ns(const struct stat& st);
// Current time in nanoseconds on the clock file systems stamp folders with.
std::int64_t now_ns();

// Compact text form stored in the index: one "<mtime_ns> <rel>\n" line per folder.
std::string encode_stamps(const std::vector<PathStamp>& stamps);
// True when `encoded` holds a stamp of 0, "too recent to trust" (RootHandle::unchanged fails it).
bool has_untrusted_stamp(std::string_view encoded);

// An open handle on the cache root, so that checking thousands of repos resolves short relative
// paths instead of walking the full path each time.
class RootHandle {
 public:
  explicit RootHandle(const stdfs::path& root);
  ~RootHandle();
  RootHandle(const RootHandle&) = delete;
  RootHandle& operator=(const RootHandle&) = delete;

  // True when every stamp in `encoded` still matches the folder or regular file under
  // <root>/<folder>. False for an empty or malformed encoding, or any stamp of 0.
  bool unchanged(std::string_view folder, std::string_view encoded) const;

 private:
  int fd_ = -1;
  std::string root_;  // fallback when the handle could not be opened
};

}  // namespace hub::cache
