#include "core/glob.h"

#include <fnmatch.h>

namespace hub {

bool glob_match(std::string_view pattern, std::string_view path) {
  std::string pat(pattern);
  if (!pat.empty() && pat.back() == '/') pat += '*';
  std::string p(path);
  // No FNM_PATHNAME: '*' crosses '/', as in Python's fnmatch.
  return ::fnmatch(pat.c_str(), p.c_str(), 0) == 0;
}

bool glob_filter(const std::vector<std::string>& include, const std::vector<std::string>& exclude,
                 std::string_view path) {
  if (!include.empty()) {
    bool any = false;
    for (const auto& g : include)
      if (glob_match(g, path)) {
        any = true;
        break;
      }
    if (!any) return false;
  }
  for (const auto& g : exclude)
    if (glob_match(g, path)) return false;
  return true;
}

}  // namespace hub
