// hub/pretrained.h: turn what a user passes to from_pretrained() into local files.
//
// AutoTokenizer, AutoConfig and AutoModel all accept the same thing as transformers'
// `from_pretrained`: a folder, a file, or a repo id ("org/name", optionally "org/name@rev").
// resolve_pretrained() is the one place that decides which: an existing path wins; anything
// else must be a valid repo id and is pulled into the cache (only the files a model needs), or,
// offline, found there. Loading a model through it records the snapshot's last use in the
// cache index (what `hub cache gc` orders by).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/repo.h"
#include "hub/settings.h"

namespace hub {

struct PretrainedOptions {
  // Revision when the spec names none ("org/name@rev" overrides it).
  std::string revision = "main";
  // Environment-derived settings (endpoint, token, cache, HF_HUB_OFFLINE).
  Settings settings = Settings::from_env();
  // transformers' local_files_only: never use the network, as if HF_HUB_OFFLINE were set.
  bool local_files_only = false;
  // Globs of the files to fetch for a repo id; empty = what a model and tokenizer need
  // (configs, tokenizer files, safetensors weights and their index, sentence-transformers
  // module folders). Pickle weights are never fetched.
  std::vector<std::string> include;
};

struct ResolvedPretrained {
  std::filesystem::path folder;               // the snapshot folder or the local folder
  std::optional<std::filesystem::path> file;  // set when the spec named a single file
  std::optional<RepoId> repo;                 // set when the spec was a repo id
  std::string commit;                         // the commit for a repo id
};

// The default include globs (see PretrainedOptions::include).
const std::vector<std::string>& default_pretrained_globs();

// Resolves `name_or_path`. Errors: Errc::invalid_input when it is neither an existing path
// nor a valid repo id; the pull errors (repo_not_found, not_cached when offline, ...).
ResolvedPretrained resolve_pretrained(std::string_view name_or_path, const PretrainedOptions& options = {});

}  // namespace hub
