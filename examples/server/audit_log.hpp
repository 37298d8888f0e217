// The audit log (--audit-log FILE|-): every security event of the
// Authenticator, and the server's own (key reloads), as one JSON line each
// (docs/security.md, "Audit log").
#ifndef AUTHCORE_SERVER_AUDIT_LOG_HPP
#define AUTHCORE_SERVER_AUDIT_LOG_HPP

#include <atomic>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "authcore/authenticator.hpp"

namespace authcore_server {

/// Writes JSON lines such as
/// `{"time":"2026-01-31T12:00:00Z","kind":"refresh_reuse","username":"alice","client":"10.0.0.7","session_id":"..."}`:
/// the time in RFC 3339 UTC, the SecurityEventKind's name, the username as
/// presented, the client address and the session id (null when there is
/// none). A SecurityEvent carries no password, token or hash, so no line
/// does. Each line goes out in one write(2) to a descriptor opened with
/// O_APPEND, so lines from concurrent threads (and processes sharing the
/// file) never interleave. Thread-safe.
class AuditLog {
 public:
  /// Opens `target` for appending, creating it with mode 0600 (the lines
  /// name users and their addresses); "-" is standard output. Throws
  /// std::system_error naming the file when it cannot be opened.
  explicit AuditLog(std::string target);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  /// One line for `event`.
  void record(const authcore::SecurityEvent& event);
  /// One line for an event of the server itself: `{"time","kind","detail"}`,
  /// `at` in Unix seconds.
  void record_server_event(std::string_view kind, std::string_view detail, std::int64_t at);

  /// Opens the file again by its name (after logrotate renamed it) and
  /// writes there from now on; standard output stays as it is. When it
  /// cannot be opened, the old file stays in use and the reason is
  /// returned.
  std::optional<std::string> reopen();

 private:
  void write_line(std::string line);

  const std::string target_;
  std::shared_mutex descriptor_mutex_;  // writers share it; reopen() takes it alone
  int descriptor_ = -1;
  std::atomic<bool> failing_{false};  // the last write failed (reported once per streak)
};

/// `unix_seconds` as RFC 3339 UTC, e.g. "2026-01-31T12:00:00Z".
std::string rfc3339_utc(std::int64_t unix_seconds);

}  // namespace authcore_server

#endif
