# authcore_set_warnings(<target>): the project's warning set, PRIVATE so that
# consumers never inherit it; -Werror only when AUTHCORE_WERROR is on.
function(authcore_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
      -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual -Wnull-dereference
      -Wimplicit-fallthrough -Wformat=2)
    if(AUTHCORE_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
