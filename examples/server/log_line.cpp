#include "log_line.hpp"

#include <unistd.h>

#include <string>

namespace authcore_server {

void log_line(std::string_view text) {
  std::string line(text);
  line += '\n';
  (void)::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace authcore_server
