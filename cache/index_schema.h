// The cache index schema and its migrations (internal). The schema version lives in
// `PRAGMA user_version`; each migration moves the database one version up inside a transaction.
#pragma once

#include "cache/sqlite.h"

namespace hub::cache {

// The version migrate() brings a database to.
inline constexpr int kIndexSchemaVersion = 2;

// Sets the connection pragmas (WAL, busy timeout, foreign keys) and migrates the schema to
// kIndexSchemaVersion. A database from a newer libhub (higher user_version) is refused with
// Errc::io rather than guessed at.
void open_schema(sql::Db& db);

}  // namespace hub::cache
