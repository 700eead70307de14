// Arc<T> / Weak<T>: one allocation, const access, counts, clone forms,
// downgrade/upgrade, get_mut, make_mut, try_unwrap, into_inner, ptr_eq,
// moved-from behaviour, every value destroyed exactly once, and counts under
// concurrent clone / drop / upgrade; the value-based ==, <=>, std::hash and
// <<; the default constructor; into_raw / from_raw, increment/decrement of the
// strong count, Weak::as_ptr / into_raw / from_raw; conversion of Arc and
// Weak to a base type (one at an offset, one without a virtual destructor) and
// to const, the panics of what needs the exact type, and downcast; Arcs
// inside the types they point to (std::optional<Arc<Node>> in Node).
#include "fearless/sync/arc.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <compare>
#include <concepts>
#include <functional>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "fearless/sync/mutex.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::Arc;
using fearless::sync::Mutex;
using fearless::sync::Weak;
using sync_test::Tracked;

// The block and the value's address (which an Arc converted to a base type
// needs), as a Rust Arc<dyn Trait> or a std::shared_ptr.
static_assert(sizeof(Arc<int>) == 2 * sizeof(void*));
static_assert(sizeof(Arc<std::string>) == 2 * sizeof(void*));
static_assert(sizeof(Weak<int>) == 2 * sizeof(void*));
static_assert(std::is_same_v<decltype(*std::declval<Arc<int>&>()), const int&>);
static_assert(std::is_same_v<decltype(std::declval<Arc<int>&>().operator->()), const int*>);

class ArcTest : public ::testing::Test {
 protected:
  void SetUp() override { base_ = Tracked::live.load(); }
  void TearDown() override { EXPECT_EQ(Tracked::live.load(), base_); }
  long base_ = 0;
};

TEST_F(ArcTest, SeedProgramShape) {
  auto counter = Arc<Mutex<int>>::make(0);
  std::vector<fearless::thread::JoinHandle<void>> handles;
  for (int i = 0; i < 3; ++i) {
    auto c = Arc<Mutex<int>>::clone(counter);
    handles.push_back(fearless::thread::spawn([c = std::move(c)] {
      auto num = c->lock().unwrap();
      *num += 1;
    }));
  }
  for (auto& h : handles) h.join().unwrap();
  EXPECT_EQ(*counter->lock().unwrap(), 3);
  EXPECT_EQ(counter.strong_count(), 1u);
}

TEST_F(ArcTest, MakeFromAndCounts) {
  auto a = Arc<Tracked>::make(5);
  EXPECT_EQ(a->value, 5);
  EXPECT_EQ(Arc<Tracked>::strong_count(a), 1u);
  EXPECT_EQ(Arc<Tracked>::weak_count(a), 0u);
  {
    Arc<Tracked> b = a;  // copy = clone
    auto c = a.clone();
    auto d = Arc<Tracked>::clone(a);
    EXPECT_EQ(a.strong_count(), 4u);
    EXPECT_TRUE(Arc<Tracked>::ptr_eq(a, d));
    EXPECT_TRUE(b.ptr_eq(c));
  }
  EXPECT_EQ(a.strong_count(), 1u);
  auto f = Arc<std::string>::from(std::string("hi"));
  Arc<std::string> g(std::string("hi"));
  EXPECT_EQ(f, g);  // compares values
  EXPECT_FALSE(Arc<std::string>::ptr_eq(f, g));
  EXPECT_EQ(*Arc<std::string>::as_ptr(f), "hi");
}

TEST_F(ArcTest, ValueDestroyedWithTheLastArc) {
  const long before = Tracked::live.load();
  auto a = Arc<Tracked>::make(1);
  auto b = a;
  EXPECT_EQ(Tracked::live.load(), before + 1);
  a = Arc<Tracked>::make(2);  // assignment drops one reference
  EXPECT_EQ(Tracked::live.load(), before + 2);
  b = a;
  EXPECT_EQ(Tracked::live.load(), before + 1);
  b = std::move(a);
  EXPECT_EQ(b->value, 2);
  EXPECT_EQ(b.strong_count(), 1u);
}

TEST_F(ArcTest, MovedFromIsEmpty) {
  auto a = Arc<int>::make(1);
  auto b = std::move(a);
  EXPECT_EQ(a.strong_count(), 0u);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(a.as_ptr(), nullptr);
  EXPECT_THROW((void)*a, fearless::Panic);
  EXPECT_THROW((void)a.downgrade(), fearless::Panic);
  // Consuming it panics too, into_inner included (it answered nullopt, as if
  // another owner were left).
  EXPECT_THROW((void)Arc<int>::try_unwrap(std::move(a)), fearless::Panic);
  EXPECT_THROW((void)Arc<int>::into_inner(std::move(a)), fearless::Panic);
  EXPECT_THROW((void)Arc<int>::unwrap_or_clone(std::move(a)), fearless::Panic);
  Arc<int> c = a;  // copying an empty Arc gives an empty Arc
  EXPECT_EQ(c.strong_count(), 0u);
  EXPECT_EQ(*b, 1);
}

