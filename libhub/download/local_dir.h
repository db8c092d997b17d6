// huggingface_hub's local-dir mode and the cached tree listing (internal).
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "hub/api.h"
#include "hub/cache.h"
#include "hub/pull.h"

namespace hub::download {

// Copies the pulled snapshot's files to `dir`/<path> as real files (reflink/hard link where
// possible is avoided on purpose: users edit local dirs) and writes
// `dir`/.cache/huggingface/download/<path>.metadata (commit, etag, timestamp on three lines).
// Updates result.folder to `dir`.
void export_to_local_dir(PullResult& result, Cache& cache, const std::filesystem::path& dir);

// Parses trees/<commit>.json (format_version 1); an unknown version gives an empty list.
std::vector<RepoFile> read_tree_listing(std::string_view json_text);

}  // namespace hub::download
