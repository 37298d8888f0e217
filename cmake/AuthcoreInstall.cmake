# Install and export rules: headers, the library, lib/cmake/authcore/ (config,
# version, targets, FindSodium) and a build-tree export, so that
# find_package(authcore CONFIG) works from an install prefix or a build dir.
include(CMakePackageConfigHelpers)

set(AUTHCORE_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/authcore")

install(TARGETS authcore
  EXPORT authcoreTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/authcore" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(FILES "${PROJECT_BINARY_DIR}/include/authcore/export.hpp" "${PROJECT_BINARY_DIR}/include/authcore/version.hpp"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/authcore")

install(EXPORT authcoreTargets NAMESPACE authcore:: DESTINATION "${AUTHCORE_CMAKE_INSTALL_DIR}")
export(EXPORT authcoreTargets NAMESPACE authcore:: FILE "${PROJECT_BINARY_DIR}/authcoreTargets.cmake")

if(BUILD_SHARED_LIBS)
  set(AUTHCORE_BUILT_SHARED ON)
else()
  set(AUTHCORE_BUILT_SHARED OFF)
endif()
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/authcoreConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/authcoreConfig.cmake"
  INSTALL_DESTINATION "${AUTHCORE_CMAKE_INSTALL_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/authcoreConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
# The build tree is a usable package too (-Dauthcore_DIR=<build dir>).
configure_file("${PROJECT_SOURCE_DIR}/cmake/FindSodium.cmake" "${PROJECT_BINARY_DIR}/FindSodium.cmake" COPYONLY)
install(FILES
  "${PROJECT_BINARY_DIR}/authcoreConfig.cmake"
  "${PROJECT_BINARY_DIR}/authcoreConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/FindSodium.cmake"
  DESTINATION "${AUTHCORE_CMAKE_INSTALL_DIR}")

# pkg-config. A static libauthcore.a needs its dependencies on every link
# line, so they go in Requires/Libs; a shared one links them itself.
set(AUTHCORE_PC_DEPENDENCIES "libsodium libcrypto")
set(AUTHCORE_PC_SYSTEM_LIBS "-pthread")
if(AUTHCORE_BUILT_SHARED)
  set(AUTHCORE_PC_REQUIRES "")
  set(AUTHCORE_PC_REQUIRES_PRIVATE "${AUTHCORE_PC_DEPENDENCIES}")
  set(AUTHCORE_PC_LIBS "")
  set(AUTHCORE_PC_LIBS_PRIVATE "${AUTHCORE_PC_SYSTEM_LIBS}")
  set(AUTHCORE_PC_CFLAGS "")
else()
  set(AUTHCORE_PC_REQUIRES "${AUTHCORE_PC_DEPENDENCIES}")
  set(AUTHCORE_PC_REQUIRES_PRIVATE "")
  set(AUTHCORE_PC_LIBS "${AUTHCORE_PC_SYSTEM_LIBS}")
  set(AUTHCORE_PC_LIBS_PRIVATE "")
  set(AUTHCORE_PC_CFLAGS "-DAUTHCORE_STATIC_DEFINE")
endif()
file(RELATIVE_PATH AUTHCORE_PC_PREFIX_FROM_PCFILEDIR "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" AUTHCORE_PC_PREFIX_FROM_PCFILEDIR "${AUTHCORE_PC_PREFIX_FROM_PCFILEDIR}")
configure_file("${PROJECT_SOURCE_DIR}/cmake/authcore.pc.in" "${PROJECT_BINARY_DIR}/authcore.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/authcore.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
