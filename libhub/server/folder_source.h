// A folder of repos served as git repos (internal): DIR/<ns>/<name>/ is a model repo,
// DIR/datasets/<ns>/<name>/ a dataset, DIR/spaces/<ns>/<name>/ a space. A folder directly under
// DIR (or DIR/datasets, DIR/spaces) that holds files itself is a legacy one-segment repo
// ("gpt2"). Each repo has one branch, `main`, whose commit is built from the folder's current
// content (see Snapshot::build) and rebuilt when files change; the folder is never written to.
#pragma once

#include <chrono>

#include "server/repo_source.h"

namespace hub::server {

struct FolderSourceOptions {
  stdfs::path root;
  std::chrono::milliseconds rescan_interval{2000};  // how stale a served repo may be
  std::size_t hash_threads = 0;                     // 0 = one per core
  WarnFn warn;
};

class FolderSource : public ListedSource {
 public:
  // Lists and loads every repo (hashing their files). Throws Errc::invalid_input when `root` is
  // not a folder. Repos that fail to load are reported through `warn` and skipped.
  explicit FolderSource(FolderSourceOptions options);

 protected:
  std::vector<RepoFolder> discover() override;
  std::shared_ptr<LiveRepo> make_repo(const RepoFolder& found) override;

 private:
  FolderSourceOptions options_;
};

}  // namespace hub::server
