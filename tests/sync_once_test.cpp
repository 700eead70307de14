// Once: runs exactly once under contention, waiters see the effects,
// is_completed, wait, and Rust's poisoning when the function throws.
#include "fearless/sync/once.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>

#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::Once;
using fearless::sync::OnceState;

static_assert(sizeof(Once) == 4);

TEST(Once, RunsOnce) {
  Once o;
  int calls = 0;
  EXPECT_FALSE(o.is_completed());
  o.call_once([&] { ++calls; });
  o.call_once([&] { ++calls; });
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(o.is_completed());
  o.call_once_force([&](const OnceState&) { ++calls; });
  EXPECT_EQ(calls, 1);
}

TEST(Once, ExactlyOnceUnderContentionAndEffectsVisible) {
  const int rounds = static_cast<int>(sync_test::scaled(300, 20));
  for (int r = 0; r < rounds; ++r) {
    Once o;
    std::atomic<int> calls{0};
    int value = 0;  // plain: published by the Once
    std::atomic<int> bad{0};
    fearless::thread::scope([&](auto& s) {
      for (int t = 0; t < 4; ++t) {
        s.spawn([&] {
          o.call_once([&] {
            calls.fetch_add(1);
            fearless::thread::yield_now();
            value = 42;
          });
          if (value != 42) bad.fetch_add(1);
        });
      }
    });
    ASSERT_EQ(calls.load(), 1);
    ASSERT_EQ(bad.load(), 0);
  }
}

TEST(Once, ThrowingFunctionPoisons) {
  Once o;
  EXPECT_THROW(o.call_once([] { throw std::runtime_error("init failed"); }), std::runtime_error);
  EXPECT_FALSE(o.is_completed());
  try {
    o.call_once([] {});
    FAIL() << "expected a panic";
  } catch (const fearless::Panic& p) {
    EXPECT_STREQ(p.what(), "Once instance has previously been poisoned");
  }
  EXPECT_THROW(o.wait(), fearless::Panic);
  bool saw_poison = false;
  o.call_once_force([&](const OnceState& st) { saw_poison = st.is_poisoned(); });
  EXPECT_TRUE(saw_poison);
  EXPECT_TRUE(o.is_completed());
  o.call_once([] { FAIL(); });  // completed now: no panic, no call
  o.wait();
}

TEST(Once, ForcedRunThatThrowsStaysPoisoned) {
  Once o;
  EXPECT_THROW(o.call_once_force([](const OnceState& st) {
    EXPECT_FALSE(st.is_poisoned());
    throw 1;
  }),
               int);
  EXPECT_THROW(o.call_once_force([](const OnceState& st) {
    EXPECT_TRUE(st.is_poisoned());
    throw 2;
  }),
               int);
  EXPECT_FALSE(o.is_completed());
  o.call_once_force([](const OnceState&) {});
  EXPECT_TRUE(o.is_completed());
}

TEST(Once, WaitersPanicWhenTheRunnerThrows) {
  Once o;
  std::atomic<bool> started{false};
  std::atomic<bool> waiter_panicked{false};
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      try {
        o.call_once([&] {
          started = true;
          fearless::thread::sleep(std::chrono::milliseconds(30));
          throw std::runtime_error("fails while others wait");
        });
      } catch (const std::runtime_error&) {
      }
    });
    while (!started.load()) fearless::thread::yield_now();
    try {
      o.call_once([] {});
    } catch (const fearless::Panic&) {
      waiter_panicked = true;
    }
  });
  EXPECT_TRUE(waiter_panicked.load());
}

TEST(Once, WaitBlocksUntilCompleted) {
  Once o;
  std::atomic<bool> done{false};
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      o.wait();
      EXPECT_TRUE(done.load());
    });
    fearless::thread::sleep(std::chrono::milliseconds(10));
    o.call_once([&] { done = true; });
  });
}

// Rust leaves reentrant call_once unspecified (panic or deadlock); fearless
// panics, and the panic leaving the outer function poisons the Once.
TEST(Once, ReentrantCallPanicsInsteadOfDeadlocking) {
  Once o;
  std::string inner_message;
  EXPECT_THROW(o.call_once([&] {
    try {
      o.call_once([] { FAIL() << "the inner function must not run"; });
    } catch (const fearless::Panic& p) {
      inner_message = p.what();
      throw;
    }
  }),
               fearless::Panic);
  EXPECT_EQ(inner_message, "Once instance is being initialized reentrantly");
  EXPECT_FALSE(o.is_completed());
  EXPECT_THROW(o.call_once([] {}), fearless::Panic);  // poisoned now
  o.call_once_force([](const OnceState& st) { EXPECT_TRUE(st.is_poisoned()); });
  EXPECT_TRUE(o.is_completed());
}

TEST(Once, WaitFromInsideItsOwnFunctionPanics) {
  Once o;
  EXPECT_THROW(o.call_once([&] { o.wait(); }), fearless::Panic);
  EXPECT_THROW(o.call_once_force([&](const OnceState&) { o.wait_force(); }), fearless::Panic);
  EXPECT_FALSE(o.is_completed());
}

TEST(Once, NestedDifferentOncesAreNotReentrant) {
  Once outer;
  Once inner;
  int calls = 0;
  outer.call_once([&] {
    inner.call_once([&] { ++calls; });
    inner.call_once([&] { ++calls; });
    ++calls;
  });
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(outer.is_completed());
  EXPECT_TRUE(inner.is_completed());
  // After a reentrancy panic the bookkeeping is unwound: this thread can still
  // wait for other threads' runs of the same Once.
  Once again;
  EXPECT_THROW(again.call_once([&] { again.call_once([] {}); }), fearless::Panic);
  std::atomic<bool> started{false};
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      again.call_once_force([&](const OnceState&) {
        started = true;
        fearless::thread::sleep(std::chrono::milliseconds(20));
      });
    });
    while (!started.load()) fearless::thread::yield_now();
    again.call_once_force([](const OnceState&) { FAIL() << "already run by the other thread"; });
  });
  EXPECT_TRUE(again.is_completed());
}

}  // namespace
