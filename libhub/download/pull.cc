// hub::pull: resolve a revision to one commit, list it, and fetch what the cache lacks in
// parallel, verified (see hub/pull.h).
#include "hub/pull.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "api/impl.h"
#include "cache/layout.h"
#include "cache/store.h"
#include "core/fs.h"
#include "core/strings.h"
#include "download/fetch.h"
#include "download/local_dir.h"
#include "download/partial_file.h"
#include "download/plan.h"
#include "download/ranged_fetch.h"
#include "hub/cache.h"
#include "hub/error.h"

namespace hub {

std::string_view to_string(PulledFile::Action action) noexcept {
  switch (action) {
    case PulledFile::Action::downloaded: return "downloaded";
    case PulledFile::Action::cached: return "cached";
    case PulledFile::Action::linked: return "linked";
    case PulledFile::Action::planned: return "planned";
  }
  return "planned";
}

namespace {

// Serializes progress callbacks and keeps the running total.
class ProgressSink {
 public:
  ProgressSink(const std::function<void(const PullProgress&)>& fn, std::uint64_t total) : fn_(fn), total_(total) {}
  void emit(PullProgress::Kind kind, const std::string& path, std::uint64_t file_bytes, std::uint64_t file_total,
            std::uint64_t add) {
    std::lock_guard<std::mutex> lock(mu_);
    done_ += add;
    if (fn_) fn_(PullProgress{kind, path, file_bytes, file_total, done_, total_});
  }

