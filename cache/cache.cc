// hub::Cache: opening a cache and the cache-only lookups (hub-protocol.md §7.12). Removal and
// verification live in remove.cc and verify.cc.
#include "hub/cache.h"

#include <sys/stat.h>

#include <fstream>

#include "cache/index.h"
#include "cache/layout.h"
#include "core/fs.h"
#include "core/strings.h"
#include "hub/error.h"

namespace hub {
namespace {

// A path or revision from a caller must stay inside the repo folder.
bool safe_repo_path(std::string_view path) {
  try {
    validate_repo_path(path, "cache lookup");
    return true;
  } catch (const Error&) {
    return false;
  }
}

bool safe_commit_folder(std::string_view commit) {
  return !commit.empty() && commit != "." && commit != ".." && commit.find('/') == std::string_view::npos &&
         commit.find('\\') == std::string_view::npos && commit.find('\0') == std::string_view::npos;
}

void write_cachedir_tag(const std::filesystem::path& root) {
  std::filesystem::path tag = root / "CACHEDIR.TAG";
  std::error_code ec;
  if (std::filesystem::exists(tag, ec)) return;
  std::string content = std::string(cache::kCacheDirTagSignature) +
                        "\n# This file is a cache directory tag created by libhub (Hugging Face Hub cache).\n"
                        "# For information about cache directory tags, see: https://bford.info/cachedir/\n";
  try {
    fs::write_file_atomic(tag, content);
  } catch (const Error&) {
    // A read-only cache is still readable; the tag only helps backup tools.
  }
}

}  // namespace

Cache::Cache(std::filesystem::path root) : root_(std::move(root)) {
  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  if (ec || !std::filesystem::is_directory(root_, ec))
    throw Error(Errc::io, "cannot create cache folder " + root_.string() + (ec ? ": " + ec.message() : ""),
                {.path = root_.string()});
  write_cachedir_tag(root_);
  index_ = std::make_unique<cache::Index>(root_);
}

Cache::~Cache() = default;
Cache::Cache(Cache&&) noexcept = default;
Cache& Cache::operator=(Cache&&) noexcept = default;

cache::Index& Cache::index() { return *index_; }

std::optional<std::string> Cache::resolve_revision(const RepoId& repo, std::string_view revision) const {
  if (is_commit_hash(revision)) return std::string(revision);
  try {
    validate_revision(revision);
  } catch (const Error&) {
    return std::nullopt;
  }
  std::filesystem::path ref = cache::ref_path(root_, repo, revision);
  // Only a regular file is a ref (opening a FIFO would block).
  struct stat st {};
  if (::stat(ref.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::ifstream in(ref, std::ios::binary);
  if (!in) return std::nullopt;
  std::string content(256, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<size_t>(in.gcount()));
  std::string commit(trim(content));
  if (!is_commit_hash(commit)) return std::nullopt;
  return commit;
}

std::optional<std::filesystem::path> Cache::find_file(const RepoId& repo, std::string_view commit,
                                                      std::string_view path) const {
  if (!safe_commit_folder(commit) || !safe_repo_path(path)) return std::nullopt;
  std::filesystem::path file = cache::snapshot_file(root_, repo, commit, path);
  // stat follows the link: a symlink counts only when its blob is there; a plain file (systems
  // without symlinks) counts as is.
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return file;
}

bool Cache::known_missing(const RepoId& repo, std::string_view commit, std::string_view path) const {
  if (!safe_commit_folder(commit) || !safe_repo_path(path)) return false;
  struct stat st {};
  return ::stat(cache::no_exist_path(root_, repo, commit, path).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

CacheListing Cache::listing() {
  CacheListing out;
  out.repos = index_->reconciled_listing();
  for (const auto& r : out.repos) out.size += r.size;
  out.warnings = index_->warnings();
  return out;
}

std::vector<CachedRepo> Cache::list() { return index_->reconciled_listing(); }

void Cache::reindex() { index_->rebuild(); }

void Cache::touch(const RepoId& repo, std::string_view commit) {
  index_->touch_snapshot(repo, commit, fs::now_seconds());
}

}  // namespace hub
