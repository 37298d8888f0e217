# The sources of the service without its sockets (the library
# authcore_server_core here, and the fuzz target's copy in tests/fuzz, built
# with the fuzzer's flags).
set(AUTHCORE_SERVER_CORE_SOURCES
  "${CMAKE_CURRENT_LIST_DIR}/openapi.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/operations.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/client_address.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/cors.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/metrics.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/profile_cache.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/prometheus_text.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/replies.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/request_decoding.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/responder.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/route_table.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/service.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/swagger_ui.cpp")
