#include "cache/scan.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "core/strings.h"
#include "hub/error.h"

namespace hub::cache {
namespace {

struct DirEntry {
  std::string name;
  unsigned char type;  // DT_DIR, DT_REG, DT_LNK, ... resolved (never DT_UNKNOWN)
};

// POSIX readdir rather than std::filesystem: one call per entry, the type without a stat on
// most file systems, and no exceptions half-way through a corrupt folder.
bool read_dir(const stdfs::path& dir, std::vector<DirEntry>& out, int* error = nullptr) {
  out.clear();
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (error) *error = errno;
    return false;
  }
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      if (::lstat((dir / e->d_name).c_str(), &st) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    out.push_back({std::string(name), type});
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return true;
}

double seconds(const timespec& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9; }

// Files operating systems drop into folders; never cache content.
bool ignored_name(std::string_view name) { return name == ".DS_Store" || name == "Thumbs.db" || name == "desktop.ini"; }

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Where a snapshot entry's symlink points, resolved relative to the folder holding it.
std::optional<stdfs::path> link_target(const stdfs::path& link) {
  std::error_code ec;
  stdfs::path text = stdfs::read_symlink(link, ec);
  if (ec) return std::nullopt;
  if (text.is_absolute()) return text.lexically_normal();
  return (link.parent_path() / text).lexically_normal();
}

// The blob name a resolved target designates when it lies in the repo's blobs/ folder.
class BlobMatcher {
 public:
  explicit BlobMatcher(const stdfs::path& repo_dir) : blobs_((repo_dir / "blobs").lexically_normal()) {}

  std::optional<std::string> blob_of(const stdfs::path& target) {
    if (target.parent_path() == blobs_) return target.filename().string();
    // An absolute link through another spelling of the same folder (a symlinked cache root).
    if (!canonical_blobs_) {
      std::error_code ec;
      canonical_blobs_ = stdfs::canonical(blobs_, ec);
      if (ec) canonical_blobs_ = stdfs::path();
    }
    if (canonical_blobs_->empty()) return std::nullopt;
    std::error_code ec;
    stdfs::path real = stdfs::canonical(target, ec);
    if (!ec && real.parent_path() == *canonical_blobs_) return real.filename().string();
    return std::nullopt;
  }

 private:
  stdfs::path blobs_;
  std::optional<stdfs::path> canonical_blobs_;
};

// Visits every entry below a snapshot folder. `on_dir` sees each subfolder (relative path),
// `on_entry` each non-folder entry.
void walk_snapshot(
    const stdfs::path& dir, const std::string& rel,
    const std::function<void(const std::string& rel_dir, const stdfs::path& dir)>& on_dir,
    const std::function<void(const std::string& rel_path, const stdfs::path& path, unsigned char type)>& on_entry) {
  std::vector<DirEntry> entries;
  if (!read_dir(dir, entries)) return;
  for (const auto& e : entries) {
    if (ignored_name(e.name)) continue;
    std::string child_rel = rel.empty() ? e.name : rel + "/" + e.name;
    stdfs::path child = dir / e.name;
    if (e.type == DT_DIR) {
      on_dir(child_rel, child);
      walk_snapshot(child, child_rel, on_dir, on_entry);
    } else {
      on_entry(child_rel, child, e.type);
    }
  }
}

class RepoScanner {
 public:
  RepoScanner(const stdfs::path& root, const RepoId& repo, std::int64_t racy_after_ns)
      : dir_(root / repo.folder_name()), racy_after_ns_(racy_after_ns), matcher_(dir_) {
    out_.repo = repo;
    out_.folder = repo.folder_name();
  }

  ScannedRepo run() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    out_.started_at = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
    // No stamp for the repo folder itself: creating or removing blobs/, refs/ or snapshots/
    // already changes (or un-absents) their own stamps.
    scan_blobs();
    scan_refs();
    scan_snapshots();
    check_refs();
    keep_ref_stamps();
    summarize();
    return std::move(out_);
  }

