// authcore/scope.hpp: OAuth 2.0 scopes (RFC 6749 §3.3) as sets of names.
#ifndef AUTHCORE_SCOPE_HPP
#define AUTHCORE_SCOPE_HPP

#include <set>
#include <string>
#include <string_view>

#include "authcore/export.hpp"

namespace authcore {

/// A set of OAuth 2.0 scope names (RFC 6749 §3.3).
using ScopeSet = std::set<std::string>;

/// The names of a space-separated `scope` value (RFC 6749 §3.3), as a
/// client sends it in `scope=me+admin`; repeated spaces are skipped, so ""
/// is the empty set.
AUTHCORE_API ScopeSet parse_scope(std::string_view scope);

/// The space-separated, sorted form of `scopes`, as a `scope` value.
AUTHCORE_API std::string scope_string(const ScopeSet& scopes);

}  // namespace authcore

#endif  // AUTHCORE_SCOPE_HPP