 private:
  const std::function<void(const PullProgress&)>& fn_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  std::mutex mu_;
};

PulledFile to_pulled(const RepoFile& f) {
  return PulledFile{f.path, f.blob_name(), f.size, f.lfs.has_value(), PulledFile::Action::planned};
}

// A pull that selects nothing would record a ref and a tree listing for a snapshot folder that
// never gets created: a cache that reads as broken. Refuse it before anything is written.
void require_selection(const download::Plan& plan, const RepoId& repo, const PullOptions& options) {
  if (!plan.files.empty()) return;
  std::string where = repo.display() + " at '" + options.revision + "'";
  if (plan.skipped.empty()) throw Error(Errc::entry_not_found, where + " has no files");
  std::string patterns;
  for (const auto& g : options.include) patterns += " --include '" + g + "'";
  for (const auto& g : options.exclude) patterns += " --exclude '" + g + "'";
  if (patterns.empty()) patterns = " --include/--exclude";
  throw Error(Errc::entry_not_found, "no file of " + where + " matches" + patterns + " (all " +
                                         std::to_string(plan.skipped.size()) + " listed files were filtered out)");
}

// Offline: the commit from refs/ (or the revision itself) and the files of that snapshot.
PullResult pull_offline(const RepoId& repo, const PullOptions& options, const Settings& settings) {
  Cache cache(settings.cache_dir);
  auto commit = cache.resolve_revision(repo, options.revision);
  if (!commit)
    throw Error(Errc::not_cached, "revision '" + options.revision + "' of " + repo.display() +
                                      " is not in the cache at " + settings.cache_dir.string());
  std::filesystem::path snap = cache::snapshot_dir(settings.cache_dir, repo, *commit);
  std::error_code ec;
  if (!std::filesystem::is_directory(snap, ec))
    throw Error(Errc::not_cached, "snapshot " + *commit + " of " + repo.display() + " is not in the cache");
  // The file list: the cached tree listing when present (it proves completeness), else the
  // snapshot folder's content.
  std::vector<RepoFile> listing;
  auto tree = fs::read_file(cache::repo_dir(settings.cache_dir, repo) / "trees" / (*commit + ".json"));
  if (tree) listing = download::read_tree_listing(*tree);
  if (listing.empty()) {
    for (auto it = std::filesystem::recursive_directory_iterator(snap, ec);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_directory(ec)) continue;
      RepoFile f;
      f.path = it->path().lexically_relative(snap).generic_string();
      listing.push_back(std::move(f));
    }
  }
  download::Plan plan = download::make_plan(listing, options);
  require_selection(plan, repo, options);
  PullResult result{repo, options.revision, *commit, snap, {}, plan.skipped, 0, true};
  for (const auto& f : plan.files) {
    auto path = cache.find_file(repo, *commit, f.path);
    if (!path)
      throw Error(Errc::not_cached,
                  "'" + f.path + "' of " + repo.display() + " at " + *commit + " is not in the cache (offline mode)");
    PulledFile pf = to_pulled(f);
    std::error_code sec;
    pf.size = std::filesystem::file_size(*path, sec);
    pf.action = PulledFile::Action::cached;
    result.files.push_back(std::move(pf));
  }
  if (options.local_dir) download::export_to_local_dir(result, cache, *options.local_dir);
  if (!options.dry_run) cache.touch(repo, *commit);
  return result;
}

// A large file: resumable ranged download. A temporary file left by an earlier run (kill -9,
// network failure) is claimed and only its missing chunks are fetched. Without working locks a
// leftover is only taken once it has been idle long enough that no live process owns it.
void fetch_large(cache::Store& store, http::Client& client, const download::FetchTarget& target,
                 const fs::FileLock& lock, const PullOptions& options, const download::FetchProgress& on_bytes,
                 const std::atomic<bool>& cancel, std::atomic<std::uint64_t>& file_done, ProgressSink& progress,
                 const std::string& path, int concurrent_large) {
  using download::PartialFile;
  std::unique_ptr<PartialFile> part;
  for (const auto& leftover : store.leftover_partials(target.expected_hash)) {
    std::error_code ec;
    auto age = std::filesystem::file_time_type::clock::now() - std::filesystem::last_write_time(leftover, ec);
    if (ec || (!lock.effective() && age < std::chrono::seconds(120))) continue;
    auto mine = store.claim_partial(leftover, target.expected_hash);
    if (!mine) continue;
    part = PartialFile::open_existing(*mine, target.size);
    if (part) break;
    std::filesystem::remove(*mine, ec);  // not a resumable file of ours: useless
  }
  // The connection budget is shared by the large files downloading at the same time.
  download::RangedOptions ranged{std::max(1, options.connections / std::max(1, concurrent_large))};
  for (int attempt = 0;; ++attempt) {
    if (!part) part = PartialFile::create(store.partial_path(target.expected_hash), target.size, options.chunk_size);
    std::uint64_t resumed = part->bytes_done();
    if (resumed > 0) {
      std::uint64_t now = file_done += resumed;
      progress.emit(PullProgress::Kind::bytes, path, now, target.size, resumed);
    }
    try {
      download::fetch_ranged(client, target, *part, ranged, on_bytes, cancel);
      break;
    } catch (const Error& e) {
      // Chunks kept from an earlier run may have been damaged: one fresh start, then give up.
      if (e.code() != Errc::integrity || resumed == 0 || attempt > 0) throw;
      part.reset();
      file_done = 0;
    }
  }
  part->commit(store.blob(target.expected_hash));
  store.record_blob(target.expected_hash, target.size);
}

}  // namespace

