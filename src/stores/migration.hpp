// Internal: ordered schema migrations, shared by the SQLite and PostgreSQL
// stores. Each backend keeps its list; the versions applied are the rows
// of its schema_version table.
#ifndef AUTHCORE_STORES_MIGRATION_HPP
#define AUTHCORE_STORES_MIGRATION_HPP

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "authcore/result.hpp"

namespace authcore::detail {

struct Migration {
  int version;              ///< 1, 2, 3, ... in order, never reused
  const char* description;  ///< recorded in schema_version
  const char* sql;          ///< one or more statements
};

/// The backend's SQL for the schema_version table (static storage).
struct MigrationStatements {
  const char* create_version_table;  ///< if it does not exist: (version, description)
  const char* current_version;       ///< the highest version, 0 when none
  const char* record_version;        ///< (version, description)
};

/// A migration that the data refuses (a unique index over rows that are
/// not unique) is no conflict of the caller's: the database needs
/// attention, so store_error, naming the migration. Store failures keep
/// their code (store_busy is worth a retry).
inline Error migration_failed(const Migration& migration, Error error) {
  if (error.code == ErrorCode::conflict || error.code == ErrorCode::not_found) error.code = ErrorCode::store_error;
  error.message = "schema migration " + std::to_string(migration.version) + " (" + migration.description +
                  ") failed, nothing was changed: " + error.message;
  return error;
}

/// Runs, in order, every migration of `migrations` (sorted by version) that
/// `db` has not recorded yet, and records it. The caller holds a
/// transaction and the lock that keeps other processes out, so that the
/// check and the changes are one step. A database newer than the code is
/// refused with store_error: this code cannot know what changed.
/// `Connection` is as for SqlUserStore, plus execute_script(sql).
template <class Connection, class Migrations>
Result<void> apply_pending_migrations(Connection& db, const Migrations& migrations, const MigrationStatements& sql) {
  if (auto created = db.execute_script(sql.create_version_table); !created) return created;
  std::int64_t current = 0;
  {
    auto version = db.query(sql.current_version);
    if (!version) return version.error();
    if (auto row = version->step(); !row) return row.error();
    current = version->integer(0);
  }
  const int latest = std::end(migrations)[-1].version;
  if (current > latest) {
    return Error{ErrorCode::store_error, "the database schema is at version " + std::to_string(current) +
                                             ", newer than the " + std::to_string(latest) +
                                             " this authcore knows; upgrade authcore"};
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= current) continue;
    if (auto ran = db.execute_script(migration.sql); !ran) return migration_failed(migration, ran.error());
    const auto recorded =
        db.change(sql.record_version, std::int64_t{migration.version}, std::string_view(migration.description));
    if (!recorded) return recorded.error();
  }
  return {};
}

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_MIGRATION_HPP
