// detail::Published, the lock-free read side of Authenticator::set_keys():
// values replaced while read, nested reads that evict each other's cache
// entries, and many threads reading through many replacements.
#include "account/published.hpp"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "support/catch.hpp"

using authcore::detail::Published;

namespace {

// Counts live instances, and fails a check when a read sees a dead one.
struct Tracked {
  static inline std::atomic<int> alive{0};
  int value;
  bool dead = false;
  explicit Tracked(int v) : value(v) { ++alive; }
  ~Tracked() {
    dead = true;
    --alive;
  }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;
};

std::shared_ptr<const Tracked> tracked(int value) { return std::make_shared<const Tracked>(value); }

int read_value(const Published<Tracked>& published) {
  return published.read([](const Tracked& t) { return t.value; });
}

}  // namespace

TEST_CASE("Published reads the value last published", "[published]") {
  Published<Tracked> published(tracked(1));
  CHECK(read_value(published) == 1);
  published.publish(tracked(2));
  CHECK(read_value(published) == 2);
  published.publish(tracked(3));
  published.publish(tracked(4));
  CHECK(read_value(published) == 4);
}

TEST_CASE("a value replaced during a read lives until the read ends", "[published]") {
  Published<Tracked> published(tracked(1));
  published.read([&](const Tracked& outer) {
    published.publish(tracked(2));
    CHECK(read_value(published) == 2);  // refills this thread's entry: the outer value is deferred
    CHECK_FALSE(outer.dead);
    CHECK(outer.value == 1);
    return 0;
  });
  CHECK(read_value(published) == 2);
}

TEST_CASE("nested reads of more objects than a thread caches keep the outer values alive", "[published]") {
  constexpr int kObjects = static_cast<int>(Published<Tracked>::kCacheSize) + 3;
  std::vector<std::unique_ptr<Published<Tracked>>> all;
  for (int i = 0; i < kObjects; ++i) all.push_back(std::make_unique<Published<Tracked>>(tracked(i)));
  all[0]->read([&](const Tracked& first) {
    // Each object is replaced and read back, evicting the cache's entries,
    // the one `first` lives in among them.
    for (int i = 0; i < kObjects; ++i) {
      all[static_cast<std::size_t>(i)]->publish(tracked(100 + i));
      CHECK(read_value(*all[static_cast<std::size_t>(i)]) == 100 + i);
    }
    CHECK_FALSE(first.dead);
    CHECK(first.value == 0);
    return 0;
  });
  all.clear();
  // Every replaced value is gone, the deferred one too; what is left is what
  // this thread's cache holds: the values of the last objects it read.
  CHECK(Tracked::alive.load() == static_cast<int>(Published<Tracked>::kCacheSize));
}

TEST_CASE("threads read while another publishes, and never see a dead or foreign value", "[published][concurrency]") {
  Published<Tracked> published(tracked(0));
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      int last = 0;
      while (!stop.load()) {
        published.read([&](const Tracked& value) {
          // Values only grow: a thread never goes back to an older one.
          if (value.dead || value.value < last) ++bad;
          last = value.value;
          return 0;
        });
        ++reads;
      }
    });
  }
  for (int i = 1; i <= 2000; ++i) {
    published.publish(tracked(i));
    if (i % 100 == 0) std::this_thread::yield();
  }
  // Every reader reads after the last publish, too.
  const long seen = reads.load();
  while (reads.load() < seen + 100) std::this_thread::yield();
  stop = true;
  for (auto& reader : readers) reader.join();
  CHECK(bad.load() == 0);
  CHECK(read_value(published) == 2000);
}
