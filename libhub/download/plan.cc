#include "download/plan.h"

#include <set>

#include "core/glob.h"
#include "hub/error.h"

namespace hub::download {
namespace {

// A snapshot is a folder tree: a path listed twice, or listed as a file and also as the folder of
// another file ('a' and 'a/b'), cannot be laid out and would only fail half-way through a pull,
// after blobs and links were written. Such a listing is refused whole, before any download.
void validate_listing(const std::vector<RepoFile>& listing) {
  std::set<std::string> paths, files;
  for (const auto& f : listing) {
    if (!paths.insert(f.path).second) throw Error(Errc::invalid_input, "the file list names '" + f.path + "' twice");
    if (!f.directory) files.insert(f.path);
  }
  for (const auto& f : files) {
    for (auto slash = f.find('/'); slash != std::string::npos; slash = f.find('/', slash + 1)) {
      std::string folder = f.substr(0, slash);
      if (files.count(folder))
        throw Error(Errc::invalid_input, "the file list has both a file '" + folder + "' and a file '" + f +
                                             "' inside a folder of the same name");
    }
  }
}

bool is_pickle(const std::string& path) {
  for (const auto& g : kPickleGlobs)
    if (glob_match(g, path)) return true;
  return false;
}

}  // namespace

Plan make_plan(const std::vector<RepoFile>& listing, const PullOptions& options) {
  validate_listing(listing);
  bool has_safetensors = false;
  for (const auto& f : listing)
    if (!f.directory && glob_match("*.safetensors", f.path)) has_safetensors = true;
  // Explicit --include patterns decide on their own: the default pickle skip only shapes a pull
  // that did not say which files it wants.
  const bool skip_pickle = has_safetensors && !options.allow_pickle && options.include.empty();
  Plan plan;
  for (const auto& f : listing) {
    if (f.directory) continue;
    bool keep = glob_filter(options.include, options.exclude, f.path) && !(skip_pickle && is_pickle(f.path));
    if (keep)
      plan.files.push_back(f);
    else
      plan.skipped.push_back(f.path);
  }
  return plan;
}

}  // namespace hub::download
