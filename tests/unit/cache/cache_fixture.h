// Builds caches by hand, byte for byte as Python's huggingface_hub writes them: blobs named by
// the real sha256 (LFS) or git blob sha1 of their content, relative symlinks from snapshots/,
// refs without a trailing newline, nested refs for "refs/pr/N", empty .no_exist markers.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "cache/layout.h"
#include "core/hashing.h"
#include "core/strings.h"
#include "hub/cache.h"
#include "hub/repo.h"

namespace hub::test {

namespace stdfs = std::filesystem;

inline const std::string kCommitA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
inline const std::string kCommitB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
inline const std::string kCommitC = "cccccccccccccccccccccccccccccccccccccccc";

// Memory-backed when available: tests that create thousands of folders run much faster there.
inline stdfs::path fast_temp_base() {
  std::error_code ec;
  if (stdfs::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0) return "/dev/shm";
  return stdfs::temp_directory_path();
}

class TempDir {
 public:
  explicit TempDir(const stdfs::path& base = stdfs::temp_directory_path()) {
    std::string tmpl = (base / "hub-cache-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    // Quarantine tests may leave read-only bits; removal must still succeed.
    stdfs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const stdfs::path& path() const { return path_; }

 private:
  stdfs::path path_;
};

inline void write_bytes(const stdfs::path& p, std::string_view data) {
  stdfs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::string read_bytes(const stdfs::path& p) {
  std::error_code ec;
  auto size = stdfs::file_size(p, ec);
  if (ec) return {};
  std::string out(size, '\0');
  std::ifstream in(p, std::ios::binary);
  in.read(out.data(), static_cast<std::streamsize>(size));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

// Sets a folder's (or file's) modification time `seconds_ago` in the past, so that a test can
// tell the index's "unchanged" fast path from a rescan (fresh times are never trusted).
inline void age(const stdfs::path& p, int seconds_ago = 3600) {
  auto t = std::chrono::system_clock::now() - std::chrono::seconds(seconds_ago);
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  timespec times[2] = {{secs, 0}, {secs, 0}};
  ::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

// Ages every folder below (and including) `dir`, and the ref files (which are stamped too).
inline void age_tree(const stdfs::path& dir, int seconds_ago = 3600) {
  std::vector<stdfs::path> paths{dir};
  for (auto it = stdfs::recursive_directory_iterator(dir); it != stdfs::recursive_directory_iterator(); ++it) {
    if (it->is_symlink()) continue;
    const stdfs::path rel = it->path().lexically_relative(dir);
    if (it->is_directory() || std::find(rel.begin(), rel.end(), stdfs::path("refs")) != rel.end())
      paths.push_back(it->path());
  }
  for (const auto& p : paths) age(p, seconds_ago);
}

class FakeCache {
 public:
  explicit FakeCache(stdfs::path root) : root_(std::move(root)) { stdfs::create_directories(root_); }
  const stdfs::path& root() const { return root_; }

  // Writes blobs/<hash>; LFS files are named by sha256, regular files by git blob sha1.
  std::string add_blob(const RepoId& repo, std::string_view content, bool lfs) {
    std::string name = lfs ? sha256_hex(content) : git_blob_sha1_hex(content);
    write_bytes(cache::blob_path(root_, repo, name), content);
    return name;
  }

  // snapshots/<commit>/<path> -> ../../blobs/<name> (one more ../ per folder level).
  void link(const RepoId& repo, const std::string& commit, const std::string& path, const std::string& blob) {
    stdfs::path link = cache::snapshot_file(root_, repo, commit, path);
    stdfs::create_directories(link.parent_path());
    stdfs::create_symlink(cache::pointer_target(path, blob), link);
  }

  // add_blob + link; returns the blob name.
  std::string add_file(const RepoId& repo, const std::string& commit, const std::string& path, std::string_view content,
                       bool lfs = false) {
    std::string blob = add_blob(repo, content, lfs);
    link(repo, commit, path, blob);
    return blob;
  }

  // A real file in the snapshot (systems without symlinks).
  void plain_file(const RepoId& repo, const std::string& commit, const std::string& path, std::string_view content) {
    write_bytes(cache::snapshot_file(root_, repo, commit, path), content);
  }

  // refs/<name> = commit, no trailing newline (Python).
  // Writes refs/<name> in place when it exists, as huggingface_hub moves a branch (the file's
  // time moves, its folder's does not).
  void ref(const RepoId& repo, const std::string& name, const std::string& commit) {
    write_bytes(cache::ref_path(root_, repo, name), commit);
  }

  void no_exist(const RepoId& repo, const std::string& commit, const std::string& path) {
    write_bytes(cache::no_exist_path(root_, repo, commit, path), "");
  }

  stdfs::path repo_dir(const RepoId& repo) const { return cache::repo_dir(root_, repo); }

 private:
  stdfs::path root_;
};

inline RepoId model(std::string_view name) { return RepoId::parse(name); }

inline const CachedRepo* find_repo(const std::vector<CachedRepo>& repos, const RepoId& id) {
  auto it = std::find_if(repos.begin(), repos.end(), [&](const CachedRepo& r) { return r.repo == id; });
  return it == repos.end() ? nullptr : &*it;
}

inline const CachedRevision* find_rev(const CachedRepo& repo, const std::string& commit) {
  auto it = std::find_if(repo.revisions.begin(), repo.revisions.end(),
                         [&](const CachedRevision& r) { return r.commit == commit; });
  return it == repo.revisions.end() ? nullptr : &*it;
}

inline bool has_warning(const std::vector<std::string>& warnings, std::string_view needle) {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const std::string& w) { return w.find(needle) != std::string::npos; });
}

}  // namespace hub::test
