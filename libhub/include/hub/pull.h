// hub/pull.h: download a repo snapshot into the cache (or a local folder), verified.
//
// One pull resolves the revision to one commit, lists the files at that commit, filters them,
// and downloads what is missing in parallel. Every byte is hashed while it is written (SHA-256
// for LFS files, git blob SHA-1 for the rest) and a file only enters blobs/ by atomic rename
// after its hash matches; snapshots/ only ever points at verified blobs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hub/repo.h"
#include "hub/settings.h"

namespace hub {

// Pickle weights, skipped when the repo has safetensors weights and PullOptions::include is
// empty (explicit include globs decide alone) unless PullOptions::allow_pickle.
inline const std::vector<std::string> kPickleGlobs = {"*.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl"};

// A progress event: one per chunk written, and one when each file starts and ends.
struct PullProgress {
  enum class Kind { plan, file_start, bytes, file_done } kind;
  std::string path;               // the file concerned (empty for plan)
  std::uint64_t file_bytes = 0;   // bytes of this file so far
  std::uint64_t file_total = 0;   // size of this file
  std::uint64_t total_bytes = 0;  // bytes of the whole pull so far (downloaded or reused)
  std::uint64_t total_size = 0;   // size of every file of the pull
};

struct PullOptions {
  std::string revision = "main";
  std::vector<std::string> include;  // globs; empty = everything
  std::vector<std::string> exclude;  // globs
  // Download pickle files even when safetensors weights exist.
  bool allow_pickle = false;
  // Write real files to this folder (huggingface_hub's local_dir mode) instead of the cache.
  std::optional<std::filesystem::path> local_dir;
  int max_workers = 8;
  // Files of at least range_threshold bytes are fetched as up to `connections` concurrent byte
  // ranges of chunk_size bytes, into a resumable temporary file: after a crash or kill -9 the
  // next pull asks only for the missing chunks.
  std::uint64_t range_threshold = 16ull << 20;
  std::uint64_t chunk_size = 8ull << 20;
  int connections = 8;
  // Plan only: list what would be fetched, write nothing.
  bool dry_run = false;
  // Called from worker threads; libhub serializes the calls.
  std::function<void(const PullProgress&)> on_progress;
};

struct PulledFile {
  enum class Action { downloaded, cached, linked, planned };
  std::string path;
  std::string blob;  // sha256 or git sha1
  std::uint64_t size = 0;
  bool lfs = false;
  Action action = Action::planned;
};

std::string_view to_string(PulledFile::Action action) noexcept;

struct PullResult {
  RepoId repo;
  std::string revision;
  std::string commit;
  std::filesystem::path folder;  // snapshots/<commit>, or the local dir
  std::vector<PulledFile> files;
  std::vector<std::string> skipped;  // filtered out (globs, pickle)
  std::uint64_t bytes_downloaded = 0;
  bool offline = false;  // resolved from the cache without network
};

// Pulls `repo` into settings.cache_dir. In offline mode (settings.offline) the revision is
// resolved through refs/ and every selected file must already be cached (Errc::not_cached).
// Errors: the api errors (repo_not_found, revision_not_found, ...), Errc::integrity on a hash or
// size mismatch, Errc::invalid_input for unsafe server paths or a listing with a path twice or a
// file that is also a folder, Errc::entry_not_found when the selection matches no file (nothing is
// written then), Errc::io.
PullResult pull(const RepoId& repo, const PullOptions& options, const Settings& settings);

}  // namespace hub
