// Index: opening, the per-file writes of downloads, dedup lookups and the listing query.
// Reconciliation with the disk lives in index_reconcile.cc.
#include "cache/index.h"

#include <sys/stat.h>

#include <algorithm>
#include <unordered_map>

#include "cache/index_impl.h"
#include "cache/index_schema.h"
#include "cache/layout.h"
#include "core/strings.h"

namespace hub::cache {
namespace {

std::string_view hash_kind_name(HashKind kind) { return kind == HashKind::sha256 ? "sha256" : "git_sha1"; }

double file_mtime(const stdfs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) / 1e9;
}

}  // namespace

// --- opening ---

void Index::Impl::open() {
  stdfs::path file = index_path(root);
  std::error_code ec;
  stdfs::create_directories(file.parent_path(), ec);
  if (ec) {
    fallback_reason = "cannot create " + file.parent_path().string() + ": " + ec.message();
  } else {
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        auto candidate = std::make_unique<sql::Db>(file);
        open_schema(*candidate);
        db = std::move(candidate);
        return;
      } catch (const sql::Failure& f) {
        fallback_reason = f.what();
        if (!f.corrupt() || attempt > 0) break;
        // The index only mirrors the disk: keep the bad file for inspection and start over.
        stdfs::path aside = file;
        aside += ".corrupt";
        stdfs::rename(file, aside, ec);
        for (const char* suffix : {"-wal", "-shm"}) {
          stdfs::path side = file;
          side += suffix;
          stdfs::remove(side, ec);
        }
      }
    }
  }
  persistent = false;
  db = std::make_unique<sql::Db>(":memory:");
  open_schema(*db);
}

Index::Index(const stdfs::path& root) : impl_(std::make_unique<Impl>()) {
  impl_->root = root;
  impl_->open();
}

Index::~Index() = default;

bool Index::persistent() const noexcept { return impl_->persistent; }