 private:
  void warn(std::string message) { out_.warnings.push_back(std::move(message)); }

  // Records a folder's time before it is read (see scan_repo).
  void stamp(std::string rel, const stdfs::path& path) { record_stamp(std::move(rel), dir_mtime_ns(path)); }
  void record_stamp(std::string rel, std::int64_t mtime) {
    out_.stamps.push_back({std::move(rel), mtime >= racy_after_ns_ ? 0 : mtime});
  }

  void scan_blobs() {
    stdfs::path blobs = dir_ / "blobs";
    stamp("blobs", blobs);
    std::vector<DirEntry> entries;
    if (!read_dir(blobs, entries)) return;  // no blobs/ yet (or only plain files): fine
    for (const auto& e : entries) {
      // Hidden names are temporary files of writers; *.lock are hf-hub 0.4 locks.
      if (e.name.front() == '.' || ends_with(e.name, ".lock") || ignored_name(e.name)) continue;
      struct stat st {};
      if (::stat((blobs / e.name).c_str(), &st) != 0) continue;
      if (!S_ISREG(st.st_mode)) {
        warn("blobs/" + e.name + ": not a regular file");
        continue;
      }
      ScannedBlob b{e.name, static_cast<std::uint64_t>(st.st_size), seconds(st.st_mtim), seconds(st.st_atim)};
      if (ends_with(e.name, ".incomplete")) {
        out_.incomplete.push_back(std::move(b));
      } else {
        out_.blobs.push_back(std::move(b));
      }
    }
  }

  void scan_refs() {
    stdfs::path refs = dir_ / "refs";
    struct stat st {};
    if (::lstat(refs.c_str(), &st) != 0) {
      stamp("refs", refs);
      return;
    }
    if (!S_ISDIR(st.st_mode)) {
      warn("refs: expected a folder, found a file");
      stamp("refs", refs);
      return;
    }
    scan_ref_dir(refs, "");
  }

