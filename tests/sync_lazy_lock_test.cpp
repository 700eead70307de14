// LazyLock<T, F>: initialised on first access, exactly once under racing
// threads; get/force/into_inner; a throwing initializer poisons it; the
// initializer is destroyed exactly once whether or not it ran.
#include "fearless/sync/lazy_lock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::LazyLock;
using sync_test::Tracked;

int global_calls = 0;
const LazyLock<std::vector<int>> kSquares([] {
  ++global_calls;
  std::vector<int> v;
  for (int i = 0; i < 10; ++i) v.push_back(i * i);
  return v;
});

TEST(LazyLock, StaticWithFunctionPointer) {
  if (global_calls == 0) {  // (not on a --gtest_repeat rerun)
    EXPECT_EQ(kSquares.get(), nullptr);
  }
  EXPECT_EQ(kSquares->size(), 10u);
  EXPECT_EQ((*kSquares)[3], 9);
  EXPECT_EQ(LazyLock<std::vector<int>>::force(kSquares)[9], 81);
  EXPECT_EQ(global_calls, 1);
  EXPECT_NE(kSquares.get(), nullptr);
}

TEST(LazyLock, CapturingLambdaDeducesTypes) {
  std::string prefix = "id-";
  LazyLock lazy([&] { return prefix + "7"; });
  static_assert(std::is_same_v<decltype(*lazy), const std::string&>);
  EXPECT_EQ(*lazy, "id-7");
}

TEST(LazyLock, InitialisedOnceByRacingThreads) {
  const int rounds = static_cast<int>(sync_test::scaled(300, 20));
  for (int r = 0; r < rounds; ++r) {
    std::atomic<int> calls{0};
    LazyLock lazy([&] {
      calls.fetch_add(1);
      fearless::thread::yield_now();
      return Tracked(r);
    });
    std::atomic<int> bad{0};
    fearless::thread::scope([&](auto& s) {
      for (int t = 0; t < 4; ++t) {
        s.spawn([&] {
          if (lazy->value != r) bad.fetch_add(1);
        });
      }
    });
    ASSERT_EQ(calls.load(), 1);
    ASSERT_EQ(bad.load(), 0);
  }
}

TEST(LazyLock, ThrowingInitializerPoisons) {
  int calls = 0;
  LazyLock<int, std::function<int()>> lazy([&]() -> int {
    ++calls;
    throw std::runtime_error("init failed");
  });
  EXPECT_THROW((void)*lazy, std::runtime_error);
  try {
    (void)*lazy;
    FAIL() << "expected a panic";
  } catch (const fearless::Panic& p) {
    EXPECT_STREQ(p.what(), "LazyLock instance has previously been poisoned");
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(lazy.get(), nullptr);
}

TEST(LazyLock, InitializerAndValueDestroyedExactlyOnce) {
  const long base = Tracked::live.load();
  {
    Tracked captured(1);
    LazyLock never([c = captured] { return c.value; });  // never forced: destroys the closure
    EXPECT_EQ(Tracked::live.load(), base + 2);
  }
  EXPECT_EQ(Tracked::live.load(), base);
  {
    LazyLock forced([c = Tracked(2)] { return Tracked(c.value * 10); });
    EXPECT_EQ(forced->value, 20);
    EXPECT_EQ(Tracked::live.load(), base + 1);  // the closure is gone, the value lives
  }
  EXPECT_EQ(Tracked::live.load(), base);
  {
    auto thrower = [c = Tracked(3)]() -> Tracked { throw 1; };
    LazyLock poisoned(thrower);
    EXPECT_THROW((void)*poisoned, int);
    EXPECT_EQ(Tracked::live.load(), base + 1);  // only `thrower` itself
  }
  EXPECT_EQ(Tracked::live.load(), base);
}

TEST(LazyLock, IntoInner) {
  LazyLock<int> unforced([] { return 4; });
  auto r = LazyLock<int>::into_inner(std::move(unforced));
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err()(), 4);  // the initializer handed back
  LazyLock<int> forced([] { return 5; });
  EXPECT_EQ(*forced, 5);
  EXPECT_EQ(LazyLock<int>::into_inner(std::move(forced)).unwrap(), 5);
}

TEST(LazyLock, ReentrantForcePanicsAndPoisons) {
  std::function<int()> init;
  LazyLock<int, std::function<int()>> lazy([&] { return init(); });
  init = [&] { return *lazy + 1; };
  try {
    (void)LazyLock<int, std::function<int()>>::force(lazy);
    FAIL() << "expected a panic";
  } catch (const fearless::Panic& p) {
    EXPECT_STREQ(p.what(), "LazyLock instance is being initialized reentrantly");
  }
  EXPECT_EQ(lazy.get(), nullptr);
  try {
    (void)*lazy;
    FAIL() << "expected a panic";
  } catch (const fearless::Panic& p) {
    EXPECT_STREQ(p.what(), "LazyLock instance has previously been poisoned");
  }
}

// Rust's LazyLock::new is a const fn (the usual `static LAZY: LazyLock<T>`).
int forty_two() { return 42; }
constinit LazyLock<int> g_lazy(forty_two);

TEST(LazyLock, ConstinitGlobal) {
  EXPECT_EQ(LazyLock<int>::get(g_lazy), nullptr);
  EXPECT_EQ(*g_lazy, 42);
  EXPECT_EQ(LazyLock<int>::force(g_lazy), 42);
}

}  // namespace
