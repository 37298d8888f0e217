#include "hangup.hpp"

#include <csignal>
#include <cstdint>
#include <utility>

#include "authcore/clock.hpp"
#include "log_line.hpp"

namespace authcore_server {
namespace {

std::string describe(const authcore::KeyRing& keys) {
  return std::to_string(keys.size()) + (keys.size() == 1 ? " key" : " keys") + ", signing with kid \"" +
         keys.current().kid() + "\"";
}

}  // namespace

HangupHandler::HangupHandler(boost::asio::io_context& io, authcore::Authenticator& auth, std::string keys_file,
                             AuditLog* audit, Metrics& metrics)
    : signals_(io, SIGHUP), auth_(auth), keys_file_(std::move(keys_file)), audit_(audit), metrics_(metrics) {}

void HangupHandler::start() { wait(); }

void HangupHandler::stop() {
  boost::system::error_code ignored;
  signals_.cancel(ignored);
}

void HangupHandler::wait() {
  signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    // The audit log first, so that the outcome of the reload is written to
    // the new file.
    reopen_audit_log();
    reload_keys();
    wait();
  });
}

void HangupHandler::reopen_audit_log() {
  if (audit_ == nullptr) return;
  if (const auto failure = audit_->reopen()) log_line("error: audit: " + *failure);
}

void HangupHandler::reload_keys() {
  if (keys_file_.empty()) return;
  auto keys = authcore::KeyRing::from_file(keys_file_);
  const std::int64_t now = authcore::SystemClock::instance().unix_seconds();
  metrics_.count_key_reload(static_cast<bool>(keys));
  if (!keys) {
    // The message names the file and the line, never a key.
    const std::string reason = keys.error().message + "; the keys in force are kept";
    log_line("error: key: " + reason);
    if (audit_ != nullptr) audit_->record_server_event("keys_reload_failed", reason, now);
    return;
  }
  const std::string summary = describe(*keys);
  auth_.set_keys(std::move(*keys));
  log_line("keys reloaded from '" + keys_file_ + "': " + summary);
  if (audit_ != nullptr) audit_->record_server_event("keys_reloaded", summary, now);
}

}  // namespace authcore_server
