// Shell-style globs for --include / --exclude (internal), with huggingface_hub's semantics:
// case-sensitive, '*' also matches '/', and a pattern ending in '/' matches everything below
// that folder.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hub {

bool glob_match(std::string_view pattern, std::string_view path);
// True when `path` passes the filters: matches one include (or includes are empty) and no exclude.
bool glob_filter(const std::vector<std::string>& include, const std::vector<std::string>& exclude,
                 std::string_view path);

}  // namespace hub
