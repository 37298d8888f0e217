// Internal: what PostgresUserStore and PostgresLoginThrottle share about
// their database: the checks of where to connect, and the schema's
// migrations (both use tables of one schema).
#ifndef AUTHCORE_STORES_POSTGRES_SCHEMA_HPP
#define AUTHCORE_STORES_POSTGRES_SCHEMA_HPP

#include <string>

#include "authcore/result.hpp"
#include "stores/postgres_database.hpp"

namespace authcore::detail {

/// invalid_argument when `conninfo` does not parse or `schema` is not a
/// usable schema name.
Result<void> check_postgres_target(const std::string& conninfo, const std::string& schema);

/// Creates `schema` when missing and brings it up to date, once however
/// many instances start together (docs/stores.md lists the migrations).
Result<void> migrate_postgres_schema(PostgresConnection& db, const std::string& schema);

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_POSTGRES_SCHEMA_HPP
