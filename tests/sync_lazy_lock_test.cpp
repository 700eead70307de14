// LazyLock<T, F>: initialised on first access, exactly once under racing
// threads; get/force/into_inner; a throwing initializer poisons it; the
// initializer is destroyed exactly once whether or not it ran; the default
// constructor (T{}); mutable access (operator* / -> on a non-const LazyLock,
// force_mut, get_mut); moves carry the value, the initializer or the poison,
// the moved-from LazyLock panics when forced, and moving during
// initialisation panics.
#include "fearless/sync/lazy_lock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <concepts>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::LazyLock;
using sync_test::Tracked;

static_assert(std::movable<LazyLock<int>>);
static_assert(std::movable<LazyLock<std::unique_ptr<int>, std::function<std::unique_ptr<int>()>>>);
static_assert(!std::copy_constructible<LazyLock<int>>);
static_assert(!std::is_copy_assignable_v<LazyLock<int>>);

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
  static_assert(std::is_same_v<decltype(*std::as_const(lazy)), const std::string&>);
  // Read-only even when not const: writing takes an explicit force_mut.
  static_assert(std::is_same_v<decltype(*lazy), const std::string&>);
  static_assert(std::is_same_v<decltype(lazy.operator->()), const std::string*>);
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

// Rust: `impl<T: Default> Default for LazyLock<T>` (only for the default F).
struct NoDefault {
  explicit NoDefault(int) {}
};
static_assert(std::default_initializable<LazyLock<int>>);
static_assert(std::default_initializable<LazyLock<std::string>>);
static_assert(!std::default_initializable<LazyLock<NoDefault>>);
static_assert(!std::default_initializable<LazyLock<int, std::function<int()>>>);

struct CountsDefaults {
  static inline int made = 0;
  int v;
  CountsDefaults() : v(17) { ++made; }
};

TEST(LazyLock, DefaultConstructedInitialisesToTheDefaultOnce) {
  LazyLock<int> zero;
  EXPECT_EQ(LazyLock<int>::get(zero), nullptr);  // nothing runs before the first access
  EXPECT_EQ(*zero, 0);
  EXPECT_EQ(LazyLock<int>::force(zero), 0);
  ASSERT_NE(zero.get(), nullptr);
  EXPECT_EQ(*zero.get(), 0);

  const int before = CountsDefaults::made;
  {
    const LazyLock<CountsDefaults> lazy;
    EXPECT_EQ(CountsDefaults::made, before);
    EXPECT_EQ(lazy->v, 17);
    EXPECT_EQ((*lazy).v, 17);
    EXPECT_EQ(LazyLock<CountsDefaults>::force(lazy).v, 17);
    EXPECT_EQ(CountsDefaults::made, before + 1);  // initialised exactly once
  }

  LazyLock<std::string> s;
  EXPECT_EQ(*s, "");
  auto r = LazyLock<std::string>::into_inner(std::move(s));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r.unwrap(), "");

  LazyLock<int> unforced;
  auto init = LazyLock<int>::into_inner(std::move(unforced));
  ASSERT_TRUE(init.is_err());
  EXPECT_EQ(init.unwrap_err()(), 0);  // the initializer is a function returning T{}
}

constinit LazyLock<int> g_default_lazy;  // the default constructor is constexpr too

TEST(LazyLock, DefaultConstructedConstinitGlobal) {
  EXPECT_EQ(*std::as_const(g_default_lazy), 0);
  EXPECT_NE(g_default_lazy.get(), nullptr);
}

// Rust's LazyLock::force_mut / get_mut (what its DerefMut does), explicit here.
TEST(LazyLock, MutableAccessForcesAndWrites) {
  int calls = 0;
  LazyLock<int, std::function<int()>> lazy([&] {
    ++calls;
    return 43;
  });
  using L = LazyLock<int, std::function<int()>>;
  static_assert(std::is_same_v<decltype(L::force_mut(lazy)), int&>);
  static_assert(std::is_same_v<decltype(L::get_mut(lazy)), int*>);
  EXPECT_EQ(L::get_mut(lazy), nullptr);  // never initialises
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(lazy.get(), nullptr);
  L::force_mut(lazy) = 44;  // forces first (runs the initializer), then writes
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(*std::as_const(lazy), 44);
  EXPECT_EQ(L::force(lazy), 44);
  L::force_mut(lazy) += 1;
  EXPECT_EQ(*std::as_const(lazy), 45);
  int* p = L::get_mut(lazy);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p, lazy.get());
  EXPECT_EQ(p, &L::force_mut(lazy));
  *p = 46;
  EXPECT_EQ(*lazy, 46);
  EXPECT_EQ(calls, 1);  // initialised once in all
  EXPECT_EQ(L::into_inner(std::move(lazy)).unwrap(), 46);
}

