// Index: keeping the tables in line with the disk (reconcile, rebuild).
//
// The files are the truth. Each scanned repo records the modification times of its folders;
// a folder's time changes whenever an entry is added, removed or renamed in it, which covers
// every change a download, `hub cache rm` or another tool makes (blobs and links are created by
// rename). So an unchanged repo is proven unchanged by a handful of stat calls and answered
// from the tables; only repos with a differing time are read again.
#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "cache/index.h"
#include "cache/index_impl.h"
#include "cache/stamp_check.h"

namespace hub::cache {
namespace {

std::string_view blob_kind(std::string_view name) {
  if (is_sha256(name)) return "sha256";
  if (is_commit_hash(name)) return "git_sha1";  // 40 lowercase hex, the same shape as a commit
  return "other";
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

struct KnownRepo {
  std::int64_t id = 0;
  bool dirty = false;
  std::string folder;
  std::string stamps;
  bool on_disk = false;
};

}  // namespace

void Index::Impl::store_scan(const ScannedRepo& scan) {
  std::int64_t id = repo_id(scan.repo, false);
  std::int64_t gen = 0;
  {
    auto st = db->prepare("SELECT gen FROM repos WHERE id = ?1");
    st.bind(1, id);
    if (st.step()) gen = st.integer(0) + 1;
  }
  db->prepare(
        "UPDATE repos SET dirty = 0, gen = ?2, size = ?3, blob_count = ?4, last_modified = ?5, "
        "last_accessed = ?6, warnings = ?7, stamps = ?8 WHERE id = ?1")
      .bind(1, id)
      .bind(2, gen)
      .bind(3, static_cast<std::int64_t>(scan.size))
      .bind(4, static_cast<std::int64_t>(scan.blob_count))
      .bind(5, scan.last_modified)
      .bind(6, scan.last_accessed)
      .bind(7, join_lines(scan.warnings))
      .bind(8, encode_stamps(scan.stamps))
      .run();

  for (const auto& [name, commit] : scan.refs)
    db->prepare(
          "INSERT INTO refs(repo_id, name, commit_hash, gen) VALUES(?1, ?2, ?3, ?4) "
          "ON CONFLICT(repo_id, name) DO UPDATE SET commit_hash = excluded.commit_hash, gen = excluded.gen")
        .bind(1, id)
        .bind(2, name)
        .bind(3, commit)
        .bind(4, gen)
        .run();

  // Blobs before files: an unchanged blob (same size and mtime) keeps its verification time.
  for (const auto& b : scan.blobs)
    db->prepare(
          "INSERT INTO blobs(repo_id, name, kind, size, mtime, gen) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
          "ON CONFLICT(repo_id, name) DO UPDATE SET "
          "verified_at = CASE WHEN size = excluded.size AND mtime = excluded.mtime THEN verified_at END, "
          "kind = excluded.kind, size = excluded.size, mtime = excluded.mtime, gen = excluded.gen")
        .bind(1, id)
        .bind(2, b.name)
        .bind(3, blob_kind(b.name))
        .bind(4, static_cast<std::int64_t>(b.size))
        .bind(5, b.mtime)
        .bind(6, gen)
        .run();

  for (const auto& b : scan.incomplete)
    db->prepare(
          "INSERT INTO incomplete(repo_id, name, size, mtime, gen) VALUES(?1, ?2, ?3, ?4, ?5) "
          "ON CONFLICT(repo_id, name) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, gen = excluded.gen")
        .bind(1, id)
        .bind(2, b.name)
        .bind(3, static_cast<std::int64_t>(b.size))
        .bind(4, b.mtime)
        .bind(5, gen)
        .run();

  for (const auto& s : scan.snapshots) {
    db->prepare(
          "INSERT INTO snapshots(repo_id, commit_hash, size, file_count, last_modified, gen) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(repo_id, commit_hash) DO UPDATE SET "
          "size = excluded.size, file_count = excluded.file_count, last_modified = excluded.last_modified, "
          "gen = excluded.gen")
        .bind(1, id)
        .bind(2, s.commit)
        .bind(3, static_cast<std::int64_t>(s.size))
        .bind(4, static_cast<std::int64_t>(s.files.size()))
        .bind(5, s.last_modified)
        .bind(6, gen)
        .run();
    for (const auto& f : s.files) {
      auto st = db->prepare(
          "INSERT INTO files(repo_id, commit_hash, path, blob, size, gen) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
          "ON CONFLICT(repo_id, commit_hash, path) DO UPDATE SET blob = excluded.blob, size = excluded.size, "
          "gen = excluded.gen");
      st.bind(1, id).bind(2, s.commit).bind(3, f.path);
      if (f.blob)
        st.bind(4, *f.blob);
      else
        st.bind_null(4);
      st.bind(5, static_cast<std::int64_t>(f.size)).bind(6, gen).run();
    }
  }

  // Rows the scan did not see are gone from the disk, except what a download recorded while
  // the scan ran (a blob verified or a snapshot used since it started): the folder times
  // changed with it, so the next reconcile rescans and settles them.
  for (const char* table : {"refs", "incomplete", "files"})
    db->prepare(std::string("DELETE FROM ") + table + " WHERE repo_id = ?1 AND gen <> ?2")
        .bind(1, id)
        .bind(2, gen)
        .run();
  db->prepare("DELETE FROM blobs WHERE repo_id = ?1 AND gen <> ?2 AND (verified_at IS NULL OR verified_at < ?3)")
      .bind(1, id)
      .bind(2, gen)
      .bind(3, scan.started_at)
      .run();
  db->prepare("DELETE FROM snapshots WHERE repo_id = ?1 AND gen <> ?2 AND last_used < ?3")
      .bind(1, id)
      .bind(2, gen)
      .bind(3, scan.started_at)
      .run();
}

void Index::reconcile() {
  std::lock_guard lock(impl_->mu);
  impl_->reconcile();
}

void Index::Impl::reconcile() {
  stats = {};
  // The root is listed on another thread while this one reads the tables.
  std::vector<RootEntry> entries;
  std::exception_ptr root_error;
  std::int64_t root_mtime = 0;
  auto list_root = [&] {
    try {
      // The time before the listing (like the repos' stamps): a change while reading moves it.
      const std::int64_t racy_after = now_ns() - kRacyMarginNs;
      root_mtime = dir_mtime_ns(root);
      if (root_mtime >= racy_after) root_mtime = 0;
      entries = read_root(root);
    } catch (...) {
      root_error = std::current_exception();
    }
  };
  std::thread lister;
  try {
    lister = std::thread(list_root);
  } catch (const std::system_error&) {
    list_root();  // no thread to spare: list it here
  }
  struct Joiner {
    std::thread& t;
    ~Joiner() {
      if (t.joinable()) t.join();
    }
  } joiner{lister};
  // Every known repo is checked from its stamps alone, on helper threads that start with the
  // first rows read, while this thread reads the rest and then looks at the root to see which
  // folders are still there and which are new (a vanished folder fails its check and is
  // dropped below, never rescanned, once a stat confirms it is gone: a folder created after the
  // root was read may already have its row). One read transaction: the bound holds for the rows
  // read.
  std::vector<KnownRepo> known;
  std::optional<StampCheck<KnownRepo>> check;
  {
    sql::Transaction snapshot(*db, sql::Transaction::Kind::read);
    // Room for every row: ids start at 1, so the largest bounds the count (and, unlike COUNT(*),
    // costs one B-tree descent).
    // Ids beyond kMaxRows only come from a damaged index: the rows past the reservation are then
    // not read here, their folders look new and are rescanned (slower, still right).
    constexpr std::int64_t kMaxRows = std::int64_t{1} << 22;
    auto max_id = db->prepare("SELECT COALESCE(MAX(id), 0) FROM repos");
    known.reserve(max_id.step() ? static_cast<std::size_t>(std::clamp<std::int64_t>(max_id.integer(0), 0, kMaxRows))
                                : 0);
    check.emplace(root, known);
    auto st = db->prepare("SELECT id, folder, dirty, stamps FROM repos");
    while (known.size() < known.capacity() && st.step()) {
      known.push_back(KnownRepo{st.integer(0), st.integer(2) != 0, st.text(1), st.text(3), false});
      if (known.size() % 64 == 0) check->publish(known.size());
    }
    check->publish(known.size());
    snapshot.commit();
  }
  std::unordered_map<std::string_view, KnownRepo*> by_folder;
  by_folder.reserve(known.size());
  for (auto& k : known) by_folder.emplace(k.folder, &k);

  if (lister.joinable()) lister.join();
  if (root_error) std::rethrow_exception(root_error);
  root_stamp = root_mtime;
  std::vector<std::string> warnings;
  std::vector<RepoFolder> fresh;
  root_folders.clear();
  root_folders.reserve(entries.size());
  for (auto& e : entries) {
    auto it = e.is_dir ? by_folder.find(e.name) : by_folder.end();
    if (it != by_folder.end()) {
      it->second->on_disk = true;
      root_folders.push_back(e.name);
    } else if (auto repo = repo_of_root_entry(e, warnings)) {
      root_folders.push_back(e.name);
      fresh.push_back({std::move(e.name), std::move(*repo)});
    }
  }
  std::sort(root_folders.begin(), root_folders.end());
  root_warnings = std::move(warnings);

  // Decided from stat calls alone, outside any transaction, so that an unchanged cache never
  // takes the write lock.
  std::vector<char> same = check->finish();
  std::int64_t racy_after = now_ns() - kRacyMarginNs;
  std::vector<ScannedRepo> scans;
  std::vector<std::int64_t> vanished;
  for (std::size_t i = 0; i < known.size(); ++i) {
    const KnownRepo& k = known[i];
    if (!k.on_disk && dir_mtime_ns(root / k.folder) < 0) {
      vanished.push_back(k.id);
    } else if (k.on_disk && same[i]) {
      ++stats.unchanged;
    } else if (auto repo = RepoId::from_folder_name(k.folder)) {
      scans.push_back(scan_repo(root, *repo, racy_after));
    }
  }
  for (const auto& f : fresh) scans.push_back(scan_repo(root, f.repo, racy_after));

  stats.scanned = scans.size();
  stats.dropped = vanished.size();
  if (scans.empty() && vanished.empty()) return;

  sql::Transaction tx(*db);
  for (std::int64_t id : vanished) db->prepare("DELETE FROM repos WHERE id = ?1").bind(1, id).run();
  for (const auto& scan : scans) store_scan(scan);
  tx.commit();
}

void Index::rebuild() {
  std::lock_guard lock(impl_->mu);
  auto& db = *impl_->db;

  std::vector<std::string> warnings;
  std::vector<RepoFolder> folders = list_repo_folders(impl_->root, warnings);
  impl_->root_warnings = std::move(warnings);
  std::int64_t racy_after = now_ns() - kRacyMarginNs;
  std::vector<ScannedRepo> scans;
  scans.reserve(folders.size());
  for (const auto& f : folders) scans.push_back(scan_repo(impl_->root, f.repo, racy_after));
  impl_->stats = {.unchanged = 0, .scanned = scans.size(), .dropped = 0};

  sql::Transaction tx(db);
  // What the disk cannot tell: when snapshots were last used, and which are pinned.
  db.exec(
      "CREATE TEMP TABLE IF NOT EXISTS kept_use(folder TEXT, commit_hash TEXT, last_used REAL, pinned INTEGER);"
      "DELETE FROM kept_use;"
      "INSERT INTO kept_use SELECT r.folder, s.commit_hash, s.last_used, s.pinned "
      "  FROM snapshots s JOIN repos r ON r.id = s.repo_id WHERE s.last_used > 0 OR s.pinned;"
      "INSERT INTO kept_use SELECT folder, NULL, last_used, 0 FROM repos WHERE last_used > 0;"
      "DELETE FROM repos;");
  for (const auto& scan : scans) impl_->store_scan(scan);
  db.exec(
      "UPDATE snapshots SET (last_used, pinned) = (SELECT k.last_used, k.pinned FROM kept_use k "
      "  JOIN repos r ON r.folder = k.folder WHERE r.id = snapshots.repo_id AND k.commit_hash = snapshots.commit_hash) "
      "WHERE EXISTS (SELECT 1 FROM kept_use k JOIN repos r ON r.folder = k.folder "
      "  WHERE r.id = snapshots.repo_id AND k.commit_hash = snapshots.commit_hash);"
      "UPDATE repos SET last_used = (SELECT k.last_used FROM kept_use k WHERE k.folder = repos.folder "
      "  AND k.commit_hash IS NULL) "
      "WHERE EXISTS (SELECT 1 FROM kept_use k WHERE k.folder = repos.folder AND k.commit_hash IS NULL);"
      "DELETE FROM kept_use;");
  tx.commit();
}

}  // namespace hub::cache
