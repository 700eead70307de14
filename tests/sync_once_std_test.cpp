// The behaviour that Rust's own std tests check for Once, OnceLock and
// LazyLock (library/std/tests/sync/once.rs, once_lock.rs and lazy_lock.rs),
// checked against fearless::sync. A Rust `panic!` is fearless::panic (a
// fearless::Panic exception); `catch_unwind(..).is_err()` is EXPECT_THROW;
// a Rust `static` is a namespace-scope constinit object, or a local one where
// the test must start from a fresh cell on every run.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "fearless/marker.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/lazy_lock.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/sync/once.hpp"
#include "fearless/sync/once_lock.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

namespace mpsc = fearless::sync::mpsc;
using namespace std::chrono_literals;
using fearless::sync::LazyLock;
using fearless::sync::Mutex;
using fearless::sync::Once;
using fearless::sync::OnceLock;
using fearless::sync::OnceState;
using sync_test::panic_message;
using sync_test::Tracked;

constexpr auto kUnit = 50ms;  // the tests' unit of sleeping

// Runs `f` on a new thread and returns what it returned; a panic in it comes
// back here (Rust's `thread::spawn(f).join().unwrap()`).
template <class F>
auto spawn_and_wait(F f) {
  return fearless::thread::spawn(std::move(f)).join().unwrap();
}

// =============================================================================
// Once (std once.rs)
// =============================================================================

// std once.rs: smoke_once
TEST(StdOnce, SecondCallOfAStaticOnceDoesNotRunItsFunction) {
  static constinit Once once;
  static int runs = 0;  // a static Once completes once per process, --gtest_repeat included
  once.call_once([] { ++runs; });
  EXPECT_EQ(runs, 1);
  once.call_once([] { ++runs; });
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(once.is_completed());

  // The same with a fresh Once, and a function that changes a local.
  Once local;
  int a = 0;
  local.call_once([&] { a += 1; });
  EXPECT_EQ(a, 1);
  local.call_once([&] { a += 1; });
  EXPECT_EQ(a, 1);
}

// std once.rs: stampede_once
TEST(StdOnce, StampedeOfThreadsRunsTheFunctionExactlyOnceAndAllSeeIt) {
  Once once;
  bool run = false;  // plain: written in the function, published by the Once
  std::atomic<int> runs{0};
  auto init = [&] {
    EXPECT_FALSE(run);
    runs.fetch_add(1);
    run = true;
  };

  auto ch = mpsc::channel<int>();
  std::vector<fearless::thread::JoinHandle<void>> handles;
  for (int i = 0; i < 10; ++i) {
    handles.push_back(fearless::thread::spawn([&once, &run, &init, tx = ch.first.clone()] {
      for (int y = 0; y < 4; ++y) fearless::thread::yield_now();
      once.call_once(init);
      EXPECT_TRUE(run);
      tx.send(1).unwrap();
    }));
  }

  once.call_once(init);
  EXPECT_TRUE(run);

  for (int i = 0; i < 10; ++i) EXPECT_EQ(ch.second.recv().unwrap(), 1);
  for (auto& h : handles) EXPECT_TRUE(h.join().is_ok());
  EXPECT_EQ(runs.load(), 1);
}

// std once.rs: poison_bad
TEST(StdOnce, PanicPoisonsCallOncePropagatesAndCallOnceForceRecovers) {
  Once once;

  // The function's own panic reaches the caller and poisons the Once.
  EXPECT_EQ(panic_message([&] { once.call_once([] { fearless::panic("init panicked"); }); }), "init panicked");
  EXPECT_FALSE(once.is_completed());

  // Poisoning propagates to the next call_once, whose function does not run.
  bool ran = false;
  EXPECT_EQ(panic_message([&] { once.call_once([&] { ran = true; }); }),
            "Once instance has previously been poisoned");
  EXPECT_FALSE(ran);

  // call_once_force gets through, and is told about the poison.
  bool called = false;
  once.call_once_force([&](const OnceState& state) {
    called = true;
    EXPECT_TRUE(state.is_poisoned());
  });
  EXPECT_TRUE(called);
  EXPECT_TRUE(once.is_completed());

  // After a success the poison is gone: call_once neither panics nor runs.
  EXPECT_NO_THROW(once.call_once([&] { ran = true; }));
  EXPECT_FALSE(ran);
}

