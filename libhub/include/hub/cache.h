// hub/cache.h: the local cache, in the exact Hugging Face layout, with libhub's SQLite index.
//
// A cache written by Python's huggingface_hub is read unchanged by libhub and the other way
// around (see cache/layout.h for the layout). This module needs no network code: every
// `hub cache ...` command and every offline load works with the HTTP layer absent.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/repo.h"

namespace hub {

namespace cache {
class Index;
}

// One snapshot (commit) of a cached repo.
struct CachedRevision {
  std::string commit;
  std::vector<std::string> refs;  // ref names (paths under refs/) pointing at this commit
  std::uint64_t size = 0;         // bytes of the distinct blobs it references
  std::size_t files = 0;          // files in the snapshot
  double last_modified = 0;       // newest blob mtime (Unix seconds)
  double last_used = 0;           // last pull or model load recorded in the index (0 = never)
  bool pinned = false;            // kept by garbage collection
};

// A partial download (blobs/<etag>.incomplete): reported apart, never counted in sizes.
struct PartialDownload {
  std::string name;  // file name in blobs/
  std::uint64_t size = 0;
  double last_modified = 0;
};

struct CachedRepo {
  RepoId repo;
  std::filesystem::path path;  // the repo folder
  std::uint64_t size = 0;      // bytes of the distinct blobs referenced by any snapshot
  std::size_t blobs = 0;       // distinct blobs referenced
  double last_used = 0;
  double last_modified = 0;
  double last_accessed = 0;    // newest blob access time (the file system's atime)
  std::vector<CachedRevision> revisions;
  std::vector<PartialDownload> incomplete;
  std::vector<std::string> warnings;  // broken symlinks, refs to missing snapshots, ...
};

// list() plus what belongs to no repo.
struct CacheListing {
  std::vector<CachedRepo> repos;
  std::uint64_t size = 0;             // sum of the repo sizes
  std::vector<std::string> warnings;  // root entries that are not repo folders, index problems
};

struct CorruptBlob {
  RepoId repo;
  std::string name;                  // expected hash (the file name)
  std::string actual;                // hash of the bytes found
  std::filesystem::path quarantined; // where the bytes were moved
};

struct VerifyReport {
  std::size_t blobs_checked = 0;
  std::uint64_t bytes_checked = 0;
  std::vector<CorruptBlob> corrupt;
  std::size_t skipped = 0;            // blobs whose name is neither a sha256 nor a git sha1
  std::vector<std::string> errors;    // blobs that could not be read (left in place)
};

struct RemoveReport {
  std::vector<std::string> snapshots_removed;
  std::size_t blobs_removed = 0;
  std::uint64_t bytes_freed = 0;
  bool repo_removed = false;  // the repo folder is gone (no snapshot left)
};

// Progress of long cache operations: bytes done of total.
using CacheProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

class Cache {
 public:
  // Opens the cache at `root` (created if missing, with a CACHEDIR.TAG) and its index.
  // Throws Errc::io when the root cannot be created.
  explicit Cache(std::filesystem::path root);
  ~Cache();
  Cache(Cache&&) noexcept;
  Cache& operator=(Cache&&) noexcept;

  const std::filesystem::path& root() const noexcept { return root_; }

  // Cache-only revision resolution (hub-protocol.md §7.12): a full 40-hex commit is returned
  // as is (whether or not a snapshot exists, like huggingface_hub); anything else is read from
  // refs/<revision> (trimmed) and must hold a 40-hex commit. Short hashes are never expanded.
  // nullopt when not cached or the revision is malformed. Never touches the network or throws
  // for a corrupt cache.
  std::optional<std::string> resolve_revision(const RepoId& repo, std::string_view revision) const;
  // snapshots/<commit>/<path> when it exists (a symlink to an existing blob, or a plain file).
  std::optional<std::filesystem::path> find_file(const RepoId& repo, std::string_view commit,
                                                 std::string_view path) const;
  // True when .no_exist/<commit>/<path> records that the file does not exist at that commit.
  bool known_missing(const RepoId& repo, std::string_view commit, std::string_view path) const;

  // Every cached repo, answered from the index (reconciled with the disk first), sorted by
  // folder name. Corrupt repos are listed with warnings. Throws Errc::io.
  std::vector<CachedRepo> list();
  // list() with the total size and the cache-level warnings.
  CacheListing listing();
  // Removes one snapshot (revision = commit or ref name) or, with nullopt, every snapshot of the
  // repo; then the refs pointing at removed snapshots and the blobs no remaining snapshot uses.
  // Throws Errc::not_cached when the repo or revision is not in the cache.
  RemoveReport remove(const RepoId& repo, const std::optional<std::string>& revision);
  // Re-hashes every blob; corrupt ones are moved to .libhub/quarantine/<repo folder>/<name>
  // and dropped from the index (their snapshot links then show as broken until pulled again).
  // `progress` is called from this thread with bytes hashed so far of the total. Unreadable
  // blobs are listed in errors, not thrown. Throws Errc::io when the cache cannot be read.
  VerifyReport verify(const CacheProgress& progress = {});
  // Rebuilds the index from the disk.
  void reindex();
  // Records that a snapshot was used now (for LRU garbage collection).
  void touch(const RepoId& repo, std::string_view commit);

  // The index, for libhub modules that write into the cache (download). Not part of the API.
  cache::Index& index();

 private:
  std::filesystem::path root_;
  std::unique_ptr<cache::Index> index_;
};

}  // namespace hub
