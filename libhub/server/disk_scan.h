// Walking served folders (internal): the files hub serve may publish, with the stat data used to
// notice changes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/repo_source.h"

namespace hub::server {

struct DiskFile {
  std::string path;    // relative to the scanned folder, '/'-separated
  stdfs::path source;  // the regular file to read: the canonical target of a symlink
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  bool symlink = false;  // `path` itself is a symlink
};

// Regular files below `dir`, sorted by path. Skips what the Hub never stores (.git,
// .cache/huggingface, .DS_Store, Thumbs.db), names git or JSON cannot carry (control
// characters, backslashes, invalid UTF-8; reported through `warn`), special files, symlinked
// folders, and symlinks whose target lies outside `boundary` (a canonical folder).
std::vector<DiskFile> scan_files(const stdfs::path& dir, const stdfs::path& boundary, const WarnFn& warn);

// A digest over (path, size, mtime, inode) of `files`: equal digests mean nothing changed.
std::string files_digest(const std::vector<DiskFile>& files);

// True when `s` is valid UTF-8.
bool is_utf8(std::string_view s);

}  // namespace hub::server