TEST(LazyLock, ForceMutInitialisesOnceAndGetMutWrites) {
  int calls = 0;
  LazyLock lazy([&] {
    ++calls;
    return std::vector<int>{1, 2};
  });
  using L = decltype(lazy);
  L::force_mut(lazy).push_back(3);  // forces, then gives a mutable reference
  EXPECT_EQ(calls, 1);
  L::force_mut(lazy).push_back(4);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(*std::as_const(lazy), (std::vector<int>{1, 2, 3, 4}));
  ASSERT_NE(L::get_mut(lazy), nullptr);
  L::get_mut(lazy)->clear();
  EXPECT_EQ(lazy->size(), 0u);
  EXPECT_EQ(calls, 1);

  LazyLock<std::vector<int>> by_default;
  EXPECT_EQ(LazyLock<std::vector<int>>::get_mut(by_default), nullptr);
  LazyLock<std::vector<int>>::force_mut(by_default).push_back(7);
  EXPECT_EQ(*std::as_const(by_default), (std::vector<int>{7}));
}

TEST(LazyLock, MutableAccessOnPoisonedPanics) {
  int calls = 0;
  using L = LazyLock<int, std::function<int()>>;
  L lazy([&]() -> int {
    ++calls;
    throw std::runtime_error("init failed");
  });
  EXPECT_THROW((void)L::force_mut(lazy), std::runtime_error);  // the initializer's exception, then poisoned
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(L::get_mut(lazy), nullptr);  // poisoned: nullptr, as Rust's None
  EXPECT_EQ(sync_test::panic_message([&] { (void)L::force_mut(lazy); }),
            "LazyLock instance has previously been poisoned");
  EXPECT_EQ(sync_test::panic_message([&] { (void)*lazy; }), "LazyLock instance has previously been poisoned");
  EXPECT_EQ(calls, 1);
}

// --- moves --------------------------------------------------------------

using CountingLazy = LazyLock<Tracked, std::function<Tracked()>>;

// Sets `flag` however the scope is left, so a failed check cannot leave a
// blocked initializer (and the test) hanging.
struct SetOnExit {
  std::atomic<bool>& flag;
  ~SetOnExit() { flag = true; }
};

TEST(LazyLock, MovingAnUnforcedLazyLockMovesTheInitializerWhichRunsOnce) {
  const long base = Tracked::live.load();
  {
    std::atomic<int> calls{0};
    CountingLazy source([&, c = Tracked(3)] {
      calls.fetch_add(1);
      return Tracked(c.value * 2);
    });
    CountingLazy moved(std::move(source));
    EXPECT_EQ(calls.load(), 0);  // moving runs nothing
    EXPECT_EQ(moved.get(), nullptr);
    CountingLazy again(std::move(moved));
    std::atomic<int> bad{0};
    fearless::thread::scope([&](auto& s) {
      for (int t = 0; t < 4; ++t) {
        s.spawn([&] {
          if (again->value != 6) bad.fetch_add(1);
        });
      }
    });
    EXPECT_EQ(bad.load(), 0);
    EXPECT_EQ(CountingLazy::force(again).value, 6);
    EXPECT_EQ(calls.load(), 1);  // exactly once, on the final owner
    EXPECT_EQ(Tracked::live.load(), base + 1);  // the value; the closure (and its Tracked) is gone
  }
  EXPECT_EQ(Tracked::live.load(), base);  // nothing left behind in the moved-from ones
}