  void scan_ref_dir(const stdfs::path& dir, const std::string& rel) {
    stamp(rel.empty() ? "refs" : "refs/" + rel, dir);
    std::vector<DirEntry> entries;
    if (!read_dir(dir, entries)) return;
    for (const auto& e : entries) {
      // Hidden names are temporary files of atomic ref writes.
      if (e.name.front() == '.' || ignored_name(e.name)) continue;
      std::string name = rel.empty() ? e.name : rel + "/" + e.name;
      if (e.type == DT_DIR) {
        scan_ref_dir(dir / e.name, name);
        continue;
      }
      // Only regular files are opened: a FIFO would block the scan.
      struct stat st {};
      if (::stat((dir / e.name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        warn("refs/" + name + ": not a regular file");
        continue;
      }
      // huggingface_hub rewrites a moved branch in place: only the file's own time tells.
      ref_stamps_.push_back({"refs/" + name, mtime_ns(st)});
      std::ifstream in(dir / e.name, std::ios::binary);
      if (!in) {
        warn("refs/" + name + ": cannot be read");
        continue;
      }
      // A ref holds one commit hash; read a bounded amount so a stray large file costs nothing.
      std::string content(256, '\0');
      in.read(content.data(), static_cast<std::streamsize>(content.size()));
      content.resize(static_cast<size_t>(in.gcount()));
      out_.refs.emplace_back(name, std::string(trim(content)));
    }
  }

  void scan_snapshots() {
    stdfs::path snapshots = dir_ / "snapshots";
    stamp("snapshots", snapshots);
    std::vector<DirEntry> entries;
    int err = 0;
    if (!read_dir(snapshots, entries, &err)) {
      if (err == ENOENT)
        warn("no snapshots/ folder (a download that never finished, or not a Hugging Face cache)");
      else
        warn("snapshots/: cannot be read: " + std::string(std::strerror(err)));
      return;
    }
    for (const auto& e : entries) {
      if (e.name.front() == '.' || ignored_name(e.name)) continue;
      if (e.type != DT_DIR) {
        warn("snapshots/" + e.name + ": a file directly in snapshots/ (expected commit folders)");
        continue;
      }
      if (!is_commit_hash(e.name)) warn("snapshots/" + e.name + ": folder name is not a 40-hex commit hash");
      scan_snapshot(e.name);
    }
  }

  void scan_snapshot(const std::string& commit) {
    stdfs::path sdir = dir_ / "snapshots" / commit;
    std::string prefix = "snapshots/" + commit;
    stamp(prefix, sdir);
    ScannedSnapshot snap;
    snap.commit = commit;
    walk_snapshot(
        sdir, "", [&](const std::string& rel, const stdfs::path& path) { stamp(prefix + "/" + rel, path); },
        [&](const std::string& rel, const stdfs::path& path, unsigned char type) {
          if (auto f = scan_file(commit, rel, path, type)) snap.files.push_back(std::move(*f));
        });
    out_.snapshots.push_back(std::move(snap));
  }

  std::optional<ScannedFile> scan_file(const std::string& commit, const std::string& rel, const stdfs::path& path,
                                       unsigned char type) {
    std::string where = "snapshots/" + commit + "/" + rel;
    ScannedFile f;
    f.path = rel;
    struct stat st {};
    if (type == DT_LNK) {
      auto target = link_target(path);
      if (!target) {
        warn(where + ": unreadable symlink");
        return std::nullopt;
      }
      if (::stat(target->c_str(), &st) != 0) {
        std::error_code ec;
        warn(where + ": blob missing (broken symlink to " + stdfs::read_symlink(path, ec).string() + ")");
        return std::nullopt;
      }
      f.blob = matcher_.blob_of(*target);
    } else if (::lstat(path.c_str(), &st) != 0) {
      return std::nullopt;  // vanished while scanning
    }
    if (!S_ISREG(st.st_mode)) {
      warn(where + ": not a regular file or a symlink to one");
      return std::nullopt;
    }
    f.size = static_cast<std::uint64_t>(st.st_size);
    f.mtime = seconds(st.st_mtim);
    f.atime = seconds(st.st_atim);
    return f;
  }

  void check_refs() {
    std::set<std::string> commits;
    for (const auto& s : out_.snapshots) commits.insert(s.commit);
    for (const auto& [name, commit] : out_.refs) {
      if (!is_commit_hash(commit))
        warn("refs/" + name + ": does not hold a 40-hex commit hash");
      else if (!commits.count(commit))
        warn("refs/" + name + ": points to commit " + commit + ", which has no snapshot");
    }
  }

  // Ref files are stamped unless the repo has one snapshot and every ref points at it, the
  // shape of nearly every cached repo: there, a ref rewritten in place either keeps its commit
  // or moves to a commit with no snapshot yet, and huggingface_hub creates that snapshot's folder
  // (moving snapshots/) as it downloads. Only a ref moved with no download at all would wait for
  // the repo's next change to show. Saves one stat per repo on every listing.
  void keep_ref_stamps() {
    const bool one_snapshot_all_refs =
        out_.snapshots.size() == 1 && std::all_of(out_.refs.begin(), out_.refs.end(), [&](const auto& ref) {
          return ref.second == out_.snapshots.front().commit;
        });
    if (one_snapshot_all_refs) return;
    for (auto& [rel, mtime] : ref_stamps_) record_stamp(std::move(rel), mtime);
  }

  // Sizes count each distinct blob once; a plain file (systems without symlinks) is its own blob.
  void summarize() {
    std::map<std::string, const ScannedFile*> repo_blobs;
    for (auto& s : out_.snapshots) {
      std::map<std::string, const ScannedFile*> distinct;
      for (const auto& f : s.files) {
        std::string key = f.blob ? "b:" + *f.blob : "f:" + s.commit + "/" + f.path;
        distinct.emplace(key, &f);
        repo_blobs.emplace(key, &f);
      }
      for (const auto& [key, f] : distinct) {
        s.size += f->size;
        s.last_modified = std::max(s.last_modified, f->mtime);
      }
      if (distinct.empty()) s.last_modified = static_cast<double>(dir_mtime_ns(dir_ / "snapshots" / s.commit)) / 1e9;
    }
    for (const auto& [key, f] : repo_blobs) {
      out_.size += f->size;
      out_.last_modified = std::max(out_.last_modified, f->mtime);
      out_.last_accessed = std::max(out_.last_accessed, f->atime);
    }
    out_.blob_count = repo_blobs.size();
    if (repo_blobs.empty()) {
      struct stat st {};
      if (::stat(dir_.c_str(), &st) == 0) {
        out_.last_modified = seconds(st.st_mtim);
        out_.last_accessed = seconds(st.st_atim);
      }
    }
  }

  stdfs::path dir_;
  std::int64_t racy_after_ns_;
  BlobMatcher matcher_;
  ScannedRepo out_;
  std::vector<PathStamp> ref_stamps_;  // kept or not by keep_ref_stamps()
};

}  // namespace

ScannedRepo scan_repo(const stdfs::path& root, const RepoId& repo, std::int64_t racy_after_ns) {
  return RepoScanner(root, repo, racy_after_ns).run();
}

std::vector<RootEntry> read_root(const stdfs::path& root) {
  std::vector<DirEntry> entries;
  int err = 0;
  if (!read_dir(root, entries, &err)) {
    if (err == ENOENT)
      throw Error(Errc::not_cached, "cache folder " + root.string() + " does not exist", {.path = root.string()});
    throw Error(Errc::io, "cannot read cache folder " + root.string() + ": " + std::strerror(err),
                {.path = root.string()});
  }
  std::vector<RootEntry> out;
  out.reserve(entries.size());
  for (auto& e : entries) {
    if (e.name.front() == '.' || e.name == "CACHEDIR.TAG" || ignored_name(e.name)) continue;
    bool is_dir = e.type == DT_DIR;
    if (e.type == DT_LNK) is_dir = dir_mtime_ns(root / e.name) >= 0;  // a symlinked repo folder
    out.push_back({std::move(e.name), is_dir});
  }
  return out;
}

std::optional<RepoId> repo_of_root_entry(const RootEntry& entry, std::vector<std::string>& warnings) {
  if (!entry.is_dir) {
    warnings.push_back(entry.name + ": not a repo folder (a file at the cache root)");
    return std::nullopt;
  }
  auto repo = RepoId::from_folder_name(entry.name);
  if (!repo)
    warnings.push_back(entry.name +
                       ": not a repo folder (expected models--<org>--<name>, datasets--... or spaces--...)");
  return repo;
}

std::vector<RepoFolder> list_repo_folders(const stdfs::path& root, std::vector<std::string>& warnings) {
  std::vector<RepoFolder> out;
  for (const auto& e : read_root(root))
    if (auto repo = repo_of_root_entry(e, warnings)) out.push_back({e.name, std::move(*repo)});
  return out;
}

std::vector<std::string> referenced_blobs(const stdfs::path& repo_dir, const std::vector<std::string>& except) {
  std::set<std::string> names;
  BlobMatcher matcher(repo_dir);
  std::vector<DirEntry> entries;
  read_dir(repo_dir / "snapshots", entries);
  for (const auto& e : entries) {
    if (e.type != DT_DIR || std::find(except.begin(), except.end(), e.name) != except.end()) continue;
    walk_snapshot(
        repo_dir / "snapshots" / e.name, "", [](const std::string&, const stdfs::path&) {},
        [&](const std::string&, const stdfs::path& path, unsigned char type) {
          if (type != DT_LNK) return;
          if (auto target = link_target(path))
            if (auto blob = matcher.blob_of(*target)) names.insert(*blob);
        });
  }
  return {names.begin(), names.end()};
}

}  // namespace hub::cache
