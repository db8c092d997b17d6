// hub::Cache::remove and the deletion helpers it shares with gc and prune (cache/maintenance.h).
//
// The symlinks on disk decide which blobs are still needed, not the index: another process may
// have linked a blob since the index last looked. remove() and gc only consider blobs that a
// removed snapshot linked to, and every blob is deleted under its lock after re-reading the
// links, so a blob that a concurrent download is storing or linking is never taken from it.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>

#include "cache/index.h"
#include "cache/layout.h"
#include "cache/maintenance.h"
#include "cache/scan.h"
#include "core/fs.h"
#include "core/strings.h"
#include "hub/cache.h"
#include "hub/error.h"

namespace hub::cache {
namespace {

[[noreturn]] void io_error(const std::string& what, const stdfs::path& p, const std::error_code& ec) {
  throw Error(Errc::io, what + " " + p.string() + ": " + ec.message(), {.path = p.string()});
}

void remove_tree(const stdfs::path& p) {
  std::error_code ec;
  stdfs::remove_all(p, ec);
  if (ec) io_error("cannot remove", p, ec);
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
  std::sort(dirs.begin(), dirs.end(),
            [](const stdfs::path& a, const stdfs::path& b) { return a.native().size() > b.native().size(); });
  for (const auto& d : dirs)
    if (stdfs::is_empty(d, ec)) stdfs::remove(d, ec);
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

// How long gc and prune wait for a blob's lock: a pull holds it only while it stores and links
// that blob, so a longer wait means a download of it is under way.
constexpr auto kBlobLockWait = std::chrono::seconds(5);
// Locks held at once by delete_unlinked_blobs (one link scan per batch).
constexpr std::size_t kLockBatch = 128;

// Empty-folder removal below `dir`; returns whether `dir` is (or, in a dry run, would be) empty.
bool prune_dirs(const stdfs::path& dir, const std::string& rel, const EmptyDirRules& rules,
                std::vector<std::string>& removed) {
  std::error_code ec;
  bool empty = true;
  std::vector<stdfs::path> subdirs;
  for (stdfs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code sec;
    std::string child = rel.empty() ? it->path().filename().string() : rel + "/" + it->path().filename().string();
    if (it->symlink_status(sec).type() == stdfs::file_type::directory)
      subdirs.push_back(it->path());
    else if (!rules.gone || !rules.gone(child))
      empty = false;
  }
  if (ec) return false;
  for (const auto& sub : subdirs) {
    std::string sub_rel = rel.empty() ? sub.filename().string() : rel + "/" + sub.filename().string();
    if (rules.gone && rules.gone(sub_rel)) continue;  // removed as a whole (dry run)
    if (!prune_dirs(sub, sub_rel, rules, removed) || (rules.old_enough && !rules.old_enough(sub_rel))) {
      empty = false;  // not empty, or too recent: a writer may be about to fill it
      continue;
    }
    if (rules.dry_run || ::rmdir(sub.c_str()) == 0)
      removed.push_back(sub_rel);
    else
      empty = false;
  }
  return empty;
}

}  // namespace

std::uint64_t disk_usage(const stdfs::path& dir, std::size_t* blob_files) {
  const stdfs::path blobs = dir / "blobs";
  std::uint64_t total = 0;
  std::error_code ec;
  for (stdfs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code sec;
    if (it->symlink_status(sec).type() != stdfs::file_type::regular) continue;
    auto size = it->file_size(sec);
    if (sec) continue;
    total += size;
    if (blob_files && it->path().parent_path() == blobs && it->path().extension() != ".incomplete") ++*blob_files;
  }
  return total;
}

std::vector<std::string> remove_empty_dirs(const stdfs::path& dir, const EmptyDirRules& rules) {
  std::vector<std::string> removed;
  bool empty = prune_dirs(dir, "", rules, removed);
  if (rules.self && empty && (!rules.old_enough || rules.old_enough(".")) &&
      (rules.dry_run || ::rmdir(dir.c_str()) == 0))
    removed.push_back(".");
  return removed;
}

BlobDeletion delete_unlinked_blobs(const stdfs::path& root, Index& index, const RepoId& repo,
                                   std::vector<std::string> candidates) {
  BlobDeletion out;
  const stdfs::path dir = repo_dir(root, repo);
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (std::size_t begin = 0; begin < candidates.size(); begin += kLockBatch) {
    std::size_t end = std::min(candidates.size(), begin + kLockBatch);
    // 1. Locks, in name order (pulls take one at a time, so this cannot deadlock with them).
    std::vector<std::unique_ptr<fs::FileLock>> locks;
    std::vector<std::string> batch;
    for (std::size_t i = begin; i < end; ++i) {
      try {
        locks.push_back(std::make_unique<fs::FileLock>(lock_path(root, repo, candidates[i]), kBlobLockWait));
        batch.push_back(candidates[i]);
      } catch (const Error& e) {
        if (e.code() != Errc::locked) throw;
        out.in_use.push_back(candidates[i]);
      }
    }
    // 2. Out of sight: a pull that links it from now on finds it missing (Store::link_file).
    std::vector<std::pair<std::string, stdfs::path>> hidden;
    for (const auto& name : batch) {
      stdfs::path blob = blob_path(root, repo, name);
      stdfs::path aside = blob.parent_path() / ("." + name + "." + random_hex(8) + ".gc.tmp");
      if (::rename(blob.c_str(), aside.c_str()) == 0) hidden.emplace_back(name, aside);
    }
    if (hidden.empty()) continue;
    // 3. The links on disk decide, not the index: read them after the blobs left.
    std::vector<std::string> linked = referenced_blobs(dir, {});
    for (const auto& [name, aside] : hidden) {
      stdfs::path blob = blob_path(root, repo, name);
      if (std::binary_search(linked.begin(), linked.end(), name)) {
        std::error_code ec;
        stdfs::rename(aside, blob, ec);
        if (ec) io_error("cannot restore blob", blob, ec);
        out.in_use.push_back(name);
        continue;
      }
      // 4. Gone for good.
      std::error_code ec;
      std::uint64_t size = stdfs::file_size(aside, ec);
      if (ec) size = 0;
      if (!stdfs::remove(aside, ec) || ec) {
        std::error_code rec;
        stdfs::rename(aside, blob, rec);
        if (ec) io_error("cannot remove blob", blob, ec);
        continue;
      }
      ++out.blobs_removed;
      out.bytes_freed += size;
      index.forget_blob(repo, name);
    }
  }
  std::sort(out.in_use.begin(), out.in_use.end());
  return out;
}

BlobDeletion drop_snapshots(const stdfs::path& root, Index& index, const RepoId& repo,
                            const std::vector<std::string>& commits) {
  const stdfs::path dir = repo_dir(root, repo);
  std::vector<std::string> others;
  {
    std::vector<std::string> all = snapshot_folders(dir);
    for (auto& c : all)
      if (std::find(commits.begin(), commits.end(), c) == commits.end()) others.push_back(std::move(c));
  }
  // Blobs the removed snapshots link to, read before their links go.
  std::vector<std::string> candidates = referenced_blobs(dir, others);
  std::uint64_t plain_bytes = 0;
  std::error_code ec;
  for (const auto& commit : commits) {
    stdfs::path sdir = snapshot_dir(root, repo, commit);
    plain_bytes += disk_usage(sdir);  // plain files of a cache without symlinks
    remove_tree(sdir);
    remove_tree(dir / ".no_exist" / commit);
    stdfs::remove(dir / "trees" / (commit + ".json"), ec);
    index.forget_snapshot(repo, commit);
  }
  remove_refs_to(dir / "refs", std::set<std::string>(commits.begin(), commits.end()));
  // Quick filter before taking locks: blobs a remaining snapshot links to stay.
  std::vector<std::string> still_used = referenced_blobs(dir, {});
  std::vector<std::string> unlinked;
  for (const auto& name : candidates)
    if (!std::binary_search(still_used.begin(), still_used.end(), name)) unlinked.push_back(name);
  BlobDeletion out = delete_unlinked_blobs(root, index, repo, std::move(unlinked));
  out.bytes_freed += plain_bytes;
  index.mark_dirty(repo);
  return out;
}

}  // namespace hub::cache

namespace hub {

namespace stdfs = std::filesystem;

RemoveReport Cache::remove(const RepoId& repo, const std::optional<std::string>& revision) {
  stdfs::path dir = cache::repo_dir(root_, repo);
  std::error_code ec;
  if (!stdfs::is_directory(dir, ec))
    throw Error(Errc::not_cached, repo.display() + " is not in the cache (no folder " + dir.string() + ")",
                {.path = dir.string()});

  std::vector<std::string> snapshots = cache::snapshot_folders(dir);
  std::vector<std::string> targets;
  if (!revision) {
    targets = snapshots;
  } else {
    std::optional<std::string> commit = resolve_revision(repo, *revision);
    if (!commit || !std::binary_search(snapshots.begin(), snapshots.end(), *commit))
      throw Error(
          Errc::not_cached,
          "revision '" + *revision + "' of " + repo.display() + " is not in the cache" +
              (commit && !is_commit_hash(*revision) ? " (it points to " + *commit + ", which has no snapshot)" : ""),
          {.path = dir.string()});
    targets.push_back(*commit);
  }
  std::vector<std::string> remaining;
  std::set_difference(snapshots.begin(), snapshots.end(), targets.begin(), targets.end(),
                      std::back_inserter(remaining));

  RemoveReport report;
  report.snapshots_removed = targets;

  if (remaining.empty()) {
    report.bytes_freed = cache::disk_usage(dir, &report.blobs_removed);
    cache::remove_tree(dir);
    cache::remove_tree(root_ / ".locks" / repo.folder_name());
    report.repo_removed = true;
    index_->forget_repo(repo);
    return report;
  }

  cache::BlobDeletion d = cache::drop_snapshots(root_, *index_, repo, targets);
  report.blobs_removed = d.blobs_removed;
  report.bytes_freed = d.bytes_freed;
  return report;
}

}  // namespace hub
