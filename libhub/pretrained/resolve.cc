// resolve_pretrained: a folder, a file or a repo id becomes local files (see hub/pretrained.h).
#include <system_error>

#include "hub/cache.h"
#include "hub/error.h"
#include "hub/pretrained.h"
#include "hub/pull.h"

namespace hub {
namespace {

// "org/name@rev" -> ("org/name", "rev"); no '@' -> (spec, nullopt).
std::pair<std::string_view, std::optional<std::string_view>> split_revision(std::string_view spec) {
  auto at = spec.find('@');
  if (at == std::string_view::npos) return {spec, std::nullopt};
  return {spec.substr(0, at), spec.substr(at + 1)};
}

PullResult pull_for_model(const RepoId& repo, const std::string& revision, const PretrainedOptions& options,
                          bool offline) {
  PullOptions pull_options;
  pull_options.revision = revision;
  pull_options.include = options.include.empty() ? default_pretrained_globs() : options.include;
  Settings settings = options.settings;
  settings.offline = settings.offline || offline;
  return pull(repo, pull_options, settings);
}

}  // namespace

const std::vector<std::string>& default_pretrained_globs() {
  // fnmatch semantics as in huggingface_hub: '*' also crosses '/', so "*.json" takes
  // 1_Pooling/config.json of a sentence-transformers repo too.
  static const std::vector<std::string> globs = {"*.json",  "*.safetensors", "*.txt",
                                                 "*.model", "*.tiktoken",    "*.jinja"};
  return globs;
}

ResolvedPretrained resolve_pretrained(std::string_view name_or_path, const PretrainedOptions& options) {
  if (name_or_path.empty()) throw Error(Errc::invalid_input, "from_pretrained: empty model name or path");
  std::error_code ec;
  std::filesystem::path path{std::string(name_or_path)};
  if (std::filesystem::exists(path, ec)) {
    ResolvedPretrained out;
    if (std::filesystem::is_directory(path, ec)) {
      out.folder = path;
    } else {
      out.file = path;
      out.folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    }
    return out;
  }
  auto [id_text, rev] = split_revision(name_or_path);
  RepoId repo;
  try {
    repo = RepoId::parse(id_text);
  } catch (const Error& e) {
    throw Error(Errc::invalid_input, "'" + std::string(name_or_path) +
                                         "' is neither an existing file or folder nor a valid repo id (" + e.what() +
                                         ")");
  }
  std::string revision = rev ? std::string(*rev) : options.revision;
  validate_revision(revision);
  bool offline = options.local_files_only || options.settings.offline;
  PullResult pulled;
  try {
    pulled = pull_for_model(repo, revision, options, offline);
  } catch (const Error& e) {
    // Like transformers: when the Hub cannot be reached, a snapshot already in the cache serves.
    if (offline || (e.code() != Errc::network && e.code() != Errc::timeout)) throw;
    try {
      pulled = pull_for_model(repo, revision, options, true);
    } catch (const Error&) {
      throw e;
    }
  }
  // Last use, for `hub cache gc`. A read-only or locked cache must not stop a model from loading.
  try {
    Cache(options.settings.cache_dir).touch(repo, pulled.commit);
  } catch (const Error&) {
  }
  ResolvedPretrained out;
  out.folder = pulled.folder;
  out.repo = repo;
  out.commit = pulled.commit;
  return out;
}

}  // namespace hub
