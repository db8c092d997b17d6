// Checking the stamps of many repos on several threads (internal; used by Index::reconcile and
// the listing snapshot).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

#include "cache/stamps.h"

namespace hub::cache {

// Checks the stamps of many repos (`Item` has `folder`, `stamps` and `dirty`): a stat costs microseconds and a cache of
// 10,000 repos has some 40,000 folders to check. Helper threads start at once and check repos as the calling thread
// reads them from the tables (publish), then while it does other work (reading the root, the listing); finish() makes
// the calling thread help with what is left and returns one flag per repo (1 = unchanged).
template <class Item>
class StampCheck {
 public:
  // `repos` has its final capacity: entries published so far never move.
  StampCheck(const stdfs::path& root, const std::vector<Item>& repos)
      : root_(root), repos_(repos), same_(repos.capacity(), 0) {
    const std::size_t chunks = (repos.capacity() + kChunk - 1) / kChunk;
    std::size_t helpers = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), 8) - 1;
    helpers = std::min(helpers, chunks > 1 ? chunks - 1 : 0);
    // Reserved first: once a thread runs, nothing here may throw past it unjoined.
    helpers_.reserve(helpers);
    try {
      for (std::size_t i = 0; i < helpers; ++i) helpers_.emplace_back([this] { work_or_give_up(); });
    } catch (const std::system_error&) {
      // No more threads: the calling thread checks the rest in finish().
    }
  }
  StampCheck(const StampCheck&) = delete;
  StampCheck& operator=(const StampCheck&) = delete;
  ~StampCheck() {
    close();
    join();
  }

  // The first `count` entries of `repos` are ready to be checked.
  void publish(std::size_t count) {
    published_.store(count, std::memory_order_release);
    published_.notify_all();
  }

  std::vector<char> finish() {
    close();
    work();
    join();
    same_.resize(published_.load() & ~kClosed);
    return std::move(same_);
  }

 private:
  static constexpr std::size_t kChunk = 256;
  static constexpr std::size_t kClosed = static_cast<std::size_t>(1) << 63;

  // No more entries will come: `published_` is final.
  void close() {
    published_.fetch_or(kClosed, std::memory_order_acq_rel);
    published_.notify_all();
  }

  void work() {
    // A handle per thread: threads that share one descriptor contend on its reference count,
    // which every fstatat on it takes and drops.
    const RootHandle handle(root_);
    for (std::size_t begin; (begin = next_.fetch_add(kChunk)) < same_.size();) {
      const std::size_t want = std::min(begin + kChunk, same_.size());
      std::size_t ready = published_.load(std::memory_order_acquire);
      while ((ready & kClosed) == 0 && ready < want) {
        published_.wait(ready, std::memory_order_acquire);
        ready = published_.load(std::memory_order_acquire);
      }
      const std::size_t end = std::min(want, ready & ~kClosed);
      for (std::size_t i = begin; i < end; ++i)
        same_[i] = !repos_[i].dirty && handle.unchanged(repos_[i].folder, repos_[i].stamps);
    }
  }

  // A helper that fails (out of memory) stops: the entries it claimed stay 0, "changed", and
  // are rescanned, which is slower and still right.
  void work_or_give_up() noexcept {
    try {
      work();
    } catch (...) {
    }
  }

  void join() {
    for (auto& t : helpers_)
      if (t.joinable()) t.join();
  }

  const stdfs::path root_;
  const std::vector<Item>& repos_;
  std::vector<char> same_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::size_t> published_{0};  // count, with kClosed set once final
  std::vector<std::thread> helpers_;       // last member: joined before the rest is destroyed
};

}  // namespace hub::cache
