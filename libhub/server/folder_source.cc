#include "server/folder_source.h"

#include <algorithm>
#include <fstream>
#include <unordered_map>

#include "core/hashing.h"
#include "hub/error.h"
#include "server/disk_scan.h"
#include "server/lfs_policy.h"
#include "server/parallel.h"

namespace hub::server {
namespace {

// Snapshots kept resolvable by commit id after the folder changed, so a client that resolved
// `main` just before the change can finish fetching files that did not change.
constexpr std::size_t kKeptCommits = 4;

// What was computed for a file the last time, reused while (size, mtime, inode) are unchanged.
struct HashMemo {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  bool lfs = false;
  std::string blob_oid;
  std::string sha256;  // LFS only
};

std::optional<std::string> read_small_file(const stdfs::path& path, std::uint64_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

class FolderRepo : public LiveRepo {
 public:
  FolderRepo(RepoId id, stdfs::path dir, const FolderSourceOptions& options)
      : LiveRepo(std::move(id), options.rescan_interval, options.warn),
        dir_(std::move(dir)),
        hash_threads_(options.hash_threads) {}

 protected:
  std::optional<std::string> fingerprint() override {
    std::error_code ec;
    if (!stdfs::is_directory(dir_, ec)) return std::nullopt;
    return files_digest(scan());
  }

  std::shared_ptr<const RepoView> load(const std::shared_ptr<const RepoView>& previous) override {
    std::vector<DiskFile> files = scan();

    LfsPolicy policy;
    for (const DiskFile& f : files) {
      if (f.path == ".gitattributes") {
        if (auto text = read_small_file(f.source, 1 << 20)) policy.add_gitattributes(*text);
      }
    }

    // Hash what is new or changed, in parallel; the memo holds the rest.
    std::vector<HashMemo> results(files.size());
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < files.size(); ++i) {
      const DiskFile& f = files[i];
      bool lfs = f.size > 0 && policy.is_lfs(f.path, f.size);
      auto it = memo_.find(f.path);
      if (it != memo_.end() && it->second.size == f.size && it->second.mtime_ns == f.mtime_ns &&
          it->second.inode == f.inode && it->second.lfs == lfs) {
        results[i] = it->second;
      } else {
        results[i] = HashMemo{f.size, f.mtime_ns, f.inode, lfs, {}, {}};
        todo.push_back(i);
      }
    }
    parallel_for(todo.size(), hash_threads_, [&](std::size_t k) {
      std::size_t i = todo[k];
      HashMemo& m = results[i];
      if (m.lfs) {
        m.sha256 = hash_file(files[i].source, HashKind::sha256);
        m.blob_oid = git_blob_sha1_hex(lfs_pointer(m.sha256, m.size));
      } else {
        m.blob_oid = hash_file(files[i].source, HashKind::git_sha1);
      }
    });

    std::unordered_map<std::string, HashMemo> memo;
    std::vector<FileInput> inputs;
    inputs.reserve(files.size());
    std::int64_t oldest = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
      DiskFile& f = files[i];
      HashMemo& m = results[i];
      FileInput in;
      in.path = f.path;
      in.size = f.size;
      in.blob_oid = m.blob_oid;
      if (m.lfs) in.lfs = LfsInfo{m.sha256, lfs_pointer(m.sha256, m.size).size()};
      in.source = f.source;
      in.mtime_ns = f.mtime_ns;
      oldest = oldest == 0 ? f.mtime_ns : std::min(oldest, f.mtime_ns);
      inputs.push_back(std::move(in));
      memo.emplace(std::move(f.path), std::move(m));
    }
    memo_ = std::move(memo);

    auto snap = Snapshot::build(std::move(inputs), CommitInfo{});
    auto view = std::make_shared<RepoView>();
    view->id = id_;
    view->default_branch = "main";
    view->branches.push_back({"main", "refs/heads/main", snap->commit().id});
    view->commits.emplace(snap->commit().id, snap);
    view->mutable_sources = true;
    view->created_ns = oldest;
    if (previous) {
      view->created_ns = previous->created_ns;
      for (const std::string& id : previous_ids_) {
        if (view->commits.size() >= kKeptCommits) break;
        auto it = previous->commits.find(id);
        if (it != previous->commits.end()) view->commits.emplace(id, it->second);
      }
    }
    // Most recent first, so the oldest falls off.
    previous_ids_.erase(std::remove(previous_ids_.begin(), previous_ids_.end(), snap->commit().id),
                        previous_ids_.end());
    previous_ids_.insert(previous_ids_.begin(), snap->commit().id);
    if (previous_ids_.size() > kKeptCommits) previous_ids_.resize(kKeptCommits);
    return view;
  }

