// Index: the listing `hub cache ls` prints. Answered from the listing snapshot
// (cache/listing_snapshot.h) while every stamp in it still holds; otherwise reconciled, listed
// from the tables, and the snapshot written again.
#include <algorithm>

#include "cache/index.h"
#include "cache/index_impl.h"
#include "cache/layout.h"
#include "cache/listing_snapshot.h"
#include "cache/stamp_check.h"
#include "core/fs.h"
#include "core/mapped_file.h"
#include "core/strings.h"

namespace hub::cache {
namespace {

stdfs::path snapshot_path(const stdfs::path& root) { return index_path(root).parent_path() / "listing.bin"; }

// Temporary files of saves that died before their rename (".listing.bin.<hex>.tmp"). Saves run
// under the index's write lock, one at a time: while one runs, any such file is a dead one's.
void remove_dead_temporaries(const stdfs::path& snapshot) {
  const std::string prefix = "." + snapshot.filename().string() + ".";
  std::error_code ec;
  for (stdfs::directory_iterator it(snapshot.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code ignored;
    if (name.starts_with(prefix) && name.ends_with(".tmp")) stdfs::remove(it->path(), ignored);
  }
}

}  // namespace

std::vector<CachedRepo> Index::reconciled_listing() {
  std::lock_guard lock(impl_->mu);
  Impl::SnapshotCheck check = impl_->check_snapshot();
  if (check.listing) return std::move(*check.listing);
  if (!check.changed || !impl_->rescan(*check.changed)) impl_->reconcile();
  return impl_->list_and_save_snapshot();
}

Index::Impl::SnapshotCheck Index::Impl::check_snapshot() {
  if (!persistent) return {};
  std::string token;
  {
    auto st = db->prepare("SELECT token FROM listing_snapshot WHERE id = 1");
    if (!st.step()) return {};
    token = st.text(0);
  }
  std::optional<fs::MappedFile> file;
  try {
    file = fs::MappedFile::open(snapshot_path(root));
  } catch (const Error&) {
    return {};  // unreadable: the tables answer, and the next save replaces it
  }
  if (!file) return {};
  auto snapshot = decode_listing_snapshot(file->text());
  // The token proves that the file is the one the tables match; the root's time, that no repo
  // folder came or went (and that the root warnings hold).
  if (!snapshot || snapshot->token != token || snapshot->root_mtime_ns == 0 ||
      dir_mtime_ns(root) != snapshot->root_mtime_ns)
    return {};
  // Helper threads check the stamps while this thread decodes the listing, then helps them.
  StampCheck<SnapshotStamps> check(root, snapshot->repos);
  check.publish(snapshot->repos.size());
  auto listing = decode_listing(*snapshot, root);
  const std::vector<char> same = check.finish();
  if (!listing) return {};
  root_warnings = std::move(snapshot->root_warnings);
  SnapshotCheck out;
  out.changed.emplace();
  for (std::size_t i = 0; i < same.size(); ++i)
    if (!same[i]) out.changed->emplace_back(snapshot->repos[i].folder);
  if (out.changed->empty()) {
    stats = {.unchanged = same.size(), .scanned = 0, .dropped = 0, .from_snapshot = true};
    out.listing = std::move(listing);
    return out;
  }
  // A rescan follows, then a save: what the root held at its (still valid) time.
  stats = {.unchanged = same.size() - out.changed->size(), .scanned = 0, .dropped = 0};
  root_stamp = snapshot->root_mtime_ns;
  root_folders.assign(snapshot->repos.size(), {});
  for (std::size_t i = 0; i < snapshot->repos.size(); ++i) root_folders[i] = snapshot->repos[i].folder;
  return out;
}

bool Index::Impl::rescan(const std::vector<std::string>& folders) {
  // A folder gone despite the root's time (a tool that put the time back): a scan of nothing
  // would record a repo with no folders, whose absent stamps then always hold.
  for (const auto& folder : folders)
    if (dir_mtime_ns(root / folder) < 0) return false;
  const std::int64_t racy_after = now_ns() - kRacyMarginNs;
  std::vector<ScannedRepo> scans;
  for (const auto& folder : folders)
    if (auto repo = RepoId::from_folder_name(folder)) scans.push_back(scan_repo(root, *repo, racy_after));
  stats.scanned = scans.size();
  sql::Transaction tx(*db);
  for (const auto& scan : scans) store_scan(scan);
  tx.commit();
  return true;
}

std::vector<CachedRepo> Index::Impl::list_and_save_snapshot() {
  // An in-memory index has no folder to keep a snapshot in; an untrusted root time would fail
  // the next check anyway.
  if (!persistent || root_stamp == 0) return list_repos();
  try {
    // Saving is optional: never wait behind another writer for it (a long reindex or gc would
    // hold the listing up for the whole busy timeout).
    sql::Transaction tx(*db, sql::Transaction::Kind::write_if_free);
    std::vector<CachedRepo> listing = list_repos();
    // The stamps in the listing's order (both by folder, byte-wise). A repo set other than the
    // root's when its time was taken (another process stored what it saw of an older root), a
    // repo marked dirty or an untrusted stamp leaves no snapshot.
    std::vector<std::string> folders, stamps;
    std::vector<SnapshotStamps> repos;
    folders.reserve(listing.size());
    stamps.reserve(listing.size());
    repos.reserve(listing.size());
    auto st = db->prepare("SELECT folder, dirty, stamps FROM repos ORDER BY folder");
    const std::size_t prefix = root.native().size() + 1;
    bool usable = true;
    for (std::size_t i = 0; usable && st.step(); ++i) {
      if (i == listing.size()) {
        usable = false;  // `folders` and `stamps` must not grow past their reservation: views
        break;
      }
      folders.push_back(st.text(0));
      stamps.push_back(st.text(2));
      const bool dirty = st.integer(1) != 0;
      usable = i < root_folders.size() && root_folders[i] == folders.back() &&
               listing[i].path.native().size() > prefix &&
               std::string_view(listing[i].path.native()).substr(prefix) == folders.back() && !dirty &&
               !has_untrusted_stamp(stamps.back());  // it would fail every check
      repos.push_back({folders.back(), stamps.back(), dirty});
    }
    if (usable && repos.size() == listing.size() && repos.size() == root_folders.size()) {
      // The file first (written whole, then renamed into place), then the row naming it: a
      // crash in between leaves a file no row names.
      const std::string token = random_hex(16);
      remove_dead_temporaries(snapshot_path(root));
      fs::write_file_atomic(snapshot_path(root),
                            encode_listing_snapshot(token, root_stamp, root_warnings, repos, listing));
      db->prepare("INSERT OR REPLACE INTO listing_snapshot(id, token) VALUES(1, ?1)").bind(1, token).run();
      tx.commit();
    }
    return listing;
  } catch (const Error&) {
    // No write lock within the busy timeout, a read-only index or folder: no snapshot this time.
  }
  return list_repos();
}

}  // namespace hub::cache