ReconcileStats Index::last_reconcile() {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

std::int64_t Index::Impl::repo_id(const RepoId& repo, bool touch_dirty) {
  auto st = db->prepare(
      "INSERT INTO repos(folder, type, name) VALUES(?1, ?2, ?3) "
      "ON CONFLICT(folder) DO UPDATE SET dirty = MAX(dirty, ?4) RETURNING id");
  st.bind(1, repo.folder_name()).bind(2, to_string(repo.type)).bind(3, repo.name);
  st.bind(4, std::int64_t{touch_dirty ? 1 : 0});
  if (!st.step()) db->fail("cannot insert repo " + repo.folder_name());
  return st.integer(0);
}

// --- writes from downloads: one short transaction each ---

void Index::record_blob(const RepoId& repo, std::string_view name, HashKind kind, std::uint64_t size,
                        double verified_at) {
  std::lock_guard lock(impl_->mu);
  auto& db = *impl_->db;
  // The mtime lets a later rescan tell this very file from a replacement (and keep verified_at).
  double mtime = file_mtime(blob_path(impl_->root, repo, name));
  sql::Transaction tx(db);
  std::int64_t id = impl_->repo_id(repo, true);
  auto st = db.prepare(
      "INSERT INTO blobs(repo_id, name, kind, size, mtime, verified_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
      "ON CONFLICT(repo_id, name) DO UPDATE SET kind = excluded.kind, size = excluded.size, "
      "mtime = excluded.mtime, verified_at = excluded.verified_at");
  st.bind(1, id).bind(2, name).bind(3, hash_kind_name(kind)).bind(4, static_cast<std::int64_t>(size)).bind(5, mtime);
  if (verified_at > 0)
    st.bind(6, verified_at);
  else
    st.bind_null(6);
  st.run();
  tx.commit();
}

void Index::record_file(const RepoId& repo, std::string_view commit, std::string_view path, std::string_view blob) {
  std::lock_guard lock(impl_->mu);
  auto& db = *impl_->db;
  sql::Transaction tx(db);
  std::int64_t id = impl_->repo_id(repo, true);
  db.prepare("INSERT OR IGNORE INTO snapshots(repo_id, commit_hash) VALUES(?1, ?2)").bind(1, id).bind(2, commit).run();
  auto st = db.prepare(
      "INSERT INTO files(repo_id, commit_hash, path, blob, size) "
      "VALUES(?1, ?2, ?3, ?4, COALESCE((SELECT size FROM blobs WHERE repo_id = ?1 AND name = ?4), 0)) "
      "ON CONFLICT(repo_id, commit_hash, path) DO UPDATE SET blob = excluded.blob, size = excluded.size");
  st.bind(1, id).bind(2, commit).bind(3, path).bind(4, blob).run();
  tx.commit();
}

void Index::record_ref(const RepoId& repo, std::string_view name, std::string_view commit) {
  std::lock_guard lock(impl_->mu);
  auto& db = *impl_->db;
  sql::Transaction tx(db);
  std::int64_t id = impl_->repo_id(repo, true);
  db.prepare(
        "INSERT INTO refs(repo_id, name, commit_hash) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(repo_id, name) DO UPDATE SET commit_hash = excluded.commit_hash")
      .bind(1, id)
      .bind(2, name)
      .bind(3, commit)
      .run();
  tx.commit();
}

void Index::touch_snapshot(const RepoId& repo, std::string_view commit, double when) {
  std::lock_guard lock(impl_->mu);
  auto& db = *impl_->db;
  sql::Transaction tx(db);
  std::int64_t id = impl_->repo_id(repo, false);
  db.prepare(
        "INSERT INTO snapshots(repo_id, commit_hash, last_used) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(repo_id, commit_hash) DO UPDATE SET last_used = MAX(last_used, excluded.last_used)")
      .bind(1, id)
      .bind(2, commit)
      .bind(3, when)
      .run();
  db.prepare("UPDATE repos SET last_used = MAX(last_used, ?2) WHERE id = ?1").bind(1, id).bind(2, when).run();
  db.prepare(
        "UPDATE blobs SET last_access = MAX(last_access, ?3) WHERE repo_id = ?1 AND name IN "
        "(SELECT blob FROM files WHERE repo_id = ?1 AND commit_hash = ?2 AND blob IS NOT NULL)")
      .bind(1, id)
      .bind(2, commit)
      .bind(3, when)
      .run();
  tx.commit();
}

void Index::record_verified(const RepoId& repo, std::string_view name, std::uint64_t size, double when) {
  std::lock_guard lock(impl_->mu);
  auto& db = *impl_->db;
  double mtime = file_mtime(blob_path(impl_->root, repo, name));
  sql::Transaction tx(db);
  std::int64_t id = impl_->repo_id(repo, false);
  auto st = db.prepare(
      "INSERT INTO blobs(repo_id, name, kind, size, mtime, verified_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
      "ON CONFLICT(repo_id, name) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, "
      "verified_at = excluded.verified_at");
  std::string_view kind = name.size() == 64 ? "sha256" : "git_sha1";
  st.bind(1, id).bind(2, name).bind(3, kind).bind(4, static_cast<std::int64_t>(size)).bind(5, mtime).bind(6, when);
  st.run();
  tx.commit();
}

// --- dedup ---

std::optional<stdfs::path> Index::find_blob_elsewhere(const RepoId& repo, std::string_view name, std::uint64_t size) {
  std::vector<std::string> folders;
  {
    std::lock_guard lock(impl_->mu);
    // Only verified copies: linking an unchecked file would spread corruption to another repo.
    auto st = impl_->db->prepare(
        "SELECT r.folder FROM blobs b JOIN repos r ON r.id = b.repo_id "
        "WHERE b.name = ?1 AND b.size = ?2 AND r.folder <> ?3 AND b.verified_at IS NOT NULL "
        "ORDER BY b.verified_at DESC");
    st.bind(1, name).bind(2, static_cast<std::int64_t>(size)).bind(3, repo.folder_name());
    while (st.step()) folders.push_back(st.text(0));
  }
  // The disk is the truth: the index may be stale, so check the file really is there.
  for (const auto& folder : folders) {
    stdfs::path candidate = impl_->root / folder / "blobs" / std::string(name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) == size)
      return candidate;
  }
  return std::nullopt;
}

// --- forgetting ---