TEST_F(ArcTest, WeakUpgradeAndCounts) {
  Weak<Tracked> w;
  {
    auto a = Arc<Tracked>::make(3);
    w = a.downgrade();
    auto w2 = Arc<Tracked>::downgrade(a);
    EXPECT_EQ(a.weak_count(), 2u);
    EXPECT_EQ(w.strong_count(), 1u);
    EXPECT_EQ(w.weak_count(), 2u);
    EXPECT_TRUE(Weak<Tracked>::ptr_eq(w, w2));
    auto up = w.upgrade();
    ASSERT_TRUE(up.has_value());
    EXPECT_EQ((*up)->value, 3);
    EXPECT_EQ(a.strong_count(), 2u);
  }
  EXPECT_FALSE(w.upgrade().has_value());  // value gone, allocation kept for w
  EXPECT_EQ(w.strong_count(), 0u);
  EXPECT_EQ(w.weak_count(), 0u);
  Weak<int> empty;
  EXPECT_FALSE(empty.upgrade().has_value());
  EXPECT_EQ(empty.strong_count(), 0u);
  EXPECT_TRUE(Weak<int>::ptr_eq(empty, Weak<int>()));
}

TEST_F(ArcTest, GetMutOnlyWhenUnique) {
  auto a = Arc<int>::make(1);
  ASSERT_NE(a.get_mut(), nullptr);
  *a.get_mut() = 2;
  {
    auto b = a;
    EXPECT_EQ(Arc<int>::get_mut(a), nullptr);
  }
  {
    auto w = a.downgrade();
    EXPECT_EQ(a.get_mut(), nullptr);  // a Weak could upgrade
  }
  EXPECT_EQ(*a.get_mut(), 2);
}

TEST_F(ArcTest, MakeMutClonesWhenShared) {
  auto a = Arc<Tracked>::make(1);
  auto b = a;
  a.make_mut().value = 2;  // a now owns a copy
  EXPECT_FALSE(Arc<Tracked>::ptr_eq(a, b));
  EXPECT_EQ(a->value, 2);
  EXPECT_EQ(b->value, 1);
  const Tracked* before = a.as_ptr();
  a.make_mut().value = 3;  // unique: no copy
  EXPECT_EQ(a.as_ptr(), before);
}

TEST_F(ArcTest, MakeMutDisassociatesWeaks) {
  auto a = Arc<Tracked>::make(1);
  auto w = a.downgrade();
  Arc<Tracked>::make_mut(a).value = 5;
  EXPECT_EQ(a->value, 5);
  EXPECT_FALSE(w.upgrade().has_value());
  EXPECT_EQ(a.weak_count(), 0u);
}

TEST_F(ArcTest, TryUnwrap) {
  auto a = Arc<Tracked>::make(7);
  auto b = a;
  auto r = Arc<Tracked>::try_unwrap(std::move(a));
  ASSERT_TRUE(r.is_err());
  Arc<Tracked> back = std::move(r).unwrap_err();  // handed back unchanged
  EXPECT_EQ(back.strong_count(), 2u);
  b = Arc<Tracked>::make(0);
  auto w = back.downgrade();
  auto ok = Arc<Tracked>::try_unwrap(std::move(back));
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok.unwrap().value, 7);
  EXPECT_FALSE(w.upgrade().has_value());
}

TEST_F(ArcTest, IntoInner) {
  auto a = Arc<Tracked>::make(8);
  auto b = a;
  EXPECT_FALSE(Arc<Tracked>::into_inner(std::move(a)).has_value());
  EXPECT_EQ(b.strong_count(), 1u);
  auto v = Arc<Tracked>::into_inner(std::move(b));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->value, 8);
}

TEST_F(ArcTest, UnwrapOrClone) {
  auto a = Arc<Tracked>::make(1);
  auto b = a;
  Tracked copy = Arc<Tracked>::unwrap_or_clone(std::move(a));  // shared: copied
  EXPECT_EQ(copy.value, 1);
  EXPECT_EQ(b.strong_count(), 1u);
  const long before = Tracked::live.load();
  Tracked moved = Arc<Tracked>::unwrap_or_clone(std::move(b));  // unique: moved out, block freed
  EXPECT_EQ(moved.value, 1);
  EXPECT_EQ(Tracked::live.load(), before);  // +1 moved, -1 destroyed in the block
}

TEST_F(ArcTest, NewCyclic) {
  struct Node {
    Weak<Node> self;
    int v;
  };
  bool upgraded_during_construction = true;
  auto n = Arc<Node>::new_cyclic([&](const Weak<Node>& w) {
    upgraded_during_construction = w.upgrade().has_value();
    return Node{w, 7};
  });
  EXPECT_FALSE(upgraded_during_construction);
  EXPECT_EQ(n.strong_count(), 1u);
  EXPECT_EQ(n.weak_count(), 1u);
  auto again = n->self.upgrade();
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(Arc<Node>::ptr_eq(*again, n));
  EXPECT_EQ((*again)->v, 7);
  // A throwing constructor leaks nothing.
  EXPECT_THROW((void)Arc<Tracked>::new_cyclic([](const Weak<Tracked>&) -> Tracked { throw 1; }), int);
}

TEST_F(ArcTest, IntoInnerExactlyOneWinnerUnderRace) {
  const int rounds = static_cast<int>(sync_test::scaled(2000, 50));
  for (int i = 0; i < rounds; ++i) {
    auto a = Arc<Tracked>::make(i);
    auto b = a;
    std::atomic<int> winners{0};
    fearless::thread::scope([&](auto& s) {
      s.spawn([&] { winners += Arc<Tracked>::into_inner(std::move(a)).has_value(); });
      s.spawn([&] { winners += Arc<Tracked>::into_inner(std::move(b)).has_value(); });
    });
    ASSERT_EQ(winners.load(), 1);
  }
}

