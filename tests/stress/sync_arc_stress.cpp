// Stress: Arc/Weak reference counting under contention. Every value is
// destroyed exactly once, never while an Arc to it exists; Weak::upgrade
// races the last drop and, once it has failed, never succeeds again.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <optional>

#include "fearless/sync/arc.hpp"
#include "fearless/sync/barrier.hpp"
#include "fearless/thread.hpp"
#include "stress_common.hpp"

namespace {

using fearless::sync::Arc;
using fearless::sync::Barrier;
using fearless::sync::Weak;
using fearless_stress::scaled;

struct Counted {
  std::atomic<std::uint64_t>* destroyed;
  std::uint64_t magic = 0xfeed;
  explicit Counted(std::atomic<std::uint64_t>* d) : destroyed(d) {}
  Counted(const Counted&) = delete;
  ~Counted() {
    magic = 0;
    destroyed->fetch_add(1);
  }
};

TEST(ArcStress, ClonesAndDropsDestroyOnce) {
  const std::size_t rounds = scaled(2000, 20), threads = 4, clones = 64;
  std::atomic<std::uint64_t> destroyed{0}, bad{0};
  for (std::size_t r = 0; r < rounds; ++r) {
    std::optional<Arc<Counted>> root(Arc<Counted>::make(&destroyed));
    Weak<Counted> weak = root->downgrade();
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      for (std::size_t t = 0; t < threads; ++t) {
        s.spawn([&bad, &weak, mine = *root] {
          for (std::size_t i = 0; i < clones; ++i) {
            Arc<Counted> c = mine.clone();
            if (c->magic != 0xfeed) bad.fetch_add(1);
            auto up = weak.upgrade();  // we hold `mine`: must succeed
            if (!up || (*up)->magic != 0xfeed) bad.fetch_add(1);
          }
        });
      }
      root.reset();  // the threads may now hold the only references
    });
    ASSERT_EQ(destroyed.load(), r + 1);
    ASSERT_FALSE(weak.upgrade().has_value());
  }
  EXPECT_EQ(bad.load(), 0u);
}

TEST(ArcStress, UpgradeRacesTheLastDrop) {
  const std::size_t rounds = scaled(5000, 50);
  std::atomic<std::uint64_t> destroyed{0}, bad{0}, upgraded{0};
  for (std::size_t r = 0; r < rounds; ++r) {
    std::optional<Arc<Counted>> last(Arc<Counted>::make(&destroyed));
    Weak<Counted> weak = last->downgrade();
    Barrier go(2);
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      s.spawn([&] {
        (void)go.wait();
        last.reset();
      });
      s.spawn([&] {
        (void)go.wait();
        bool failed_once = false;
        for (int i = 0; i < 64; ++i) {
          auto up = weak.upgrade();
          if (up) {
            if (failed_once || (*up)->magic != 0xfeed) bad.fetch_add(1);
            upgraded.fetch_add(1, std::memory_order_relaxed);
          } else {
            failed_once = true;
          }
        }
      });
    });
    ASSERT_EQ(destroyed.load(), r + 1);
  }
  EXPECT_EQ(bad.load(), 0u);
}

}  // namespace