void Index::forget_repo(const RepoId& repo) {
  std::lock_guard lock(impl_->mu);
  impl_->db->prepare("DELETE FROM repos WHERE folder = ?1").bind(1, repo.folder_name()).run();
}

void Index::forget_snapshot(const RepoId& repo, std::string_view commit) {
  std::lock_guard lock(impl_->mu);
  auto& db = *impl_->db;
  sql::Transaction tx(db);
  std::int64_t id = impl_->repo_id(repo, true);
  for (const char* sql : {"DELETE FROM snapshots WHERE repo_id = ?1 AND commit_hash = ?2",
                          "DELETE FROM files WHERE repo_id = ?1 AND commit_hash = ?2",
                          "DELETE FROM refs WHERE repo_id = ?1 AND commit_hash = ?2"})
    db.prepare(sql).bind(1, id).bind(2, commit).run();
  tx.commit();
}

void Index::forget_blob(const RepoId& repo, std::string_view name) {
  std::lock_guard lock(impl_->mu);
  auto& db = *impl_->db;
  sql::Transaction tx(db);
  std::int64_t id = impl_->repo_id(repo, true);
  db.prepare("DELETE FROM blobs WHERE repo_id = ?1 AND name = ?2").bind(1, id).bind(2, name).run();
  tx.commit();
}

void Index::mark_dirty(const RepoId& repo) {
  std::lock_guard lock(impl_->mu);
  impl_->db->prepare("UPDATE repos SET dirty = 1 WHERE folder = ?1").bind(1, repo.folder_name()).run();
}

bool Index::set_pinned(const RepoId& repo, std::string_view commit, bool pinned) {
  std::lock_guard lock(impl_->mu);
  auto& db = *impl_->db;
  db.prepare(
        "UPDATE snapshots SET pinned = ?3 WHERE commit_hash = ?2 AND "
        "repo_id = (SELECT id FROM repos WHERE folder = ?1)")
      .bind(1, repo.folder_name())
      .bind(2, commit)
      .bind(3, std::int64_t{pinned ? 1 : 0})
      .run();
  return db.changes() > 0;
}

bool Index::is_pinned(const RepoId& repo, std::string_view commit) {
  std::lock_guard lock(impl_->mu);
  auto st = impl_->db->prepare(
      "SELECT pinned FROM snapshots WHERE commit_hash = ?2 AND repo_id = (SELECT id FROM repos WHERE folder = ?1)");
  st.bind(1, repo.folder_name()).bind(2, commit);
  return st.step() && st.integer(0) != 0;
}

std::vector<Index::SnapshotUse> Index::snapshot_uses() {
  std::lock_guard lock(impl_->mu);
  std::vector<SnapshotUse> out;
  auto st = impl_->db->prepare(
      "SELECT r.folder, f.commit_hash, COALESCE(f.blob, f.commit_hash || '/' || f.path), MAX(f.size) "
      "FROM files f JOIN repos r ON r.id = f.repo_id "
      "GROUP BY f.repo_id, f.commit_hash, COALESCE(f.blob, f.commit_hash || '/' || f.path)");
  while (st.step()) out.push_back({st.text(0), st.text(1), st.text(2), static_cast<std::uint64_t>(st.integer(3))});
  return out;
}

std::vector<std::string> Index::warnings() {
  std::lock_guard lock(impl_->mu);
  std::vector<std::string> out = impl_->root_warnings;
  if (!impl_->persistent) out.push_back("cache index kept in memory only: " + impl_->fallback_reason);
  return out;
}

// --- listing ---

std::vector<CachedRepo> Index::list_repos() {
  std::lock_guard lock(impl_->mu);
  return impl_->list_repos();
}

