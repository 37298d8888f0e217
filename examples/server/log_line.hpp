// authcore-server's own messages on stderr (reloads, purges, failures).
#ifndef AUTHCORE_SERVER_LOG_LINE_HPP
#define AUTHCORE_SERVER_LOG_LINE_HPP

#include <string_view>

namespace authcore_server {

/// Writes `text` and a newline to stderr in one write(2), so that lines
/// from concurrent threads, the request log's among them, stay whole.
void log_line(std::string_view text);

}  // namespace authcore_server

#endif
