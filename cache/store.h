// Writing into one repo of the cache (internal): verified blobs by atomic rename, snapshot
// pointers, refs and the tree listing, each followed by the matching index update.
//
// Invariant: nothing unverified is ever visible under blobs/<etag> or snapshots/. Partial data
// lives only in blobs/<etag>.<8 hex>.incomplete files owned by one process, and a blob becomes
// visible by rename only after its hash matched.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fs.h"
#include "core/hashing.h"
#include "hub/api.h"
#include "hub/cache.h"

namespace hub::cache {

namespace stdfs = std::filesystem;

class Store {
 public:
  Store(Cache& cache, RepoId repo);

  const RepoId& repo() const noexcept { return repo_; }
  stdfs::path blob(std::string_view etag) const;

  // True when blobs/<etag> exists as a regular file of `size` bytes.
  bool has_blob(std::string_view etag, std::uint64_t size) const;
  // Cross-repo dedup: hard-links (or copies) the same blob from another repo of the cache into
  // this repo's blobs/, re-checking its size and, for copies, its hash. False if none found.
  bool adopt_from_other_repo(std::string_view etag, std::uint64_t size);
  // Serializes writers of one blob across threads and processes (.locks/<repo>/<etag>.lock).
  std::unique_ptr<fs::FileLock> lock_blob(std::string_view etag) const;
  // A fresh process-unique temporary file for a blob: blobs/<etag>.<8 hex>.incomplete.
  std::unique_ptr<fs::TempFile> begin_blob(std::string_view etag) const;
  // Renames a verified temporary file onto blobs/<etag> and records it in the index.
  void commit_blob(fs::TempFile& tmp, std::string_view etag, std::uint64_t size);
  // The temporary files an earlier run left for this blob (blobs/<etag>.*.incomplete), oldest
  // first. The caller claims one by renaming it (see claim_partial).
  std::vector<stdfs::path> leftover_partials(std::string_view etag) const;
  // Atomically takes over a leftover partial file by renaming it to a fresh process-unique name;
  // nullopt when another process claimed it first.
  std::optional<stdfs::path> claim_partial(const stdfs::path& leftover, std::string_view etag) const;
  // A fresh process-unique name for a blob's temporary file (blobs/<etag>.<8 hex>.incomplete).
  stdfs::path partial_path(std::string_view etag) const;
  // Records a blob that was renamed into place by the caller.
  void record_blob(std::string_view etag, std::uint64_t size);
  // snapshots/<commit>/<path> -> relative link to blobs/<etag> (atomic replace), then indexed.
  void link_file(std::string_view commit, std::string_view path, std::string_view etag);
  // refs/<revision> = commit (no newline, atomic), unless the revision is the commit itself.
  void write_ref(std::string_view revision, std::string_view commit);
  // trees/<commit>.json in huggingface_hub's format_version 1 (lets offline loads detect an
  // incomplete snapshot).
  void write_tree(std::string_view commit, const std::vector<RepoFile>& files);
  // Records a use of the snapshot (LRU for gc).
  void touch(std::string_view commit);

 private:
  Cache& cache_;
  RepoId repo_;
};

}  // namespace hub::cache
