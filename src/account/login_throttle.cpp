#include "authcore/login_throttle.hpp"

#include <algorithm>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace authcore {

LoginThrottle::~LoginThrottle() = default;

namespace {

struct Record {
  std::uint32_t failures = 0;
  Clock::time_point last_failure{};
  Clock::time_point locked_until{};
};

// Keys of the two kinds live in one map, told apart by a prefix byte that
// cannot start a username or an address.
std::string key(char kind, std::string_view value) {
  std::string text(1, kind);
  text += value;
  return text;
}

std::chrono::seconds whole_seconds_until(Clock::time_point until, Clock::time_point now) {
  if (until <= now) return std::chrono::seconds{0};
  return std::chrono::ceil<std::chrono::seconds>(until - now);
}

}  // namespace

class InMemoryLoginThrottle::Impl {
 public:
  explicit Impl(LoginThrottleOptions options) : options_(options) {}

  std::chrono::seconds check(std::string_view username, std::string_view client, Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    auto wait = wait_for(key('u', username), now);
    if (!client.empty()) wait = std::max(wait, wait_for(key('c', client), now));
    return wait;
  }

  void record_failure(std::string_view username, std::string_view client, Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    fail(key('u', username), now);
    if (!client.empty()) fail(key('c', client), now);
  }

  void record_success(std::string_view username, Clock::time_point) {
    const std::lock_guard lock(mutex_);
    records_.erase(key('u', username));
  }

 private:
  std::chrono::seconds wait_for(const std::string& name, Clock::time_point now) const {
    const auto found = records_.find(name);
    return found == records_.end() ? std::chrono::seconds{0} : whole_seconds_until(found->second.locked_until, now);
  }

  void fail(const std::string& name, Clock::time_point now) {
    if (records_.size() >= options_.max_tracked && records_.find(name) == records_.end()) make_room(now);
    Record& record = records_[name];
    if (now - record.last_failure > options_.forget_after) record.failures = 0;
    ++record.failures;
    record.last_failure = now;
    if (record.failures > options_.free_attempts) record.locked_until = now + delay_after(record.failures);
  }

  // base_delay × 2^(failures beyond the free ones − 1), capped.
  std::chrono::seconds delay_after(std::uint32_t failures) const {
    const std::uint32_t doublings = failures - options_.free_attempts - 1;
    constexpr std::uint32_t kMaxDoublings = 30;  // 2^30 s is past any sane cap
    const auto delay = options_.base_delay * (std::int64_t{1} << std::min(doublings, kMaxDoublings));
    return std::min(delay, options_.max_delay);
  }

  // Drops every record that neither locks nor remembers anything any more;
  // if that frees nothing, the older half goes.
  void make_room(Clock::time_point now) {
    for (auto it = records_.begin(); it != records_.end();) {
      const bool stale = it->second.locked_until <= now && now - it->second.last_failure > options_.forget_after;
      it = stale ? records_.erase(it) : std::next(it);
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
  std::unordered_map<std::string, Record> records_;
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
