# Builds authcore's libraries as a packager would and installs them into a
# fresh prefix, then checks the layout (docs/cmake.md). Run by CTest
# (tests/package/CMakeLists.txt):
#   cmake -DSOURCE_DIR=<authcore> -DBINARY_DIR=<build> -DPREFIX=<prefix>
#         -DBUILD_SHARED_LIBS=ON|OFF -DSOVERSION=<major> -DCXX_COMPILER=<c++> -DGENERATOR=<gen>
#         -P tests/package/stage.cmake
# The build directory is kept between runs (an incremental rebuild is
# quick); the prefix is not, so a file no install rule installs any more
# cannot hide behind a stale copy.
cmake_minimum_required(VERSION 3.21)

function(run)
  string(JOIN " " command ${ARGN})
  message(STATUS "stage: ${command}")
  execute_process(COMMAND ${ARGN} COMMAND_ERROR_IS_FATAL ANY)
endfunction()

# Only the libraries, in Release: the test suite, examples, benchmarks and
# docs of this build are the outer build's business. -Werror: a Release
# build's warnings (other optimisations, other diagnostics) count too.
run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}"
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_INSTALL_LIBDIR=lib
    -DBUILD_SHARED_LIBS=${BUILD_SHARED_LIBS}
    -DAUTHCORE_WERROR=ON
    -DAUTHCORE_INSTALL=ON
    -DAUTHCORE_WITH_SQLITE=ON
    -DAUTHCORE_WITH_POSTGRES=ON
    -DAUTHCORE_BUILD_TESTS=OFF
    -DAUTHCORE_BUILD_EXAMPLES=OFF
    -DAUTHCORE_BUILD_BENCHMARKS=OFF
    -DAUTHCORE_BUILD_DOCS=OFF
    -DAUTHCORE_BUILD_FUZZERS=OFF)
run("${CMAKE_COMMAND}" --build "${BINARY_DIR}" --parallel 2)
file(REMOVE_RECURSE "${PREFIX}")
# Installed somewhere else than the configured prefix: the package must be
# relocatable.
run("${CMAKE_COMMAND}" --install "${BINARY_DIR}" --prefix "${PREFIX}")

# Every public header of the source tree is installed (a header missing
# from its library's list in src/ would be neither installed nor
# documented), with the generated ones of every library.
file(GLOB headers RELATIVE "${SOURCE_DIR}/include" "${SOURCE_DIR}/include/authcore/*.hpp")
set(expected
  ${headers}
  authcore/export.hpp authcore/sqlite_export.hpp authcore/postgres_export.hpp authcore/version.hpp)
list(TRANSFORM expected PREPEND "include/")
foreach(package IN ITEMS authcore authcore-sqlite authcore-postgres)
  list(APPEND expected lib/cmake/authcore/${package}-targets.cmake lib/pkgconfig/${package}.pc)
endforeach()
list(APPEND expected
  lib/cmake/authcore/authcoreConfig.cmake lib/cmake/authcore/authcoreConfigVersion.cmake
  lib/cmake/authcore/FindSodium.cmake lib/cmake/authcore/FindCrypt.cmake)
foreach(library IN ITEMS authcore authcore_sqlite authcore_postgres)
  if(BUILD_SHARED_LIBS)
    list(APPEND expected lib/lib${library}.so lib/lib${library}.so.${SOVERSION})
  else()
    list(APPEND expected lib/lib${library}.a)
  endif()
endforeach()
foreach(file IN LISTS expected)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(SEND_ERROR "stage: not installed: ${file}")
  endif()
endforeach()
