// Once: runs exactly once under contention, waiters see the effects,
// is_completed, wait, and Rust's poisoning when the function throws; moves
// carry the state and refuse (panic) while a run or a waiter is in progress.
#include "fearless/sync/once.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <concepts>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fearless/sync/arc.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::Once;
using fearless::sync::OnceState;

static_assert(sizeof(Once) == 4);
static_assert(std::movable<Once>);
static_assert(!std::copy_constructible<Once>);
static_assert(!std::is_copy_assignable_v<Once>);

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

// --- moves --------------------------------------------------------------

// Sets `flag` however the scope is left, so a failed check cannot leave a
// blocked initializer (and the test) hanging.
struct SetOnExit {
  std::atomic<bool>& flag;
  ~SetOnExit() { flag = true; }
};

// Runs `check()` on this thread while another thread is inside `o`'s
// call_once, which is held there until `check` has returned.
template <class F>
void while_function_runs(Once& o, F check) {
  std::atomic<bool> running{false};
  std::atomic<bool> release{false};
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      o.call_once([&] {
        running = true;
        while (!release.load()) fearless::thread::yield_now();
      });
    });
    SetOnExit on_exit{release};
    while (!running.load()) fearless::thread::yield_now();
    check();
  });
}

void poison(Once& o) {
  EXPECT_THROW(o.call_once([] { throw std::runtime_error("init failed"); }), std::runtime_error);
}

// Which of the three states `o` is in, found through the public interface
// only (a call that finds the Once incomplete completes it).
enum class Seen { incomplete, complete, poisoned };
Seen observe_and_complete(Once& o) {
  if (o.is_completed()) return Seen::complete;
  Seen seen = Seen::incomplete;
  o.call_once_force([&](const OnceState& st) {
    if (st.is_poisoned()) seen = Seen::poisoned;
  });
  EXPECT_TRUE(o.is_completed());
  return seen;
}

TEST(Once, MoveConstructionCarriesEachState) {
  Once incomplete;
  Once moved_incomplete(std::move(incomplete));
  EXPECT_FALSE(moved_incomplete.is_completed());
  int calls = 0;
  moved_incomplete.call_once([&] { ++calls; });
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(moved_incomplete.is_completed());
  // The moved-from Once keeps its own (incomplete) state and is independent.
  EXPECT_FALSE(incomplete.is_completed());
  incomplete.call_once([&] { ++calls; });
  EXPECT_EQ(calls, 2);

  Once complete;
  complete.call_once([] {});
  Once moved_complete(std::move(complete));
  EXPECT_TRUE(moved_complete.is_completed());
  moved_complete.call_once([] { FAIL() << "already complete"; });
  moved_complete.wait();
  EXPECT_TRUE(complete.is_completed());

  Once poisoned;
  poison(poisoned);
  Once moved_poisoned(std::move(poisoned));
  EXPECT_FALSE(moved_poisoned.is_completed());
  EXPECT_EQ(sync_test::panic_message([&] { moved_poisoned.call_once([] {}); }),
            "Once instance has previously been poisoned");
  EXPECT_EQ(sync_test::panic_message([&] { moved_poisoned.wait(); }), "Once instance has previously been poisoned");
  EXPECT_EQ(observe_and_complete(moved_poisoned), Seen::poisoned);
  EXPECT_EQ(observe_and_complete(poisoned), Seen::poisoned);  // the source stayed poisoned too
}

TEST(Once, MoveAssignmentCarriesEachState) {
  Once complete;
  complete.call_once([] {});
  Once poisoned;
  poison(poisoned);

  Once target;
  target = std::move(complete);
  EXPECT_TRUE(target.is_completed());
  target = std::move(poisoned);
  EXPECT_FALSE(target.is_completed());
  EXPECT_EQ(sync_test::panic_message([&] { target.call_once([] {}); }), "Once instance has previously been poisoned");
  Once incomplete;
  target = std::move(incomplete);
  EXPECT_EQ(observe_and_complete(target), Seen::incomplete);
  Once& self = target;
  target = std::move(self);  // self-assignment changes nothing
  EXPECT_TRUE(target.is_completed());
}

