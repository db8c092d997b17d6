// Where served repos come from (internal): a source maps repo ids to RepoViews and keeps them in
// step with the disk. LiveRepo holds the refresh logic shared by the folder and cache sources.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/served_repo.h"

namespace hub::server {

// Receives warnings (a repo that cannot be loaded, a skipped file). Must be thread-safe.
using WarnFn = std::function<void(std::string_view)>;

class RepoSource {
 public:
  virtual ~RepoSource() = default;
  // The repo as it is now, or nullptr when this source does not have it. Thread-safe; may
  // rescan the disk (rate-limited) and rebuild the repo's snapshot.
  virtual std::shared_ptr<const RepoView> find(const RepoId& id) = 0;
  // Every repo currently known (for the startup summary).
  virtual std::vector<RepoId> list() = 0;
  // Makes the next find() of `id` check the disk now (a served file was seen to change).
  virtual void invalidate(const RepoId& id) = 0;
};

// One repo that is rebuilt when its files change. current() compares a cheap fingerprint
// (names, sizes, mtimes) at most once per interval and rebuilds only when it differs; requests
// arriving during a rebuild keep getting the previous view.
class LiveRepo {
 public:
  LiveRepo(RepoId id, std::chrono::milliseconds interval, WarnFn warn);
  virtual ~LiveRepo() = default;
  LiveRepo(const LiveRepo&) = delete;
  LiveRepo& operator=(const LiveRepo&) = delete;

  const RepoId& id() const { return id_; }
  // nullptr when the repo vanished or never loaded. Never throws for disk problems (they are
  // reported through `warn`).
  std::shared_ptr<const RepoView> current();
  // Makes the next current() check the disk (a served file turned out to have changed).
  void invalidate();

 protected:
  // A digest of what is on disk; nullopt when the repo folder is gone.
  virtual std::optional<std::string> fingerprint() = 0;
  // Builds the view from disk; `previous` (may be null) allows reusing hashes and snapshots.
  virtual std::shared_ptr<const RepoView> load(const std::shared_ptr<const RepoView>& previous) = 0;

  RepoId id_;
  WarnFn warn_;

 private:
  using Clock = std::chrono::steady_clock;
  std::chrono::milliseconds interval_;
  std::mutex mu_;  // guards view_, digest_, checked_at_, checked_once_
  std::shared_ptr<const RepoView> view_;
  std::string digest_;
  Clock::time_point checked_at_{};
  bool checked_once_ = false;
  std::mutex refresh_mu_;  // held while one thread checks and rebuilds
};

// A repo and the folder it is read from.
struct RepoFolder {
  RepoId id;
  stdfs::path dir;
};

// A source made of repo folders found under a root: remembers them by id, notices new and
// removed folders (rate-limited, on a lookup miss) and hands out their LiveRepo views.
class ListedSource : public RepoSource {
 public:
  std::shared_ptr<const RepoView> find(const RepoId& id) override;
  std::vector<RepoId> list() override;
  void invalidate(const RepoId& id) override;

 protected:
  explicit ListedSource(std::chrono::milliseconds interval) : interval_(interval) {}
  // The repo folders present now.
  virtual std::vector<RepoFolder> discover() = 0;
  virtual std::shared_ptr<LiveRepo> make_repo(const RepoFolder& found) = 0;
  // Lists and loads every repo; derived constructors call it once they are ready.
  void load_all();

 private:
  void relist();  // requires mu_

  std::chrono::milliseconds interval_;
  std::mutex mu_;                                           // guards repos_, listed_at_
  std::map<std::string, std::shared_ptr<LiveRepo>> repos_;  // by RepoId::folder_name()
  std::chrono::steady_clock::time_point listed_at_{};
};

}  // namespace hub::server
