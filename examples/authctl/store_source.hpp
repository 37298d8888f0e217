// authctl/store_source.hpp: the user database of the `user` and `sessions`
// commands, from --db or AUTHCORE_DB (docs/authctl.md, DATABASE).
#ifndef AUTHCTL_STORE_SOURCE_HPP
#define AUTHCTL_STORE_SOURCE_HPP

#include <memory>
#include <optional>
#include <string>

#include <authcore/user_store.hpp>

namespace authctl {

/// The environment variable naming the database when no --db is given.
inline constexpr const char* kDatabaseVariable = "AUTHCORE_DB";

/// The database authcore-server uses by default.
inline constexpr const char* kDefaultDatabase = "auth.db";

/// Opens the store at `db` (a postgresql:// or postgres:// URL, else an
/// SQLite file), else at $AUTHCORE_DB, else auth.db; the schema is
/// brought up to date as authcore-server does. Throws the Failure of the
/// store's error (exit 2, e.g. `error: store_unavailable: ...`).
std::unique_ptr<authcore::UserStore> open_store(const std::optional<std::string>& db);

}  // namespace authctl

#endif  // AUTHCTL_STORE_SOURCE_HPP