TEST(Once, VectorReallocationKeepsEachState) {
  const int n = 200;  // many emplace_backs: several reallocations
  std::vector<Once> onces;
  std::vector<Seen> expected;
  for (int i = 0; i < n; ++i) {
    Once& o = onces.emplace_back();
    switch (i % 3) {
      case 0:
        expected.push_back(Seen::incomplete);
        break;
      case 1:
        o.call_once([] {});
        expected.push_back(Seen::complete);
        break;
      default:
        poison(o);
        expected.push_back(Seen::poisoned);
        break;
    }
  }
  ASSERT_GT(onces.capacity(), 0u);
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    ASSERT_EQ(observe_and_complete(onces[k]), expected[k]) << "index " << i;
  }
}

TEST(Once, MovingWhileTheFunctionRunsPanics) {
  Once o;
  while_function_runs(o, [&] {
    EXPECT_EQ(sync_test::panic_message([&] { Once moved(std::move(o)); }),
              "cannot move a Once while it is being initialized");
    Once target;
    EXPECT_EQ(sync_test::panic_message([&] { target = std::move(o); }),
              "cannot move a Once while it is being initialized");
    EXPECT_FALSE(target.is_completed());
  });
  EXPECT_TRUE(o.is_completed());  // the run was not disturbed
  Once moved(std::move(o));
  EXPECT_TRUE(moved.is_completed());
}

TEST(Once, AssigningToAOnceWhileItsFunctionRunsPanics) {
  Once o;
  while_function_runs(o, [&] {
    Once poisoned;
    poison(poisoned);
    EXPECT_EQ(sync_test::panic_message([&] { o = std::move(poisoned); }),
              "cannot assign to a Once while it is being initialized");
  });
  EXPECT_TRUE(o.is_completed());  // the run finished into the object it started on
}

TEST(Once, MovingFromInsideItsOwnFunctionPanicsAndPoisons) {
  Once o;
  EXPECT_EQ(sync_test::panic_message([&] { o.call_once([&] { Once moved(std::move(o)); }); }),
            "cannot move a Once while it is being initialized");
  EXPECT_EQ(sync_test::panic_message([&] { o.call_once([] {}); }), "Once instance has previously been poisoned");
}

TEST(Once, MovingWhileAThreadWaitsPanics) {
  Once o;
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] { o.wait(); });
    // Until the waiter has gone to sleep a move succeeds (and changes nothing
    // in `o`); keep trying until it is refused. No timing assumption.
    std::string message;
    while ((message = sync_test::panic_message([&] { Once moved(std::move(o)); })) == "<no panic>")
      fearless::thread::yield_now();
    EXPECT_EQ(message, "cannot move a Once while a thread is waiting for it");
    o.call_once([] {});  // releases the waiter
  });
  EXPECT_TRUE(o.is_completed());
}

// Rust's call_once / call_once_force take &self: threads that share a Once
// (through an Arc, which gives only const access, or as a `static const`)
// can run it. Before, both were non-const and this did not compile.
TEST(Once, CallableThroughAnArcAndOnAConstObject) {
  auto once = fearless::sync::Arc<Once>::make();
  std::atomic<int> runs{0}, forced{0};
  std::vector<fearless::thread::JoinHandle<void>> hs;
  for (int i = 0; i < 4; ++i) {
    hs.push_back(fearless::thread::spawn([once = once.clone(), &runs, &forced] {
      once->call_once([&] { runs.fetch_add(1); });
      once->call_once_force([&](const OnceState&) { forced.fetch_add(1); });  // completed: not run
      once->wait();
    }));
  }
  for (auto& h : hs) h.join().unwrap();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(forced.load(), 0);
  EXPECT_TRUE(once->is_completed());

  static const Once kInit;
  int n = 0;
  kInit.call_once([&] { ++n; });
  kInit.call_once([&] { ++n; });
  EXPECT_EQ(n, 1);
}

}  // namespace