// std once.rs: wait_for_force_to_finish
TEST(StdOnce, CallOnceWaitsForARunningForcedCallOnAPoisonedOnce) {
  Once once;
  EXPECT_THROW(once.call_once([] { fearless::panic("poison it"); }), fearless::Panic);

  auto ch1 = mpsc::channel<int>();
  auto ch2 = mpsc::channel<int>();

  // A forced call that stays inside its function until told to go on.
  auto t1 = fearless::thread::spawn([&once, tx1 = ch1.first.clone(), rx2 = std::move(ch2.second)] {
    once.call_once_force([&](const OnceState& state) {
      EXPECT_TRUE(state.is_poisoned());
      tx1.send(1).unwrap();
      (void)rx2.recv().unwrap();
    });
  });

  (void)ch1.second.recv().unwrap();  // t1 is inside its function

  // Another caller must wait for it, then return without running its own
  // function and without seeing the old poison.
  auto t2 = fearless::thread::spawn([&once] {
    bool called = false;
    once.call_once([&] { called = true; });
    EXPECT_FALSE(called);
    EXPECT_TRUE(once.is_completed());
  });

  fearless::thread::sleep(kUnit / 5);  // (gives t2 the chance to block first; not needed for the check)
  ch2.first.send(1).unwrap();

  EXPECT_TRUE(t1.join().is_ok());
  EXPECT_TRUE(t2.join().is_ok());
  EXPECT_TRUE(once.is_completed());
}

// std once.rs: wait
TEST(StdOnce, WaitReturnsOnlyAfterTheFunctionHasRunAndSeesItsEffects) {
  for (int round = 0; round < 20; ++round) {
    std::atomic<bool> val{false};
    Once once;
    std::atomic<int> saw_false{0};
    fearless::thread::scope([&](auto& s) {
      for (int t = 0; t < 4; ++t) {
        s.spawn([&] {
          once.wait();
          // Relaxed: the Once's completion orders the store before the return.
          if (!val.load(std::memory_order_relaxed)) saw_false.fetch_add(1);
        });
      }
      once.call_once([&] { val.store(true, std::memory_order_relaxed); });
    });
    ASSERT_EQ(saw_false.load(), 0) << "round " << round;
  }
}

// std once.rs: wait_on_poisoned
TEST(StdOnce, WaitOnAPoisonedOncePanics) {
  Once once;
  EXPECT_THROW(once.call_once([] { fearless::panic("boom"); }), fearless::Panic);
  EXPECT_EQ(panic_message([&] { once.wait(); }), "Once instance has previously been poisoned");
}

// std once.rs: wait_force_on_poisoned
TEST(StdOnce, WaitForceOnAPoisonedOnceReturnsWhenAForcedCallCompletes) {
  Once once;
  fearless::thread::scope([&](auto& s) {
    EXPECT_THROW(once.call_once([] { fearless::panic("boom"); }), fearless::Panic);

    s.spawn([&] {
      fearless::thread::sleep(kUnit);
      once.call_once_force([](const OnceState&) {});
    });

    once.wait_force();  // does not panic on the poison; returns once completed
    EXPECT_TRUE(once.is_completed());
  });
}

// =============================================================================
// OnceLock<T> (std once_lock.rs)
// =============================================================================

