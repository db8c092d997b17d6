// hub::Cache::verify: re-hashing every blob against its name.
//
// A blob's name is its hash (sha256 for LFS files, git blob sha1 for the rest), so checking
// needs nothing but the file. A corrupt blob is moved, not deleted: the bytes may help find the
// cause, and its links then show as broken, so the next pull fetches it again.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "cache/index.h"
#include "cache/layout.h"
#include "cache/scan.h"
#include "core/fs.h"
#include "core/hashing.h"
#include "hub/cache.h"
#include "hub/error.h"

namespace hub {
namespace {

namespace stdfs = std::filesystem;

struct BlobToCheck {
  RepoId repo;
  std::string folder;
  std::string name;
  HashKind kind;
  std::uint64_t size;
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Every complete blob of every repo; names that are not hashes are counted in `skipped`.
std::vector<BlobToCheck> gather_blobs(const stdfs::path& root, std::size_t& skipped) {
  std::vector<std::string> warnings;
  std::vector<BlobToCheck> out;
  for (const auto& f : cache::list_repo_folders(root, warnings)) {
    std::error_code ec;
    for (stdfs::directory_iterator it(root / f.folder / "blobs", ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      std::error_code sec;
      if (name.front() == '.' || ends_with(name, ".incomplete") || ends_with(name, ".lock")) continue;
      if (it->symlink_status(sec).type() != stdfs::file_type::regular) continue;
      std::uint64_t size = it->file_size(sec);
      if (sec) continue;
      if (is_sha256(name))
        out.push_back({f.repo, f.folder, name, HashKind::sha256, size});
      else if (is_commit_hash(name))  // 40 lowercase hex: a git blob sha1
        out.push_back({f.repo, f.folder, name, HashKind::git_sha1, size});
      else
        ++skipped;
    }
  }
  return out;
}

// Hashes a blob in 1 MiB reads, reporting progress. nullopt (with `error` set) when unreadable.
std::optional<std::string> hash_blob(const stdfs::path& path, const BlobToCheck& blob, std::uint64_t& done,
                                     std::uint64_t total, const CacheProgress& progress, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path.string() + ": cannot open: " + std::strerror(errno);
    return std::nullopt;
  }
  Hasher hasher(blob.kind, blob.size);
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    hasher.update(std::string_view(buffer.data(), n));
    done += n;
    if (progress) progress(done, total);
  }
  if (in.bad()) {
    error = path.string() + ": read error: " + std::strerror(errno);
    return std::nullopt;
  }
  return hasher.finish();
}

}  // namespace

VerifyReport Cache::verify(const CacheProgress& progress) {
  VerifyReport report;
  std::vector<BlobToCheck> blobs = gather_blobs(root_, report.skipped);
  std::uint64_t total = 0;
  for (const auto& b : blobs) total += b.size;
  std::uint64_t done = 0;
  if (progress) progress(0, total);

  for (const auto& b : blobs) {
    stdfs::path path = root_ / b.folder / "blobs" / b.name;
    std::uint64_t expected_done = done + b.size;
    std::string error;
    std::optional<std::string> actual = hash_blob(path, b, done, total, progress, error);
    // A blob whose size changed while read still ends at the planned total.
    done = expected_done;
    if (!actual) {
      report.errors.push_back(error);
      continue;
    }
    ++report.blobs_checked;
    report.bytes_checked += b.size;
    if (*actual == b.name) {
      index_->record_verified(b.repo, b.name, b.size, fs::now_seconds());
      continue;
    }
    CorruptBlob bad{b.repo, b.name, *actual, {}};
    stdfs::path dest = cache::quarantine_dir(root_) / b.folder / b.name;
    std::error_code ec;
    stdfs::create_directories(dest.parent_path(), ec);
    if (!ec) stdfs::rename(path, dest, ec);
    if (ec)
      report.errors.push_back(path.string() + ": corrupt, and cannot be moved to " + dest.string() + ": " +
                              ec.message());
    else
      bad.quarantined = dest;
    index_->forget_blob(b.repo, b.name);
    report.corrupt.push_back(std::move(bad));
  }
  if (progress) progress(total, total);
  return report;
}

}  // namespace hub
