// Faults: the OS refusing a thread. Builder::spawn and spawn_scoped return the
// error; the callable and its captures are destroyed exactly once; no thread
// runs; the scope stays consistent; thread::spawn panics. Refusals come from
// detail::inject_spawn_error and from real pthread_create failures (a stack
// too large to map).
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <system_error>

#include "fearless/thread.hpp"
#include "stress_common.hpp"

namespace {

using fearless_stress::scaled;

// Counts live instances; copies and moves included.
struct Witness {
  static inline std::atomic<int> live{0};
  static inline std::atomic<int> ran{0};
  Witness() { live.fetch_add(1); }
  Witness(const Witness&) { live.fetch_add(1); }
  Witness(Witness&&) noexcept { live.fetch_add(1); }
  ~Witness() { live.fetch_sub(1); }
  void operator()() const { ran.fetch_add(1); }
};

struct InjectGuard {
  explicit InjectGuard(int e) { fearless::detail::inject_spawn_error.store(e); }
  ~InjectGuard() { fearless::detail::inject_spawn_error.store(0); }
};

TEST(SpawnFaults, BuilderReturnsInjectedErrorAndDestroysTheCallable) {
  const std::size_t rounds = scaled(2000, 20);
  for (int err : {EAGAIN, ENOMEM, EPERM}) {
    InjectGuard g(err);
    for (std::size_t i = 0; i < rounds; ++i) {
      auto r = fearless::thread::Builder().name("refused").spawn(Witness{});
      ASSERT_TRUE(r.is_err());
      EXPECT_EQ(r.unwrap_err(), std::error_code(err, std::system_category()));
      // The callable's shared captures are released with it.
      auto shared = std::make_shared<int>(7);
      auto r2 = fearless::thread::Builder().spawn([shared](int x) { return *shared + x; }, 1);
      ASSERT_TRUE(r2.is_err());
      EXPECT_EQ(shared.use_count(), 1);
    }
  }
  EXPECT_EQ(Witness::live.load(), 0);
  EXPECT_EQ(Witness::ran.load(), 0);
  // Spawning works again once the OS accepts threads.
  auto h = fearless::thread::Builder().spawn([] { return 42; });
  ASSERT_TRUE(h.is_ok());
  EXPECT_EQ(std::move(h).unwrap().join().unwrap(), 42);
}

TEST(SpawnFaults, SpawnPanicsWhenRefused) {
  InjectGuard g(EAGAIN);
  EXPECT_THROW((void)fearless::thread::spawn(Witness{}), fearless::Panic);
  EXPECT_EQ(Witness::live.load(), 0);
}

TEST(SpawnFaults, ScopedSpawnRefusalsMixedWithRunningThreads) {
  const std::size_t rounds = scaled(200, 5);
  std::atomic<std::uint64_t> done{0}, refused{0};
  for (std::size_t round = 0; round < rounds; ++round) {
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      for (int i = 0; i < 4; ++i) {
        const bool refuse = (round + static_cast<std::size_t>(i)) % 2 == 0;
        fearless::detail::inject_spawn_error.store(refuse ? EAGAIN : 0);
        auto r = fearless::thread::Builder().spawn_scoped(s, [&done, w = Witness{}] {
          w();
          done.fetch_add(1);
        });
        fearless::detail::inject_spawn_error.store(0);
        if (refuse) {
          ASSERT_TRUE(r.is_err());
          refused.fetch_add(1);
        } else {
          ASSERT_TRUE(r.is_ok());
        }
      }
    });
  }
  EXPECT_EQ(done.load() + refused.load(), rounds * 4);
  EXPECT_EQ(done.load(), rounds * 2);
  EXPECT_EQ(Witness::live.load(), 0);
}

TEST(SpawnFaults, RealRefusalForAnUnmappableStack) {
  // 2^46 bytes of stack cannot be mapped: pthread_create itself fails.
  auto r = fearless::thread::Builder().stack_size(std::size_t{1} << 46).spawn(Witness{});
  ASSERT_TRUE(r.is_err());
  const int e = r.unwrap_err().value();
  EXPECT_TRUE(e == EAGAIN || e == ENOMEM || e == EINVAL) << r.unwrap_err().message();
  EXPECT_EQ(Witness::live.load(), 0);
}

}  // namespace
