// Index::Impl, shared by the files that implement the index (internal to cache/index*.cc).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cache/index.h"
#include "cache/scan.h"
#include "cache/sqlite.h"

namespace hub::cache {

struct Index::Impl {
  stdfs::path root;
  std::mutex mu;
  std::unique_ptr<sql::Db> db;  // guarded by mu
  // False when the index lives in memory because the file could not be used (read-only cache,
  // newer schema); `fallback_reason` says why.
  bool persistent = true;
  std::string fallback_reason;
  // Cache-level warnings of the last reconcile (entries at the root that are not repos).
  std::vector<std::string> root_warnings;  // guarded by mu
  // The root folder's time when the last reconcile read it (0 = too recent to trust), and the
  // repo folders it held then, sorted: a listing snapshot is only saved when the tables hold the
  // same folders (another process may have stored what it saw of an older root meanwhile).
  std::int64_t root_stamp = 0;            // guarded by mu
  std::vector<std::string> root_folders;  // guarded by mu
  ReconcileStats stats;                   // guarded by mu

  // Opens <root>/.libhub/index.db, moving a corrupt file aside and falling back to an
  // in-memory database when the file cannot be used at all.
  void open();
  // The row id of the repo, inserting the row if needed; `touch_dirty` marks it for rescan.
  std::int64_t repo_id(const RepoId& repo, bool touch_dirty);
  // Replaces the rows of one repo by what a scan found, keeping what only the index knows
  // (last_used, pinned, verified_at of unchanged blobs). Runs inside the caller's transaction.
  void store_scan(const ScannedRepo& scan);
  // Index::reconcile with `mu` held.
  void reconcile();
  // Index::list_repos with `mu` held.
  std::vector<CachedRepo> list_repos();

  // The listing snapshot (cache/listing_snapshot.h), index_listing.cc.
  struct SnapshotCheck {
    // Every stamp held (the root's included): the listing, as the snapshot has it.
    std::optional<std::vector<CachedRepo>> listing;
    // The root's held but these repo folders changed: rescanning them is enough.
    std::optional<std::vector<std::string>> changed;
  };
  // Checks the snapshot's stamps against the disk. Neither member set: no usable snapshot, or
  // the root changed (a full reconcile is needed).
  SnapshotCheck check_snapshot();
  // Rescans these repo folders (known to the index, at the root), in one transaction. False,
  // with nothing done, when one of them is gone after all (a full reconcile is then needed).
  bool rescan(const std::vector<std::string>& folders);
  // list_repos(), and a new snapshot of it when the stamps are worth keeping; in one write
  // transaction, so that the snapshot matches the tables it was read from.
  std::vector<CachedRepo> list_and_save_snapshot();
};

}  // namespace hub::cache
