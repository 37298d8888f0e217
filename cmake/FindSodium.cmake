# FindSodium: locates libsodium and defines the imported target Sodium::Sodium.
#
# Result variables: Sodium_FOUND, Sodium_VERSION, Sodium_INCLUDE_DIRS, Sodium_LIBRARIES.
# Honours Sodium_USE_STATIC_LIBS to prefer libsodium.a. pkg-config is used only
# as a hint, so the module also works where pkg-config is absent.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_Sodium QUIET libsodium)
endif()

find_path(Sodium_INCLUDE_DIR sodium.h HINTS ${PC_Sodium_INCLUDEDIR} ${PC_Sodium_INCLUDE_DIRS})
if(Sodium_USE_STATIC_LIBS)
  set(_sodium_names libsodium.a sodium)
else()
  set(_sodium_names sodium)
endif()
find_library(Sodium_LIBRARY NAMES ${_sodium_names} HINTS ${PC_Sodium_LIBDIR} ${PC_Sodium_LIBRARY_DIRS})
unset(_sodium_names)

if(Sodium_INCLUDE_DIR AND EXISTS "${Sodium_INCLUDE_DIR}/sodium/version.h")
  file(STRINGS "${Sodium_INCLUDE_DIR}/sodium/version.h" _sodium_version_line
       REGEX "^#define SODIUM_VERSION_STRING \"[^\"]+\"")
  string(REGEX REPLACE ".*\"([^\"]+)\".*" "\\1" Sodium_VERSION "${_sodium_version_line}")
  unset(_sodium_version_line)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Sodium
  REQUIRED_VARS Sodium_LIBRARY Sodium_INCLUDE_DIR
  VERSION_VAR Sodium_VERSION)

if(Sodium_FOUND)
  set(Sodium_INCLUDE_DIRS "${Sodium_INCLUDE_DIR}")
  set(Sodium_LIBRARIES "${Sodium_LIBRARY}")
  if(NOT TARGET Sodium::Sodium)
    add_library(Sodium::Sodium UNKNOWN IMPORTED)
    set_target_properties(Sodium::Sodium PROPERTIES
      IMPORTED_LOCATION "${Sodium_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${Sodium_INCLUDE_DIR}")
  endif()
endif()
mark_as_advanced(Sodium_INCLUDE_DIR Sodium_LIBRARY)
