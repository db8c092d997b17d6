#include "cache/layout.h"

#include <algorithm>

namespace hub::cache {

stdfs::path repo_dir(const stdfs::path& root, const RepoId& repo) { return root / repo.folder_name(); }

stdfs::path blobs_dir(const stdfs::path& root, const RepoId& repo) { return repo_dir(root, repo) / "blobs"; }

stdfs::path blob_path(const stdfs::path& root, const RepoId& repo, std::string_view etag) {
  return blobs_dir(root, repo) / std::string(etag);
}

stdfs::path snapshot_dir(const stdfs::path& root, const RepoId& repo, std::string_view commit) {
  return repo_dir(root, repo) / "snapshots" / std::string(commit);
}

stdfs::path snapshot_file(const stdfs::path& root, const RepoId& repo, std::string_view commit, std::string_view path) {
  return snapshot_dir(root, repo, commit) / std::string(path);
}

stdfs::path ref_path(const stdfs::path& root, const RepoId& repo, std::string_view revision) {
  return repo_dir(root, repo) / "refs" / std::string(revision);
}

stdfs::path no_exist_path(const stdfs::path& root, const RepoId& repo, std::string_view commit, std::string_view path) {
  return repo_dir(root, repo) / ".no_exist" / std::string(commit) / std::string(path);
}

stdfs::path lock_path(const stdfs::path& root, const RepoId& repo, std::string_view etag) {
  return root / ".locks" / repo.folder_name() / (std::string(etag) + ".lock");
}

stdfs::path index_path(const stdfs::path& root) { return root / ".libhub" / "index.db"; }

stdfs::path quarantine_dir(const stdfs::path& root) { return root / ".libhub" / "quarantine"; }

stdfs::path pointer_target(std::string_view path, std::string_view etag) {
  auto depth = static_cast<size_t>(std::count(path.begin(), path.end(), '/'));
  stdfs::path out;
  for (size_t i = 0; i < depth + 2; ++i) out /= "..";
  return out / "blobs" / std::string(etag);
}

}  // namespace hub::cache
