#include "cache/sqlite.h"

#include <sqlite3.h>

namespace hub::cache::sql {

Failure::Failure(int sqlite_code, const std::string& message, const std::filesystem::path& db)
    : Error(Errc::io, message, {.path = db.string()}), sqlite_code_(sqlite_code) {}

bool Failure::corrupt() const noexcept {
  int primary = sqlite_code_ & 0xff;
  return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

void DbCloser::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
void StmtFinalizer::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

// --- Db ---

Db::Db(const std::filesystem::path& path) : path_(path) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    throw Failure(rc, "cannot open cache index " + path.string() + ": " + msg, path);
  }
  sqlite3_extended_result_codes(raw, 1);
}

Db::~Db() {
  // Statements must be finalized before the connection closes.
  statements_.clear();
}

void Db::fail(std::string_view what) const {
  int code = sqlite3_extended_errcode(db_.get());
  throw Failure(code, "cache index " + path_.string() + ": " + std::string(what) + ": " + sqlite3_errmsg(db_.get()),
                path_);
}

void Db::exec(std::string_view sql) {
  char* err = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    int code = sqlite3_extended_errcode(db_.get());
    throw Failure(code, "cache index " + path_.string() + ": " + msg, path_);
  }
}

void Db::set_busy_timeout(int milliseconds) {
  if (sqlite3_busy_timeout(db_.get(), milliseconds) != SQLITE_OK) fail("cannot set the busy timeout");
  busy_timeout_ms_ = milliseconds;
}

Stmt Db::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                           nullptr) != SQLITE_OK)
      fail("cannot prepare statement");
    it = statements_.emplace(sql, std::unique_ptr<sqlite3_stmt, StmtFinalizer>(raw)).first;
  }
  return Stmt(*this, it->second.get());
}

std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }
int Db::changes() const { return sqlite3_changes(db_.get()); }

// --- Stmt ---

Stmt::~Stmt() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Stmt& Stmt::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    db_.fail("cannot bind parameter");
  return *this;
}

Stmt& Stmt::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.fail("cannot bind parameter");
  return *this;
}

Stmt& Stmt::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) db_.fail("cannot bind parameter");
  return *this;
}

Stmt& Stmt::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.fail("cannot bind parameter");
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail("statement failed");
}

void Stmt::run() {
  while (step()) {
  }
}

std::string Stmt::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::int64_t Stmt::integer(int column) const { return sqlite3_column_int64(stmt_, column); }
double Stmt::real(int column) const { return sqlite3_column_double(stmt_, column); }
bool Stmt::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

// --- Transaction ---

Transaction::Transaction(Db& db, Kind kind) : db_(db) {
  if (kind == Kind::read) {
    db_.exec("BEGIN");
  } else if (kind == Kind::write) {
    db_.exec("BEGIN IMMEDIATE");
  } else {
    const int waiting = db_.busy_timeout();
    db_.set_busy_timeout(0);
    try {
      db_.exec("BEGIN IMMEDIATE");
    } catch (...) {
      db_.set_busy_timeout(waiting);
      throw;
    }
    db_.set_busy_timeout(waiting);
  }
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace hub::cache::sql
