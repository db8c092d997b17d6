#include "cache/store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cache/index.h"
#include "cache/layout.h"
#include "core/strings.h"
#include "hub/error.h"

namespace hub::cache {

Store::Store(Cache& cache, RepoId repo) : cache_(cache), repo_(std::move(repo)) {
  std::error_code ec;
  stdfs::create_directories(blobs_dir(cache_.root(), repo_), ec);
  if (ec) throw Error(Errc::io, "cannot create " + blobs_dir(cache_.root(), repo_).string() + ": " + ec.message());
}

stdfs::path Store::blob(std::string_view etag) const { return blob_path(cache_.root(), repo_, etag); }

bool Store::has_blob(std::string_view etag, std::uint64_t size) const {
  struct stat st {};
  stdfs::path p = blob(etag);
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) == size;
}

bool Store::adopt_from_other_repo(std::string_view etag, std::uint64_t size) {
  auto source = cache_.index().find_blob_elsewhere(repo_, etag, size);
  if (!source) return false;
  struct stat st {};
  if (::stat(source->c_str(), &st) != 0 || !S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != size)
    return false;
  stdfs::path tmp = blob(etag);
  tmp += "." + random_hex(8) + ".incomplete";
  bool linked = fs::link_or_copy(*source, tmp);
  // A copy is new bytes on disk: verify them like a download. A hard link shares the inode of a
  // blob that was verified when it entered the cache.
  if (!linked && hash_file(tmp, hash_kind_for_etag(etag)) != etag) {
    std::error_code ec;
    stdfs::remove(tmp, ec);
    return false;
  }
  std::error_code ec;
  stdfs::rename(tmp, blob(etag), ec);
  if (ec) {
    stdfs::remove(tmp, ec);
    return false;
  }
  cache_.index().record_blob(repo_, etag, hash_kind_for_etag(etag), size, fs::now_seconds());
  return true;
}

std::unique_ptr<fs::FileLock> Store::lock_blob(std::string_view etag) const {
  // Long timeout: another process may be downloading a large file.
  return std::make_unique<fs::FileLock>(lock_path(cache_.root(), repo_, etag), std::chrono::hours(6));
}

stdfs::path Store::partial_path(std::string_view etag) const {
  stdfs::path p = blob(etag);
  p += "." + random_hex(8) + ".incomplete";
  return p;
}

std::unique_ptr<fs::TempFile> Store::begin_blob(std::string_view etag) const {
  return std::make_unique<fs::TempFile>(partial_path(etag));
}

std::vector<stdfs::path> Store::leftover_partials(std::string_view etag) const {
  std::vector<std::pair<stdfs::file_time_type, stdfs::path>> found;
  std::string prefix = std::string(etag) + ".";
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(blobs_dir(cache_.root(), repo_), ec)) {
    std::string name = e.path().filename().string();
    if (name.size() > prefix.size() + 11 && name.rfind(prefix, 0) == 0 &&
        name.substr(name.size() - 11) == ".incomplete") {
      std::error_code tec;
      found.emplace_back(stdfs::last_write_time(e.path(), tec), e.path());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<stdfs::path> out;
  for (auto& [t, p] : found) out.push_back(std::move(p));
  return out;
}

std::optional<stdfs::path> Store::claim_partial(const stdfs::path& leftover, std::string_view etag) const {
  stdfs::path mine = partial_path(etag);
  // rename(2) is atomic: of several processes renaming the same file, exactly one succeeds.
  if (::rename(leftover.c_str(), mine.c_str()) != 0) return std::nullopt;
  return mine;
}

void Store::record_blob(std::string_view etag, std::uint64_t size) {
  cache_.index().record_blob(repo_, etag, hash_kind_for_etag(etag), size, fs::now_seconds());
}

void Store::commit_blob(fs::TempFile& tmp, std::string_view etag, std::uint64_t size) {
  tmp.commit(blob(etag));
  cache_.index().record_blob(repo_, etag, hash_kind_for_etag(etag), size, fs::now_seconds());
}

void Store::link_file(std::string_view commit, std::string_view path, std::string_view etag) {
  stdfs::path link = snapshot_file(cache_.root(), repo_, commit, path);
  fs::replace_symlink(link, pointer_target(path, etag));
  // gc and prune hide a blob before re-reading the links (cache/maintenance.h): a caller that
  // found the blob without holding its lock may have lost it just now. Never leave a broken link.
  struct stat st {};
  if (::stat(link.c_str(), &st) != 0) {
    ::unlink(link.c_str());
    throw Error(Errc::io,
                "blob " + std::string(etag) + " of " + repo_.display() +
                    " was removed while it was being linked (a concurrent `hub cache gc` or `hub cache "
                    "prune`); run the pull again",
                {.path = blob(etag).string()});
  }
  cache_.index().record_file(repo_, commit, path, etag);
}

void Store::write_ref(std::string_view revision, std::string_view commit) {
  if (revision == commit) return;
  fs::write_file_atomic(ref_path(cache_.root(), repo_, revision), commit);
  cache_.index().record_ref(repo_, revision, commit);
}

void Store::write_tree(std::string_view commit, const std::vector<RepoFile>& files) {
  nlohmann::json entries = nlohmann::json::object();
  for (const auto& f : files) {
    if (f.directory) continue;
    nlohmann::json e = {{"size", f.size}, {"blob_id", f.oid}};
    if (f.lfs) {
      e["lfs_sha256"] = f.lfs->sha256;
      e["lfs_size"] = f.lfs->size;
    }
    entries[f.path] = std::move(e);
  }
  nlohmann::json doc = {{"format_version", 1}, {"files", std::move(entries)}};
  fs::write_file_atomic(repo_dir(cache_.root(), repo_) / "trees" / (std::string(commit) + ".json"), doc.dump());
}

void Store::touch(std::string_view commit) { cache_.index().touch_snapshot(repo_, commit, fs::now_seconds()); }

}  // namespace hub::cache
