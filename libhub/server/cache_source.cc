#include "server/cache_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <unordered_map>

#include "core/hashing.h"
#include "core/strings.h"
#include "hub/error.h"
#include "server/disk_scan.h"
#include "server/lfs_policy.h"
#include "server/parallel.h"

namespace hub::server {
namespace {

struct CachedRef {
  std::string name;  // path under refs/: "main", "refs/pr/1"
  std::string commit;
};

struct SnapshotDir {
  std::string commit;
  stdfs::path dir;
  std::int64_t mtime_ns = 0;
};

std::int64_t mtime_ns_of(const stdfs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// Hashes of plain (non-symlink) snapshot files, reused while the file is unchanged.
struct PlainHash {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  std::string blob_oid;
  std::optional<LfsInfo> lfs;
};

class CacheRepo : public LiveRepo {
 public:
  CacheRepo(RepoId id, stdfs::path dir, const CacheSourceOptions& options)
      : LiveRepo(std::move(id), options.rescan_interval, options.warn),
        dir_(std::move(dir)),
        hash_threads_(options.hash_threads) {}

 protected:
  std::optional<std::string> fingerprint() override {
    std::error_code ec;
    if (!stdfs::is_directory(dir_ / "snapshots", ec)) return std::nullopt;
    std::string text;
    for (const CachedRef& r : read_refs()) text += "ref " + r.name + ' ' + r.commit + '\n';
    stdfs::path boundary = stdfs::canonical(dir_, ec);
    if (ec) return std::nullopt;
    for (const SnapshotDir& s : list_snapshots())
      text += "snapshot " + s.commit + ' ' + files_digest(scan_files(s.dir, boundary, nullptr)) + '\n';
    return sha256_hex(text);
  }

  std::shared_ptr<const RepoView> load(const std::shared_ptr<const RepoView>&) override {
    std::error_code ec;
    stdfs::path boundary = stdfs::canonical(dir_, ec);
    if (ec) throw Error(Errc::io, "cannot open " + dir_.string() + ": " + ec.message(), {.path = dir_.string()});
    stdfs::path blobs = stdfs::canonical(dir_ / "blobs", ec);
    if (ec) blobs.clear();

    auto view = std::make_shared<RepoView>();
    view->id = id_;
    std::unordered_map<std::string, std::pair<std::string, std::shared_ptr<const Snapshot>>> kept;
    std::int64_t newest = 0;
    for (const SnapshotDir& s : list_snapshots()) {
      std::vector<DiskFile> files = scan_files(s.dir, boundary, warn_);
      std::string digest = files_digest(files);
      std::shared_ptr<const Snapshot> snap;
      auto old = snapshots_.find(s.commit);
      if (old != snapshots_.end() && old->second.first == digest) {
        snap = old->second.second;
      } else {
        snap = build_snapshot(s, std::move(files), blobs);
      }
      kept.emplace(s.commit, std::make_pair(digest, snap));
      view->commits.emplace(s.commit, snap);
      view->created_ns = view->created_ns == 0 ? s.mtime_ns : std::min(view->created_ns, s.mtime_ns);
      if (s.mtime_ns >= newest) {
        newest = s.mtime_ns;
        view->fallback_head = s.commit;
      }
    }
    snapshots_ = std::move(kept);

    for (const CachedRef& r : read_refs()) {
      if (!view->commits.count(r.commit)) continue;  // a ref to a commit that is not cached
      if (r.name.rfind("refs/pr/", 0) == 0) {
        view->pull_requests.push_back({r.name, r.name, r.commit});
      } else if (r.name.rfind("refs/convert/", 0) == 0) {
        view->converts.push_back({r.name.substr(13), r.name, r.commit});
      } else if (r.name.rfind("refs/tags/", 0) == 0) {
        view->tags.push_back({r.name.substr(10), r.name, r.commit});
      } else if (r.name.rfind("refs/heads/", 0) == 0) {
        view->branches.push_back({r.name.substr(11), r.name, r.commit});
      } else {
        // Tags and branches share refs/ in the cache; call them all branches.
        view->branches.push_back({r.name, "refs/heads/" + r.name, r.commit});
      }
    }
    view->default_branch.clear();
    for (const Ref& b : view->branches)
      if (b.name == "main") view->default_branch = "main";
    if (view->default_branch.empty() && !view->branches.empty()) view->default_branch = view->branches.front().name;
    return view;
  }

 private:
  std::vector<CachedRef> read_refs() const {
    std::vector<CachedRef> refs;
    std::error_code ec;
    stdfs::path base = dir_ / "refs";
    if (!stdfs::is_directory(base, ec)) return refs;
    stdfs::recursive_directory_iterator it(base, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::ifstream in(it->path(), std::ios::binary);
      std::string text(128, '\0');
      in.read(text.data(), static_cast<std::streamsize>(text.size()));
      text.resize(static_cast<std::size_t>(in.gcount()));
      std::string commit(trim(text));
      if (!is_commit_hash(commit)) {
        if (warn_) warn_("ignoring ref " + it->path().string() + ": it does not hold a 40-hex commit id");
        continue;
      }
      refs.push_back({it->path().lexically_relative(base).generic_string(), commit});
    }
    std::sort(refs.begin(), refs.end(), [](const CachedRef& a, const CachedRef& b) { return a.name < b.name; });
    return refs;
  }

  std::vector<SnapshotDir> list_snapshots() const {
    std::vector<SnapshotDir> out;
    std::error_code ec;
    for (stdfs::directory_iterator it(dir_ / "snapshots", ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (!is_commit_hash(name) || !it->is_directory(ec)) continue;
      out.push_back({name, it->path(), mtime_ns_of(it->path())});
    }
    std::sort(out.begin(), out.end(), [](const SnapshotDir& a, const SnapshotDir& b) { return a.commit < b.commit; });
    return out;
  }

  std::shared_ptr<const Snapshot> build_snapshot(const SnapshotDir& s, std::vector<DiskFile> files,
                                                 const stdfs::path& blobs) {
    std::vector<FileInput> inputs(files.size());
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < files.size(); ++i) {
      DiskFile& f = files[i];
      FileInput& in = inputs[i];
      in.path = f.path;
      in.size = f.size;
      in.source = f.source;
      in.mtime_ns = f.mtime_ns;
      std::string name = f.source.filename().string();
      if (!blobs.empty() && f.source.parent_path() == blobs && is_sha256(name)) {
        in.lfs = LfsInfo{name, lfs_pointer(name, f.size).size()};
        in.blob_oid = git_blob_sha1_hex(lfs_pointer(name, f.size));
      } else if (!blobs.empty() && f.source.parent_path() == blobs && is_commit_hash(name)) {
        in.blob_oid = name;
      } else if (auto it = plain_.find(f.source.native()); it != plain_.end() && it->second.size == f.size &&
                                                           it->second.mtime_ns == f.mtime_ns &&
                                                           it->second.inode == f.inode) {
        in.blob_oid = it->second.blob_oid;
        in.lfs = it->second.lfs;
      } else {
        todo.push_back(i);
      }
    }
    // Caches written without symlinks hold plain files: hash them like a served folder would.
    LfsPolicy policy;
    parallel_for(todo.size(), hash_threads_, [&](std::size_t k) {
      FileInput& in = inputs[todo[k]];
      if (in.size > 0 && policy.is_lfs(in.path, in.size)) {
        std::string sha = hash_file(in.source, HashKind::sha256);
        std::string pointer = lfs_pointer(sha, in.size);
        in.lfs = LfsInfo{sha, pointer.size()};
        in.blob_oid = git_blob_sha1_hex(pointer);
      } else {
        in.blob_oid = hash_file(in.source, HashKind::git_sha1);
      }
    });
    for (std::size_t i : todo) {
      const DiskFile& f = files[i];
      plain_[f.source.native()] = PlainHash{f.size, f.mtime_ns, f.inode, inputs[i].blob_oid, inputs[i].lfs};
    }
    return Snapshot::build(std::move(inputs), CommitInfo{s.commit, "cached snapshot", iso_time(s.mtime_ns)});
  }

  stdfs::path dir_;
  std::size_t hash_threads_;
  // Only touched by load(), which LiveRepo runs under its refresh lock.
  std::unordered_map<std::string, std::pair<std::string, std::shared_ptr<const Snapshot>>> snapshots_;
  std::unordered_map<std::string, PlainHash> plain_;
};

}  // namespace

CacheSource::CacheSource(CacheSourceOptions options)
    : ListedSource(options.rescan_interval), options_(std::move(options)) {
  std::error_code ec;
  if (!stdfs::is_directory(options_.root, ec))
    throw Error(Errc::invalid_input, "--cache: " + options_.root.string() + " is not a folder",
                {.path = options_.root.string()});
  load_all();
}

std::vector<RepoFolder> CacheSource::discover() {
  std::vector<RepoFolder> out;
  std::error_code ec;
  for (stdfs::directory_iterator it(options_.root, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory(ec)) continue;
    if (auto id = RepoId::from_folder_name(it->path().filename().string())) out.push_back({*id, it->path()});
  }
  return out;
}

std::shared_ptr<LiveRepo> CacheSource::make_repo(const RepoFolder& found) {
  return std::make_shared<CacheRepo>(found.id, found.dir, options_);
}

}  // namespace hub::server