// std once_lock.rs: sync_once_cell
TEST(StdOnceLock, ValueSetOnAnotherThreadIsSeenAndLaterInitializersDoNotRun) {
  OnceLock<int> cell;
  EXPECT_EQ(cell.get(), nullptr);

  spawn_and_wait([&cell] {
    (void)cell.get_or_init([] { return 92; });
    ASSERT_NE(cell.get(), nullptr);
    EXPECT_EQ(*cell.get(), 92);
  });

  EXPECT_EQ(cell.get_or_init([]() -> int { fearless::panic("Kaboom!"); }), 92);
  ASSERT_NE(cell.get(), nullptr);
  EXPECT_EQ(*cell.get(), 92);
}

// std once_lock.rs: sync_once_cell_get_mut
TEST(StdOnceLock, GetMutIsNullWhenEmptyAndWritesTheValueOnceSet) {
  OnceLock<int> c;
  EXPECT_EQ(c.get_mut(), nullptr);
  EXPECT_TRUE(c.set(90).is_ok());
  ASSERT_NE(c.get_mut(), nullptr);
  *c.get_mut() += 2;
  ASSERT_NE(c.get_mut(), nullptr);
  EXPECT_EQ(*c.get_mut(), 92);
}

// Counts how many values (not moved-from husks) are destroyed: Rust's drop count.
struct Dropper {
  static inline std::atomic<int> drops{0};
  bool owns = true;
  Dropper() = default;
  Dropper(Dropper&& o) noexcept : owns(std::exchange(o.owns, false)) {}
  Dropper& operator=(Dropper&&) = delete;
  ~Dropper() {
    if (owns) drops.fetch_add(1);
  }
};

// std once_lock.rs: sync_once_cell_drop
TEST(StdOnceLock, ValueIsDroppedOnceWhenTheCellIsDroppedOnAnotherThread) {
  const int base = Dropper::drops.load();
  OnceLock<Dropper> x;
  spawn_and_wait([x = std::move(x), base]() mutable {
    (void)x.get_or_init([] { return Dropper(); });
    EXPECT_EQ(Dropper::drops.load(), base);
    x = OnceLock<Dropper>();  // drop(x): the held value goes
    EXPECT_EQ(Dropper::drops.load(), base + 1);
  });
  EXPECT_EQ(Dropper::drops.load(), base + 1);
}

// std once_lock.rs: sync_once_cell_drop_empty
TEST(StdOnceLock, DroppingAnEmptyCellDestroysNothing) {
  const long live = Tracked::live.load();
  { OnceLock<Tracked> x; }
  EXPECT_EQ(Tracked::live.load(), live);
  { OnceLock<std::string> y; }
}

// std once_lock.rs: clone
TEST(StdOnceLock, CloneOfAnEmptyCellIsEmptyAndOfAFullCellHoldsTheValue) {
  OnceLock<std::string> s;
  {
    OnceLock<std::string> c(s);
    EXPECT_EQ(c.get(), nullptr);
  }
  EXPECT_TRUE(s.set("hello").is_ok());
  OnceLock<std::string> c(s);
  ASSERT_NE(c.get(), nullptr);
  EXPECT_EQ(*c.get(), "hello");
  EXPECT_NE(c.get(), s.get());  // its own copy
}

struct Unit {
  friend bool operator==(Unit, Unit) { return true; }
};

// std once_lock.rs: get_or_try_init
TEST(StdOnceLock, GetOrTryInitLeavesTheCellEmptyOnPanicOrErrAndStoresOk) {
  OnceLock<std::string> cell;
  EXPECT_EQ(cell.get(), nullptr);

  EXPECT_THROW((void)cell.get_or_try_init([]() -> fearless::Result<std::string, Unit> { fearless::panic("no"); }),
               fearless::Panic);
  EXPECT_EQ(cell.get(), nullptr);

  auto err = cell.get_or_try_init([]() -> fearless::Result<std::string, Unit> { return fearless::Err(Unit{}); });
  ASSERT_TRUE(err.is_err());
  EXPECT_TRUE(err.unwrap_err() == Unit{});
  EXPECT_EQ(cell.get(), nullptr);

  auto ok = cell.get_or_try_init(
      []() -> fearless::Result<std::string, Unit> { return fearless::Ok(std::string("hello")); });
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok.unwrap().get(), "hello");
  ASSERT_NE(cell.get(), nullptr);
  EXPECT_EQ(*cell.get(), "hello");
  EXPECT_EQ(&ok.unwrap().get(), cell.get());  // a reference to the stored value
}

