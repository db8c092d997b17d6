// The in-memory model of what hub serve publishes (internal): a repo is a set of refs pointing at
// commits, a commit is an immutable Snapshot of entries (files and directories) whose bytes live in
// files on disk. Sources (a folder of repos, an HF cache) build these; request handlers only read
// them, through shared_ptr<const ...>, so a rebuild never disturbs a request in flight.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hub/repo.h"

namespace hub::server {

namespace stdfs = std::filesystem;

struct LfsInfo {
  std::string sha256;              // 64 hex, the content hash
  std::uint64_t pointer_size = 0;  // byte length of the pointer text committed in git
};

enum class EntryType { file, directory };

struct Entry {
  EntryType type = EntryType::file;
  std::string path;        // repo-relative, '/'-separated
  std::uint64_t size = 0;  // content size (0 for directories)
  std::string oid;         // git object id: blob (of the pointer, for LFS) or tree
  std::optional<LfsInfo> lfs;
  stdfs::path source;           // files: where the content is read from
  std::int64_t mtime_ns = 0;    // files: source mtime when the snapshot was built (change check)
  std::size_t subtree_end = 0;  // directories: one past the last descendant in Snapshot::entries

  bool is_file() const { return type == EntryType::file; }
  // The ETag identity clients store blobs under: sha256 for LFS, the blob sha1 otherwise.
  const std::string& etag() const { return lfs ? lfs->sha256 : oid; }
};

// A file handed to Snapshot::build; directories are derived from the paths.
struct FileInput {
  std::string path;
  std::uint64_t size = 0;
  std::string blob_oid;  // git blob id of what is committed (the pointer for LFS files)
  std::optional<LfsInfo> lfs;
  stdfs::path source;
  std::int64_t mtime_ns = 0;
};

struct CommitInfo {
  std::string id;     // 40 hex
  std::string title;  // first line of the message
  std::string date;   // ISO 8601, e.g. "1970-01-01T00:00:00.000Z"
};

class Snapshot {
 public:
  // Builds the entry list (depth-first, children sorted by name) and the directory tree ids with
  // libgit2. When `commit` is empty a commit object is created too (fixed author, time and
  // message, no parent), so equal content always gives the same commit id. Throws Errc::internal
  // when libgit2 fails, Errc::invalid_input for paths git cannot store.
  static std::shared_ptr<const Snapshot> build(std::vector<FileInput> files, CommitInfo commit);

  const CommitInfo& commit() const { return commit_; }
  // Every entry, depth-first; a directory's descendants follow it up to its subtree_end.
  const std::vector<Entry>& entries() const { return entries_; }
  // The entry at `path` ("" is not an entry: the root is implicit).
  const Entry* find(std::string_view path) const;
  // The first LFS file whose content has this sha256.
  const Entry* find_lfs(std::string_view sha256) const;
  // Index range [begin, end) of all descendants of `dir` ("" = root; empty range when `dir` is
  // not a folder). Direct children only: step over subfolders with their subtree_end.
  std::pair<std::size_t, std::size_t> subtree(std::string_view dir) const;
  std::uint64_t total_size() const { return total_size_; }
  std::int64_t newest_mtime_ns() const { return newest_mtime_ns_; }

 private:
  CommitInfo commit_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> by_path_;
  std::unordered_map<std::string, std::size_t> by_sha256_;
  std::uint64_t total_size_ = 0;
  std::int64_t newest_mtime_ns_ = 0;
};

struct Ref {
  std::string name;    // "main", "v1.0", "parquet", "refs/pr/1"
  std::string ref;     // "refs/heads/main", "refs/tags/v1.0", "refs/convert/parquet", "refs/pr/1"
  std::string commit;  // 40 hex
};

// One repo as served at one moment: refs and the snapshots they (and older commits) point at.
struct RepoView {
  RepoId id;
  std::string default_branch = "main";
  std::string fallback_head;  // commit for "HEAD" when the repo has no default branch (cache)
  std::vector<Ref> branches, tags, converts, pull_requests;
  std::map<std::string, std::shared_ptr<const Snapshot>> commits;  // by commit id
  std::int64_t created_ns = 0;                                     // for createdAt
  // True when file content may change under a snapshot (a live folder): handlers then check the
  // source's size and mtime before serving bytes.
  bool mutable_sources = false;

  // Resolves a revision: "HEAD" (the default branch), a branch, tag, "refs/heads/x",
  // "refs/tags/x", "refs/pr/N", "refs/convert/x", a full commit id or a unique prefix of at least
  // 7 hex digits. nullptr when nothing matches.
  std::shared_ptr<const Snapshot> resolve(std::string_view revision) const;
  // The snapshot of the default branch (nullptr for a repo without one).
  std::shared_ptr<const Snapshot> head() const { return resolve("HEAD"); }
};

// ISO 8601 UTC with milliseconds, as the Hub writes dates: "2025-01-31T12:00:00.000Z".
std::string iso_time(std::int64_t unix_ns);

}  // namespace hub::server