TEST(LazyLock, MovingAForcedLazyLockMovesTheValue) {
  const long base = Tracked::live.load();
  {
    int calls = 0;
    CountingLazy source([&] {
      ++calls;
      return Tracked(11);
    });
    EXPECT_EQ(source->value, 11);
    CountingLazy moved(std::move(source));
    ASSERT_NE(moved.get(), nullptr);
    EXPECT_EQ(moved->value, 11);
    EXPECT_EQ(CountingLazy::force_mut(moved).value, 11);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(source.get(), nullptr);
    EXPECT_EQ(Tracked::live.load(), base + 1);  // one value, not two
    EXPECT_EQ(CountingLazy::into_inner(std::move(moved)).unwrap().value, 11);
  }
  EXPECT_EQ(Tracked::live.load(), base);
}

TEST(LazyLock, MovingAPoisonedLazyLockKeepsItPoisoned) {
  int calls = 0;
  CountingLazy source([&]() -> Tracked {
    ++calls;
    throw std::runtime_error("init failed");
  });
  EXPECT_THROW((void)*source, std::runtime_error);
  CountingLazy moved(std::move(source));
  EXPECT_EQ(moved.get(), nullptr);
  EXPECT_EQ(sync_test::panic_message([&] { (void)*moved; }), "LazyLock instance has previously been poisoned");
  EXPECT_EQ(sync_test::panic_message([&] { (void)CountingLazy::into_inner(std::move(moved)); }),
            "LazyLock instance has previously been poisoned");
  EXPECT_EQ(sync_test::panic_message([&] { (void)*source; }), "use of a moved-from LazyLock");
  EXPECT_EQ(calls, 1);
}

TEST(LazyLock, ForcingAMovedFromLazyLockPanics) {
  using L = LazyLock<int, std::function<int()>>;
  L unforced([] { return 1; });
  L forced([] { return 2; });
  EXPECT_EQ(*forced, 2);
  L a(std::move(unforced));
  L b(std::move(forced));
  for (L* from : {&unforced, &forced}) {
    EXPECT_EQ(from->get(), nullptr);
    EXPECT_EQ(L::get_mut(*from), nullptr);
    EXPECT_EQ(sync_test::panic_message([&] { (void)**from; }), "use of a moved-from LazyLock");
    EXPECT_EQ(sync_test::panic_message([&] { (void)from->operator->(); }), "use of a moved-from LazyLock");
    EXPECT_EQ(sync_test::panic_message([&] { (void)L::force(*from); }), "use of a moved-from LazyLock");
    EXPECT_EQ(sync_test::panic_message([&] { (void)L::force_mut(*from); }), "use of a moved-from LazyLock");
    EXPECT_EQ(sync_test::panic_message([&] { (void)L::into_inner(std::move(*from)); }),
              "use of a moved-from LazyLock");
  }
  // A moved-from one passes that on, and is usable again once assigned to.
  L c(std::move(unforced));
  EXPECT_EQ(sync_test::panic_message([&] { (void)*c; }), "use of a moved-from LazyLock");
  unforced = L([] { return 3; });
  EXPECT_EQ(*unforced, 3);
  EXPECT_EQ(*a, 1);
  EXPECT_EQ(*b, 2);
}

TEST(LazyLock, MoveAssignmentReplacesWhatTheTargetHeld) {
  const long base = Tracked::live.load();
  {
    int calls = 0;
    CountingLazy target([&, c = Tracked(0)] {
      ++calls;
      return Tracked(100);
    });
    EXPECT_EQ(Tracked::live.load(), base + 1);  // the closure's Tracked
    CountingLazy unforced([&] {
      ++calls;
      return Tracked(1);
    });
    target = std::move(unforced);
    EXPECT_EQ(Tracked::live.load(), base);  // the old initializer was destroyed
    EXPECT_EQ(target->value, 1);
    CountingLazy forced([] { return Tracked(2); });
    EXPECT_EQ(forced->value, 2);
    target = std::move(forced);  // destroys the old value, takes the new one
    EXPECT_EQ(target->value, 2);
    EXPECT_EQ(Tracked::live.load(), base + 1);
    CountingLazy& self = target;
    target = std::move(self);  // self-assignment keeps the value
    EXPECT_EQ(target->value, 2);
    EXPECT_EQ(calls, 1);
  }
  EXPECT_EQ(Tracked::live.load(), base);
}