// std once_lock.rs: from_impl
TEST(StdOnceLock, ConstructedFromAValueHoldsIt) {
  OnceLock<std::string_view> value(std::string_view("value"));
  ASSERT_NE(value.get(), nullptr);
  EXPECT_EQ(*value.get(), "value");
  OnceLock<std::string_view> foo(std::string_view("foo"));
  ASSERT_NE(foo.get(), nullptr);
  EXPECT_NE(*foo.get(), "bar");
}

// std once_lock.rs: partialeq_impl
TEST(StdOnceLock, EqualityComparesContentsAndEmptiness) {
  EXPECT_TRUE(OnceLock<std::string_view>("value") == OnceLock<std::string_view>("value"));
  EXPECT_TRUE(OnceLock<std::string_view>("foo") != OnceLock<std::string_view>("bar"));

  const OnceLock<std::string> empty1;
  const OnceLock<std::string> empty2;
  const OnceLock<std::string> full(std::string("value"));
  EXPECT_TRUE(empty1 == empty2);
  EXPECT_TRUE(empty1 != full);
  EXPECT_TRUE(full != empty1);
}

// std once_lock.rs: into_inner
TEST(StdOnceLock, IntoInnerGivesNothingForAnEmptyCellAndTheValueOtherwise) {
  OnceLock<std::string> empty;
  EXPECT_EQ(std::move(empty).into_inner(), std::nullopt);
  OnceLock<std::string> cell;
  EXPECT_TRUE(cell.set("hello").is_ok());
  EXPECT_EQ(std::move(cell).into_inner(), std::optional<std::string>("hello"));
}

// std once_lock.rs: is_sync_send
TEST(StdOnceLock, IsSendAndSync) {
  static_assert(fearless::Send<OnceLock<std::string>>);
  static_assert(fearless::Sync<OnceLock<std::string>>);
}

// A value computed once per call site and kept for the program's life (std
// once_lock.rs's eval_once! macro): a static cell and a named init function.
#define STD_ONCE_LOCK_EVAL_ONCE(Type, ...)                  \
  ([]() -> const Type& {                                    \
    static constinit fearless::sync::OnceLock<Type> cell;   \
    struct Init {                                           \
      static Type run() { __VA_ARGS__ }                     \
    };                                                      \
    return cell.get_or_init(&Init::run);                    \
  }())

const std::vector<int>& fibonacci_once() {
  return STD_ONCE_LOCK_EVAL_ONCE(std::vector<int>, {
    std::vector<int> res{1, 1};
    for (std::size_t i = 0; i < 10; ++i) res.push_back(res[i] + res[i + 1]);
    return res;
  });
}

// std once_lock.rs: eval_once_macro
TEST(StdOnceLock, StaticCellInitialisedByANamedFunctionInAMacro) {
  const std::vector<int>& fib = fibonacci_once();
  EXPECT_EQ(fib[5], 8);
  EXPECT_EQ(fib.size(), 12u);
  EXPECT_EQ(&fibonacci_once(), &fib);  // the same 'static value every time
}

