// Index::Impl, shared by the files that implement the index (internal to cache/index*.cc).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
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
  ReconcileStats stats;                    // guarded by mu

  // Opens <root>/.libhub/index.db, moving a corrupt file aside and falling back to an
  // in-memory database when the file cannot be used at all.
  void open();
  // The row id of the repo, inserting the row if needed; `touch_dirty` marks it for rescan.
  std::int64_t repo_id(const RepoId& repo, bool touch_dirty);
  // Replaces the rows of one repo by what a scan found, keeping what only the index knows
  // (last_used, pinned, verified_at of unchanged blobs). Runs inside the caller's transaction.
  void store_scan(const ScannedRepo& scan);
  // Index::reconcile with `mu` held; runs `meanwhile` (if any) on this thread while the stamps
  // are being checked. True when it changed the tables.
  bool reconcile(const std::function<void()>& meanwhile);
  // Index::list_repos with `mu` held.
  std::vector<CachedRepo> list_repos();
};

}  // namespace hub::cache
