// hub::Cache::remove: deleting snapshots and the blobs only they used.
//
// The symlinks on disk decide which blobs are still needed, not the index: another process may
// have linked a blob since the index last looked. Only blobs that a removed snapshot linked to
// are candidates, so a blob that a concurrent download has just renamed into place (and not
// linked yet) is never taken away from it.
#include <algorithm>
#include <fstream>
#include <set>

#include "cache/index.h"
#include "cache/layout.h"
#include "cache/scan.h"
#include "core/strings.h"
#include "hub/cache.h"
#include "hub/error.h"

namespace hub {
namespace {

namespace stdfs = std::filesystem;

[[noreturn]] void io_error(const std::string& what, const stdfs::path& p, const std::error_code& ec) {
  throw Error(Errc::io, what + " " + p.string() + ": " + ec.message(), {.path = p.string()});
}

void remove_tree(const stdfs::path& p) {
  std::error_code ec;
  stdfs::remove_all(p, ec);
  if (ec) io_error("cannot remove", p, ec);
}

// Bytes of the regular files below `dir` (symlinks not followed: they take no blob space);
// `blob_files` counts the complete blobs among them (files directly in <dir>/blobs).
std::uint64_t disk_usage(const stdfs::path& dir, std::size_t* blob_files = nullptr) {
  const stdfs::path blobs = dir / "blobs";
  std::uint64_t total = 0;
  std::error_code ec;
  for (stdfs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code sec;
    if (it->symlink_status(sec).type() != stdfs::file_type::regular) continue;
    auto size = it->file_size(sec);
    if (sec) continue;
    total += size;
    if (blob_files && it->path().parent_path() == blobs && it->path().extension() != ".incomplete")
      ++*blob_files;
  }
  return total;
}

std::vector<std::string> snapshot_folders(const stdfs::path& repo_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (stdfs::directory_iterator it(repo_dir / "snapshots", ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code sec;
    if (it->symlink_status(sec).type() == stdfs::file_type::directory) out.push_back(it->path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Deletes refs/<name> files holding one of `commits`, then the folders that leaves empty.
void remove_refs_to(const stdfs::path& refs_dir, const std::set<std::string>& commits) {
  std::vector<stdfs::path> files;
  std::vector<stdfs::path> dirs;
  std::error_code ec;
  for (stdfs::recursive_directory_iterator it(refs_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code sec;
    auto type = it->symlink_status(sec).type();
    if (type == stdfs::file_type::directory) dirs.push_back(it->path());
    if (type != stdfs::file_type::regular) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string content(256, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<size_t>(in.gcount()));
    if (commits.count(std::string(trim(content)))) files.push_back(it->path());
  }
  for (const auto& f : files) {
    stdfs::remove(f, ec);
    if (ec) io_error("cannot remove ref", f, ec);
  }
  // Deepest first, so refs/refs/pr goes before refs/refs.
  std::sort(dirs.begin(), dirs.end(), [](const stdfs::path& a, const stdfs::path& b) {
    return a.native().size() > b.native().size();
  });
  for (const auto& d : dirs)
    if (stdfs::is_empty(d, ec)) stdfs::remove(d, ec);
}

}  // namespace

RemoveReport Cache::remove(const RepoId& repo, const std::optional<std::string>& revision) {
  stdfs::path dir = cache::repo_dir(root_, repo);
  std::error_code ec;
  if (!stdfs::is_directory(dir, ec))
    throw Error(Errc::not_cached, repo.display() + " is not in the cache (no folder " + dir.string() + ")",
                {.path = dir.string()});

  std::vector<std::string> snapshots = snapshot_folders(dir);
  std::vector<std::string> targets;
  if (!revision) {
    targets = snapshots;
  } else {
    std::optional<std::string> commit = resolve_revision(repo, *revision);
    if (!commit || !std::binary_search(snapshots.begin(), snapshots.end(), *commit))
      throw Error(Errc::not_cached,
                  "revision '" + *revision + "' of " + repo.display() + " is not in the cache" +
                      (commit && !is_commit_hash(*revision) ? " (it points to " + *commit + ", which has no snapshot)"
                                                            : ""),
                  {.path = dir.string()});
    targets.push_back(*commit);
  }
  std::vector<std::string> remaining;
  std::set_difference(snapshots.begin(), snapshots.end(), targets.begin(), targets.end(),
                      std::back_inserter(remaining));

  RemoveReport report;
  report.snapshots_removed = targets;

  if (remaining.empty()) {
    report.bytes_freed = disk_usage(dir, &report.blobs_removed);
    remove_tree(dir);
    remove_tree(root_ / ".locks" / repo.folder_name());
    report.repo_removed = true;
    index_->forget_repo(repo);
    return report;
  }

  // Blobs the removed snapshots link to, read before their links go.
  std::vector<std::string> candidates = cache::referenced_blobs(dir, remaining);
  for (const auto& commit : targets) {
    stdfs::path sdir = cache::snapshot_dir(root_, repo, commit);
    report.bytes_freed += disk_usage(sdir);  // plain files of a cache without symlinks
    remove_tree(sdir);
    remove_tree(dir / ".no_exist" / commit);
    stdfs::remove(dir / "trees" / (commit + ".json"), ec);
    index_->forget_snapshot(repo, commit);
  }
  remove_refs_to(dir / "refs", std::set<std::string>(targets.begin(), targets.end()));

  std::vector<std::string> still_used = cache::referenced_blobs(dir, {});
  for (const auto& name : candidates) {
    if (std::binary_search(still_used.begin(), still_used.end(), name)) continue;
    stdfs::path blob = cache::blob_path(root_, repo, name);
    std::uint64_t size = stdfs::file_size(blob, ec);
    if (ec) continue;  // already gone (a broken link)
    if (!stdfs::remove(blob, ec) || ec) {
      if (ec) io_error("cannot remove blob", blob, ec);
      continue;
    }
    ++report.blobs_removed;
    report.bytes_freed += size;
    index_->forget_blob(repo, name);
  }
  index_->mark_dirty(repo);
  return report;
}

}  // namespace hub
