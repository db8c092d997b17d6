// hub::Cache::prune: removing what no snapshot needs (stale temporary files, unlinked blobs,
// .no_exist and trees/ entries of commits without a snapshot, empty folders).
//
// Anything a live pull may own is protected twice: temporary files and folders younger than the
// grace period are skipped, and a partial download whose blob lock is held is skipped at any age.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "cache/index.h"
#include "cache/layout.h"
#include "cache/maintenance.h"
#include "cache/scan.h"
#include "cache/stamps.h"
#include "core/fs.h"
#include "core/strings.h"
#include "hub/cache.h"
#include "hub/error.h"

namespace hub {
namespace {

namespace stdfs = std::filesystem;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct Entry {
  std::string name;
  stdfs::file_type type;
  std::int64_t mtime_ns = 0;
  std::uint64_t size = 0;
};

std::vector<Entry> entries_of(const stdfs::path& dir) {
  std::vector<Entry> out;
  std::error_code ec;
  for (stdfs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    Entry e;
    e.name = it->path().filename().string();
    e.type = S_ISDIR(st.st_mode)   ? stdfs::file_type::directory
             : S_ISREG(st.st_mode) ? stdfs::file_type::regular
             : S_ISLNK(st.st_mode) ? stdfs::file_type::symlink
                                   : stdfs::file_type::unknown;
    e.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    e.size = static_cast<std::uint64_t>(st.st_size);
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return out;
}

// A temporary file of a writer: a partial download (blobs/<etag>[.<hex>].incomplete), or a
// hidden temporary of an atomic write or of gc (".<name>.<hex>.tmp").
bool temporary_name(std::string_view name) {
  return ends_with(name, ".incomplete") || (name.size() > 1 && name.front() == '.' && ends_with(name, ".tmp"));
}

class RepoPruner {
 public:
  RepoPruner(const stdfs::path& root, cache::Index& index, const RepoId& repo, const PruneOptions& options,
             std::int64_t cutoff_ns, PruneReport& report)
      : root_(root),
        dir_(cache::repo_dir(root, repo)),
        index_(index),
        repo_(repo),
        options_(options),
        cutoff_ns_(cutoff_ns),
        report_(report) {}

  void run() {
    // Folder times before prune changes anything: emptying a folder must not make it look new.
    record_dir_times(dir_, ".");
    temporaries(dir_ / "blobs", "blobs");
    for (const char* sub : {"refs", "trees", "snapshots"}) temporaries_below(dir_ / sub, sub);
    unlinked_blobs();
    orphans();
    empty_dirs();
    if (changed_ && !options_.dry_run) index_.mark_dirty(repo_);
  }

 private:
  void removed(std::string rel, std::string kind, std::uint64_t bytes) {
    report_.removed.push_back({repo_, std::move(rel), std::move(kind), bytes});
    report_.bytes_freed += bytes;
    gone_.insert(report_.removed.back().path);
    changed_ = true;
  }

  // Deletes one file (or tree) unless dry run; false with an error recorded when it failed.
  bool remove_path(const stdfs::path& p, bool tree) {
    if (options_.dry_run) return true;
    std::error_code ec;
    if (tree)
      stdfs::remove_all(p, ec);
    else
      stdfs::remove(p, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      report_.errors.push_back(p.string() + ": " + ec.message());
      return false;
    }
    return !ec;
  }

  void temporaries(const stdfs::path& dir, const std::string& rel) {
    for (const auto& e : entries_of(dir)) {
      if (e.type != stdfs::file_type::regular || !temporary_name(e.name)) continue;
      if (e.mtime_ns >= cutoff_ns_) {
        ++report_.recent_kept;
        continue;
      }
      // A partial download whose blob lock is held belongs to a live pull, whatever its age.
      std::unique_ptr<fs::FileLock> lock;
      if (ends_with(e.name, ".incomplete") && e.name.front() != '.') {
        std::string etag = e.name.substr(0, e.name.find('.'));
        try {
          lock = std::make_unique<fs::FileLock>(cache::lock_path(root_, repo_, etag), std::chrono::milliseconds(0));
        } catch (const Error& err) {
          if (err.code() != Errc::locked) throw;
          report_.in_use.push_back(repo_.display() + ": " + rel + "/" + e.name);
          continue;
        }
      }
      if (remove_path(dir / e.name, false))
        removed(rel + "/" + e.name, ends_with(e.name, ".incomplete") ? "incomplete" : "temporary", e.size);
    }
  }

  void temporaries_below(const stdfs::path& dir, const std::string& rel) {
    temporaries(dir, rel);
    for (const auto& e : entries_of(dir))
      if (e.type == stdfs::file_type::directory) temporaries_below(dir / e.name, rel + "/" + e.name);
  }

  void unlinked_blobs() {
    std::vector<std::string> linked = cache::referenced_blobs(dir_, {});
    std::vector<std::string> unlinked;
    std::vector<std::uint64_t> sizes;
    for (const auto& e : entries_of(dir_ / "blobs")) {
      if (e.type != stdfs::file_type::regular || e.name.front() == '.' || temporary_name(e.name) ||
          ends_with(e.name, ".lock"))
        continue;
      if (std::binary_search(linked.begin(), linked.end(), e.name)) continue;
      unlinked.push_back(e.name);
      sizes.push_back(e.size);
    }
    if (unlinked.empty()) return;
    if (options_.dry_run) {
      for (std::size_t i = 0; i < unlinked.size(); ++i) removed("blobs/" + unlinked[i], "unreferenced_blob", sizes[i]);
      return;
    }
    std::vector<std::string> before = unlinked;
    cache::BlobDeletion d = cache::delete_unlinked_blobs(root_, index_, repo_, unlinked);
    for (const auto& name : d.in_use) report_.in_use.push_back(repo_.display() + ": blobs/" + name);
    for (std::size_t i = 0; i < before.size(); ++i) {
      std::error_code ec;
      if (std::binary_search(d.in_use.begin(), d.in_use.end(), before[i])) continue;
      if (stdfs::exists(cache::blob_path(root_, repo_, before[i]), ec)) continue;
      removed("blobs/" + before[i], "unreferenced_blob", sizes[i]);
    }
  }

  // .no_exist/<commit> and trees/<commit>.json of commits that have no snapshot.
  void orphans() {
    std::error_code ec;
    for (const auto& e : entries_of(dir_ / ".no_exist")) {
      if (e.type != stdfs::file_type::directory) continue;
      if (stdfs::is_directory(dir_ / "snapshots" / e.name, ec)) continue;
      if (e.mtime_ns >= cutoff_ns_) continue;
      if (remove_path(dir_ / ".no_exist" / e.name, true)) removed(".no_exist/" + e.name, "no_exist", 0);
    }
    for (const auto& e : entries_of(dir_ / "trees")) {
      if (e.type != stdfs::file_type::regular || !ends_with(e.name, ".json")) continue;
      std::string commit = e.name.substr(0, e.name.size() - 5);
      if (stdfs::is_directory(dir_ / "snapshots" / commit, ec)) continue;
      if (e.mtime_ns >= cutoff_ns_) continue;
      if (remove_path(dir_ / "trees" / e.name, false)) removed("trees/" + e.name, "tree", e.size);
    }
  }

  void record_dir_times(const stdfs::path& dir, const std::string& rel) {
    dir_times_[rel] = cache::dir_mtime_ns(dir);
    for (const auto& e : entries_of(dir))
      if (e.type == stdfs::file_type::directory)
        record_dir_times(dir / e.name, rel == "." ? e.name : rel + "/" + e.name);
  }

  void empty_dirs() {
    cache::EmptyDirRules rules;
    rules.dry_run = options_.dry_run;
    rules.old_enough = [this](const std::string& rel) {
      auto it = dir_times_.find(rel);
      std::int64_t t = it != dir_times_.end() ? it->second : cache::dir_mtime_ns(rel == "." ? dir_ : dir_ / rel);
      return t >= 0 && t < cutoff_ns_;
    };
    // Removed files and trees count as absent (a dry run removed nothing).
    rules.gone = [this](const std::string& rel) {
      if (gone_.count(rel)) return true;
      for (auto slash = rel.rfind('/'); slash != std::string::npos; slash = rel.rfind('/', slash - 1)) {
        if (gone_.count(rel.substr(0, slash))) return true;
        if (slash == 0) break;
      }
      return false;
    };
    std::vector<std::string> removed_dirs = cache::remove_empty_dirs(dir_, rules);
    for (auto& rel : removed_dirs) {
      if (rel == ".") {
        removed("", "repo", 0);
        if (!options_.dry_run) index_.forget_repo(repo_);
      } else {
        removed(rel, "empty_dir", 0);
      }
    }
  }

  stdfs::path root_;
  stdfs::path dir_;
  cache::Index& index_;
  RepoId repo_;
  const PruneOptions& options_;
  std::int64_t cutoff_ns_;
  PruneReport& report_;
  bool changed_ = false;
  std::map<std::string, std::int64_t> dir_times_;  // folder (relative, "." = repo) -> mtime_ns
  std::set<std::string> gone_;                     // removed entries, relative to the repo
};

}  // namespace

PruneReport Cache::prune(const PruneOptions& options) {
  if (!(options.older_than_seconds >= 0))
    throw Error(Errc::invalid_input, "the grace period of prune must not be negative");
  PruneReport report;
  report.dry_run = options.dry_run;
  std::int64_t cutoff_ns = cache::now_ns() - static_cast<std::int64_t>(options.older_than_seconds * 1e9);
  std::vector<std::string> warnings;
  for (const auto& folder : cache::list_repo_folders(root_, warnings)) {
    // A symlinked repo folder is someone else's storage: prune inside it, never remove it.
    RepoPruner(root_, *index_, folder.repo, options, cutoff_ns, report).run();
  }
  return report;
}

}  // namespace hub
