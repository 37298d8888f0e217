#include "authcore/login_throttle.hpp"

#include <algorithm>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "detail/throttle_policy.hpp"

namespace authcore {

LoginThrottle::~LoginThrottle() = default;

using detail::client_key;
using detail::ThrottleRecord;
using detail::username_key;

class InMemoryLoginThrottle::Impl {
 public:
  explicit Impl(LoginThrottleOptions options) : options_(options) {}

  std::chrono::seconds check(std::string_view username, std::string_view client, Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    auto wait = wait_for(username_key(username), now);
    if (!client.empty()) wait = std::max(wait, wait_for(client_key(client), now));
    return wait;
  }

  void record_failure(std::string_view username, std::string_view client, Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    fail(username_key(username), now);
    if (!client.empty()) fail(client_key(client), now);
  }

  void record_success(std::string_view username, Clock::time_point) {
    const std::lock_guard lock(mutex_);
    records_.erase(username_key(username));
  }

 private:
  std::chrono::seconds wait_for(const std::string& name, Clock::time_point now) const {
    const auto found = records_.find(name);
    return found == records_.end() ? std::chrono::seconds{0}
                                   : detail::whole_seconds_until(found->second.locked_until, now);
  }

  void fail(const std::string& name, Clock::time_point now) {
    if (records_.size() >= options_.max_tracked && records_.find(name) == records_.end()) make_room(now);
    detail::count_failure(records_[name], now, options_);
  }

  // Drops every record that neither locks nor remembers anything any more;
  // if that frees nothing, the older half goes.
  void make_room(Clock::time_point now) {
    for (auto it = records_.begin(); it != records_.end();) {
      it = detail::is_stale(it->second, now, options_) ? records_.erase(it) : std::next(it);
    }
    if (records_.size() < options_.max_tracked) return;
    std::vector<Clock::time_point> ages;
    ages.reserve(records_.size());
    for (const auto& [name, record] : records_) ages.push_back(record.last_failure);
    const auto middle = ages.begin() + static_cast<std::ptrdiff_t>(ages.size() / 2);
    std::nth_element(ages.begin(), middle, ages.end());
    const auto cutoff = *middle;
    for (auto it = records_.begin(); it != records_.end();) {
      it = it->second.last_failure <= cutoff ? records_.erase(it) : std::next(it);
    }
  }

  const LoginThrottleOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, ThrottleRecord> records_;
};

InMemoryLoginThrottle::InMemoryLoginThrottle(LoginThrottleOptions options) : impl_(std::make_unique<Impl>(options)) {}

InMemoryLoginThrottle::~InMemoryLoginThrottle() = default;

std::chrono::seconds InMemoryLoginThrottle::check(std::string_view username, std::string_view client,
                                                  Clock::time_point now) {
  return impl_->check(username, client, now);
}

void InMemoryLoginThrottle::record_failure(std::string_view username, std::string_view client, Clock::time_point now) {
  impl_->record_failure(username, client, now);
}

void InMemoryLoginThrottle::record_success(std::string_view username, std::string_view, Clock::time_point now) {
  impl_->record_success(username, now);
}

}  // namespace authcore