PullResult pull(const RepoId& repo, const PullOptions& options, const Settings& settings) {
  validate_revision(options.revision);
  if (options.max_workers < 1 || options.max_workers > 256)
    throw Error(Errc::invalid_input, "--max-workers must be between 1 and 256");
  if (options.connections < 1 || options.connections > 64)
    throw Error(Errc::invalid_input, "--connections must be between 1 and 64");
  if (options.chunk_size < (64u << 10) || options.chunk_size > (1ull << 30))
    throw Error(Errc::invalid_input, "the chunk size must be between 64 KiB and 1 GiB");
  if (settings.offline) return pull_offline(repo, options, settings);

  HubApi api(settings);
  RepoInfo info = api.repo_info(repo, options.revision);
  const std::string commit = info.sha;  // pinned: every later request names this commit
  std::vector<RepoFile> listing = api.list_tree(repo, commit);
  download::Plan plan = download::make_plan(listing, options);
  require_selection(plan, repo, options);

  PullResult result{repo, options.revision, commit, {}, {}, plan.skipped, 0, false};
  std::uint64_t total = 0;
  for (const auto& f : plan.files) total += f.size;

  std::optional<Cache> cache;
  if (!options.dry_run) cache.emplace(settings.cache_dir);
  result.folder = options.local_dir ? *options.local_dir : cache::snapshot_dir(settings.cache_dir, repo, commit);

  std::vector<PulledFile> files;
  for (const auto& f : plan.files) files.push_back(to_pulled(f));
  if (options.dry_run) {
    // Report what is already there without writing anything.
    for (auto& pf : files) {
      std::error_code ec;
      auto blob = cache::blob_path(settings.cache_dir, repo, pf.blob);
      if (std::filesystem::is_regular_file(blob, ec) && std::filesystem::file_size(blob, ec) == pf.size)
        pf.action = PulledFile::Action::cached;
    }
    result.files = std::move(files);
    return result;
  }

  cache::Store store(*cache, repo);
  ProgressSink progress(options.on_progress, total);
  progress.emit(PullProgress::Kind::plan, "", 0, 0, 0);
  http::Client& client = api.impl().client;

  int large_files = 0;
  for (const auto& f : plan.files)
    if (f.size >= options.range_threshold) ++large_files;
  const int concurrent_large = std::min(large_files, options.max_workers);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> cancel{false};
  std::atomic<std::uint64_t> downloaded{0};
  std::mutex error_mu;
  std::exception_ptr first_error;

  auto work_one = [&](std::size_t i) {
    const RepoFile& f = plan.files[i];
    PulledFile& pf = files[i];
    const std::string& etag = f.blob_name();
    progress.emit(PullProgress::Kind::file_start, f.path, 0, f.size, 0);
    // The blob lock covers the check, the download and the link: gc and prune take the same lock
    // before deleting a blob, and another process pulling the same blob waits here.
    auto lock = store.lock_blob(etag);
    if (store.has_blob(etag, f.size)) {
      pf.action = PulledFile::Action::cached;
    } else if (store.adopt_from_other_repo(etag, f.size)) {
      pf.action = PulledFile::Action::linked;
    } else {
      download::FetchTarget target{api.resolve_url(repo, commit, f.path), "'" + f.path + "' of " + repo.display(), etag,
                                   f.lfs ? HashKind::sha256 : HashKind::git_sha1, f.size};
      // Ranges of one file report from several threads.
      std::atomic<std::uint64_t> file_done{0};
      auto on_bytes = [&](std::uint64_t n) {
        std::uint64_t now = file_done += n;
        downloaded += n;
        progress.emit(PullProgress::Kind::bytes, f.path, now, f.size, n);
      };
      if (f.size >= options.range_threshold && f.size > 0) {
        fetch_large(store, client, target, *lock, options, on_bytes, cancel, file_done, progress, f.path,
                    concurrent_large);
      } else {
        auto tmp = store.begin_blob(etag);
        download::fetch_verified(client, target, *tmp, on_bytes, cancel);
        store.commit_blob(*tmp, etag, f.size);
      }
      pf.action = PulledFile::Action::downloaded;
      progress.emit(PullProgress::Kind::file_done, f.path, f.size, f.size, 0);
      store.link_file(commit, f.path, etag);
      return;
    }
    progress.emit(PullProgress::Kind::file_done, f.path, f.size, f.size, f.size);
    store.link_file(commit, f.path, etag);
  };

  auto worker = [&] {
    while (!cancel) {
      std::size_t i = next++;
      if (i >= plan.files.size()) return;
      try {
        work_one(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (!first_error) first_error = std::current_exception();
        cancel = true;
      }
    }
  };
  std::size_t n_threads = std::min<std::size_t>(static_cast<std::size_t>(options.max_workers), plan.files.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < n_threads; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (first_error) std::rethrow_exception(first_error);

  // Only a complete snapshot gets its ref and tree listing.
  store.write_tree(commit, listing);
  store.write_ref(options.revision, commit);
  store.touch(commit);
  result.files = std::move(files);
  result.bytes_downloaded = downloaded;
  if (options.local_dir) download::export_to_local_dir(result, *cache, *options.local_dir);
  return result;
}

}  // namespace hub
