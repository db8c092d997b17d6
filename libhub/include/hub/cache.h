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
  double last_accessed = 0;  // newest blob access time (the file system's atime)
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
  std::string name;                   // expected hash (the file name)
  std::string actual;                 // hash of the bytes found
  std::filesystem::path quarantined;  // where the bytes were moved
};

struct VerifyReport {
  std::size_t blobs_checked = 0;
  std::uint64_t bytes_checked = 0;
  std::vector<CorruptBlob> corrupt;
  std::size_t skipped = 0;          // blobs whose name is neither a sha256 nor a git sha1
  std::vector<std::string> errors;  // blobs that could not be read (left in place)
};

struct RemoveReport {
  std::vector<std::string> snapshots_removed;
  std::size_t blobs_removed = 0;
  std::uint64_t bytes_freed = 0;
  bool repo_removed = false;  // the repo folder is gone (no snapshot left)
};

// One snapshot removed (or, in a dry run, that would be removed) by Cache::gc.
struct GcRemoval {
  RepoId repo;
  std::string commit;
  std::vector<std::string> refs;  // refs that pointed at it (removed with it)
  double last_used = 0;           // the LRU key: last recorded use, else last modification
  std::uint64_t bytes_freed = 0;  // blobs only it used, plus its plain files
  std::size_t blobs_removed = 0;
};

struct GcReport {
  bool dry_run = false;
  std::uint64_t max_bytes = 0;    // the budget
  std::uint64_t size_before = 0;  // total size (as `hub cache ls` counts it) before
  std::uint64_t size_after = 0;   // after (dry run: what it would be)
  std::uint64_t bytes_freed = 0;
  std::size_t blobs_removed = 0;
  std::vector<GcRemoval> removed;  // in removal order (least recently used first)
  std::size_t pinned_kept = 0;     // pinned snapshots that were never candidates
  // Blobs left in place because a pull held their lock or linked them meanwhile ("repo: name").
  std::vector<std::string> blobs_in_use;
  bool budget_met = false;  // size_after <= max_bytes (false when pins keep it above)
};

struct PruneOptions {
  // Temporary files (blobs/*.incomplete, hidden *.tmp), stale .no_exist/trees entries and empty
  // folders younger than this are left alone: a live download may still own them.
  double older_than_seconds = 3600;
  bool dry_run = false;
};

struct PrunedEntry {
  RepoId repo;
  std::string path;  // relative to the repo folder ("blobs/<name>", ".no_exist/<commit>", ...)
  std::string kind;  // incomplete | temporary | unreferenced_blob | no_exist | tree | empty_dir | repo
  std::uint64_t bytes = 0;
};

struct PruneReport {
  bool dry_run = false;
  std::vector<PrunedEntry> removed;
  std::uint64_t bytes_freed = 0;
  std::size_t recent_kept = 0;      // temporary files younger than the grace period
  std::vector<std::string> in_use;  // blobs whose lock a pull held, or linked meanwhile
  std::vector<std::string> errors;  // entries that could not be removed (left in place)
};

// Parses a size for `--max-size`: a number (fractions allowed) with an optional suffix.
// Decimal: K/KB = 1000, M/MB = 1000^2, G/GB, T/TB, P/PB. Binary: Ki/KiB = 1024, Mi/MiB, Gi/GiB,
// Ti/TiB, Pi/PiB. "B" or nothing = bytes. Case-insensitive, spaces between number and suffix
// allowed: "20G", "500M", "1.5GB", "2GiB", "1048576". Throws Errc::invalid_input.
std::uint64_t parse_byte_size(std::string_view text);
// Parses a duration for `--older-than`: a number with s, m, h, d or w (no suffix = seconds):
// "1h", "30m", "90s", "2d", "1.5h". Throws Errc::invalid_input.
double parse_duration_seconds(std::string_view text);

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
  // Rebuilds the index from the disk (pins and last-use times are kept).
  void reindex();
  // Records that a snapshot was used now (for LRU garbage collection). Pulls call it; so should
  // every model load (the file system's atime is never used for gc).
  void touch(const RepoId& repo, std::string_view commit);

  // Garbage collection to a size budget. The total is what `hub cache ls` reports (each repo's
  // distinct referenced blobs; partial downloads and unreferenced blobs are prune's job). While
  // it exceeds `max_bytes`, the least recently used unpinned snapshot goes: its last use recorded
  // by touch(), or for a snapshot never used through libhub its newest file's modification time;
  // ties by repo folder then commit. A snapshot goes with its .no_exist entries, its tree listing,
  // the refs pointing at it and the blobs no remaining snapshot of the repo links to; a repo left
  // with no snapshot loses its empty folders. Pinned snapshots never go, so the budget may stay
  // unmet (budget_met). Each blob is deleted under its lock (.locks/<repo>/<etag>.lock) after
  // re-reading the snapshot links, so a blob that a concurrent pull links meanwhile survives.
  // With `dry_run` the cache is left unchanged and the report tells what would go.
  // Throws Errc::io.
  GcReport gc(std::uint64_t max_bytes, bool dry_run = false);
  // Pins a snapshot so that gc keeps it; `revision` is a ref name or full commit (default
  // "main"). Pins live in the index and survive reindex. Returns the commit.
  // Throws Errc::not_cached when the repo or snapshot is not cached, Errc::invalid_input.
  std::string pin(const RepoId& repo, std::string_view revision = "main");
  // Undoes pin(); unpinning a snapshot that is not pinned is not an error. Returns the commit.
  std::string unpin(const RepoId& repo, std::string_view revision = "main");
  // Removes what no snapshot needs: stale partial downloads (blobs/*.incomplete) and other
  // temporary files older than the grace period (a live or resumable download is never
  // touched: its lock is tried first, and resuming pulls keep its time fresh), blobs no snapshot
  // of their repo links to (deleted under their lock after re-reading the links), .no_exist and
  // trees/ entries of commits with no snapshot, empty folders, and repo folders left empty.
  // Throws Errc::io when the cache cannot be read.
  PruneReport prune(const PruneOptions& options = {});

  // The index, for libhub modules that write into the cache (download). Not part of the API.
  cache::Index& index();

 private:
  std::filesystem::path root_;
  std::unique_ptr<cache::Index> index_;
};

}  // namespace hub
