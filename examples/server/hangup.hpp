// What SIGHUP does (docs/operations.md): the audit log is reopened (log
// rotation) and the keys file read again (key rotation), without dropping a
// connection or a session.
#ifndef AUTHCORE_SERVER_HANGUP_HPP
#define AUTHCORE_SERVER_HANGUP_HPP

#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "audit_log.hpp"
#include "authcore/authenticator.hpp"
#include "metrics.hpp"

namespace authcore_server {

/// Handles SIGHUP on an io_context thread, every time it comes until stop():
///  1. the audit log (when there is one) is reopened by name, so that after
///     logrotate renamed the file, new lines go to a new one;
///  2. the keys file (when there is one) is read again with
///     authcore::KeyRing::from_file() and handed to Authenticator::set_keys().
///     A file that does not serve (unreadable, a bad line, readable by
///     others) changes nothing: the keys in force stay, and the reason goes
///     to stderr and the audit log (`keys_reload_failed`).
/// Each outcome is a stderr line, an audit line and a count in /metrics.
class HangupHandler {
 public:
  /// `audit` may be null (no --audit-log), `keys_file` empty (no
  /// --keys-file). Everything must outlive the handler.
  HangupHandler(boost::asio::io_context& io, authcore::Authenticator& auth, std::string keys_file, AuditLog* audit,
                Metrics& metrics);

  /// Starts waiting for SIGHUP.
  void start();
  /// Stops waiting; a SIGHUP after this does nothing.
  void stop();

 private:
  void wait();
  void reopen_audit_log();
  void reload_keys();

  boost::asio::signal_set signals_;
  authcore::Authenticator& auth_;
  const std::string keys_file_;
  AuditLog* audit_;
  Metrics& metrics_;
};

}  // namespace authcore_server

#endif
