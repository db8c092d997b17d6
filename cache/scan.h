// Reading a cache from disk (internal), following huggingface_hub's scan_cache_dir rules
// (hub-protocol.md §7.13) with one difference: a corrupt repo is still reported, with warnings,
// instead of being skipped. Nothing here throws for a corrupt cache; only a root that cannot be
// read at all is an error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cache/stamps.h"
#include "hub/repo.h"

namespace hub::cache {

namespace stdfs = std::filesystem;

struct ScannedFile {
  std::string path;                 // inside the snapshot, '/'-separated
  std::optional<std::string> blob;  // the blobs/ entry it links to; nullopt for a plain file
  std::uint64_t size = 0;           // of the blob or plain file
  double mtime = 0;
  double atime = 0;
};

struct ScannedSnapshot {
  std::string commit;  // folder name under snapshots/
  std::vector<ScannedFile> files;
  std::uint64_t size = 0;  // distinct blobs (plain files count one each)
  double last_modified = 0;
};

struct ScannedBlob {
  std::string name;
  std::uint64_t size = 0;
  double mtime = 0;
  double atime = 0;
};

struct ScannedRepo {
  RepoId repo;
  std::string folder;
  double started_at = 0;          // Unix seconds when the scan began
  std::vector<PathStamp> stamps;  // blobs/, refs/ and every ref, snapshots/ and every folder below
  std::vector<std::pair<std::string, std::string>> refs;  // name -> trimmed content
  std::vector<ScannedSnapshot> snapshots;
  std::vector<ScannedBlob> blobs;       // complete blobs in blobs/, referenced or not
  std::vector<ScannedBlob> incomplete;  // blobs/*.incomplete
  std::vector<std::string> warnings;
  // Summary over the snapshots, §7.13: distinct referenced blobs.
  std::uint64_t size = 0;
  std::size_t blob_count = 0;
  double last_modified = 0;
  double last_accessed = 0;
};

// Scans `<root>/<folder>` for `repo`. Folder times are recorded before the folder is read, so
// a change made during the scan is seen by the next reconcile; times newer than
// `racy_after_ns` are recorded as 0 ("too recent to trust": a later change within the same
// clock tick would not move them).
ScannedRepo scan_repo(const stdfs::path& root, const RepoId& repo, std::int64_t racy_after_ns);

// An entry at the root of the cache. Entries that are never repo candidates are left out:
// `.locks`, `CACHEDIR.TAG`, hidden entries (`.libhub`, `.DS_Store`), `Thumbs.db`, `desktop.ini`.
struct RootEntry {
  std::string name;
  bool is_dir = false;  // a folder, or a symlink to one
};

// Throws Errc::not_cached when `root` does not exist, Errc::io when it cannot be read.
std::vector<RootEntry> read_root(const stdfs::path& root);
// The repo a root entry holds; nullopt with a warning when it cannot be one (not a folder, not
// `<type>s--<id>`).
std::optional<RepoId> repo_of_root_entry(const RootEntry& entry, std::vector<std::string>& warnings);

// A repo folder found at the root of the cache.
struct RepoFolder {
  std::string folder;
  RepoId repo;
};

// read_root + repo_of_root_entry: the repo folders at `root`, with warnings for the rest.
std::vector<RepoFolder> list_repo_folders(const stdfs::path& root, std::vector<std::string>& warnings);

// The blob names that the snapshots of a repo link to, read from the symlinks themselves
// (used by removal, which must not trust the index alone). Snapshots in `except` are skipped.
std::vector<std::string> referenced_blobs(const stdfs::path& repo_dir, const std::vector<std::string>& except);

}  // namespace hub::cache
