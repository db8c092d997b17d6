// A thin RAII layer over the SQLite C API for the cache index (internal): a connection that owns
// its prepared statements, statements that reset themselves, and transactions that roll back
// unless committed. Every failure throws sql::Failure (a hub::Error, Errc::io) naming the file.
//
// Not thread-safe: the Index serializes every use behind its own mutex.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hub/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hub::cache::sql {

struct DbCloser {
  void operator()(sqlite3* db) const noexcept;
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept;
};

class Db;

// A prepared statement in use: bind, step, read columns. Resets and clears its bindings when
// destroyed so that the cached statement can be reused by the next caller.
class Stmt {
 public:
  Stmt(Db& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Parameters are 1-based, as in SQLite.
  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, double value);
  Stmt& bind_null(int index);

  // True while a row is available; false when the statement is done.
  bool step();
  // Runs a statement that returns no rows (or whose rows are ignored).
  void run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

 private:
  Db& db_;
  sqlite3_stmt* stmt_;
};

class Db {
 public:
  // Opens or creates the database file. `path` ":memory:" gives a private in-memory database.
  explicit Db(const std::filesystem::path& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements without results (schema, pragmas).
  void exec(std::string_view sql);
  // A statement prepared once and cached for the life of the connection.
  Stmt prepare(const std::string& sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;
  // How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
  void set_busy_timeout(int milliseconds);
  int busy_timeout() const noexcept { return busy_timeout_ms_; }

  // Throws Errc::io with the connection's last error message, naming the database.
  [[noreturn]] void fail(std::string_view what) const;
  const std::filesystem::path& path() const noexcept { return path_; }
  sqlite3* handle() const noexcept { return db_.get(); }

 private:
  std::filesystem::path path_;
  std::unique_ptr<sqlite3, DbCloser> db_;
  int busy_timeout_ms_ = 0;
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, StmtFinalizer>> statements_;
};

// BEGIN IMMEDIATE (take the write lock up front, so two writers never deadlock upgrading a read
// lock) ... COMMIT; rolls back in the destructor unless commit() ran. A read transaction (plain
// BEGIN, for statements that must see one snapshot) takes no write lock. `write_if_free` takes
// the write lock only if no other connection holds it (SQLITE_BUSY otherwise, at once): for
// optional writes that must not wait behind a long one.
class Transaction {
 public:
  enum class Kind { write, read, write_if_free };
  explicit Transaction(Db& db, Kind kind = Kind::write);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

// What this layer throws: a hub::Error (Errc::io) that also keeps SQLite's result code, so the
// index can tell a corrupt file (worth moving aside and rebuilding) from a busy or full disk.
class Failure : public Error {
 public:
  Failure(int sqlite_code, const std::string& message, const std::filesystem::path& db);
  int sqlite_code() const noexcept { return sqlite_code_; }
  // SQLITE_NOTADB or SQLITE_CORRUPT: the file is not a usable database.
  bool corrupt() const noexcept;

 private:
  int sqlite_code_;
};

}  // namespace hub::cache::sql
