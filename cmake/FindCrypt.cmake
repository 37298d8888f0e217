# FindCrypt: locates libxcrypt (Debian libcrypt-dev) and defines the imported
# target Crypt::Crypt. authcore needs its crypt_rn() to verify legacy bcrypt
# hashes; the older glibc libcrypt lacks it, hence the symbol check.
#
# Result variables: Crypt_FOUND, Crypt_VERSION (when pkg-config knows it).
# pkg-config (module libxcrypt) is used only as a hint.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_Crypt QUIET libxcrypt)
endif()

find_path(Crypt_INCLUDE_DIR crypt.h HINTS ${PC_Crypt_INCLUDEDIR} ${PC_Crypt_INCLUDE_DIRS})
find_library(Crypt_LIBRARY NAMES crypt HINTS ${PC_Crypt_LIBDIR} ${PC_Crypt_LIBRARY_DIRS})
set(Crypt_VERSION "${PC_Crypt_VERSION}")

if(Crypt_INCLUDE_DIR AND Crypt_LIBRARY)
  include(CheckSymbolExists)
  include(CMakePushCheckState)
  cmake_push_check_state(RESET)
  set(CMAKE_REQUIRED_INCLUDES "${Crypt_INCLUDE_DIR}")
  set(CMAKE_REQUIRED_LIBRARIES "${Crypt_LIBRARY}")
  set(CMAKE_REQUIRED_QUIET ON)
  check_symbol_exists(crypt_rn "crypt.h" Crypt_HAS_CRYPT_RN)
  cmake_pop_check_state()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Crypt
  REQUIRED_VARS Crypt_LIBRARY Crypt_INCLUDE_DIR Crypt_HAS_CRYPT_RN
  VERSION_VAR Crypt_VERSION)

if(Crypt_FOUND AND NOT TARGET Crypt::Crypt)
  add_library(Crypt::Crypt UNKNOWN IMPORTED)
  set_target_properties(Crypt::Crypt PROPERTIES
    IMPORTED_LOCATION "${Crypt_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Crypt_INCLUDE_DIR}")
endif()
mark_as_advanced(Crypt_INCLUDE_DIR Crypt_LIBRARY)
