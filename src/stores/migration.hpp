// Internal: ordered schema migrations, shared by the SQLite and PostgreSQL
// stores. Each backend keeps its list; the version applied last is the
// highest row of its schema_version table.
#ifndef AUTHCORE_STORES_MIGRATION_HPP
#define AUTHCORE_STORES_MIGRATION_HPP

#include <iterator>
#include <string>

#include "authcore/result.hpp"

namespace authcore::detail {

struct Migration {
  int version;              ///< 1, 2, 3, ... in order, never reused
  const char* description;  ///< recorded in schema_version
  const char* sql;          ///< one or more statements
};

/// Runs, in order, every migration of `migrations` (sorted by version) newer
/// than `current`, with `run(const Migration&) -> Result<void>`, which also
/// records the version. The caller holds the lock that keeps other processes
/// out. A database newer than the code (`current` above the last version)
/// is refused with store_error: this code cannot know what changed.
template <class Migrations, class Run>
Result<void> apply_pending_migrations(const Migrations& migrations, int current, Run&& run) {
  const int latest = std::end(migrations)[-1].version;
  if (current > latest) {
    return Error{ErrorCode::store_error, "the database schema is at version " + std::to_string(current) +
                                             ", newer than the " + std::to_string(latest) +
                                             " this authcore knows; upgrade authcore"};
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= current) continue;
    if (auto applied = run(migration); !applied) return applied;
  }
  return {};
}

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_MIGRATION_HPP