TEST(LazyLock, VectorReallocationKeepsEachState) {
  const int n = 120;  // many emplace_backs: several reallocations
  std::vector<int> calls(static_cast<std::size_t>(n), 0);
  using L = LazyLock<int, std::function<int()>>;
  std::vector<L> lazies;
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    L& l = lazies.emplace_back([&calls, i, k]() -> int {
      ++calls[k];
      if (i % 3 == 2) throw std::runtime_error("init failed");
      return i * 10;
    });
    if (i % 3 == 1) {
      EXPECT_EQ(*l, i * 10);
    } else if (i % 3 == 2) {
      EXPECT_THROW((void)*l, std::runtime_error);
    }
  }
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    L& l = lazies[k];
    switch (i % 3) {
      case 0:  // not yet forced: the initializer came along
        EXPECT_EQ(l.get(), nullptr) << i;
        EXPECT_EQ(calls[k], 0) << i;
        EXPECT_EQ(*l, i * 10) << i;
        break;
      case 1:  // forced: the value came along
        ASSERT_NE(l.get(), nullptr) << i;
        EXPECT_EQ(*l.get(), i * 10) << i;
        break;
      default:  // poisoned: so is the moved one
        EXPECT_EQ(sync_test::panic_message([&] { (void)*l; }), "LazyLock instance has previously been poisoned")
            << i;
        break;
    }
    EXPECT_EQ(calls[k], 1) << i;
  }
}

TEST(LazyLock, MovingDuringInitialisationPanics) {
  std::atomic<int> calls{0};
  std::atomic<bool> running{false};
  std::atomic<bool> release{false};
  CountingLazy lazy([&] {
    calls.fetch_add(1);
    running = true;
    while (!release.load()) fearless::thread::yield_now();
    return Tracked(5);
  });
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] { EXPECT_EQ(lazy->value, 5); });
    SetOnExit on_exit{release};
    while (!running.load()) fearless::thread::yield_now();
    // The initializer runs until on_exit sets `release`, after these checks.
    EXPECT_EQ(sync_test::panic_message([&] { CountingLazy moved(std::move(lazy)); }),
              "cannot move a LazyLock while it is being initialized");
    CountingLazy target([] { return Tracked(6); });
    EXPECT_EQ(sync_test::panic_message([&] { target = std::move(lazy); }),
              "cannot move a LazyLock while it is being initialized");
    EXPECT_EQ(sync_test::panic_message([&] { lazy = std::move(target); }),
              "cannot assign to a LazyLock while it is being initialized");
    EXPECT_EQ(target->value, 6);  // untouched
  });
  EXPECT_EQ(lazy->value, 5);  // the initialisation was not disturbed
  CountingLazy moved(std::move(lazy));
  EXPECT_EQ(moved->value, 5);
  EXPECT_EQ(calls.load(), 1);
}

TEST(LazyLock, MovingFromInsideItsOwnInitializerPanicsAndPoisons) {
  std::function<int()> init;
  using L = LazyLock<int, std::function<int()>>;
  L lazy([&] { return init(); });
  init = [&] {
    L moved(std::move(lazy));
    return 1;
  };
  EXPECT_EQ(sync_test::panic_message([&] { (void)*lazy; }), "cannot move a LazyLock while it is being initialized");
  EXPECT_EQ(sync_test::panic_message([&] { (void)*lazy; }), "LazyLock instance has previously been poisoned");
}

}  // namespace

// As OnceLockTemporaries: a temporary LazyLock<std::string> never forced
// made g++ 12 warn -Wmaybe-uninitialized in its destructor (a -Werror build
// of this file failed); forced, it gives its value.
TEST(LazyLockTemporaries, UnforcedAndForcedTemporariesOfAString) {
  static int calls = 0;
  (void)LazyLock<std::string>([] {
    ++calls;
    return std::string("x");
  });
  EXPECT_EQ(calls, 0);
  using Lazy = LazyLock<std::string, std::string (*)()>;
  EXPECT_EQ(*Lazy([] { return std::string("y"); }), "y");
}