TEST_F(ArcTest, ConcurrentCloneDropUpgrade) {
  auto a = Arc<Tracked>::make(42);
  auto w = a.downgrade();
  const std::size_t iters = sync_test::scaled(100000, 1000);
  std::atomic<long> upgrades{0};
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 2; ++t) {
      s.spawn([&] {
        std::vector<Arc<Tracked>> held;
        for (std::size_t i = 0; i < iters; ++i) {
          held.push_back(a.clone());
          if (held.size() == 8) held.clear();
        }
      });
      s.spawn([&] {
        for (std::size_t i = 0; i < iters; ++i) {
          auto w2 = w.clone();
          if (auto up = w2.upgrade()) {
            EXPECT_EQ((*up)->value, 42);
            upgrades.fetch_add(1);
          }
        }
      });
    }
  });
  EXPECT_EQ(upgrades.load(), static_cast<long>(2 * iters));  // `a` lived throughout
  EXPECT_EQ(a.strong_count(), 1u);
  EXPECT_EQ(a.weak_count(), 1u);
}

TEST_F(ArcTest, LastDropRacesWithUpgrade) {
  // Upgrades racing with the final drop either succeed (and see the live
  // value) or fail; the value is destroyed exactly once either way.
  const int rounds = static_cast<int>(sync_test::scaled(3000, 50));
  for (int i = 0; i < rounds; ++i) {
    auto a = Arc<Tracked>::make(i);
    auto w = a.downgrade();
    fearless::thread::scope([&](auto& s) {
      s.spawn([&] { Arc<Tracked> gone = std::move(a); });
      s.spawn([&, i] {
        if (auto up = w.upgrade()) {
          EXPECT_EQ((*up)->value, i);
        }
      });
    });
    EXPECT_FALSE(w.upgrade().has_value());
  }
}

TEST_F(ArcTest, SharedThroughThreadsOnlyConstAccess) {
  auto data = Arc<std::vector<int>>::make(std::vector<int>{1, 2, 3});
  long sum = 0;
  fearless::thread::scope([&](auto& s) {
    auto h = s.spawn([d = data.clone()] {
      long t = 0;
      for (int v : *d) t += v;
      return t;
    });
    sum = h.join().unwrap();
  });
  EXPECT_EQ(sum, 6);
}

// Edge cases from Rust's Arc/Weak documentation, in one place.
TEST_F(ArcTest, RustDocumentedWeakEdgeCases) {
  Weak<Tracked> empty;  // Weak::new()
  EXPECT_FALSE(empty.upgrade().has_value());
  EXPECT_EQ(empty.strong_count(), 0u);
  EXPECT_EQ(empty.weak_count(), 0u);
  EXPECT_TRUE(Weak<Tracked>::ptr_eq(empty, Weak<Tracked>()));

  auto a = Arc<Tracked>::make(5);
  auto w1 = a.downgrade();
  auto w2 = w1.clone();
  EXPECT_EQ(a.weak_count(), 2u);
  EXPECT_EQ(w1.weak_count(), 2u);
  EXPECT_EQ(w1.strong_count(), 1u);
  EXPECT_EQ(a.get_mut(), nullptr);  // Weaks exist
  // into_inner succeeds despite the Weaks, which then stop upgrading and
  // report no strong and no weak references.
  const long before = Tracked::live.load();
  auto v = Arc<Tracked>::into_inner(std::move(a));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->value, 5);
  EXPECT_EQ(Tracked::live.load(), before);  // moved out, the original destroyed
  EXPECT_FALSE(w1.upgrade().has_value());
  EXPECT_EQ(w1.strong_count(), 0u);
  EXPECT_EQ(w1.weak_count(), 0u);
  EXPECT_EQ(w2.weak_count(), 0u);
  EXPECT_TRUE(Weak<Tracked>::ptr_eq(w1, w2));
}

TEST_F(ArcTest, MakeMutWithOnlyWeaksMovesAndDisassociates) {
  auto a = Arc<int>::make(1);
  auto w = a.downgrade();
  const int* before = a.as_ptr();
  a.make_mut() = 2;
  EXPECT_NE(a.as_ptr(), before);  // moved to a fresh allocation, not cloned in place
  EXPECT_EQ(*a, 2);
  EXPECT_FALSE(w.upgrade().has_value());
  EXPECT_EQ(a.weak_count(), 0u);
  EXPECT_EQ(a.strong_count(), 1u);
  EXPECT_NE(a.get_mut(), nullptr);  // unique now
}

// ---- Rust's Default, PartialOrd/Ord, Hash and Display for Arc ----

struct NoDefault {
  explicit NoDefault(int) {}
};
static_assert(std::default_initializable<Arc<int>>);
// `Arc<NoDefault> a;` does not compile (a static_assert in the constructor,
// tests/compile_fail/cases/arc_default_without_default.fail.cpp); the
// constructor is not constrained, so the trait itself says true (see arc.hpp).

TEST_F(ArcTest, DefaultConstructedOwnsADefaultValue) {
  Arc<int> zero;
  EXPECT_EQ(*zero, 0);
  EXPECT_NE(zero.as_ptr(), nullptr);  // never empty: it allocated
  EXPECT_EQ(zero.strong_count(), 1u);
  EXPECT_EQ(zero.weak_count(), 0u);
  Arc<std::string> s{};
  EXPECT_EQ(*s, "");
  const long before = Tracked::live.load();
  {
    Arc<Tracked> t;
    EXPECT_EQ(t->value, 0);
    EXPECT_EQ(Tracked::live.load(), before + 1);
    Arc<Tracked> u;  // each default Arc is its own allocation
    EXPECT_FALSE(Arc<Tracked>::ptr_eq(t, u));
  }
  EXPECT_EQ(Tracked::live.load(), before);
  std::vector<Arc<int>> v(3);
  EXPECT_EQ(*v[2], 0);
  EXPECT_FALSE(Arc<int>::ptr_eq(v[0], v[1]));
}

