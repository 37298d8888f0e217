# Install and export rules. Every library of AUTHCORE_LIBRARIES (the core
# and each component built: AuthcoreLibrary.cmake) installs the same way:
#   lib/libauthcore[_<name>].{so.*,a}    the library
#   include/authcore/                    its public and generated headers
#   lib/cmake/authcore/authcore[-<name>]-targets.cmake
#                                        its imported target, one file each,
#                                        so authcoreConfig.cmake loads only
#                                        the components asked for
#   lib/pkgconfig/authcore[-<name>].pc   its pkg-config file
# plus, once, authcoreConfig.cmake, authcoreConfigVersion.cmake and the find
# modules of the private dependencies (for a static consumer). The build
# tree gets the same package files: -Dauthcore_DIR=<build dir> works too.
include(CMakePackageConfigHelpers)

set(AUTHCORE_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/authcore")
set(AUTHCORE_PKG_CONFIG_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
# A static library's private dependencies go on every consumer's link line.
if(BUILD_SHARED_LIBS)
  set(AUTHCORE_CONSUMERS_LINK "PUBLIC")
else()
  set(AUTHCORE_CONSUMERS_LINK "PUBLIC;PRIVATE")
endif()

# The .pc files are relocatable: the prefix is found from where they are.
file(RELATIVE_PATH AUTHCORE_PC_PREFIX_FROM_PCFILEDIR "/${AUTHCORE_PKG_CONFIG_INSTALL_DIR}" "/")
string(REGEX REPLACE "/$" "" AUTHCORE_PC_PREFIX_FROM_PCFILEDIR "${AUTHCORE_PC_PREFIX_FROM_PCFILEDIR}")

# authcore_install_library(<target>): installs and exports one library,
# writes its .pc file, and appends to AUTHCORE_CONFIG_LOAD the block of
# authcoreConfig.cmake that loads it (when it is asked for) and, for a
# component, its name to AUTHCORE_BUILT_COMPONENTS.
function(authcore_install_library target)
  get_target_property(name ${target} EXPORT_NAME)
  if(name STREQUAL "authcore")
    set(package_name authcore)
    set(description "${PROJECT_DESCRIPTION}")
    set(requires "")
  else()
    set(package_name authcore-${name})
    set(description "authcore::${name}: the ${name} UserStore of authcore")
    set(requires authcore)
    list(APPEND AUTHCORE_BUILT_COMPONENTS ${name})
    set(AUTHCORE_BUILT_COMPONENTS "${AUTHCORE_BUILT_COMPONENTS}" PARENT_SCOPE)
  endif()

  install(TARGETS ${target}
    EXPORT ${package_name}-targets
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
    PUBLIC_HEADER DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/authcore")
  install(EXPORT ${package_name}-targets
    NAMESPACE authcore::
    FILE ${package_name}-targets.cmake
    DESTINATION "${AUTHCORE_CMAKE_INSTALL_DIR}")
  export(EXPORT ${package_name}-targets
    NAMESPACE authcore::
    FILE "${PROJECT_BINARY_DIR}/${package_name}-targets.cmake")

  # What a consumer's find_package() finds again: the public dependencies,
  # and for a static library the private ones too.
  set(find_dependency "")
  set(pc_requires ${requires})
  set(pc_libs "")
  foreach(scope IN LISTS AUTHCORE_CONSUMERS_LINK)
    list(APPEND find_dependency ${AUTHCORE_${name}_${scope}_FIND_DEPENDENCY})
    list(APPEND pc_requires ${AUTHCORE_${name}_${scope}_PKG_CONFIG})
    list(APPEND pc_libs ${AUTHCORE_${name}_${scope}_LIBS})
  endforeach()
  list(JOIN find_dependency "\n  " find_dependency)
  string(CONFIGURE [[
if("@name@" IN_LIST _authcore_load)
  @find_dependency@
  include("${CMAKE_CURRENT_LIST_DIR}/@package_name@-targets.cmake")
  set(authcore_@name@_FOUND TRUE)
endif()
]] load @ONLY)
  set(AUTHCORE_CONFIG_LOAD "${AUTHCORE_CONFIG_LOAD}${load}" PARENT_SCOPE)

  # pkg-config: a shared library links its private dependencies itself,
  # and pkg-config needs them only for --static. A static one needs them
  # in Requires/Libs, so that `pkg-config --libs` alone links (and the
  # STATIC_DEFINE of its export header in Cflags).
  set(pc_requires_private "")
  set(pc_libs_private "")
  if(BUILD_SHARED_LIBS)
    set(pc_requires_private ${AUTHCORE_${name}_PRIVATE_PKG_CONFIG})
    set(pc_libs_private ${AUTHCORE_${name}_PRIVATE_LIBS})
  endif()
  get_target_property(definitions ${target} INTERFACE_COMPILE_DEFINITIONS)
  set(pc_cflags "")
  if(definitions)
    list(TRANSFORM definitions PREPEND "-D" OUTPUT_VARIABLE pc_cflags)
  endif()
  list(JOIN pc_requires ", " pc_requires)
  list(JOIN pc_requires_private ", " pc_requires_private)
  foreach(field IN ITEMS pc_libs pc_libs_private pc_cflags)
    list(JOIN ${field} " " ${field})
  endforeach()
  get_target_property(library_name ${target} NAME)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/authcore.pc.in" "${PROJECT_BINARY_DIR}/${package_name}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/${package_name}.pc" DESTINATION "${AUTHCORE_PKG_CONFIG_INSTALL_DIR}")
endfunction()

set(AUTHCORE_CONFIG_LOAD "")
set(AUTHCORE_BUILT_COMPONENTS "")
get_property(libraries GLOBAL PROPERTY AUTHCORE_LIBRARIES)
foreach(library IN LISTS libraries)
  authcore_install_library(${library})
endforeach()

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/authcoreConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/authcoreConfig.cmake"
  INSTALL_DESTINATION "${AUTHCORE_CMAKE_INSTALL_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/authcoreConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
# The find modules of the dependencies CMake has none for, for
# authcoreConfig.cmake's find_dependency() (beside it in both trees).
foreach(module IN ITEMS FindSodium.cmake FindCrypt.cmake)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/${module}" "${PROJECT_BINARY_DIR}/${module}" COPYONLY)
endforeach()
install(FILES
  "${PROJECT_BINARY_DIR}/authcoreConfig.cmake"
  "${PROJECT_BINARY_DIR}/authcoreConfigVersion.cmake"
  "${PROJECT_BINARY_DIR}/FindSodium.cmake"
  "${PROJECT_BINARY_DIR}/FindCrypt.cmake"
  DESTINATION "${AUTHCORE_CMAKE_INSTALL_DIR}")
