#include "server/served_repo.h"

#include <algorithm>
#include <ctime>

#include "server/git_objects.h"

namespace hub::server {
namespace {

// Component-wise path order: a folder's content sorts right after the folder, so sorting file
// paths this way yields a depth-first listing ("a/b" before "a.txt", unlike plain string order).
bool path_less(std::string_view a, std::string_view b) {
  while (true) {
    auto sa = a.find('/'), sb = b.find('/');
    std::string_view ca = a.substr(0, sa), cb = b.substr(0, sb);
    if (ca != cb) return ca < cb;
    if (sa == std::string_view::npos || sb == std::string_view::npos)
      return sa == std::string_view::npos && sb != std::string_view::npos;
    a.remove_prefix(sa + 1);
    b.remove_prefix(sb + 1);
  }
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::string iso_time(std::int64_t unix_ns) {
  std::int64_t ms = unix_ns / 1'000'000;
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  if (ms < 0) {  // before 1970: floor, keep the millisecond part positive
    secs = static_cast<std::time_t>((ms - 999) / 1000);
  }
  int millis = static_cast<int>(ms - static_cast<std::int64_t>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::shared_ptr<const Snapshot> Snapshot::build(std::vector<FileInput> files, CommitInfo commit) {
  std::sort(files.begin(), files.end(),
            [](const FileInput& a, const FileInput& b) { return path_less(a.path, b.path); });
  files.erase(
      std::unique(files.begin(), files.end(), [](const FileInput& a, const FileInput& b) { return a.path == b.path; }),
      files.end());

  auto snap = std::make_shared<Snapshot>();
  std::vector<GitBlobRef> blobs;
  blobs.reserve(files.size());
  std::vector<std::size_t> open_dirs;  // indices of the directory entries enclosing the cursor
  auto open_path = [&](std::size_t depth) -> std::string_view {
    return depth == 0 ? std::string_view() : std::string_view(snap->entries_[open_dirs[depth - 1]].path);
  };

  for (FileInput& f : files) {
    // Close folders that do not contain this file, then open the ones it is in.
    while (!open_dirs.empty()) {
      std::string_view dir = open_path(open_dirs.size());
      if (f.path.size() > dir.size() && f.path.compare(0, dir.size(), dir) == 0 && f.path[dir.size()] == '/') break;
      snap->entries_[open_dirs.back()].subtree_end = snap->entries_.size();
      open_dirs.pop_back();
    }
    std::size_t pos = open_dirs.empty() ? 0 : open_path(open_dirs.size()).size() + 1;
    // A file that collides with an existing file or folder name cannot be stored; keep the first.
    if (snap->by_path_.count(f.path)) continue;
    bool clash = false;
    for (auto slash = f.path.find('/', pos); slash != std::string::npos; slash = f.path.find('/', slash + 1)) {
      std::string dir = f.path.substr(0, slash);
      auto it = snap->by_path_.find(dir);
      if (it != snap->by_path_.end() && snap->entries_[it->second].is_file()) {
        clash = true;
        break;
      }
      Entry d;
      d.type = EntryType::directory;
      d.path = dir;
      snap->by_path_.emplace(d.path, snap->entries_.size());
      open_dirs.push_back(snap->entries_.size());
      snap->entries_.push_back(std::move(d));
    }
    if (clash) continue;
    Entry e;
    e.type = EntryType::file;
    e.path = std::move(f.path);
    e.size = f.size;
    e.oid = std::move(f.blob_oid);
    e.lfs = std::move(f.lfs);
    e.source = std::move(f.source);
    e.mtime_ns = f.mtime_ns;
    snap->total_size_ += e.size;
    snap->newest_mtime_ns_ = std::max(snap->newest_mtime_ns_, e.mtime_ns);
    blobs.push_back({e.path, e.oid});
    snap->by_path_.emplace(e.path, snap->entries_.size());
    if (e.lfs) snap->by_sha256_.emplace(e.lfs->sha256, snap->entries_.size());
    snap->entries_.push_back(std::move(e));
  }
  while (!open_dirs.empty()) {
    snap->entries_[open_dirs.back()].subtree_end = snap->entries_.size();
    open_dirs.pop_back();
  }

  GitTrees trees = build_git_trees(blobs, commit.id.empty());
  for (Entry& e : snap->entries_) {
    if (e.type == EntryType::directory) e.oid = trees.dirs.at(e.path);
  }
  if (commit.id.empty()) {
    commit.id = trees.commit;
    commit.title = kFolderCommitTitle;
    commit.date = iso_time(0);
  }
  snap->commit_ = std::move(commit);
  return snap;
}

const Entry* Snapshot::find(std::string_view path) const {
  auto it = by_path_.find(std::string(path));
  return it == by_path_.end() ? nullptr : &entries_[it->second];
}

const Entry* Snapshot::find_lfs(std::string_view sha256) const {
  auto it = by_sha256_.find(std::string(sha256));
  return it == by_sha256_.end() ? nullptr : &entries_[it->second];
}

std::pair<std::size_t, std::size_t> Snapshot::subtree(std::string_view dir) const {
  if (dir.empty()) return {0, entries_.size()};
  const Entry* e = find(dir);
  if (!e || e->is_file()) return {0, 0};
  std::size_t index = static_cast<std::size_t>(e - entries_.data());
  return {index + 1, e->subtree_end};
}

std::shared_ptr<const Snapshot> RepoView::resolve(std::string_view revision) const {
  auto by_commit = [&](const std::string& commit_id) -> std::shared_ptr<const Snapshot> {
    auto it = commits.find(commit_id);
    return it == commits.end() ? nullptr : it->second;
  };
  if (revision == "HEAD") {
    if (!default_branch.empty()) {
      if (auto s = resolve(default_branch)) return s;
    }
    return fallback_head.empty() ? nullptr : by_commit(fallback_head);
  }
  for (const auto* refs : {&branches, &tags, &converts, &pull_requests}) {
    for (const Ref& r : *refs)
      if (r.name == revision || r.ref == revision) return by_commit(r.commit);
  }
  if (revision.size() == 40 && is_hex(revision)) return by_commit(std::string(revision));
  if (revision.size() >= 7 && revision.size() < 40 && is_hex(revision)) {
    auto it = commits.lower_bound(std::string(revision));
    if (it == commits.end() || it->first.compare(0, revision.size(), revision) != 0) return nullptr;
    auto next = std::next(it);
    if (next != commits.end() && next->first.compare(0, revision.size(), revision) == 0) return nullptr;
    return it->second;
  }
  return nullptr;
}

}  // namespace hub::server