struct OnlyLess {
  int v;
  friend bool operator<(const OnlyLess& a, const OnlyLess& b) { return a.v < b.v; }
};
struct Unordered {};
static_assert(std::is_same_v<std::compare_three_way_result_t<Arc<int>>, std::strong_ordering>);
static_assert(std::is_same_v<std::compare_three_way_result_t<Arc<double>>, std::partial_ordering>);
static_assert(std::is_same_v<decltype(std::declval<const Arc<OnlyLess>&>() <=> std::declval<const Arc<OnlyLess>&>()), std::weak_ordering>);
static_assert(!std::three_way_comparable<Arc<Unordered>>);
static_assert(!std::three_way_comparable<Arc<Mutex<int>>>);

TEST_F(ArcTest, OrderingComparesValues) {
  auto five = Arc<int>::make(5);
  EXPECT_TRUE(five < Arc<int>::make(6));  // Rust's docs: assert!(five < Arc::new(6))
  EXPECT_TRUE(five <= Arc<int>::make(5));
  EXPECT_TRUE(five > Arc<int>::make(4));
  EXPECT_FALSE(five > Arc<int>::make(5));
  EXPECT_EQ(five <=> Arc<int>::make(5), std::strong_ordering::equal);  // equal values, distinct allocations
  EXPECT_EQ(five <=> Arc<int>::make(6), std::strong_ordering::less);
  EXPECT_EQ(five <=> five.clone(), std::strong_ordering::equal);
  EXPECT_EQ(five, Arc<int>::make(5));  // == still compares values
  EXPECT_NE(five, Arc<int>::make(6));
  EXPECT_TRUE(Arc<std::string>::make("abc") < Arc<std::string>::make("abd"));
  EXPECT_EQ(Arc<OnlyLess>::make(OnlyLess{1}) <=> Arc<OnlyLess>::make(OnlyLess{2}), std::weak_ordering::less);
  EXPECT_EQ(Arc<OnlyLess>::make(OnlyLess{3}) <=> Arc<OnlyLess>::make(OnlyLess{3}), std::weak_ordering::equivalent);
  EXPECT_EQ(Arc<double>::make(1.0) <=> Arc<double>::make(std::numeric_limits<double>::quiet_NaN()), std::partial_ordering::unordered);
  auto moved = Arc<int>::make(1);
  auto keep = std::move(moved);
  EXPECT_THROW((void)(moved < keep), fearless::Panic);  // NOLINT(bugprone-use-after-move)
}

struct NoHash {};
static_assert(!std::is_default_constructible_v<std::hash<Arc<NoHash>>>);
static_assert(std::is_default_constructible_v<std::hash<Arc<int>>>);

TEST_F(ArcTest, HashIsTheValuesHash) {
  const std::hash<Arc<int>> h;
  EXPECT_EQ(h(Arc<int>::make(5)), std::hash<int>{}(5));
  EXPECT_EQ(h(Arc<int>::make(5)), h(Arc<int>::make(5)));  // equal values, distinct allocations
  const std::hash<Arc<std::string>> hs;
  EXPECT_EQ(hs(Arc<std::string>::make("key")), std::hash<std::string>{}("key"));
  std::unordered_set<Arc<std::string>> set;
  set.insert(Arc<std::string>::make("a"));
  set.insert(Arc<std::string>::make("a"));  // equal value: not inserted again
  set.insert(Arc<std::string>::make("b"));
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.count(Arc<std::string>::make("b")), 1u);
}

struct NoStream {};
template <class T>
concept streamable = requires(std::ostream& os, const T& v) { os << v; };
static_assert(streamable<Arc<int>>);
static_assert(!streamable<Arc<NoStream>>);

TEST_F(ArcTest, StreamsTheValue) {
  std::ostringstream os;
  os << Arc<int>::make(42) << ' ' << Arc<std::string>::make("hi") << ' ' << Arc<double>::make(1.5);
  EXPECT_EQ(os.str(), "42 hi 1.5");
  std::wostringstream wos;
  wos << Arc<int>::make(7);
  EXPECT_EQ(wos.str(), L"7");
}

// ---- into_raw / from_raw and the strong count through a raw pointer ----

// Counts destructions, to show each value is destroyed exactly once. Not
// standard-layout (virtual destructor), so ArcInner<Counted> is not either.
struct Counted {
  static inline std::atomic<int> destroyed{0};
  int v;
  explicit Counted(int x) : v(x) {}
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;
  virtual ~Counted() { destroyed.fetch_add(1); }
};
static_assert(!std::is_standard_layout_v<Counted>);
static_assert(std::is_standard_layout_v<Tracked>);

