#include "authcore/scope.hpp"

#include "detail/ascii_names.hpp"

namespace authcore {

ScopeSet parse_scope(std::string_view scope) { return detail::split_names(scope); }

std::string scope_string(const ScopeSet& scopes) { return detail::join_names(scopes); }

}  // namespace authcore
