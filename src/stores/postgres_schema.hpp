// Internal: how PostgresUserStore and PostgresLoginThrottle reach their
// database. Both keep tables in one schema, so both start the same way:
// the target checked, a first connection, the schema's migrations.
#ifndef AUTHCORE_STORES_POSTGRES_SCHEMA_HPP
#define AUTHCORE_STORES_POSTGRES_SCHEMA_HPP

#include <functional>
#include <memory>
#include <string>

#include "authcore/postgres_user_store.hpp"
#include "authcore/result.hpp"
#include "stores/postgres_database.hpp"

namespace authcore::detail {

/// Opens one more connection to the prepared target, in its schema.
using PostgresOpener = std::function<Result<std::unique_ptr<PostgresConnection>>()>;

struct PostgresStart {
  PostgresOpener open_connection;
  std::unique_ptr<PostgresConnection> first;  ///< already through the migrations
};

/// invalid_argument when `conninfo` does not parse or `options.schema` is
/// not a usable schema name. Otherwise opens a first connection, creates
/// the schema when missing and brings it up to date, once however many
/// instances start together (docs/stores.md lists the migrations).
Result<PostgresStart> start_postgres(const std::string& conninfo, const PostgresUserStoreOptions& options);

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_POSTGRES_SCHEMA_HPP