TEST_F(ArcTest, IntoRawFromRawRoundTrip) {
  const int destroyed = Counted::destroyed.load();
  auto a = Arc<Counted>::make(9);
  auto b = a;
  const Counted* p = Arc<Counted>::into_raw(std::move(a));
  EXPECT_EQ(p, b.as_ptr());
  EXPECT_EQ(p->v, 9);
  EXPECT_EQ(a.as_ptr(), nullptr);  // NOLINT(bugprone-use-after-move): a is empty
  EXPECT_EQ(a.strong_count(), 0u);
  EXPECT_EQ(b.strong_count(), 2u);  // into_raw kept a's reference
  Arc<Counted> back = Arc<Counted>::from_raw(p);
  EXPECT_EQ(b.strong_count(), 2u);  // from_raw took it back: no change
  EXPECT_TRUE(Arc<Counted>::ptr_eq(back, b));
  EXPECT_EQ(back->v, 9);
  b = Arc<Counted>::make(1);
  EXPECT_EQ(back.strong_count(), 1u);
  EXPECT_EQ(Counted::destroyed.load(), destroyed);
  { Arc<Counted> last = std::move(back); }
  EXPECT_EQ(Counted::destroyed.load(), destroyed + 1);  // exactly once
  b = Arc<Counted>::make(2);
  EXPECT_EQ(Counted::destroyed.load(), destroyed + 2);

  // A standard-layout payload takes the exactly-defined path.
  const long live = Tracked::live.load();
  const Tracked* t = Arc<Tracked>::into_raw(Arc<Tracked>::make(4));
  EXPECT_EQ(Tracked::live.load(), live + 1);
  {
    auto owner = Arc<Tracked>::from_raw(t);
    EXPECT_EQ(owner.strong_count(), 1u);
    EXPECT_EQ(owner->value, 4);
  }
  EXPECT_EQ(Tracked::live.load(), live);

  // An empty Arc round-trips as nullptr.
  auto x = Arc<int>::make(1);
  auto y = std::move(x);
  EXPECT_EQ(Arc<int>::into_raw(std::move(x)), nullptr);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(Arc<int>::from_raw(nullptr).strong_count(), 0u);
  EXPECT_EQ(*y, 1);
}

TEST_F(ArcTest, IncrementAndDecrementStrongCount) {
  const int destroyed = Counted::destroyed.load();
  // Rust's doc example for increment_strong_count / decrement_strong_count.
  const Counted* p = Arc<Counted>::into_raw(Arc<Counted>::make(5));
  Arc<Counted>::increment_strong_count(p);
  {
    auto five = Arc<Counted>::from_raw(p);
    EXPECT_EQ(five.strong_count(), 2u);
    Arc<Counted>::decrement_strong_count(p);
    EXPECT_EQ(five.strong_count(), 1u);
    Arc<Counted>::increment_strong_count(Arc<Counted>::as_ptr(five));
    Arc<Counted>::increment_strong_count(p);
    EXPECT_EQ(five.strong_count(), 3u);
    Arc<Counted>::decrement_strong_count(p);
    Arc<Counted>::decrement_strong_count(p);
    EXPECT_EQ(five.strong_count(), 1u);
    EXPECT_EQ(Counted::destroyed.load(), destroyed);
  }
  EXPECT_EQ(Counted::destroyed.load(), destroyed + 1);

  // decrement_strong_count releasing the last reference destroys the value;
  // with a Weak left the block stays until the Weak goes.
  auto a = Arc<Counted>::make(6);
  auto w = a.downgrade();
  const Counted* q = Arc<Counted>::into_raw(std::move(a));
  EXPECT_EQ(w.strong_count(), 1u);
  Arc<Counted>::decrement_strong_count(q);
  EXPECT_EQ(Counted::destroyed.load(), destroyed + 2);
  EXPECT_EQ(w.strong_count(), 0u);
  EXPECT_FALSE(w.upgrade().has_value());
}

TEST_F(ArcTest, WeakAsPtr) {
  Weak<int> none;  // Weak::new()
  EXPECT_EQ(none.as_ptr(), nullptr);
  const int* addr = nullptr;
  Weak<int> w;
  {
    auto a = Arc<int>::make(3);
    w = a.downgrade();
    addr = a.as_ptr();
    EXPECT_EQ(w.as_ptr(), Arc<int>::as_ptr(a));
    EXPECT_EQ(*w.as_ptr(), 3);
    EXPECT_EQ(w.clone().as_ptr(), addr);
  }
  EXPECT_EQ(w.as_ptr(), addr);  // the same address; the value there is gone
  EXPECT_FALSE(w.upgrade().has_value());
}

TEST_F(ArcTest, WeakIntoRawFromRaw) {
  auto a = Arc<Tracked>::make(11);
  auto w = a.downgrade();
  EXPECT_EQ(a.weak_count(), 1u);
  const Tracked* p = std::move(w).into_raw();
  EXPECT_EQ(p, a.as_ptr());
  EXPECT_EQ(w.as_ptr(), nullptr);    // NOLINT(bugprone-use-after-move): w is empty
  EXPECT_EQ(a.weak_count(), 1u);     // the weak reference is kept
  Weak<Tracked> back = Weak<Tracked>::from_raw(p);
  EXPECT_EQ(a.weak_count(), 1u);     // and taken back, not added
  auto up = back.upgrade();
  ASSERT_TRUE(up.has_value());
  EXPECT_TRUE(Arc<Tracked>::ptr_eq(*up, a));
  EXPECT_EQ((*up)->value, 11);
  up.reset();

  // The raw weak reference keeps the block after the last Arc: from_raw then
  // gives a Weak that no longer upgrades, and dropping it frees the block.
  const Tracked* q = Weak<Tracked>::into_raw(std::move(back));
  a = Arc<Tracked>::make(0);
  Weak<Tracked> dangling = Weak<Tracked>::from_raw(q);
  EXPECT_EQ(dangling.as_ptr(), q);
  EXPECT_FALSE(dangling.upgrade().has_value());
  EXPECT_EQ(dangling.strong_count(), 0u);

  // A default Weak round-trips as nullptr.
  EXPECT_EQ(Weak<int>().into_raw(), nullptr);
  EXPECT_FALSE(Weak<int>::from_raw(nullptr).upgrade().has_value());
}


