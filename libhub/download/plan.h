// Which files a pull fetches (internal): the glob filters and the default pickle policy.
#pragma once

#include <string>
#include <vector>

#include "hub/api.h"
#include "hub/pull.h"

namespace hub::download {

struct Plan {
  std::vector<RepoFile> files;       // selected files (no directories)
  std::vector<std::string> skipped;  // files filtered out
};

// Applies include/exclude globs and, when no include glob was given and not options.allow_pickle,
// drops pickle weights if the listing has safetensors weights. Rejects (Errc::invalid_input) a
// listing that names a path twice or has a file that is also the folder of another file.
Plan make_plan(const std::vector<RepoFile>& listing, const PullOptions& options);

}  // namespace hub::download
