# cmake -DCOMPILER=<c++> -DSOURCE=<file> -DCLASS=<name> [-DINCLUDES=a|b]
#       [-DDEFINITIONS=X|Y=1] [-DOPTIONS=-f|-g] -P check_compile_fail.cmake
#
# Compiles SOURCE (syntax only) with the library's usage requirements
# ('|'-separated lists) and passes when the compiler reports exactly one
# error, on the line marked "// must not compile", about a deleted member of
# authcore::CLASS. The file also holds the same code with a lasting clock:
# as any other error fails the test, that control must compile, and a
# missing include, a typo or a wrong path cannot pass for the refusal.
foreach(required COMPILER SOURCE CLASS)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "check_compile_fail.cmake: ${required} is not set")
  endif()
endforeach()

# The marked line's number.
set(marker "// must not compile")
file(READ "${SOURCE}" text)
string(FIND "${text}" "${marker}" offset)
string(FIND "${text}" "${marker}" last_offset REVERSE)
if(offset EQUAL -1 OR NOT offset EQUAL last_offset)
  message(FATAL_ERROR "${SOURCE} must mark exactly one line with \"${marker}\"")
endif()
string(SUBSTRING "${text}" 0 ${offset} before_marker)
string(REGEX MATCHALL "\n" line_breaks "${before_marker}")
list(LENGTH line_breaks marked_line)
math(EXPR marked_line "${marked_line} + 1")

set(flags -std=c++17 -fsyntax-only)
string(REPLACE "|" ";" includes "${INCLUDES}")
foreach(directory IN LISTS includes)
  list(APPEND flags "-I${directory}")
endforeach()
string(REPLACE "|" ";" definitions "${DEFINITIONS}")
foreach(definition IN LISTS definitions)
  list(APPEND flags "-D${definition}")
endforeach()
string(REPLACE "|" ";" options "${OPTIONS}")
list(APPEND flags ${options})

execute_process(
  COMMAND "${COMPILER}" ${flags} "${SOURCE}"
  RESULT_VARIABLE status
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(status EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiles, but line ${marked_line} binds a temporary clock to a kept reference")
endif()

# One list element per error line (a ';' in a message must not split one).
string(REPLACE ";" "," diagnostics "${output}")
string(REGEX MATCHALL "[^\n]*error:[^\n]*" errors "${diagnostics}")
list(LENGTH errors error_count)
set(first_error "")
if(error_count GREATER 0)
  list(GET errors 0 first_error)
endif()
string(FIND "${first_error}" "${SOURCE}:${marked_line}:" location)
# GCC: "use of deleted function 'authcore::C::C(...)'"; Clang: "call to
# deleted constructor of 'const authcore::C'".
if(NOT error_count EQUAL 1 OR NOT location EQUAL 0 OR NOT first_error MATCHES "deleted[^\n]*authcore::${CLASS}")
  message(FATAL_ERROR "Expected exactly one error, on ${SOURCE}:${marked_line}, about a deleted member of "
                      "authcore::${CLASS}; the compiler said:\n${output}")
endif()
message(STATUS "${SOURCE}:${marked_line}: refused (${first_error}); the lasting clock compiles")