// ---- Recursive types ------------------------------------------------------

// Arc of a type that is still incomplete where the Arc is named (Rust's
// `struct Node { next: Option<Arc<Node>> }`): std::optional asks whether
// Arc<Node> is trivially copyable while Node is being defined, which must not
// make the compiler ask whether a Node can be built from an Arc<Node>.
struct ListNode {
  int value;
  std::optional<Arc<ListNode>> next;
};
// The Rust book's tree: children owned, the parent held weakly.
struct TreeNode {
  explicit TreeNode(int v) : value(v) {}
  int value;
  Mutex<std::vector<Arc<TreeNode>>> children{std::vector<Arc<TreeNode>>{}};
  Mutex<Weak<TreeNode>> parent{Weak<TreeNode>{}};
};

static_assert(std::is_copy_constructible_v<std::optional<Arc<ListNode>>>);
static_assert(std::is_constructible_v<Arc<std::string>, const char*>);  // converts as a T parameter would
static_assert(!std::is_convertible_v<int, Arc<int>>);                   // explicit
static_assert(!std::is_constructible_v<Arc<std::vector<int>>, int>);    // no explicit constructor of T
static_assert(std::is_constructible_v<Arc<Arc<int>>, Arc<int>>);         // an Arc holding an Arc

TEST_F(ArcTest, RecursiveTypesHoldArcsOfThemselves) {
  auto third = Arc<ListNode>::make(ListNode{3, std::nullopt});
  auto second = Arc<ListNode>::make(ListNode{2, third});
  auto first = Arc<ListNode>::make(ListNode{1, second});
  int sum = 0;
  for (std::optional<Arc<ListNode>> n = first; n; n = (*n)->next) sum += (*n)->value;
  EXPECT_EQ(sum, 6);
  EXPECT_EQ(third.strong_count(), 2u);
  EXPECT_EQ(*Arc<std::string>("text"), "text");
  Arc<Arc<ListNode>> nested(third);
  EXPECT_EQ((*nested)->value, 3);
  EXPECT_EQ(third.strong_count(), 3u);
  nested = Arc<Arc<ListNode>>(first);

  auto leaf = Arc<TreeNode>::make(3);
  auto branch = Arc<TreeNode>::make(5);
  branch->children.lock().unwrap()->push_back(leaf);
  *leaf->parent.lock().unwrap() = branch.downgrade();
  auto parent = leaf->parent.lock().unwrap()->upgrade();
  ASSERT_TRUE(parent.has_value());
  EXPECT_EQ((*parent)->value, 5);
  parent.reset();
  EXPECT_EQ(branch.strong_count(), 1u);
  EXPECT_EQ(branch.weak_count(), 1u);
  EXPECT_EQ(leaf.strong_count(), 2u);
  branch = Arc<TreeNode>::make(0);
  EXPECT_EQ(leaf.strong_count(), 1u);
  EXPECT_FALSE(leaf->parent.lock().unwrap()->upgrade().has_value());
}

// ---- Conversion to a base type (Rust's Arc<dyn Trait>) and to const ------

struct Shape {
  virtual ~Shape() = default;
  [[nodiscard]] virtual int area() const = 0;
};
struct Square : Shape {
  explicit Square(int s) : side(s) {}
  [[nodiscard]] int area() const override { return side * side; }
  int side;
  Tracked alive{0};
};
struct Rectangle final : Shape {
  Rectangle(int w, int h) : width(w), height(h) {}
  [[nodiscard]] int area() const override { return width * height; }
  int width, height;
};

// A base without a virtual destructor: deleting a Derived through a
// PlainBase* would be undefined, so the block must destroy the Derived itself.
struct PlainBase {
  int x = 7;
};
struct PlainDerived : PlainBase {
  static inline std::atomic<int> destroyed{0};
  Tracked t{1};
  ~PlainDerived() { destroyed.fetch_add(1); }
};

// Two bases: the second one lies at an offset inside the object.
struct FirstBase {
  virtual ~FirstBase() = default;
  long first = 1;
};
struct SecondBase {
  long second = 2;
};
struct TwoBases : FirstBase, SecondBase {
  static inline std::atomic<int> destroyed{0};
  long own = 3;
  ~TwoBases() override { destroyed.fetch_add(1); }
};

static_assert(std::is_convertible_v<Arc<Square>, Arc<Shape>>);
static_assert(std::is_convertible_v<const Arc<Square>&, Arc<const Shape>>);
static_assert(std::is_convertible_v<Arc<int>, Arc<const int>>);
static_assert(!std::is_constructible_v<Arc<Square>, Arc<Shape>>);
static_assert(!std::is_constructible_v<Arc<int>, Arc<const int>>);
static_assert(!std::is_constructible_v<Arc<long>, Arc<int>>);
static_assert(!std::is_constructible_v<Arc<Square>, Arc<Rectangle>>);
static_assert(std::is_convertible_v<Weak<Square>, Weak<Shape>>);
static_assert(!std::is_constructible_v<Weak<Square>, Weak<Shape>>);
// An Arc of an abstract class is a complete type; it just cannot make one.
static_assert(!std::is_constructible_v<Arc<Shape>, Square>);
static_assert(sizeof(Arc<Shape>) == 2 * sizeof(void*));

