#include "server/disk_scan.h"

#include <sys/stat.h>

#include <algorithm>
#include <system_error>

#include "core/hashing.h"
#include "hub/error.h"

namespace hub::server {
namespace {

bool skipped_name(std::string_view name) { return name == ".git" || name == ".DS_Store" || name == "Thumbs.db"; }

bool inside(const stdfs::path& path, const stdfs::path& boundary) {
  auto p = path.native();
  auto b = boundary.native();
  return p.size() > b.size() && p.compare(0, b.size(), b) == 0 && p[b.size()] == '/';
}

std::int64_t mtime_of(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

bool valid_name(std::string_view rel) {
  if (!is_utf8(rel)) return false;
  return std::none_of(rel.begin(), rel.end(),
                      [](char c) { return c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    if (len == 2 && c < 0xc2) return false;  // overlong
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += len;
  }
  return true;
}

std::vector<DiskFile> scan_files(const stdfs::path& dir, const stdfs::path& boundary, const WarnFn& warn) {
  std::vector<DiskFile> out;
  std::error_code ec;
  stdfs::recursive_directory_iterator it(dir, stdfs::directory_options::skip_permission_denied, ec);
  if (ec) throw Error(Errc::io, "cannot list " + dir.string() + ": " + ec.message(), {.path = dir.string()});
  for (stdfs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {
      if (warn) warn("cannot list below " + dir.string() + ": " + ec.message());
      break;
    }
    const stdfs::path& p = it->path();
    std::string name = p.filename().string();
    bool is_link = it->is_symlink(ec);
    bool is_dir = !is_link && it->is_directory(ec);
    if (skipped_name(name) || (is_dir && name == "huggingface" && p.parent_path().filename() == ".cache")) {
      if (is_dir) it.disable_recursion_pending();
      continue;
    }
    if (is_dir) continue;
    std::string rel = p.lexically_relative(dir).generic_string();
    if (!valid_name(rel)) {
      if (warn)
        warn("skipping " + p.string() + ": the name cannot be served (control character, backslash or invalid UTF-8)");
      continue;
    }
    DiskFile f;
    f.path = std::move(rel);
    f.symlink = is_link;
    f.source = p;
    if (is_link) {
      stdfs::path target = stdfs::canonical(p, ec);
      if (ec || !inside(target, boundary)) continue;  // dangling, or escaping the repo
      f.source = target;
    }
    struct stat st {};
    if (::stat(f.source.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // folders via links, fifos...
    f.size = static_cast<std::uint64_t>(st.st_size);
    f.mtime_ns = mtime_of(st);
    f.inode = static_cast<std::uint64_t>(st.st_ino);
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const DiskFile& a, const DiskFile& b) { return a.path < b.path; });
  return out;
}

std::string files_digest(const std::vector<DiskFile>& files) {
  std::string text;
  text.reserve(files.size() * 64);
  for (const DiskFile& f : files) {
    text += f.path;
    text += '\0';
    text += f.source.native();
    text += '\0';
    text += std::to_string(f.size) + ' ' + std::to_string(f.mtime_ns) + ' ' + std::to_string(f.inode) + '\n';
  }
  return sha256_hex(text);
}

}  // namespace hub::server
