#include "download/plan.h"

#include <set>

#include "core/glob.h"
#include "hub/error.h"

namespace hub::download {
namespace {

bool is_pickle(const std::string& path) {
  for (const auto& g : kPickleGlobs)
    if (glob_match(g, path)) return true;
  return false;
}

}  // namespace

Plan make_plan(const std::vector<RepoFile>& listing, const PullOptions& options) {
  bool has_safetensors = false;
  for (const auto& f : listing)
    if (!f.directory && glob_match("*.safetensors", f.path)) has_safetensors = true;
  // Explicit --include patterns decide on their own: the default pickle skip only shapes a pull
  // that did not say which files it wants.
  const bool skip_pickle = has_safetensors && !options.allow_pickle && options.include.empty();
  Plan plan;
  std::set<std::string> seen;
  for (const auto& f : listing) {
    if (f.directory) continue;
    if (!seen.insert(f.path).second) throw Error(Errc::invalid_input, "the file list names '" + f.path + "' twice");
    bool keep = glob_filter(options.include, options.exclude, f.path) && !(skip_pickle && is_pickle(f.path));
    if (keep)
      plan.files.push_back(f);
    else
      plan.skipped.push_back(f.path);
  }
  return plan;
}

}  // namespace hub::download