TEST_F(ArcTest, ConvertsToABaseSharingTheCounts) {
  auto square = Arc<Square>::make(3);
  Arc<Shape> shape = square;
  EXPECT_EQ(shape->area(), 9);
  EXPECT_EQ(square.strong_count(), 2u);
  EXPECT_EQ(shape.strong_count(), 2u);
  EXPECT_TRUE(Arc<Shape>::ptr_eq(shape, square));
  EXPECT_TRUE(square.ptr_eq(shape));
  EXPECT_EQ(shape.as_ptr(), static_cast<const Shape*>(square.as_ptr()));

  Arc<Square> other = square;
  Arc<const Shape> moved = std::move(other);  // moving converts without touching the count
  EXPECT_EQ(other.strong_count(), 0u);        // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(square.strong_count(), 3u);
  EXPECT_EQ(moved->area(), 9);

  Arc<Square> empty = std::move(other);  // NOLINT(bugprone-use-after-move)
  Arc<Shape> from_empty = empty;
  EXPECT_EQ(from_empty.as_ptr(), nullptr);
  EXPECT_THROW((void)*from_empty, fearless::Panic);

  std::vector<Arc<Shape>> shapes{Arc<Square>::make(2), Arc<Rectangle>::make(2, 5), shape};
  int total = 0;
  for (const Arc<Shape>& s : shapes) total += s->area();
  EXPECT_EQ(total, 4 + 10 + 9);
  EXPECT_EQ(square.strong_count(), 4u);
}

TEST_F(ArcTest, TheLastConvertedArcDestroysTheDerivedValueWhole) {
  PlainDerived::destroyed = 0;
  Arc<PlainBase> base = Arc<PlainDerived>::make();  // the original Arc<PlainDerived> is gone at once
  EXPECT_EQ(base->x, 7);
  EXPECT_EQ(base.strong_count(), 1u);
  EXPECT_EQ(PlainDerived::destroyed.load(), 0);
  Weak<PlainBase> weak = base.downgrade();
  base = Arc<PlainBase>::make();
  EXPECT_EQ(PlainDerived::destroyed.load(), 1);  // ~PlainDerived ran (PlainBase's destructor is not virtual)
  EXPECT_FALSE(weak.upgrade().has_value());
  // The fixture checks that the Tracked member was destroyed too.
}

TEST_F(ArcTest, ConvertsToABaseAtAnOffset) {
  TwoBases::destroyed = 0;
  {
    auto both = Arc<TwoBases>::make();
    Arc<SecondBase> second = both;
    const void* whole = both.as_ptr();
    EXPECT_NE(static_cast<const void*>(second.as_ptr()), whole);
    EXPECT_EQ(second.as_ptr(), static_cast<const SecondBase*>(both.as_ptr()));
    EXPECT_EQ(second->second, 2);
    Arc<FirstBase> first = both;
    EXPECT_EQ(first->first, 1);
    both = Arc<TwoBases>::make();  // the original's first value now lives through its bases only
    EXPECT_EQ(TwoBases::destroyed.load(), 0);
    EXPECT_EQ(second.strong_count(), 2u);
    Weak<SecondBase> w = second.downgrade();
    first = Arc<FirstBase>(both);
    EXPECT_EQ(TwoBases::destroyed.load(), 0);
    second = Arc<SecondBase>(both);
    EXPECT_EQ(TwoBases::destroyed.load(), 1);
    EXPECT_FALSE(w.upgrade().has_value());
  }
  EXPECT_EQ(TwoBases::destroyed.load(), 2);
}

TEST_F(ArcTest, WeakConvertsToABase) {
  auto square = Arc<Square>::make(4);
  Weak<Square> ws = square.downgrade();
  Weak<Shape> w = ws;
  EXPECT_EQ(square.weak_count(), 2u);
  EXPECT_EQ(w.as_ptr(), static_cast<const Shape*>(square.as_ptr()));
  EXPECT_TRUE(Weak<Shape>::ptr_eq(w, ws));
  auto up = w.upgrade();
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ((*up)->area(), 16);
  EXPECT_EQ(square.strong_count(), 2u);
  up.reset();

  Weak<const Shape> moved = std::move(w);
  EXPECT_EQ(square.weak_count(), 2u);
  EXPECT_FALSE(w.upgrade().has_value());  // NOLINT(bugprone-use-after-move): empty now

  // A converted Arc downgrades to a Weak that upgrades to a converted Arc.
  Arc<Shape> shape = square;
  Weak<Shape> from_converted = shape.downgrade();
  auto again = from_converted.upgrade();
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->ptr_eq(square));
  EXPECT_EQ(square.strong_count(), 3u);
  again.reset();

  shape = Arc<Square>::make(1);
  square = Arc<Square>::make(1);
  EXPECT_FALSE(moved.upgrade().has_value());
  EXPECT_FALSE(from_converted.upgrade().has_value());
  // Converting a Weak whose value is gone: nothing to point at, never upgrades.
  Weak<Shape> late = ws;
  EXPECT_EQ(late.as_ptr(), nullptr);
  EXPECT_FALSE(late.upgrade().has_value());
  EXPECT_EQ(late.strong_count(), 0u);
  EXPECT_TRUE(late.ptr_eq(ws));
}

