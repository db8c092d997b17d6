// libhub's SQLite index of a cache (internal): repos, refs, snapshots, files and blobs, kept in
// <root>/.libhub/index.db (WAL mode) so that queries (`hub cache ls`, dedup lookups, gc) need no
// directory walk. The files on disk are the truth: the index is updated in the same step as the
// files (after each rename) and is reconciled with the disk when they disagree (see
// Index::reconcile), and `hub cache reindex` rebuilds it from disk.
//
// Thread-safety: one Index may be shared by threads; calls are serialized internally.
// Several processes may use the same index at once (SQLite WAL + busy timeout).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hashing.h"
#include "hub/cache.h"
#include "hub/repo.h"

namespace hub::cache {

namespace stdfs = std::filesystem;

// What the last reconcile() or rebuild() did (for tests and diagnostics).
struct ReconcileStats {
  std::size_t unchanged = 0;   // repos answered from the tables
  std::size_t scanned = 0;     // repos read from disk (new, changed or marked dirty)
  std::size_t dropped = 0;     // repos whose folder vanished
  bool from_snapshot = false;  // the listing came from the listing snapshot (no table reads)
};

class Index {
 public:
  // Opens (creating folders, file and schema as needed) the index of the cache at `root`.
  // The index only mirrors the disk, so it never makes the cache unusable: a corrupt file is
  // moved aside (index.db.corrupt) and rebuilt, and when the file cannot be used at all
  // (read-only cache, schema from a newer libhub) the index lives in memory for this process
  // (persistent() is false, warnings() says why). Throws Errc::io only if even that fails.
  explicit Index(const stdfs::path& root);
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // --- written by downloads, right after the matching file operation ---
  // A verified blob now sits at blobs/<name> of `repo`.
  void record_blob(const RepoId& repo, std::string_view name, HashKind kind, std::uint64_t size, double verified_at);
  // snapshots/<commit>/<path> now points at blobs/<blob>.
  void record_file(const RepoId& repo, std::string_view commit, std::string_view path, std::string_view blob);
  // refs/<name> now holds `commit`.
  void record_ref(const RepoId& repo, std::string_view name, std::string_view commit);
  // Records that the snapshot was used now (a pull or a model load); feeds LRU gc.
  void touch_snapshot(const RepoId& repo, std::string_view commit, double when);

  // Another repo's blob with this name (sha256 or git sha1) and size that the index believes is
  // present and verified (recorded by a download or `hub cache verify`; unverified blobs are
  // never offered). The file is checked to exist with that size before it is returned; the
  // caller still re-checks before linking. nullopt if none.
  std::optional<stdfs::path> find_blob_elsewhere(const RepoId& repo, std::string_view name, std::uint64_t size);

  // --- queries and maintenance used by hub::Cache ---
  // Every repo of the cache with its revisions, from the tables only (call reconcile() first).
  std::vector<CachedRepo> list_repos();
  // Brings the index in line with the disk for repos whose folders changed since last seen
  // (folder mtimes of blobs/, refs/ and below, snapshots/ and every folder below it; see
  // cache/stamps.h), repos that vanished and repos that appeared, in one transaction. Unchanged
  // repos cost a few stat calls each and take no write lock. Blob contents changed in place are not noticed (that is
  // what verify is for). Throws Errc::not_cached when the root is missing, Errc::io.
  void reconcile();
  // reconcile() then list_repos(), faster: from the listing snapshot (cache/listing_snapshot.h)
  // while its stamps hold, rescanning only the repos that changed when the cache root did not,
  // and saving a new snapshot after reading the tables.
  std::vector<CachedRepo> reconciled_listing();
  // Drops every row and rebuilds from a full scan of the disk. Snapshot last-use times and
  // pins (which the disk does not record) are carried over; verification times are not.
  void rebuild();
  // Removes rows for a repo, or only for one of its snapshots.
  void forget_repo(const RepoId& repo);
  void forget_snapshot(const RepoId& repo, std::string_view commit);
  void forget_blob(const RepoId& repo, std::string_view name);

  // --- added for hub::Cache ---
  // The blob's bytes matched its name at `when` (hub cache verify).
  void record_verified(const RepoId& repo, std::string_view name, std::uint64_t size, double when);
  // Forces a rescan of the repo at the next reconcile (after changing its files).
  void mark_dirty(const RepoId& repo);
  // Pins or unpins a snapshot (kept by gc); false when the snapshot is not indexed.
  bool set_pinned(const RepoId& repo, std::string_view commit, bool pinned);
  bool is_pinned(const RepoId& repo, std::string_view commit);
  // What each snapshot uses, for gc planning: one row per distinct blob of a snapshot (key =
  // blob name) or plain file (key = "<commit>/<path>"), from the tables (reconcile() first).
  struct SnapshotUse {
    std::string folder;
    std::string commit;
    std::string key;
    std::uint64_t size = 0;
  };
  std::vector<SnapshotUse> snapshot_uses();
  // Cache-level warnings of the last reconcile: root entries that are not repos, and why the
  // index is not persistent if it is not.
  std::vector<std::string> warnings();
  bool persistent() const noexcept;
  ReconcileStats last_reconcile();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::cache