 private:
  std::vector<DiskFile> scan() {
    std::error_code ec;
    stdfs::path boundary = stdfs::canonical(dir_, ec);
    if (ec) throw Error(Errc::io, "cannot open " + dir_.string() + ": " + ec.message(), {.path = dir_.string()});
    return scan_files(dir_, boundary, warn_);
  }

  stdfs::path dir_;
  std::size_t hash_threads_;
  // Only touched by load(), which LiveRepo runs under its refresh lock.
  std::unordered_map<std::string, HashMemo> memo_;
  std::vector<std::string> previous_ids_;
};

bool hidden(const std::string& name) { return name.empty() || name[0] == '.'; }

// True when `dir` directly holds a (non-hidden) regular file: a repo, not a namespace.
bool holds_files(const stdfs::path& dir) {
  std::error_code ec;
  for (stdfs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!hidden(it->path().filename().string()) && it->is_regular_file(ec)) return true;
  }
  return false;
}

void list_type(const stdfs::path& base, RepoType type, std::vector<RepoFolder>& out, const WarnFn& warn) {
  std::error_code ec;
  auto add = [&](const std::string& name, const stdfs::path& dir) {
    try {
      out.push_back({RepoId::parse(name, type), dir});
    } catch (const Error& e) {
      if (warn) warn("skipping " + dir.string() + ": " + e.what());
    }
  };
  for (stdfs::directory_iterator ns(base, ec), end; !ec && ns != end; ns.increment(ec)) {
    std::string ns_name = ns->path().filename().string();
    if (hidden(ns_name) || !ns->is_directory(ec)) continue;
    if (type == RepoType::model && (ns_name == "datasets" || ns_name == "spaces")) continue;
    if (holds_files(ns->path())) {
      add(ns_name, ns->path());
      continue;
    }
    std::error_code ec2;
    for (stdfs::directory_iterator repo(ns->path(), ec2); !ec2 && repo != end; repo.increment(ec2)) {
      std::string name = repo->path().filename().string();
      if (hidden(name) || !repo->is_directory(ec2)) continue;
      add(ns_name + "/" + name, repo->path());
    }
  }
}

}  // namespace

FolderSource::FolderSource(FolderSourceOptions options)
    : ListedSource(options.rescan_interval), options_(std::move(options)) {
  std::error_code ec;
  if (!stdfs::is_directory(options_.root, ec))
    throw Error(Errc::invalid_input, "--repos: " + options_.root.string() + " is not a folder",
                {.path = options_.root.string()});
  load_all();
}

std::vector<RepoFolder> FolderSource::discover() {
  std::vector<RepoFolder> found;
  list_type(options_.root, RepoType::model, found, options_.warn);
  for (auto [sub, type] : {std::pair{"datasets", RepoType::dataset}, std::pair{"spaces", RepoType::space}}) {
    std::error_code ec;
    if (stdfs::is_directory(options_.root / sub, ec)) list_type(options_.root / sub, type, found, options_.warn);
  }
  return found;
}

std::shared_ptr<LiveRepo> FolderSource::make_repo(const RepoFolder& found) {
  return std::make_shared<FolderRepo>(found.id, found.dir, options_);
}

}  // namespace hub::server
