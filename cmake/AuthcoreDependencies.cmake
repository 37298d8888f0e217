# authcore_find_dependency(<library> PUBLIC|PRIVATE <find_package arguments>...
#                          [PKG_CONFIG <module>...] [LIBS <flag>...])
#
# Finds a dependency of <library> (`authcore` for the core, or a component:
# `sqlite`, `postgres`) with find_package(... REQUIRED), and records it so
# that the installed package asks for the same thing again: authcoreConfig.cmake
# repeats the call as find_dependency(), and the library's .pc file names
# the pkg-config <module>s (or, for a dependency without one, the <flag>s).
# One call per dependency keeps the build, the CMake package and pkg-config
# from drifting apart (AuthcoreInstall.cmake reads the records).
#
# PUBLIC: the public headers use it, every consumer needs it. PRIVATE: only
# the library's code does; consumers need it only to link a static build.
#
# A macro, not a function, so that find_package's result variables stay in
# the caller's scope as if it had been called directly.
macro(authcore_find_dependency library scope)
  cmake_parse_arguments(_authcore_dependency "" "" "PKG_CONFIG;LIBS" ${ARGN})
  find_package(${_authcore_dependency_UNPARSED_ARGUMENTS} REQUIRED)
  list(JOIN _authcore_dependency_UNPARSED_ARGUMENTS " " _authcore_dependency_call)
  list(APPEND AUTHCORE_${library}_${scope}_FIND_DEPENDENCY "find_dependency(${_authcore_dependency_call})")
  list(APPEND AUTHCORE_${library}_${scope}_PKG_CONFIG ${_authcore_dependency_PKG_CONFIG})
  list(APPEND AUTHCORE_${library}_${scope}_LIBS ${_authcore_dependency_LIBS})
  unset(_authcore_dependency_call)
endmacro()
