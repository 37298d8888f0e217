// Internal: a value every request reads and that is replaced rarely (the
// Authenticator's keys, on a key rotation), shared between threads without
// a lock or a shared write on the read path.
#ifndef AUTHCORE_ACCOUNT_PUBLISHED_HPP
#define AUTHCORE_ACCOUNT_PUBLISHED_HPP

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace authcore::detail {

/// Holds a std::shared_ptr<const T> that publish() replaces and read() reads.
///
/// Each thread keeps the values it last read, with the generation they had,
/// in a small cache of its own. So read() costs one atomic load of a
/// generation that only publish() writes, and a scan of kCacheSize entries;
/// it takes the mutex only when publish() was called since this thread last
/// read this object, or when the thread meets the object for the first time.
/// A shared_ptr copy per read would instead write the same reference count
/// from every thread (a cache line bouncing between cores on every request),
/// and std::atomic_load on a shared_ptr takes a lock in libstdc++.
///
/// The price: a thread's cache keeps the last value it read from each of up
/// to kCacheSize objects alive, also once publish() replaced it or the
/// object is gone, until that thread reads a value in its place or ends.
template <class T>
class Published {
 public:
  /// The most objects of this type whose values one thread keeps at once.
  static constexpr std::size_t kCacheSize = 4;

  explicit Published(std::shared_ptr<const T> value) : value_(std::move(value)) {}
  Published(const Published&) = delete;
  Published& operator=(const Published&) = delete;

  /// Replaces the value: every read() that starts after this returns sees
  /// `value`; those already running finish with the one they had.
  void publish(std::shared_ptr<const T> value) {
    std::shared_ptr<const T> replaced;
    {
      const std::lock_guard lock(mutex_);
      replaced = std::exchange(value_, std::move(value));
      generation_.fetch_add(1, std::memory_order_release);
    }
  }

  /// Returns `fn(value)` for the value in force. The value stays alive while
  /// `fn` runs, even if publish() replaces it meanwhile or `fn` itself reads
  /// other Published objects.
  template <class Fn>
  decltype(auto) read(Fn&& fn) const {
    Cache& cache = thread_cache();
    const Scope scope(cache);
    const T& value = current(cache);
    return std::forward<Fn>(fn)(value);
  }

 private:
  struct Entry {
    std::uint64_t owner = 0;  // the Published's id_; 0: free
    std::uint64_t generation = 0;
    std::shared_ptr<const T> value;
  };

  struct Cache {
    std::array<Entry, kCacheSize> entries;
    std::size_t next_victim = 0;  // entries are replaced in turn
    unsigned depth = 0;           // read() calls running on this thread
    // Values replaced in the cache while an enclosing read() may still use
    // them: released when the outermost read() ends.
    std::vector<std::shared_ptr<const T>> deferred;
  };

  class Scope {
   public:
    explicit Scope(Cache& cache) noexcept : cache_(cache) { ++cache_.depth; }
    ~Scope() {
      if (--cache_.depth == 0 && !cache_.deferred.empty()) cache_.deferred.clear();
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Cache& cache_;
  };

  static Cache& thread_cache() {
    thread_local Cache cache;
    return cache;
  }

  // This object's value in the thread's cache: the fast path is a load of
  // the generation and a scan of the entries.
  const T& current(Cache& cache) const {
    const std::uint64_t generation = generation_.load(std::memory_order_acquire);
    for (const auto& entry : cache.entries) {
      if (entry.owner == id_ && entry.generation == generation) return *entry.value;
    }
    return *refill(cache).value;
  }

  // After a publish(), or the first read on this thread: this object's
  // entry, or else the next one in turn, takes the value in force.
  Entry& refill(Cache& cache) const {
    Entry* entry = nullptr;
    for (auto& candidate : cache.entries) {
      if (candidate.owner == id_) entry = &candidate;
    }
    if (entry == nullptr) entry = &cache.entries[cache.next_victim++ % kCacheSize];
    std::shared_ptr<const T> replaced;
    {
      const std::lock_guard lock(mutex_);
      replaced = std::exchange(entry->value, value_);
      entry->generation = generation_.load(std::memory_order_relaxed);
    }
    entry->owner = id_;
    // An enclosing read() on this thread may be using the replaced value.
    if (replaced && cache.depth > 1) cache.deferred.push_back(std::move(replaced));
    return *entry;
  }

  // Never reused, so a cache entry of a destroyed object matches no other.
  inline static std::atomic<std::uint64_t> next_id_{1};

  const std::uint64_t id_ = next_id_.fetch_add(1, std::memory_order_relaxed);
  std::atomic<std::uint64_t> generation_{1};
  mutable std::mutex mutex_;
  std::shared_ptr<const T> value_;  // guarded by mutex_
};

}  // namespace authcore::detail

#endif