// std once_lock.rs: sync_once_cell_does_not_leak_partially_constructed_boxes
TEST(StdOnceLock, ReadersNeverSeeAPartiallyConstructedValue) {
  constexpr int kReaders = 10;
  constexpr int kWriters = 3;
  const std::string kMsg = "Hello, World";
  for (int round = 0; round < 5; ++round) {
    OnceLock<std::string> cell;
    auto ch = mpsc::channel<std::string>();
    std::atomic<int> stored{0};
    fearless::thread::scope([&](auto& s) {
      for (int r = 0; r < kReaders; ++r) {
        s.spawn([&cell, tx = ch.first.clone()] {
          for (;;) {
            if (const std::string* msg = cell.get()) {
              tx.send(*msg).unwrap();
              break;
            }
            fearless::thread::yield_now();
          }
        });
      }
      for (int w = 0; w < kWriters; ++w) {
        s.spawn([&] {
          if (cell.set(kMsg).is_ok()) stored.fetch_add(1);
        });
      }
    });
    for (int r = 0; r < kReaders; ++r) EXPECT_EQ(ch.second.recv().unwrap(), kMsg);
    EXPECT_EQ(stored.load(), 1);
  }
}

// std once_lock.rs: dropck (Rust checks at compile time that a cell may hold a
// reference to something that dies first; here: destroying such a cell does
// not touch the dead referent, which AddressSanitizer would catch).
TEST(StdOnceLock, CellHoldingAReferenceMayOutliveTheReferent) {
  OnceLock<std::reference_wrapper<const std::string>> cell;
  {
    const std::string s;
    EXPECT_TRUE(cell.set(std::cref(s)).is_ok());
  }
}

// =============================================================================
// LazyLock<T, F> (std lazy_lock.rs)
// =============================================================================

// std lazy_lock.rs: lazy_default checks LazyCell, the single-threaded cell,
// which fearless does not provide; its LazyLock twin is sync_lazy_default below.

std::atomic<int> g_sync_lazy_calls{0};
constinit LazyLock<int> g_sync_lazy([] {
  g_sync_lazy_calls.fetch_add(1);
  return 92;
});

// std lazy_lock.rs: sync_lazy_new
TEST(StdLazyLock, StaticIsInitialisedOnFirstUseFromAnyThreadExactlyOnce) {
  if (g_sync_lazy.get() == nullptr) {  // (not on a --gtest_repeat rerun)
    EXPECT_EQ(g_sync_lazy_calls.load(), 0);
  }

  spawn_and_wait([] {
    const int y = *g_sync_lazy - 30;
    EXPECT_EQ(y, 62);
    EXPECT_EQ(g_sync_lazy_calls.load(), 1);
  });

  const int y = *g_sync_lazy - 30;
  EXPECT_EQ(y, 62);
  EXPECT_EQ(g_sync_lazy_calls.load(), 1);
}

struct CountedDefault {
  static inline std::atomic<int> called{0};
  unsigned char v;
  CountedDefault() : v(42) { called.fetch_add(1); }
};

// std lazy_lock.rs: sync_lazy_default
TEST(StdLazyLock, DefaultLazyMutexBuildsItsDefaultOnFirstUseOnly) {
  const int base = CountedDefault::called.load();
  LazyLock<Mutex<CountedDefault>> lazy;

  EXPECT_EQ(CountedDefault::called.load(), base);

  EXPECT_EQ(lazy->lock().unwrap()->v, 42);
  EXPECT_EQ(CountedDefault::called.load(), base + 1);

  lazy->lock().unwrap()->v = 21;

  EXPECT_EQ(lazy->lock().unwrap()->v, 21);
  EXPECT_EQ(CountedDefault::called.load(), base + 1);
}

constinit const LazyLock<std::vector<int>> kXs([] {
  std::vector<int> xs;
  xs.push_back(1);
  xs.push_back(2);
  xs.push_back(3);
  return xs;
});

