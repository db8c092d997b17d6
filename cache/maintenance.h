// Deleting snapshots and blobs safely while pulls may run (internal; used by hub::Cache's
// remove, gc and prune).
//
// Blob deletion protocol, against a pull that links an existing blob at the same moment:
//   1. take the blob's lock (.locks/<repo folder>/<etag>.lock), as downloads do while they
//      store and link a blob; a lock held too long means "in use": the blob stays;
//   2. rename the blob to a hidden temporary name (blobs/.<etag>.<hex>.gc.tmp);
//   3. re-read every snapshot link of the repo; a blob linked meanwhile is renamed back;
//   4. otherwise delete it.
// Store::link_file checks that its blob still exists after creating a link, so a pull that
// linked after step 3 sees the blob gone and fails cleanly instead of leaving a broken link.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cache/index.h"
#include "hub/repo.h"

namespace hub::cache {

namespace stdfs = std::filesystem;

struct BlobDeletion {
  std::size_t blobs_removed = 0;
  std::uint64_t bytes_freed = 0;
  std::vector<std::string> in_use;  // blob names kept: locked by a pull, or linked meanwhile
};

// Deletes those of `candidates` (blob names of `repo`) that no snapshot links to, following
// the protocol above; forgets them in the index.
BlobDeletion delete_unlinked_blobs(const stdfs::path& root, Index& index, const RepoId& repo,
                                   std::vector<std::string> candidates);

// Removes snapshots `commits` of `repo` (folders, .no_exist/<commit>, trees/<commit>.json, the
// refs pointing at them) and then the blobs they linked that no remaining snapshot links to.
// `bytes_freed` includes plain files of the snapshots (caches written without symlinks).
BlobDeletion drop_snapshots(const stdfs::path& root, Index& index, const RepoId& repo,
                            const std::vector<std::string>& commits);

// Removes empty folders below `dir` (deepest first), then `dir` itself when `self` and empty.
// Returns the removed folders relative to `dir` ("." for `dir`). Never removes a non-empty
// folder (rmdir). `old_enough(rel)` (when set) vetoes folders that are too recent; `gone(rel)`
// (when set) names files to count as absent (what a dry run would have removed).
struct EmptyDirRules {
  std::function<bool(const std::string& rel)> old_enough;
  std::function<bool(const std::string& rel)> gone;
  bool self = true;
  bool dry_run = false;
};
std::vector<std::string> remove_empty_dirs(const stdfs::path& dir, const EmptyDirRules& rules);

// The bytes of the regular files below `dir` (symlinks not followed).
std::uint64_t disk_usage(const stdfs::path& dir, std::size_t* blob_files = nullptr);

}  // namespace hub::cache
