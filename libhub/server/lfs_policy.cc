#include "server/lfs_policy.h"

#include <fnmatch.h>

#include <array>

#include "core/strings.h"

namespace hub::server {
namespace {

// Weight and archive formats that the Hub's default .gitattributes sends through LFS.
constexpr std::array<std::string_view, 9> kLfsSuffixes = {".safetensors", ".bin",     ".gguf", ".pt",  ".pth",
                                                          ".onnx",        ".msgpack", ".h5",   ".ckpt"};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// gitattributes matching: a pattern without '/' matches the base name at any depth; one with
// '/' matches the whole path relative to the repo root ('*' then stops at '/').
bool attr_match(const std::string& pattern, std::string_view path) {
  std::string p = pattern;
  if (!p.empty() && p.front() == '/') p.erase(0, 1);
  if (p.find('/') == std::string::npos) {
    auto slash = path.rfind('/');
    std::string base(slash == std::string_view::npos ? path : path.substr(slash + 1));
    return ::fnmatch(p.c_str(), base.c_str(), 0) == 0;
  }
  std::string full(path);
  if (p.size() > 3 && p.compare(p.size() - 3, 3, "/**") == 0) {  // "dir/**": everything below
    std::string dir = p.substr(0, p.size() - 2);
    return full.compare(0, dir.size(), dir) == 0;
  }
  return ::fnmatch(p.c_str(), full.c_str(), FNM_PATHNAME) == 0;
}

}  // namespace

void LfsPolicy::add_gitattributes(std::string_view text) {
  for (const std::string& raw : split(text, '\n')) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    auto space = line.find_first_of(" \t");
    if (space == std::string_view::npos) continue;
    std::string_view pattern = line.substr(0, space);
    std::string_view attrs = line.substr(space);
    // "filter=lfs" turns LFS on; "-filter" / "!filter" on a later line is rare enough to ignore.
    if (attrs.find("filter=lfs") != std::string_view::npos) patterns_.emplace_back(pattern);
  }
}

bool LfsPolicy::is_lfs(std::string_view path, std::uint64_t size) const {
  if (size >= kLfsSizeThreshold) return true;
  for (std::string_view suffix : kLfsSuffixes)
    if (ends_with(path, suffix)) return true;
  for (const std::string& p : patterns_)
    if (attr_match(p, path)) return true;
  return false;
}

std::string lfs_pointer(std::string_view sha256_hex, std::uint64_t size) {
  std::string out = "version https://git-lfs.github.com/spec/v1\noid sha256:";
  out += sha256_hex;
  out += "\nsize ";
  out += std::to_string(size);
  out += '\n';
  return out;
}

}  // namespace hub::server
