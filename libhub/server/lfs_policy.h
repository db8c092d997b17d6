// Which files of a served folder become Git LFS objects, and the pointer text that stands in for
// them in git (internal to hub serve).
//
// The Hub stores weights through LFS; a folder served as a repo must look the same, so a file is
// LFS when its name matches one of the usual weight patterns, when it is 10 MB or larger (the Hub
// refuses plain git files of that size), or when the folder's own .gitattributes tracks it with
// filter=lfs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hub::server {

// Plain git files at or above this size are refused by the Hub, so they become LFS objects.
inline constexpr std::uint64_t kLfsSizeThreshold = 10'000'000;

class LfsPolicy {
 public:
  // The built-in patterns only.
  LfsPolicy() = default;
  // Adds the `filter=lfs` patterns of a .gitattributes file (other attributes are ignored).
  void add_gitattributes(std::string_view text);

  // True when `path` (repo-relative, '/'-separated) of `size` bytes is stored with LFS.
  bool is_lfs(std::string_view path, std::uint64_t size) const;

 private:
  std::vector<std::string> patterns_;  // from .gitattributes, in file order
};

// The three-line LFS pointer (protocol doc §8.1) for content with this sha256 and size.
std::string lfs_pointer(std::string_view sha256_hex, std::uint64_t size);

}  // namespace hub::server
