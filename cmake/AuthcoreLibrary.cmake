# authcore_library(<target> <name> <header>...): what every library
# authcore installs has in common, the core (name `authcore`) and each store
# component (name `sqlite`, `postgres`):
#   - the alias authcore::<name> (the name the installed package exports);
#   - a generated export header, authcore/export.hpp for the core and
#     authcore/<name>_export.hpp for a component, whose macros are
#     AUTHCORE_API / AUTHCORE_<NAME>_API. A static library has empty ones,
#     and <MACRO>_STATIC_DEFINE is a PUBLIC definition so that consumers
#     see the same (CMake and pkg-config consumers alike);
#   - VERSION, and SOVERSION the major version, matching the package's
#     SameMajorVersion compatibility: a release that breaks the ABI bumps it;
#   - PUBLIC_HEADER: the <header>s of include/authcore/ this library owns
#     plus its generated ones. AuthcoreInstall.cmake installs exactly these,
#     so a component that is not built leaves no dangling header behind.
# The target is recorded in the global property AUTHCORE_LIBRARIES.
include(GenerateExportHeader)

set(AUTHCORE_GENERATED_INCLUDE_DIR "${PROJECT_BINARY_DIR}/include")

function(authcore_library target name)
  if(name STREQUAL "authcore")
    set(macro AUTHCORE)
    set(export_header "authcore/export.hpp")
  else()
    string(TOUPPER "AUTHCORE_${name}" macro)
    set(export_header "authcore/${name}_export.hpp")
  endif()
  add_library(authcore::${name} ALIAS ${target})

  generate_export_header(${target}
    BASE_NAME ${macro}
    EXPORT_MACRO_NAME ${macro}_API
    EXPORT_FILE_NAME "${AUTHCORE_GENERATED_INCLUDE_DIR}/${export_header}")
  if(NOT BUILD_SHARED_LIBS)
    target_compile_definitions(${target} PUBLIC ${macro}_STATIC_DEFINE)
  endif()

  list(TRANSFORM ARGN PREPEND "${PROJECT_SOURCE_DIR}/include/authcore/")
  set_target_properties(${target} PROPERTIES
    EXPORT_NAME ${name}
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR}
    PUBLIC_HEADER "${ARGN};${AUTHCORE_GENERATED_INCLUDE_DIR}/${export_header}")
  authcore_set_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY AUTHCORE_LIBRARIES ${target})
endfunction()