TEST_F(ArcTest, ConvertsToConstAndKeepsTheExactType) {
  auto a = Arc<Tracked>::make(5);
  Arc<const Tracked> c = a;
  EXPECT_EQ(c->value, 5);
  a = Arc<Tracked>::make(0);
  // Same type, const added: the operations that need the exact type work.
  auto r = Arc<const Tracked>::try_unwrap(std::move(c));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(std::move(r).unwrap().value, 5);
}

TEST_F(ArcTest, ExactTypeOperationsPanicOnAConvertedArc) {
  PlainDerived::destroyed = 0;
  Arc<PlainBase> base = Arc<PlainDerived>::make();
  EXPECT_THROW((void)Arc<PlainBase>::try_unwrap(std::move(base)), fearless::Panic);
  EXPECT_THROW((void)Arc<PlainBase>::into_inner(std::move(base)), fearless::Panic);
  EXPECT_THROW((void)Arc<PlainBase>::unwrap_or_clone(std::move(base)), fearless::Panic);
  EXPECT_THROW((void)base.make_mut(), fearless::Panic);
  EXPECT_THROW((void)Arc<PlainBase>::into_raw(std::move(base)), fearless::Panic);
  EXPECT_THROW((void)std::move(base.downgrade()).into_raw(), fearless::Panic);
  // Each panic left the Arc as it was: still the only owner, still usable.
  EXPECT_EQ(base.strong_count(), 1u);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(PlainDerived::destroyed.load(), 0);
  PlainBase* p = base.get_mut();  // mutable access to the base part needs no exact type
  ASSERT_NE(p, nullptr);
  p->x = 8;
  EXPECT_EQ(base->x, 8);
  base = Arc<PlainBase>::make();
  EXPECT_EQ(PlainDerived::destroyed.load(), 1);

  // An Arc<PlainBase> made as one is exact: the same operations work.
  auto plain = Arc<PlainBase>::make();
  EXPECT_EQ(Arc<PlainBase>::unwrap_or_clone(std::move(plain)).x, 7);
}

struct Cube : Square {
  explicit Cube(int s) : Square(s) {}
  [[nodiscard]] int area() const override { return 6 * side * side; }
};

TEST_F(ArcTest, DowncastFindsTheDerivedType) {
  Arc<Shape> shape = Arc<Square>::make(5);
  Arc<Shape> keep = shape;
  auto as_rect = std::move(shape).downcast<Rectangle>();
  ASSERT_TRUE(as_rect.is_err());
  shape = std::move(as_rect).unwrap_err();  // handed back unchanged
  EXPECT_EQ(shape.strong_count(), 2u);
  EXPECT_EQ(shape->area(), 25);

  auto as_square = std::move(shape).downcast<Square>();
  ASSERT_TRUE(as_square.is_ok());
  Arc<Square> square = std::move(as_square).unwrap();
  EXPECT_EQ(shape.as_ptr(), nullptr);  // NOLINT(bugprone-use-after-move): consumed
  EXPECT_EQ(square->side, 5);
  EXPECT_TRUE(square.ptr_eq(keep));
  EXPECT_EQ(square.strong_count(), 2u);
  keep = Arc<Shape>(Arc<Rectangle>::make(1, 1));
  // The value is a Square itself: the downcast Arc has the exact type again.
  auto back = Arc<Square>::try_unwrap(std::move(square));
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(std::move(back).unwrap().side, 5);

  // Down to an intermediate class: the value is more derived, so what needs
  // the exact type still panics.
  Arc<const Shape> cube = Arc<Cube>::make(2);
  auto as_square_of_cube = std::move(cube).downcast<const Square>();
  ASSERT_TRUE(as_square_of_cube.is_ok());
  Arc<const Square> sq = std::move(as_square_of_cube).unwrap();
  EXPECT_EQ(sq->area(), 24);
  EXPECT_THROW((void)Arc<const Square>::try_unwrap(std::move(sq)), fearless::Panic);
  auto as_cube = std::move(sq).downcast<const Cube>();  // NOLINT(bugprone-use-after-move): the panic kept it
  ASSERT_TRUE(as_cube.is_ok());
  EXPECT_TRUE(Arc<const Cube>::try_unwrap(std::move(as_cube).unwrap()).is_ok());

  Arc<Shape> empty = Arc<Square>::make(1);
  Arc<Shape> taken = std::move(empty);
  EXPECT_THROW((void)std::move(empty).downcast<Square>(), fearless::Panic);  // NOLINT(bugprone-use-after-move)
}

TEST_F(ArcTest, ConvertedArcsSharedAcrossThreads) {
  PlainDerived::destroyed = 0;
  auto original = Arc<PlainDerived>::make();
  Arc<PlainBase> shared = original;
  original = Arc<PlainDerived>::make();
  std::vector<fearless::thread::JoinHandle<int>> handles;
  for (int t = 0; t < 4; ++t) {
    handles.push_back(fearless::thread::spawn([s = shared.clone()] {
      int sum = 0;
      for (int i = 0; i < 2000; ++i) {
        Arc<PlainBase> c = s;
        Arc<const PlainBase> d = std::move(c);
        sum += d->x;
      }
      return sum;
    }));
  }
  for (auto& h : handles) EXPECT_EQ(h.join().unwrap(), 2000 * 7);
  EXPECT_EQ(shared.strong_count(), 1u);
  EXPECT_EQ(PlainDerived::destroyed.load(), 0);
  shared = Arc<PlainBase>::make();
  EXPECT_EQ(PlainDerived::destroyed.load(), 1);
}

}  // namespace