// std lazy_lock.rs: static_sync_lazy
TEST(StdLazyLock, StaticVectorSeenTheSameFromAnotherThreadAndThisOne) {
  const std::vector<int>& seen_there = spawn_and_wait([] {
    EXPECT_EQ(*kXs, (std::vector<int>{1, 2, 3}));
    return std::cref(*kXs);
  });
  EXPECT_EQ(*kXs, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(&seen_there, &*kXs);
}

const std::vector<int>& xs_via_fn() {
  static constinit OnceLock<std::vector<int>> xs;
  return xs.get_or_init([] {
    std::vector<int> v;
    v.push_back(1);
    v.push_back(2);
    v.push_back(3);
    return v;
  });
}

// std lazy_lock.rs: static_sync_lazy_via_fn
TEST(StdLazyLock, StaticOnceLockInAFunctionActsAsALazyStatic) {
  EXPECT_EQ(xs_via_fn(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(&xs_via_fn(), &xs_via_fn());
}

// std lazy_lock.rs: lazy_type_inference (upstream on LazyCell, `|| ()`; a C++
// initializer cannot return a void value, so the unit type is std::monostate).
TEST(StdLazyLock, ValueTypeIsInferredFromTheClosure) {
  LazyLock lazy([] { return std::monostate{}; });
  static_assert(std::is_same_v<decltype(lazy)::value_type, std::monostate>);
  EXPECT_EQ(*lazy, std::monostate{});
}

// std lazy_lock.rs: is_sync_send
TEST(StdLazyLock, IsSendAndSync) {
  static_assert(fearless::Send<LazyLock<std::string>>);
  static_assert(fearless::Sync<LazyLock<std::string>>);
}

// std lazy_lock.rs: lazy_force_mut
TEST(StdLazyLock, ForceMutRepeatedlyGivesTheSameWritableValue) {
  std::string s = "abc";
  LazyLock lazy([s = std::move(s)]() mutable { return std::move(s); });
  using L = decltype(lazy);
  (void)L::force_mut(lazy);
  std::string& p = L::force_mut(lazy);
  EXPECT_EQ(p, "abc");
  p.clear();
  std::string& again = L::force_mut(lazy);
  EXPECT_EQ(&again, &p);
  EXPECT_TRUE(again.empty());
  EXPECT_EQ(*lazy, "");
}

// std lazy_lock.rs: lazy_poisoning (upstream on LazyCell; the same holds for
// LazyLock): every access to a lazy whose initializer panicked panics.
TEST(StdLazyLock, EveryAccessAfterAPanickingInitializerPanics) {
  LazyLock x([]() -> std::string { fearless::panic("kaboom"); });
  for (int i = 0; i < 2; ++i) EXPECT_THROW((void)x->size(), fearless::Panic) << "access " << i;
  EXPECT_EQ(x.get(), nullptr);
}

// std lazy_lock.rs: lazy_lock_deref_panic
TEST(StdLazyLock, DerefAfterAPanickingInitializerReportsThePoisonNotTheOnce) {
  const LazyLock<std::string> lazy([]() -> std::string { fearless::panic("initialization failed"); });

  EXPECT_EQ(panic_message([&] { (void)*lazy; }), "initialization failed");

  EXPECT_EQ(panic_message([&] { (void)*lazy; }), "LazyLock instance has previously been poisoned");
}

// std lazy_lock.rs: lazy_lock_deref_mut_panic
TEST(StdLazyLock, DerefAfterAPanickingForceMutReportsThePoison) {
  LazyLock<std::string> lazy([]() -> std::string { fearless::panic("initialization failed"); });

  EXPECT_EQ(panic_message([&] { (void)LazyLock<std::string>::force_mut(lazy); }), "initialization failed");

  EXPECT_EQ(panic_message([&] { (void)*lazy; }), "LazyLock instance has previously been poisoned");
}

// std lazy_lock.rs: lazy_lock_preserves_closure_panic_message
TEST(StdLazyLock, FirstAccessPanicsWithTheInitializersOwnMessage) {
  const LazyLock<std::string> lazy([]() -> std::string { fearless::panic("custom panic message from closure"); });
  EXPECT_EQ(panic_message([&] { (void)*lazy; }), "custom panic message from closure");
}

}  // namespace
