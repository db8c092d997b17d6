#include "cache/index_schema.h"

#include <sqlite3.h>

#include <string>
#include <string_view>

namespace hub::cache {
namespace {

// Version 1. Every row below `repos` belongs to one repo folder and goes with it (ON DELETE
// CASCADE). `gen` is the scan generation that last saw a row: a rescan upserts what it finds
// with a new generation and deletes the rest, so columns the disk does not know (last_used,
// pinned, verified_at) survive rescans.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE repos (
  id            INTEGER PRIMARY KEY,
  folder        TEXT NOT NULL UNIQUE,        -- "models--org--name"
  type          TEXT NOT NULL,               -- model | dataset | space
  name          TEXT NOT NULL,               -- "org/name"
  last_used     REAL NOT NULL DEFAULT 0,     -- last pull or load (Unix seconds, 0 = never)
  dirty         INTEGER NOT NULL DEFAULT 1,  -- written by a download since the last scan
  gen           INTEGER NOT NULL DEFAULT 0,  -- scan generation of its rows (0 = never scanned)
  size          INTEGER NOT NULL DEFAULT 0,  -- summary from the last scan: distinct referenced blobs
  blob_count    INTEGER NOT NULL DEFAULT 0,
  last_modified REAL NOT NULL DEFAULT 0,
  last_accessed REAL NOT NULL DEFAULT 0,
  warnings      TEXT NOT NULL DEFAULT '',    -- newline-separated, from the last scan
  -- Folder modification times seen by the last scan, one "<mtime_ns> <rel>\n" line each
  -- (-1 = absent, 0 = too recent to trust) for blobs/, refs/ and below, snapshots/ and every
  -- folder below it. reconcile() rescans the repo when any differs (cache/stamps.h). Kept in
  -- one column so that checking 10,000 repos reads 10,000 rows.
  stamps        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE refs (
  repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,                 -- path under refs/: "main", "refs/pr/1"
  commit_hash TEXT NOT NULL,
  gen         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (repo_id, name)
) WITHOUT ROWID;

CREATE TABLE snapshots (
  repo_id       INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  commit_hash   TEXT NOT NULL,
  last_used     REAL NOT NULL DEFAULT 0,
  pinned        INTEGER NOT NULL DEFAULT 0,  -- kept by gc (`hub cache pin`)
  size          INTEGER NOT NULL DEFAULT 0,  -- summary from the last scan
  file_count    INTEGER NOT NULL DEFAULT 0,
  last_modified REAL NOT NULL DEFAULT 0,
  gen           INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (repo_id, commit_hash)
) WITHOUT ROWID;

CREATE TABLE files (
  repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  commit_hash TEXT NOT NULL,
  path        TEXT NOT NULL,                 -- path inside the snapshot
  blob        TEXT,                          -- blob name; NULL for a plain file (no symlinks)
  size        INTEGER NOT NULL DEFAULT 0,
  gen         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (repo_id, commit_hash, path)
) WITHOUT ROWID;

CREATE TABLE blobs (
  repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,                 -- sha256 or git sha1 (the etag)
  kind        TEXT NOT NULL,                 -- sha256 | git_sha1 | other
  size        INTEGER NOT NULL,
  mtime       REAL NOT NULL DEFAULT 0,
  verified_at REAL,                          -- last time its bytes matched its name; NULL = never
  last_access REAL NOT NULL DEFAULT 0,
  gen         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (repo_id, name)
) WITHOUT ROWID;
-- Cross-repo dedup: the same content is often cached under several repos.
CREATE INDEX blobs_by_name ON blobs(name, size);

-- blobs/*.incomplete: partial downloads, reported apart from sizes.
CREATE TABLE incomplete (
  repo_id INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  size    INTEGER NOT NULL,
  mtime   REAL NOT NULL DEFAULT 0,
  gen     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (repo_id, name)
) WITHOUT ROWID;
)sql";

// Version 2: ref files are stamped too (cache/stamps.h), so every repo is rescanned once; and the
// listing snapshot (cache/listing_snapshot.h), whose row any write to the tables it is built
// from drops. `blobs` and `files` are not among them: the listing only holds their summaries, kept
// in `repos`.
constexpr const char* kMigrationV2 = R"sql(
UPDATE repos SET stamps = '';

-- The snapshot itself is the file .libhub/listing.bin; this row names the one that matches the
-- tables (the file starts with the same token). No row: no valid snapshot.
CREATE TABLE listing_snapshot (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  token TEXT NOT NULL
);
)sql";

// The listing snapshot's invalidation: one trigger per table and statement kind. An update fires
// only when it changes a column: the id lookups of downloads and `hub cache verify` are upserts
// that leave their repo row as it was, and must not cost the next listing its snapshot.
std::string snapshot_triggers() {
  struct Watched {
    const char* table;
    const char* columns;
  };
  const Watched watched[] = {
      {"repos",
       "folder, type, name, last_used, dirty, gen, size, blob_count, last_modified, last_accessed, warnings, stamps"},
      {"refs", "repo_id, name, commit_hash, gen"},
      {"snapshots", "repo_id, commit_hash, last_used, pinned, size, file_count, last_modified, gen"},
      {"incomplete", "repo_id, name, size, mtime, gen"},
  };
  auto prefixed = [](std::string_view columns, std::string_view prefix) {
    std::string out;
    for (std::size_t begin = 0; begin < columns.size();) {
      std::size_t end = columns.find(", ", begin);
      if (end == std::string_view::npos) end = columns.size();
      if (!out.empty()) out += ", ";
      out.append(prefix).append(columns.substr(begin, end - begin));
      begin = end + 2;
    }
    return out;
  };
  std::string sql;
  for (const auto& w : watched) {
    const std::string table = w.table;
    for (const char* event : {"INSERT", "DELETE"})
      sql += "CREATE TRIGGER " + table + "_" + event + "_drops_listing AFTER " + event + " ON " + table +
             " BEGIN DELETE FROM listing_snapshot; END;\n";
    sql += "CREATE TRIGGER " + table + "_UPDATE_drops_listing AFTER UPDATE ON " + table + " WHEN (" +
           prefixed(w.columns, "OLD.") + ") IS NOT (" + prefixed(w.columns, "NEW.") +
           ") BEGIN DELETE FROM listing_snapshot; END;\n";
  }
  return sql;
}

int user_version(sql::Db& db) {
  auto st = db.prepare("PRAGMA user_version");
  return st.step() ? static_cast<int>(st.integer(0)) : 0;
}

}  // namespace

void open_schema(sql::Db& db) {
  // Several processes may pull at once: wait for the write lock rather than failing.
  db.set_busy_timeout(10000);
  // WAL lets `hub cache ls` read while a pull writes; NORMAL sync is safe with WAL (a crash
  // may lose the last commits, never corrupt the file) and keeps per-file writes cheap. The
  // index can always be rebuilt from the disk.
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA mmap_size = 268435456");

  int version = user_version(db);
  if (version == kIndexSchemaVersion) return;
  if (version > kIndexSchemaVersion)
    throw sql::Failure(SQLITE_ERROR,
                       "cache index " + db.path().string() + " has schema version " + std::to_string(version) +
                           ", newer than this libhub understands (" + std::to_string(kIndexSchemaVersion) + ")",
                       db.path());
  sql::Transaction tx(db);
  // Re-read inside the write lock: another process may have migrated meanwhile.
  version = user_version(db);
  if (version == 0) {
    db.exec(kSchemaV1);
    version = 1;
  }
  if (version == 1) {
    db.exec(kMigrationV2);
    db.exec(snapshot_triggers());
    version = 2;
  }
  // Later migrations go here: if (version == 2) { ...; version = 3; }
  db.exec("PRAGMA user_version = " + std::to_string(version));
  tx.commit();
}

}  // namespace hub::cache
