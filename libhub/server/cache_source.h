// An HF cache served read-only (internal): every `models--ns--name` (datasets--, spaces--)
// folder is a repo; its refs come from refs/** and each snapshots/<commit>/ folder is a commit.
// Snapshot entries that link to blobs/<64 hex> are LFS files (the name is their sha256),
// blobs/<40 hex> regular files (the name is their git blob id); plain files (caches written
// without symlinks) are hashed. Tree ids are computed from those blob ids, so partial snapshots
// get their own tree ids.
#pragma once

#include "server/repo_source.h"

namespace hub::server {

struct CacheSourceOptions {
  stdfs::path root;
  std::chrono::milliseconds rescan_interval{2000};
  std::size_t hash_threads = 0;
  WarnFn warn;
};

class CacheSource : public ListedSource {
 public:
  // Throws Errc::invalid_input when `root` is not a folder.
  explicit CacheSource(CacheSourceOptions options);

 protected:
  std::vector<RepoFolder> discover() override;
  std::shared_ptr<LiveRepo> make_repo(const RepoFolder& found) override;

 private:
  CacheSourceOptions options_;
};

}  // namespace hub::server
