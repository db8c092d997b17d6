// The Hugging Face cache layout as pure path functions (internal; no I/O).
//
//   <root>/CACHEDIR.TAG
//   <root>/.locks/<repo folder>/<etag>.lock
//   <root>/<repo folder>/blobs/<etag>            etag = sha256 (LFS) or git blob sha1
//   <root>/<repo folder>/snapshots/<commit>/<path> -> ../../blobs/<etag> (relative symlink)
//   <root>/<repo folder>/refs/<revision>         the commit, no trailing newline
//   <root>/<repo folder>/.no_exist/<commit>/<path>  empty: "EntryNotFound at this commit"
//   <root>/.libhub/index.db                      libhub's SQLite index (not part of the HF layout)
#pragma once

#include <filesystem>
#include <string_view>

#include "hub/repo.h"

namespace hub::cache {

namespace stdfs = std::filesystem;

inline constexpr std::string_view kCacheDirTagSignature = "Signature: 8a477f597d28d172789f06886806bc55";

stdfs::path repo_dir(const stdfs::path& root, const RepoId& repo);
stdfs::path blobs_dir(const stdfs::path& root, const RepoId& repo);
stdfs::path blob_path(const stdfs::path& root, const RepoId& repo, std::string_view etag);
stdfs::path snapshot_dir(const stdfs::path& root, const RepoId& repo, std::string_view commit);
stdfs::path snapshot_file(const stdfs::path& root, const RepoId& repo, std::string_view commit, std::string_view path);
// refs/<revision>; "refs/pr/1" maps to refs/refs/pr/1.
stdfs::path ref_path(const stdfs::path& root, const RepoId& repo, std::string_view revision);
stdfs::path no_exist_path(const stdfs::path& root, const RepoId& repo, std::string_view commit, std::string_view path);
stdfs::path lock_path(const stdfs::path& root, const RepoId& repo, std::string_view etag);
stdfs::path index_path(const stdfs::path& root);
// Where `hub cache verify` moves corrupt blobs.
stdfs::path quarantine_dir(const stdfs::path& root);
// The symlink text for snapshots/<commit>/<path>: "../../blobs/<etag>" plus one "../" per
// folder level of `path`.
stdfs::path pointer_target(std::string_view path, std::string_view etag);

}  // namespace hub::cache
