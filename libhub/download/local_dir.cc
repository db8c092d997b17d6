#include "download/local_dir.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cache/layout.h"
#include "core/fs.h"
#include "hub/error.h"

namespace hub::download {

void export_to_local_dir(PullResult& result, Cache& cache, const std::filesystem::path& dir) {
  namespace stdfs = std::filesystem;
  stdfs::path meta_root = dir / ".cache" / "huggingface";
  std::error_code ec;
  stdfs::create_directories(meta_root, ec);
  if (ec) throw Error(Errc::io, "cannot create " + meta_root.string() + ": " + ec.message());
  if (!stdfs::exists(meta_root / ".gitignore")) fs::write_file_atomic(meta_root / ".gitignore", "*");
  if (!stdfs::exists(meta_root / "CACHEDIR.TAG"))
    fs::write_file_atomic(
        meta_root / "CACHEDIR.TAG",
        std::string(cache::kCacheDirTagSignature) + "\n# This file is a cache directory tag created by libhub.\n");
  for (const auto& f : result.files) {
    auto source = cache.find_file(result.repo, result.commit, f.path);
    if (!source) throw Error(Errc::not_cached, "'" + f.path + "' is missing from the cache snapshot");
    stdfs::path target = dir / f.path;
    stdfs::create_directories(target.parent_path(), ec);
    stdfs::path tmp = target;
    tmp += ".libhub.incomplete";
    stdfs::remove(tmp, ec);
    stdfs::copy_file(stdfs::canonical(*source), tmp, ec);
    if (ec) throw Error(Errc::io, "cannot copy to " + tmp.string() + ": " + ec.message());
    stdfs::rename(tmp, target, ec);
    if (ec) throw Error(Errc::io, "cannot rename " + tmp.string() + ": " + ec.message());
    char ts[64];
    std::snprintf(ts, sizeof ts, "%.6f", fs::now_seconds());
    fs::write_file_atomic(meta_root / "download" / (f.path + ".metadata"),
                          result.commit + "\n" + f.blob + "\n" + ts + "\n");
  }
  result.folder = dir;
}

std::vector<RepoFile> read_tree_listing(std::string_view json_text) {
  std::vector<RepoFile> out;
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_object() || j.value("format_version", 0) != 1) return out;
  auto files = j.find("files");
  if (files == j.end() || !files->is_object()) return out;
  for (auto it = files->begin(); it != files->end(); ++it) {
    RepoFile f;
    f.path = it.key();
    try {
      validate_repo_path(f.path, "cached tree listing");
    } catch (const Error&) {
      return {};
    }
    const auto& e = it.value();
    if (!e.is_object()) return {};
    f.oid = e.value("blob_id", "");
    f.size = e.value("size", std::uint64_t{0});
    if (e.contains("lfs_sha256")) f.lfs = LfsInfo{e.value("lfs_sha256", ""), e.value("lfs_size", std::uint64_t{0}), 0};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace hub::download