std::vector<CachedRepo> Index::Impl::list_repos() {
  std::vector<CachedRepo> out;
  // Repo row id -> position in `out`. Row ids are small and dense (SQLite hands out max + 1), so
  // a vector indexed by id, kNone where the id has no row; ids beyond kDenseIds (only a damaged
  // index would have them) go to a map.
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  constexpr std::int64_t kDenseIds = std::int64_t{1} << 22;
  std::vector<std::size_t> slot;
  std::unordered_map<std::int64_t, std::size_t> sparse_slot;
  {
    // MAX of the row id is one B-tree descent (COUNT(*) reads every page); ids start at 1, so it
    // also bounds the number of rows.
    auto st = db->prepare("SELECT COALESCE(MAX(id), 0) FROM repos");
    const std::int64_t max_id = st.step() ? std::clamp<std::int64_t>(st.integer(0), 0, kDenseIds) : 0;
    out.reserve(static_cast<std::size_t>(max_id));
    slot.assign(static_cast<std::size_t>(max_id) + 1, kNone);
  }
  auto set_slot = [&](std::int64_t id, std::size_t at) {
    if (id >= 0 && static_cast<std::size_t>(id) < slot.size())
      slot[static_cast<std::size_t>(id)] = at;
    else
      sparse_slot[id] = at;
  };
  auto slot_of = [&](std::int64_t id) {
    if (id >= 0 && static_cast<std::size_t>(id) < slot.size()) return slot[static_cast<std::size_t>(id)];
    auto it = sparse_slot.find(id);
    return it == sparse_slot.end() ? kNone : it->second;
  };
  const std::string prefix = root.string() + "/";
  {
    auto st = db->prepare(
        "SELECT id, folder, type, name, last_used, size, blob_count, last_modified, last_accessed, warnings "
        "FROM repos");  // in row order (a scan); sorted by folder below
    while (st.step()) {
      CachedRepo r;
      std::string type = st.text(2);
      // Rows are only ever written from valid folder names; the type column is one of three.
      r.repo.type = type == "dataset" ? RepoType::dataset : type == "space" ? RepoType::space : RepoType::model;
      r.repo.name = st.text(3);
      r.path = prefix + st.text(1);
      r.last_used = st.real(4);
      r.size = static_cast<std::uint64_t>(st.integer(5));
      r.blobs = static_cast<std::size_t>(st.integer(6));
      r.last_modified = st.real(7);
      r.last_accessed = st.real(8);
      std::string warnings = st.text(9);
      if (!warnings.empty()) r.warnings = split(warnings, '\n');
      set_slot(st.integer(0), out.size());
      out.push_back(std::move(r));
    }
  }
  {
    auto st = db->prepare(
        "SELECT repo_id, commit_hash, size, file_count, last_modified, last_used, pinned FROM snapshots "
        "ORDER BY repo_id, commit_hash");
    while (st.step()) {
      const std::size_t at = slot_of(st.integer(0));
      if (at == kNone) continue;
      CachedRevision rev;
      rev.commit = st.text(1);
      rev.size = static_cast<std::uint64_t>(st.integer(2));
      rev.files = static_cast<std::size_t>(st.integer(3));
      rev.last_modified = st.real(4);
      rev.last_used = st.real(5);
      rev.pinned = st.integer(6) != 0;
      auto& repo = out[at];
      repo.last_used = std::max(repo.last_used, rev.last_used);
      repo.revisions.push_back(std::move(rev));
    }
  }
  {
    auto st = db->prepare("SELECT repo_id, name, commit_hash FROM refs ORDER BY repo_id, name");
    while (st.step()) {
      const std::size_t at = slot_of(st.integer(0));
      if (at == kNone) continue;
      std::string commit = st.text(2);
      // A ref to a missing snapshot has no revision to attach to (the scan warned about it).
      for (auto& rev : out[at].revisions)
        if (rev.commit == commit) rev.refs.push_back(st.text(1));
    }
  }
  {
    auto st = db->prepare("SELECT repo_id, name, size, mtime FROM incomplete ORDER BY repo_id, name");
    while (st.step()) {
      const std::size_t at = slot_of(st.integer(0));
      if (at == kNone) continue;
      out[at].incomplete.push_back({st.text(1), static_cast<std::uint64_t>(st.integer(2)), st.real(3)});
    }
  }
  // By folder name, as the cache root lists them (repo type, then org and name). Rows usually
  // come in that order already (a rebuild stores folders sorted, ids grow): checking is one pass.
  const auto by_folder = [](const CachedRepo& a, const CachedRepo& b) { return a.path.native() < b.path.native(); };
  if (!std::is_sorted(out.begin(), out.end(), by_folder)) std::sort(out.begin(), out.end(), by_folder);
  return out;
}

}  // namespace hub::cache
