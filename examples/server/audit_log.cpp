#include "audit_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <mutex>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "log_line.hpp"

namespace authcore_server {
namespace {

bool is_standard_output(const std::string& target) { return target == "-"; }

int open_for_appending(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
}

nlohmann::ordered_json text_or_null(std::string_view text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(std::string(text));
}

// One line of JSON. A username that failed to log in is what the client
// sent, possibly not UTF-8: such bytes become U+FFFD rather than an
// exception or a broken line.
std::string json_line(const nlohmann::ordered_json& object) {
  return object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string rfc3339_utc(std::int64_t unix_seconds) {
  const std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  ::gmtime_r(&time, &utc);
  char text[32];
  const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text, length);
}

AuditLog::AuditLog(std::string target) : target_(std::move(target)) {
  descriptor_ = is_standard_output(target_) ? STDOUT_FILENO : open_for_appending(target_);
  if (descriptor_ < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot open audit log '" + target_ + "'");
  }
}

AuditLog::~AuditLog() {
  if (descriptor_ != STDOUT_FILENO) ::close(descriptor_);
}

void AuditLog::record(const authcore::SecurityEvent& event) {
  nlohmann::ordered_json line;
  line["time"] = rfc3339_utc(event.at);
  line["kind"] = std::string(authcore::to_string(event.kind));
  line["username"] = std::string(event.username);
  line["client"] = text_or_null(event.client);
  line["session_id"] = text_or_null(event.session_id);
  write_line(json_line(line));
}

void AuditLog::record_server_event(std::string_view kind, std::string_view detail, std::int64_t at) {
  nlohmann::ordered_json line;
  line["time"] = rfc3339_utc(at);
  line["kind"] = std::string(kind);
  line["detail"] = std::string(detail);
  write_line(json_line(line));
}

std::optional<std::string> AuditLog::reopen() {
  if (is_standard_output(target_)) return std::nullopt;
  const int fresh = open_for_appending(target_);
  if (fresh < 0) {
    return "cannot reopen audit log '" + target_ + "': " + std::error_code(errno, std::generic_category()).message();
  }
  int old = fresh;
  {
    const std::unique_lock lock(descriptor_mutex_);
    std::swap(old, descriptor_);
  }
  ::close(old);
  return std::nullopt;
}

// The shared lock keeps reopen() from closing the descriptor under a write
// (its number could be reused by another file meanwhile).
void AuditLog::write_line(std::string line) {
  ssize_t written = 0;
  int error = 0;
  {
    const std::shared_lock lock(descriptor_mutex_);
    written = ::write(descriptor_, line.data(), line.size());
    error = errno;
  }
  const bool failed = written != static_cast<ssize_t>(line.size());
  if (failed && !failing_.exchange(true)) {
    log_line("error: audit: cannot write to '" + target_ + "': " +
             (written < 0 ? std::error_code(error, std::generic_category()).message() : std::string("short write")));
  }
  if (!failed) failing_.store(false);
}

}  // namespace authcore_server
