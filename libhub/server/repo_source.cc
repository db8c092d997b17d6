#include "server/repo_source.h"

#include <exception>

namespace hub::server {

LiveRepo::LiveRepo(RepoId id, std::chrono::milliseconds interval, WarnFn warn)
    : id_(std::move(id)), warn_(std::move(warn)), interval_(interval) {}

void LiveRepo::invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  checked_at_ = Clock::time_point{};
}

std::shared_ptr<const RepoView> LiveRepo::current() {
  std::shared_ptr<const RepoView> view;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (checked_once_ && Clock::now() - checked_at_ < interval_) return view_;
    view = view_;
  }
  // Only one thread checks the disk. The others serve the view they have; if there is none yet
  // (first request) they wait for the check instead of answering "not found".
  std::unique_lock<std::mutex> refresh(refresh_mu_, std::try_to_lock);
  if (!refresh.owns_lock()) {
    bool have_view;
    {
      std::lock_guard<std::mutex> lock(mu_);
      have_view = checked_once_;
    }
    if (have_view) return view;
    refresh.lock();
    std::lock_guard<std::mutex> lock(mu_);
    if (checked_once_ && Clock::now() - checked_at_ < interval_) return view_;
  }

  std::optional<std::string> digest;
  std::shared_ptr<const RepoView> rebuilt = view;
  try {
    digest = fingerprint();
    std::string old_digest;
    {
      std::lock_guard<std::mutex> lock(mu_);
      old_digest = digest_;
    }
    if (!digest) {
      rebuilt = nullptr;
    } else if (!view || *digest != old_digest) {
      rebuilt = load(view);
    }
  } catch (const std::exception& e) {
    if (warn_) warn_("cannot load " + id_.display() + ": " + e.what());
    digest = std::nullopt;  // retry on the next check
  }
  std::lock_guard<std::mutex> lock(mu_);
  view_ = rebuilt;
  digest_ = digest.value_or(std::string());
  checked_at_ = Clock::now();
  checked_once_ = true;
  return view_;
}

void ListedSource::relist() {
  std::map<std::string, std::shared_ptr<LiveRepo>> next;
  for (RepoFolder& f : discover()) {
    std::string key = f.id.folder_name();
    if (next.count(key)) continue;
    auto it = repos_.find(key);
    next.emplace(key, it != repos_.end() ? it->second : make_repo(f));
  }
  repos_ = std::move(next);
  listed_at_ = std::chrono::steady_clock::now();
}

void ListedSource::load_all() {
  std::vector<std::shared_ptr<LiveRepo>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    relist();
    for (auto& [key, repo] : repos_) all.push_back(repo);
  }
  for (auto& repo : all) repo->current();  // hash everything now rather than on first request
}

std::shared_ptr<const RepoView> ListedSource::find(const RepoId& id) {
  std::shared_ptr<LiveRepo> repo;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::string key = id.folder_name();
    auto it = repos_.find(key);
    if (it == repos_.end() && std::chrono::steady_clock::now() - listed_at_ >= interval_) {
      relist();
      it = repos_.find(key);
    }
    if (it == repos_.end()) return nullptr;
    repo = it->second;
  }
  return repo->current();
}

void ListedSource::invalidate(const RepoId& id) {
  std::shared_ptr<LiveRepo> repo;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = repos_.find(id.folder_name());
    if (it == repos_.end()) return;
    repo = it->second;
  }
  repo->invalidate();
}

std::vector<RepoId> ListedSource::list() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<RepoId> out;
  for (auto& [key, repo] : repos_) out.push_back(repo->id());
  return out;
}

}  // namespace hub::server
