// Arc<T> / Weak<T> against the behaviour checked by Rust's std Arc tests
// (alloc/src/sync/tests.rs): counts, get_mut, try_unwrap, into_inner, raw
// pointers, clone-on-write, upgrade of live and dead values, self cycles, drop
// order, new_cyclic and ptr_eq. Upstream tests of unsized payloads (str,
// slices, dyn Trait, CStr), Any downcasts and the allocator API have no
// counterpart here: Arc<T> holds one sized T in a global-heap allocation.
#include "fearless/sync/arc.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <compare>
#include <concepts>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fearless/sync/mpsc.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::Arc;
using fearless::sync::Mutex;
using fearless::sync::Weak;

// Adds one to a shared counter when destroyed.
struct Canary {
  std::atomic<int>* hits;
  explicit Canary(std::atomic<int>* h) : hits(h) {}
  Canary(const Canary&) = delete;
  Canary& operator=(const Canary&) = delete;
  ~Canary() { hits->fetch_add(1); }
};

// std sync/tests.rs: manually_share_arc
TEST(StdArc, CloneSentThroughAChannelSharesTheValue) {
  auto arc_v = Arc<std::vector<int>>::make(std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  auto [tx, rx] = fearless::sync::mpsc::channel<Arc<std::vector<int>>>();
  auto t = fearless::thread::spawn([rx = std::move(rx)] {
    Arc<std::vector<int>> got = rx.recv().unwrap();
    EXPECT_EQ((*got)[3], 4);
    return got.strong_count() >= 1;
  });
  tx.send(arc_v.clone()).unwrap();
  EXPECT_EQ((*arc_v)[2], 3);
  EXPECT_EQ((*arc_v)[4], 5);
  EXPECT_TRUE(t.join().unwrap());
  EXPECT_EQ(arc_v.strong_count(), 1u);  // the clone died with the thread
}

// std sync/tests.rs: test_arc_get_mut
TEST(StdArc, GetMutFollowsUniquenessThroughCloneDropAndDowngrade) {
  auto x = Arc<int>::make(3);
  int* m = Arc<int>::get_mut(x);
  ASSERT_NE(m, nullptr);
  *m = 4;
  EXPECT_EQ(*x, 4);
  std::optional<Arc<int>> y = x.clone();
  EXPECT_EQ(Arc<int>::get_mut(x), nullptr);
  y.reset();
  EXPECT_NE(Arc<int>::get_mut(x), nullptr);
  auto w = Arc<int>::downgrade(x);
  EXPECT_EQ(Arc<int>::get_mut(x), nullptr);
}

// std sync/tests.rs: weak_counts
TEST(StdArc, WeakCountsTrackEveryCloneAndDrop) {
  EXPECT_EQ(Weak<std::uint64_t>().weak_count(), 0u);
  EXPECT_EQ(Weak<std::uint64_t>().strong_count(), 0u);

  std::optional<Arc<int>> a = Arc<int>::make(0);
  std::optional<Weak<int>> w = Arc<int>::downgrade(*a);
  EXPECT_EQ(w->strong_count(), 1u);
  EXPECT_EQ(w->weak_count(), 1u);
  Weak<int> w2 = w->clone();
  EXPECT_EQ(w->strong_count(), 1u);
  EXPECT_EQ(w->weak_count(), 2u);
  EXPECT_EQ(w2.strong_count(), 1u);
  EXPECT_EQ(w2.weak_count(), 2u);
  w.reset();
  EXPECT_EQ(w2.strong_count(), 1u);
  EXPECT_EQ(w2.weak_count(), 1u);
  std::optional<Arc<int>> a2 = a->clone();
  EXPECT_EQ(w2.strong_count(), 2u);
  EXPECT_EQ(w2.weak_count(), 1u);
  a2.reset();
  a.reset();
  EXPECT_EQ(w2.strong_count(), 0u);
  EXPECT_EQ(w2.weak_count(), 0u);  // no Arc left: reported as 0, as in Rust
}

// std sync/tests.rs: try_unwrap
TEST(StdArc, TryUnwrapSucceedsUnlessAnotherArcExistsAndIgnoresWeaks) {
  auto x = Arc<int>::make(3);
  EXPECT_EQ(Arc<int>::try_unwrap(std::move(x)), fearless::Ok(3));

  auto x4 = Arc<int>::make(4);
  auto y4 = x4.clone();
  auto r = Arc<int>::try_unwrap(std::move(x4));
  EXPECT_EQ(r, fearless::Err(Arc<int>::make(4)));  // Err holds the Arc; == compares values
  ASSERT_TRUE(r.is_err());
  EXPECT_TRUE(Arc<int>::ptr_eq(r.unwrap_err(), y4));

  auto x5 = Arc<int>::make(5);
  auto w5 = Arc<int>::downgrade(x5);
  EXPECT_EQ(Arc<int>::try_unwrap(std::move(x5)), fearless::Ok(5));
  EXPECT_FALSE(w5.upgrade().has_value());
}

// std sync/tests.rs: into_inner (formerly unwrap_or_drop)
TEST(StdArc, IntoInnerGivesTheValueToExactlyOneOfTwoRacingOwners) {
  for (int i = 0; i < 100; ++i) {
    auto x = Arc<int>::make(3);
    auto y = Arc<int>::clone(x);
    auto r_thread = fearless::thread::spawn([x = std::move(x)]() mutable { return Arc<int>::into_inner(std::move(x)); });
    auto s_thread = fearless::thread::spawn([y = std::move(y)]() mutable { return Arc<int>::into_inner(std::move(y)); });
    const std::optional<int> r = r_thread.join().expect("r_thread panicked");
    const std::optional<int> s = s_thread.join().expect("s_thread panicked");
    const bool r_won = r == std::optional<int>(3) && s == std::nullopt;
    const bool s_won = r == std::nullopt && s == std::optional<int>(3);
    ASSERT_TRUE(r_won || s_won) << "round " << i;
  }
}

// std sync/tests.rs: into_inner (single-threaded part)
TEST(StdArc, IntoInnerReturnsTheValueOnlyForTheLastArc) {
  EXPECT_EQ(Arc<int>::into_inner(Arc<int>::make(3)), std::optional<int>(3));

  auto x = Arc<int>::make(4);
  auto y = Arc<int>::clone(x);
  EXPECT_EQ(Arc<int>::into_inner(std::move(x)), std::nullopt);
  EXPECT_EQ(y.strong_count(), 1u);  // the failed call still released x
  EXPECT_EQ(Arc<int>::into_inner(std::move(y)), std::optional<int>(4));

  auto z = Arc<int>::make(5);
  auto w = Arc<int>::downgrade(z);
  EXPECT_EQ(Arc<int>::into_inner(std::move(z)), std::optional<int>(5));
  EXPECT_FALSE(w.upgrade().has_value());
}

// std sync/tests.rs: into_from_raw
TEST(StdArc, IntoRawKeepsTheValueAliveAfterOtherClonesDrop) {
  using Boxed = std::unique_ptr<std::string>;
  auto x = Arc<Boxed>::make(std::make_unique<std::string>("hello"));
  std::optional<Arc<Boxed>> y = x.clone();
  const Boxed* x_ptr = Arc<Boxed>::into_raw(std::move(x));
  y.reset();
  EXPECT_EQ(**x_ptr, "hello");
  auto back = Arc<Boxed>::from_raw(x_ptr);
  EXPECT_EQ(**back, "hello");
  EXPECT_EQ(back.strong_count(), 1u);
  auto unwrapped = Arc<Boxed>::try_unwrap(std::move(back)).map([](Boxed b) { return *b; });
  EXPECT_EQ(unwrapped, fearless::Ok(std::string("hello")));
}

// std sync/tests.rs: test_into_from_raw_unsized — skipped: Arc<str> / Arc<dyn Display> are unsized payloads.

// std sync/tests.rs: into_from_weak_raw
TEST(StdArc, WeakIntoRawFromRawStillUpgradesAndLeavesTryUnwrapFree) {
  using Boxed = std::unique_ptr<std::string>;
  auto x = Arc<Boxed>::make(std::make_unique<std::string>("hello"));
  Weak<Boxed> y = Arc<Boxed>::downgrade(x);
  const Boxed* y_ptr = Weak<Boxed>::into_raw(std::move(y));
  EXPECT_EQ(**y_ptr, "hello");
  Weak<Boxed> back = Weak<Boxed>::from_raw(y_ptr);
  {
    auto up = back.upgrade();
    ASSERT_TRUE(up.has_value());
    EXPECT_EQ(***up, "hello");
  }
  auto unwrapped = Arc<Boxed>::try_unwrap(std::move(x)).map([](Boxed b) { return *b; });
  EXPECT_EQ(unwrapped, fearless::Ok(std::string("hello")));
  EXPECT_FALSE(back.upgrade().has_value());
}

// std sync/tests.rs: test_into_from_weak_raw_unsized — skipped: Weak<str> / Weak<dyn Display> are unsized.

// std sync/tests.rs: test_cowarc_clone_make_mut
TEST(StdArc, MakeMutOnThreeSharingArcsGivesEachItsOwnCopy) {
  auto cow0 = Arc<int>::make(75);
  auto cow1 = cow0.clone();
  auto cow2 = cow1.clone();

  EXPECT_EQ(Arc<int>::make_mut(cow0), 75);
  EXPECT_EQ(Arc<int>::make_mut(cow1), 75);
  EXPECT_EQ(Arc<int>::make_mut(cow2), 75);

  Arc<int>::make_mut(cow0) += 1;
  Arc<int>::make_mut(cow1) += 2;
  Arc<int>::make_mut(cow2) += 3;

  EXPECT_EQ(*cow0, 76);
  EXPECT_EQ(*cow1, 77);
  EXPECT_EQ(*cow2, 78);
  EXPECT_NE(*cow0, *cow1);
  EXPECT_NE(*cow0, *cow2);
  EXPECT_NE(*cow1, *cow2);
  EXPECT_FALSE(Arc<int>::ptr_eq(cow0, cow1));
  EXPECT_FALSE(Arc<int>::ptr_eq(cow1, cow2));
  EXPECT_FALSE(Arc<int>::ptr_eq(cow0, cow2));
  EXPECT_EQ(cow0.strong_count(), 1u);
  EXPECT_EQ(cow1.strong_count(), 1u);
  EXPECT_EQ(cow2.strong_count(), 1u);
}

// std sync/tests.rs: test_cowarc_clone_unique2
TEST(StdArc, MakeMutOnOneArcLeavesTheOthersSharingTheOriginal) {
  auto cow0 = Arc<int>::make(75);
  auto cow1 = cow0.clone();
  auto cow2 = cow1.clone();

  EXPECT_EQ(*cow0, 75);
  EXPECT_EQ(*cow1, 75);
  EXPECT_EQ(*cow2, 75);

  Arc<int>::make_mut(cow0) += 1;
  EXPECT_EQ(*cow0, 76);
  EXPECT_EQ(*cow1, 75);
  EXPECT_EQ(*cow2, 75);

  EXPECT_NE(*cow0, *cow1);
  EXPECT_NE(*cow0, *cow2);
  EXPECT_EQ(*cow1, *cow2);
  EXPECT_TRUE(Arc<int>::ptr_eq(cow1, cow2));
  EXPECT_EQ(cow1.strong_count(), 2u);
  EXPECT_EQ(cow0.strong_count(), 1u);
}

// std sync/tests.rs: test_cowarc_clone_weak
TEST(StdArc, MakeMutWithOnlyAWeakOutstandingCutsTheWeakOff) {
  auto cow0 = Arc<int>::make(75);
  auto cow1_weak = Arc<int>::downgrade(cow0);

  EXPECT_EQ(*cow0, 75);
  {
    auto up = cow1_weak.upgrade();
    ASSERT_TRUE(up.has_value());
    EXPECT_EQ(**up, 75);
  }

  Arc<int>::make_mut(cow0) += 1;

  EXPECT_EQ(*cow0, 76);
  EXPECT_FALSE(cow1_weak.upgrade().has_value());
}

// std sync/tests.rs: test_live
TEST(StdArc, WeakOfALiveArcUpgrades) {
  auto x = Arc<int>::make(5);
  auto y = Arc<int>::downgrade(x);
  auto up = y.upgrade();
  ASSERT_TRUE(up.has_value());
  EXPECT_TRUE(Arc<int>::ptr_eq(*up, x));
}

// std sync/tests.rs: test_dead
TEST(StdArc, WeakOfADroppedArcDoesNotUpgrade) {
  std::optional<Arc<int>> x = Arc<int>::make(5);
  auto y = Arc<int>::downgrade(*x);
  x.reset();
  EXPECT_FALSE(y.upgrade().has_value());
}

// std sync/tests.rs: weak_self_cyclic
struct Cycle {
  Mutex<std::optional<Weak<Cycle>>> x;
  std::atomic<int>* destroyed;
  explicit Cycle(std::atomic<int>* d) : x(std::nullopt), destroyed(d) {}
  Cycle(const Cycle&) = delete;
  Cycle& operator=(const Cycle&) = delete;
  ~Cycle() { destroyed->fetch_add(1); }
};

TEST(StdArc, ValueHoldingAWeakToItselfIsDestroyedOnceWithItsLastArc) {
  std::atomic<int> destroyed{0};
  {
    auto a = Arc<Cycle>::make(&destroyed);
    auto b = Arc<Cycle>::downgrade(a.clone());  // the temporary clone is gone after this line
    EXPECT_EQ(a.strong_count(), 1u);
    *a->x.lock().unwrap() = std::move(b);
    EXPECT_EQ(a.weak_count(), 1u);
  }
  EXPECT_EQ(destroyed.load(), 1);  // no leak, and (checked by the sanitizers) no double free
}

// std sync/tests.rs: drop_arc
TEST(StdArc, DroppingTheOnlyArcDestroysTheValue) {
  std::atomic<int> canary{0};
  std::optional<Arc<Canary>> x = Arc<Canary>::make(&canary);
  x.reset();
  EXPECT_EQ(canary.load(), 1);
}

// std sync/tests.rs: drop_arc_weak
TEST(StdArc, ValueIsDestroyedWithTheLastArcNotTheLastWeak) {
  std::atomic<int> canary{0};
  std::optional<Arc<Canary>> arc = Arc<Canary>::make(&canary);
  std::optional<Weak<Canary>> arc_weak = Arc<Canary>::downgrade(*arc);
  EXPECT_EQ(canary.load(), 0);
  arc.reset();
  EXPECT_EQ(canary.load(), 1);
  arc_weak.reset();
  EXPECT_EQ(canary.load(), 1);
}

// std sync/tests.rs: test_strong_count
TEST(StdArc, StrongCountCountsUpgradesAndClonesNotWeaks) {
  std::optional<Arc<int>> a = Arc<int>::make(0);
  EXPECT_EQ(Arc<int>::strong_count(*a), 1u);
  std::optional<Weak<int>> w = Arc<int>::downgrade(*a);
  EXPECT_EQ(Arc<int>::strong_count(*a), 1u);
  auto up = w->upgrade();
  ASSERT_TRUE(up.has_value());
  Arc<int> b = std::move(*up);
  EXPECT_EQ(Arc<int>::strong_count(b), 2u);
  EXPECT_EQ(Arc<int>::strong_count(*a), 2u);
  w.reset();
  a.reset();
  EXPECT_EQ(Arc<int>::strong_count(b), 1u);
  Arc<int> c = b.clone();
  EXPECT_EQ(Arc<int>::strong_count(b), 2u);
  EXPECT_EQ(Arc<int>::strong_count(c), 2u);
}

// std sync/tests.rs: test_weak_count
TEST(StdArc, WeakCountCountsWeaksNotArcs) {
  std::optional<Arc<int>> a = Arc<int>::make(0);
  EXPECT_EQ(Arc<int>::strong_count(*a), 1u);
  EXPECT_EQ(Arc<int>::weak_count(*a), 0u);
  std::optional<Weak<int>> w = Arc<int>::downgrade(*a);
  EXPECT_EQ(Arc<int>::strong_count(*a), 1u);
  EXPECT_EQ(Arc<int>::weak_count(*a), 1u);
  std::optional<Weak<int>> x = w->clone();
  EXPECT_EQ(Arc<int>::weak_count(*a), 2u);
  w.reset();
  x.reset();
  EXPECT_EQ(Arc<int>::strong_count(*a), 1u);
  EXPECT_EQ(Arc<int>::weak_count(*a), 0u);
  Arc<int> c = a->clone();
  EXPECT_EQ(Arc<int>::strong_count(*a), 2u);
  EXPECT_EQ(Arc<int>::weak_count(*a), 0u);
  Weak<int> d = Arc<int>::downgrade(c);
  EXPECT_EQ(Arc<int>::weak_count(c), 1u);
  EXPECT_EQ(Arc<int>::strong_count(c), 2u);
  a.reset();
  EXPECT_EQ(d.strong_count(), 1u);
  EXPECT_EQ(d.weak_count(), 1u);
}

// std sync/tests.rs: show_arc (Rust's Debug; our `<<` writes the value, as Display/Debug forward to T)
TEST(StdArc, PrintingAnArcPrintsTheValue) {
  std::ostringstream os;
  os << Arc<int>::make(5);
  EXPECT_EQ(os.str(), "5");
}

// std sync/tests.rs: the derive(Eq, Ord, PartialEq, PartialOrd, Clone, Default) check on a struct with an Arc field
struct Foo {
  Arc<int> inner;
  friend bool operator==(const Foo&, const Foo&) = default;
  friend auto operator<=>(const Foo&, const Foo&) = default;
};
static_assert(std::regular<Foo>);  // default-constructible, copyable, ==
static_assert(std::totally_ordered<Foo>);
static_assert(std::is_same_v<std::compare_three_way_result_t<Foo>, std::strong_ordering>);

TEST(StdArc, DefaultedComparisonsOfAStructWithAnArcFieldUseTheValue) {
  Foo zero;
  EXPECT_EQ(*zero.inner, 0);
  Foo one{Arc<int>::make(1)};
  Foo copy = one;
  EXPECT_TRUE(Arc<int>::ptr_eq(copy.inner, one.inner));
  EXPECT_EQ(copy, one);
  EXPECT_EQ(one, Foo{Arc<int>::make(1)});
  EXPECT_LT(zero, one);
  EXPECT_EQ(zero <=> one, std::strong_ordering::less);
}

// std sync/tests.rs: test_unsized — Arc<[i32]> is unsized; the downgrade-of-a-temporary part with a sized array:
TEST(StdArc, WeakFromATemporaryCloneDiesWithTheLastArc) {
  std::optional<Arc<std::array<int, 3>>> x = Arc<std::array<int, 3>>::make(std::array<int, 3>{1, 2, 3});
  EXPECT_EQ((**x)[2], 3);
  auto y = Arc<std::array<int, 3>>::downgrade(x->clone());
  EXPECT_EQ(y.strong_count(), 1u);
  x.reset();
  EXPECT_FALSE(y.upgrade().has_value());
}

// std sync/tests.rs: test_maybe_thin_unsized — skipped: Arc<CStr> is an unsized payload.

// std sync/tests.rs: test_from_owned
TEST(StdArc, FromOwnedValue) {
  const int foo = 123;
  auto foo_arc = Arc<int>::from(foo);
  EXPECT_EQ(*foo_arc, 123);
  Arc<int> direct(foo);
  EXPECT_EQ(*direct, 123);
}

// std sync/tests.rs: test_new_weak
TEST(StdArc, NewWeakNeverUpgrades) {
  Weak<std::size_t> foo;  // Weak::new()
  EXPECT_FALSE(foo.upgrade().has_value());
  Weak<std::size_t> copy = foo.clone();
  EXPECT_FALSE(copy.upgrade().has_value());
}

// std sync/tests.rs: test_ptr_eq
TEST(StdArc, PtrEqIsIdentityNotValueEquality) {
  auto five = Arc<int>::make(5);
  auto same_five = five.clone();
  auto other_five = Arc<int>::make(5);
  EXPECT_TRUE(Arc<int>::ptr_eq(five, same_five));
  EXPECT_FALSE(Arc<int>::ptr_eq(five, other_five));
  EXPECT_EQ(five, other_five);  // while == compares the values
}

// std sync/tests.rs: test_weak_count_locked
struct Flag {
  mutable std::atomic<bool> set{false};
};

TEST(StdArc, WeakCountNeverShowsTheGetMutLockAsWeaks) {
  auto a = Arc<Flag>::make();
  auto a2 = a.clone();
  const int count = static_cast<int>(sync_test::scaled(20000, 1000));
  auto t = fearless::thread::spawn([a = std::move(a), count]() mutable {
    int unique = 0;
    for (int i = 0; i < count; ++i) unique += Arc<Flag>::get_mut(a) != nullptr;
    a->set.store(true);
    return unique;
  });
  while (!a2->set.load()) {
    const std::size_t n = Arc<Flag>::weak_count(a2);
    ASSERT_LT(n, 2u) << "bad weak count: " << n;
  }
  EXPECT_EQ(t.join().unwrap(), 0);  // a2 was alive throughout: never unique
  EXPECT_EQ(a2.weak_count(), 0u);
  EXPECT_EQ(a2.strong_count(), 1u);
}

// std sync/tests.rs: test_from_str, test_copy_from_slice, test_clone_from_slice, test_clone_from_slice_panic,
// test_from_box_str, test_from_box_slice, test_from_box_trait, test_from_box_trait_zero_sized, test_from_vec,
// test_downcast, test_array_from_slice — skipped: Arc<str>, Arc<[T]>, Arc<dyn Trait> and Arc<dyn Any> are
// unsized payloads, which Arc<T> (one sized T) does not have.
// std sync/tests.rs: test_from_box — skipped: Arc<T> has no conversion from a Box (std::unique_ptr<T>).

// std sync/tests.rs: test_arc_cyclic_with_zero_refs
TEST(StdArc, NewCyclicThatKeepsNoWeakHasNoWeakCount) {
  struct ZeroRefs {
    Weak<ZeroRefs> inner;
  };
  std::size_t strong_inside = 99;
  bool upgraded_inside = true;
  auto zero_refs = Arc<ZeroRefs>::new_cyclic([&](const Weak<ZeroRefs>& inner) {
    strong_inside = inner.strong_count();
    upgraded_inside = inner.upgrade().has_value();
    return ZeroRefs{Weak<ZeroRefs>()};
  });
  EXPECT_EQ(strong_inside, 0u);
  EXPECT_FALSE(upgraded_inside);
  EXPECT_EQ(Arc<ZeroRefs>::strong_count(zero_refs), 1u);
  EXPECT_EQ(Arc<ZeroRefs>::weak_count(zero_refs), 0u);
  EXPECT_EQ(zero_refs->inner.strong_count(), 0u);
  EXPECT_EQ(zero_refs->inner.weak_count(), 0u);
}

// std sync/tests.rs: test_arc_new_cyclic_one_ref
TEST(StdArc, NewCyclicWithOneKeptWeak) {
  struct OneRef {
    Weak<OneRef> inner;
  };
  std::size_t strong_inside = 99;
  bool upgraded_inside = true;
  auto one_ref = Arc<OneRef>::new_cyclic([&](const Weak<OneRef>& inner) {
    strong_inside = inner.strong_count();
    upgraded_inside = inner.upgrade().has_value();
    return OneRef{inner.clone()};
  });
  EXPECT_EQ(strong_inside, 0u);
  EXPECT_FALSE(upgraded_inside);
  EXPECT_EQ(Arc<OneRef>::strong_count(one_ref), 1u);
  EXPECT_EQ(Arc<OneRef>::weak_count(one_ref), 1u);

  auto one_ref2 = one_ref->inner.upgrade();
  ASSERT_TRUE(one_ref2.has_value());
  EXPECT_TRUE(Arc<OneRef>::ptr_eq(one_ref, *one_ref2));
  EXPECT_EQ(Arc<OneRef>::strong_count(one_ref), 2u);
  EXPECT_EQ(Arc<OneRef>::weak_count(one_ref), 1u);
}

// std sync/tests.rs: test_arc_cyclic_two_refs
TEST(StdArc, NewCyclicWithTwoKeptWeaks) {
  struct TwoRefs {
    Weak<TwoRefs> inner1;
    Weak<TwoRefs> inner2;
  };
  std::size_t strong_inside = 99;
  bool upgraded_inside = true;
  auto two_refs = Arc<TwoRefs>::new_cyclic([&](const Weak<TwoRefs>& inner) {
    strong_inside = inner.strong_count();
    upgraded_inside = inner.upgrade().has_value();
    Weak<TwoRefs> inner1 = inner.clone();
    Weak<TwoRefs> inner2 = inner1.clone();
    return TwoRefs{std::move(inner1), std::move(inner2)};
  });
  EXPECT_EQ(strong_inside, 0u);
  EXPECT_FALSE(upgraded_inside);
  EXPECT_EQ(Arc<TwoRefs>::strong_count(two_refs), 1u);
  EXPECT_EQ(Arc<TwoRefs>::weak_count(two_refs), 2u);

  auto two_refs1 = two_refs->inner1.upgrade();
  ASSERT_TRUE(two_refs1.has_value());
  EXPECT_TRUE(Arc<TwoRefs>::ptr_eq(two_refs, *two_refs1));
  auto two_refs2 = two_refs->inner2.upgrade();
  ASSERT_TRUE(two_refs2.has_value());
  EXPECT_TRUE(Arc<TwoRefs>::ptr_eq(two_refs, *two_refs2));
  EXPECT_EQ(Arc<TwoRefs>::strong_count(two_refs), 3u);
  EXPECT_EQ(Arc<TwoRefs>::weak_count(two_refs), 2u);
}

// std sync/tests.rs: arc_drop_dereferenceable_race (upstream runs it under Miri only; here the
// sanitizer builds watch the race between the two final drops)
TEST(StdArc, TwoThreadsDroppingTheLastTwoArcsDestroyTheValueOnce) {
  const int rounds = static_cast<int>(sync_test::scaled(300, 30));
  std::atomic<int> destroyed{0};
  for (int i = 0; i < rounds; ++i) {
    std::optional<Arc<Canary>> arc_1 = Arc<Canary>::make(&destroyed);
    Arc<Canary> arc_2 = arc_1->clone();
    auto t = fearless::thread::spawn([arc_2 = std::move(arc_2)]() mutable { Arc<Canary> gone = std::move(arc_2); });
    std::atomic<int> spin{0};
    while (spin.fetch_add(1, std::memory_order_relaxed) < 256) {
    }
    arc_1.reset();
    t.join().unwrap();
    ASSERT_EQ(destroyed.load(), i + 1);
  }
}

// std sync/tests.rs: arc_doesnt_leak_allocator — skipped: Arc<T> has no allocator parameter (Rust's Arc<T, A>).

}  // namespace
