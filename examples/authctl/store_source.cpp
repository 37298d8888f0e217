#include "store_source.hpp"

#include <cstdlib>
#include <utility>

#ifdef AUTHCTL_WITH_POSTGRES
#include <authcore/postgres_user_store.hpp>
#endif
#ifdef AUTHCTL_WITH_SQLITE
#include <authcore/sqlite_user_store.hpp>
#endif

#include "failure.hpp"

namespace authctl {
namespace {

bool is_postgres_url(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

// The store, or the Failure of its error.
template <class Store>
std::unique_ptr<authcore::UserStore> opened(authcore::Result<std::unique_ptr<Store>> store) {
  if (!store) throw failure_from(store.error(), kind::usage);
  return std::move(*store);
}

#if !defined(AUTHCTL_WITH_POSTGRES) || !defined(AUTHCTL_WITH_SQLITE)
// An authcore installed without a store component still builds authctl;
// only the commands that need that database refuse.
Failure not_built_with(const char* database) {
  return Failure(kind::usage, std::string("this authctl was built without ") + database + " support");
}
#endif

}  // namespace

std::unique_ptr<authcore::UserStore> open_store(const std::optional<std::string>& db) {
  const char* from_environment = std::getenv(kDatabaseVariable);
  const std::string target = db ? *db : from_environment != nullptr ? from_environment : kDefaultDatabase;
  // SQLite would open an empty name as a private temporary database, and
  // every change would vanish with it.
  if (target.empty())
    throw Failure(kind::usage, std::string("the database (--db or ") + kDatabaseVariable + ") is empty");
  if (is_postgres_url(target)) {
#ifdef AUTHCTL_WITH_POSTGRES
    return opened(authcore::PostgresUserStore::open(target));
#else
    throw not_built_with("PostgreSQL");
#endif
  }
#ifdef AUTHCTL_WITH_SQLITE
  return opened(authcore::SqliteUserStore::open(target));
#else
  throw not_built_with("SQLite");
#endif
}

}  // namespace authctl
