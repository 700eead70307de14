// RwLock<T> and nonpoison::RwLock<T> measured against the behaviour Rust's
// std checks for std::sync::RwLock (library/std/tests/sync/rwlock.rs): the
// basic read/write protocol, random reader/writer mixes, readers never seeing
// a writer's intermediate state, locking from a destructor during unwinding,
// into_inner / get_mut, downgrade, try_write against readers, and which
// panics poison (writers) and which do not (readers).
//
// Upstream tests with no counterpart here, because the API does not exist:
// RwLockReadGuard/RwLockWriteGuard ::map / ::filter_map and the Mapped*Guard
// types, and the guards' `unlocked` (all unstable in Rust). get_cloned, set,
// replace and nonpoison's with / with_mut are at the end of the file.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <ostream>
#include <random>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "fearless/result.hpp"
#include "fearless/sync/arc.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/sync/nonpoison.hpp"
#include "fearless/sync/rwlock.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

namespace np = fearless::sync::nonpoison;
using fearless::sync::Arc;
using fearless::sync::TryLockError;

using namespace std::chrono_literals;

// The two lock families upstream runs each shared test against.
struct Poisoning {
  template <class T>
  using Lock = fearless::sync::RwLock<T>;
  template <class T>
  using ReadGuard = fearless::sync::RwLockReadGuard<T>;
  template <class T>
  using WriteGuard = fearless::sync::RwLockWriteGuard<T>;
};
struct NonPoisoning {
  template <class T>
  using Lock = np::RwLock<T>;
  template <class T>
  using ReadGuard = np::RwLockReadGuard<T>;
  template <class T>
  using WriteGuard = np::RwLockWriteGuard<T>;
};

template <class>
inline constexpr bool kIsResult = false;
template <class T, class E>
inline constexpr bool kIsResult<fearless::Result<T, E>> = true;

// The guard (or value) itself: unwraps a poisoning lock's LockResult, passes
// a nonpoison lock's return value through.
template <class R>
auto maybe_unwrap(R&& r) {
  if constexpr (kIsResult<std::remove_cvref_t<R>>)
    return std::forward<R>(r).unwrap();
  else
    return std::remove_cvref_t<R>(std::forward<R>(r));
}

// get_mut is LockResult<T*> on the poisoning lock and T& on the nonpoison one.
template <class L>
auto& get_mut_ref(L& l) {
  if constexpr (kIsResult<decltype(l.get_mut())>)
    return *l.get_mut().unwrap();
  else
    return l.get_mut();
}

// Rust's `()`.
using Unit = std::monostate;

// A value without copies (Rust: not Copy), trivially destructible.
struct NonCopy {
  int v;
  explicit NonCopy(int x) : v(x) {}
  NonCopy(const NonCopy&) = delete;
  NonCopy& operator=(const NonCopy&) = delete;
  NonCopy(NonCopy&&) = default;
  NonCopy& operator=(NonCopy&&) = default;
  friend bool operator==(const NonCopy& a, const NonCopy& b) { return a.v == b.v; }
  friend std::ostream& operator<<(std::ostream& os, const NonCopy& n) { return os << "NonCopy(" << n.v << ")"; }
};

// The same with a destructor of its own (Rust: needs_drop).
struct NonCopyNeedsDrop {
  int v;
  explicit NonCopyNeedsDrop(int x) : v(x) {}
  NonCopyNeedsDrop(const NonCopyNeedsDrop&) = delete;
  NonCopyNeedsDrop& operator=(const NonCopyNeedsDrop&) = delete;
  NonCopyNeedsDrop(NonCopyNeedsDrop&& o) noexcept : v(o.v) {}
  NonCopyNeedsDrop& operator=(NonCopyNeedsDrop&& o) noexcept {
    v = o.v;
    return *this;
  }
  ~NonCopyNeedsDrop() { v = -v; }
};

// std rwlock.rs: test_needs_drop (the helper types are what they claim to be).
static_assert(std::is_trivially_destructible_v<NonCopy> && !std::is_copy_constructible_v<NonCopy>);
static_assert(!std::is_trivially_destructible_v<NonCopyNeedsDrop> && !std::is_copy_constructible_v<NonCopyNeedsDrop>);

// The nonpoison try_write error is exactly WouldBlock; the poisoning one is a TryLockError.
static_assert(std::is_same_v<decltype(std::declval<np::RwLock<int>&>().try_write()),
                             fearless::Result<np::RwLockWriteGuard<int>, np::WouldBlock>>);
static_assert(std::is_same_v<decltype(std::declval<fearless::sync::RwLock<int>&>().try_write()),
                             fearless::Result<fearless::sync::RwLockWriteGuard<int>,
                                              TryLockError<fearless::sync::RwLockWriteGuard<int>>>>);

// Silences the default panic hook's stderr line while a test panics on purpose.
class QuietPanics {
 public:
  QuietPanics() {
    fearless::set_panic_hook([](const fearless::PanicInfo&) {});
  }
  ~QuietPanics() { (void)fearless::take_panic_hook(); }
  QuietPanics(const QuietPanics&) = delete;
  QuietPanics& operator=(const QuietPanics&) = delete;
};

#define STD_RWLOCK_BOTH_FLAVOURS(Name)         \
  TEST(StdRwLock, Name##_Poisoning) {          \
    Name<Poisoning>();                         \
  }                                            \
  TEST(StdRwLock, Name##_Nonpoison) {          \
    Name<NonPoisoning>();                      \
  }

// --- Shared by both flavours ---------------------------------------------

// std rwlock.rs: smoke
template <class F>
void ReadWriteAndTwoReadersInTurn() {
  typename F::template Lock<Unit> l;
  { auto r = maybe_unwrap(l.read()); }
  { auto w = maybe_unwrap(l.write()); }
  {
    auto r1 = maybe_unwrap(l.read());
    auto r2 = maybe_unwrap(l.read());
  }
  { auto w = maybe_unwrap(l.write()); }
  EXPECT_TRUE(l.try_write().is_ok());
}
STD_RWLOCK_BOTH_FLAVOURS(ReadWriteAndTwoReadersInTurn)

// std rwlock.rs: frob (10 threads, mostly readers; the lock must never wedge)
template <class F>
void RandomMixOfReadersAndWritersCompletes() {
  constexpr int kThreads = 10;
  const int per_thread = static_cast<int>(sync_test::scaled(300, 50));
  auto lock = Arc<typename F::template Lock<Unit>>::make();
  auto [tx, rx] = fearless::sync::mpsc::channel<Unit>();
  std::vector<fearless::thread::JoinHandle<void>> handles;
  for (int t = 0; t < kThreads; ++t) {
    handles.push_back(fearless::thread::spawn([tx = tx.clone(), lock = lock.clone(), t, per_thread] {
      std::mt19937 rng(static_cast<unsigned>(1234 + t));
      std::bernoulli_distribution write(1.0 / kThreads);
      for (int i = 0; i < per_thread; ++i) {
        if (write(rng)) {
          auto w = maybe_unwrap(lock->write());
        } else {
          auto r = maybe_unwrap(lock->read());
        }
      }
      (void)tx;  // dropped when the closure is: that is the "done" signal
    }));
  }
  { auto drop_ours = std::move(tx); }
  // Every sender is gone once all workers have finished.
  EXPECT_TRUE(rx.recv().is_err());
  for (auto& h : handles) EXPECT_TRUE(h.join().is_ok());
  EXPECT_TRUE(lock->try_write().is_ok());
}
STD_RWLOCK_BOTH_FLAVOURS(RandomMixOfReadersAndWritersCompletes)

// std rwlock.rs: test_rw_arc
template <class F>
void ReadersNeverSeeAWritersIntermediateValue() {
  auto arc = Arc<typename F::template Lock<int>>::make(0);
  auto [tx, rx] = fearless::sync::mpsc::channel<Unit>();
  auto writer = fearless::thread::spawn([arc2 = arc.clone(), tx = std::move(tx)] {
    auto lock = maybe_unwrap(arc2->write());
    for (int i = 0; i < 10; ++i) {
      const int tmp = *lock;
      *lock = -1;  // never observable by a reader
      fearless::thread::yield_now();
      *lock = tmp + 1;
    }
    tx.send(Unit{}).unwrap();
  });
  std::vector<fearless::thread::JoinHandle<int>> children;
  for (int i = 0; i < 5; ++i) {
    children.push_back(fearless::thread::spawn([arc3 = arc.clone()] {
      auto lock = maybe_unwrap(arc3->read());
      return *lock;
    }));
  }
  for (auto& c : children) {
    auto seen = c.join();
    ASSERT_TRUE(seen.is_ok());
    EXPECT_GE(seen.unwrap(), 0);
  }
  EXPECT_TRUE(rx.recv().is_ok());
  EXPECT_EQ(*maybe_unwrap(arc->read()), 10);
  EXPECT_TRUE(writer.join().is_ok());
}
STD_RWLOCK_BOTH_FLAVOURS(ReadersNeverSeeAWritersIntermediateValue)

// std rwlock.rs: test_rw_arc_access_in_unwind. A write guard created and
// dropped inside a destructor that runs during unwinding does not poison:
// the unwinding started before the guard existed.
template <class F>
void WriteFromADestructorDuringUnwindingWorksAndDoesNotPoison() {
  using Lock = typename F::template Lock<int>;
  QuietPanics quiet;
  auto arc = Arc<Lock>::make(1);
  auto joined = fearless::thread::spawn([arc2 = arc.clone()] {
                  struct Unwinder {
                    Arc<Lock> i;
                    ~Unwinder() {
                      auto lock = maybe_unwrap(i->write());
                      *lock += 1;
                    }
                  };
                  Unwinder u{arc2};
                  fearless::panic("unwinding past Unwinder");
                }).join();
  EXPECT_TRUE(joined.is_err());
  EXPECT_EQ(*maybe_unwrap(arc->read()), 2);
}
STD_RWLOCK_BOTH_FLAVOURS(WriteFromADestructorDuringUnwindingWorksAndDoesNotPoison)

// std rwlock.rs: test_rwlock_unsized. C++ has no unsized [i32]; a fixed-size
// array written element by element through the guard stands in for it.
template <class F>
void ElementsWrittenThroughTheWriteGuardAreRead() {
  typename F::template Lock<std::array<int, 3>> rw(std::array<int, 3>{1, 2, 3});
  {
    auto b = maybe_unwrap(rw.write());
    (*b)[0] = 4;
    (*b)[2] = 5;
  }
  EXPECT_EQ(*maybe_unwrap(rw.read()), (std::array<int, 3>{4, 2, 5}));
}
STD_RWLOCK_BOTH_FLAVOURS(ElementsWrittenThroughTheWriteGuardAreRead)

// std rwlock.rs: test_into_inner
template <class F>
void IntoInnerReturnsTheMoveOnlyValue() {
  typename F::template Lock<NonCopy> m(10);
  EXPECT_EQ(maybe_unwrap(std::move(m).into_inner()), NonCopy(10));
}
STD_RWLOCK_BOTH_FLAVOURS(IntoInnerReturnsTheMoveOnlyValue)

// A shared counter (Rust: Arc<AtomicUsize>; Arc gives const access here).
struct SharedCount {
  mutable std::atomic<int> n{0};
  int load() const { return n.load(); }
};

// Counts how many owned values were destroyed (a moved-from one owns nothing:
// C++ still runs its destructor, Rust would not).
struct DropCounter {
  Arc<SharedCount> drops;
  bool owns = true;
  explicit DropCounter(Arc<SharedCount> d) : drops(std::move(d)) {}
  DropCounter(DropCounter&& o) noexcept : drops(o.drops), owns(std::exchange(o.owns, false)) {}
  DropCounter& operator=(DropCounter&&) = delete;
  ~DropCounter() {
    if (owns) drops->n.fetch_add(1);
  }
};

// std rwlock.rs: test_into_inner_drop
template <class F>
void IntoInnerHandsOverTheValueWithoutDestroyingIt() {
  auto num_drops = Arc<SharedCount>::make();
  {
    typename F::template Lock<DropCounter> m(num_drops);
    EXPECT_EQ(num_drops->load(), 0);
    {
      auto inner = maybe_unwrap(std::move(m).into_inner());
      EXPECT_EQ(num_drops->load(), 0);
    }
    EXPECT_EQ(num_drops->load(), 1);
  }
  EXPECT_EQ(num_drops->load(), 1);  // the moved-from RwLock held nothing more
}
STD_RWLOCK_BOTH_FLAVOURS(IntoInnerHandsOverTheValueWithoutDestroyingIt)

// std rwlock.rs: test_get_mut
template <class F>
void GetMutWritesWithoutLockingAndIntoInnerSeesIt() {
  typename F::template Lock<NonCopy> m(10);
  get_mut_ref(m) = NonCopy(20);
  EXPECT_EQ(maybe_unwrap(std::move(m).into_inner()), NonCopy(20));
}
STD_RWLOCK_BOTH_FLAVOURS(GetMutWritesWithoutLockingAndIntoInnerSeesIt)

// std rwlock.rs: test_read_guard_covariance, test_mapped_read_guard_covariance —
// lifetime variance is a Rust type-system property with no C++ counterpart.

// std rwlock.rs: test_downgrade_basic
template <class F>
void DowngradeTurnsAWriteGuardIntoAReadGuard() {
  typename F::template Lock<Unit> r;
  auto write_guard = maybe_unwrap(r.write());
  auto read_guard = F::template WriteGuard<Unit>::downgrade(std::move(write_guard));
  static_assert(std::is_same_v<decltype(read_guard), typename F::template ReadGuard<Unit>>);
  EXPECT_TRUE(r.try_write().is_err());
  EXPECT_TRUE(r.try_read().is_ok());
}
STD_RWLOCK_BOTH_FLAVOURS(DowngradeTurnsAWriteGuardIntoAReadGuard)

// std rwlock.rs: test_downgrade_observe (20 writers, each increments, downgrades
// and must still read its own value)
template <class F>
void EachWriterReadsItsOwnValueAfterDowngrading() {
  constexpr int kWriters = 20;
  const int per_writer = static_cast<int>(sync_test::scaled(40, 10));
  auto rw = Arc<typename F::template Lock<int>>::make(0);
  std::atomic<int> mismatches{0};
  std::vector<fearless::thread::JoinHandle<void>> handles;
  for (int t = 0; t < kWriters; ++t) {
    handles.push_back(fearless::thread::spawn([rw = rw.clone(), &mismatches, per_writer] {
      for (int i = 0; i < per_writer; ++i) {
        auto write_guard = maybe_unwrap(rw->write());
        *write_guard += 1;
        const int cur_val = *write_guard;
        auto read_guard = F::template WriteGuard<int>::downgrade(std::move(write_guard));
        if (*read_guard != cur_val) mismatches.fetch_add(1);
      }
    }));
  }
  for (auto& h : handles) EXPECT_TRUE(h.join().is_ok());
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(*maybe_unwrap(rw->read()), kWriters * per_writer);
}
STD_RWLOCK_BOTH_FLAVOURS(EachWriterReadsItsOwnValueAfterDowngrading)

// std rwlock.rs: test_downgrade_atomic (writers asleep on the lock cannot slip
// in between the write lock and the read lock it becomes)
template <class F>
void DowngradeIsAtomicAgainstSleepingWriters() {
  constexpr int kNewValue = -1;
  constexpr int kWriters = 20;
  auto rwlock = Arc<typename F::template Lock<int>>::make(0);
  auto main_write_guard = maybe_unwrap(rwlock->write());
  std::vector<fearless::thread::JoinHandle<void>> handles;
  for (int t = 0; t < kWriters; ++t) {
    handles.push_back(fearless::thread::spawn([rwlock = rwlock.clone()] {
      auto evil_guard = maybe_unwrap(rwlock->write());
      *evil_guard += 1;
    }));
  }
  fearless::thread::sleep(50ms);  // let the writers queue up (not required for correctness)
  *main_write_guard = kNewValue;
  auto main_read_guard = F::template WriteGuard<int>::downgrade(std::move(main_write_guard));
  EXPECT_EQ(*main_read_guard, kNewValue) << "downgrade was not atomic";
  { auto release = std::move(main_read_guard); }
  for (auto& h : handles) EXPECT_TRUE(h.join().is_ok());
  EXPECT_EQ(*maybe_unwrap(rwlock->read()), kWriters + kNewValue);
}
STD_RWLOCK_BOTH_FLAVOURS(DowngradeIsAtomicAgainstSleepingWriters)

// std rwlock.rs: test_mapping_mapped_guard — no RwLockWriteGuard::map /
// MappedRwLockWriteGuard (missing API).

// --- try_write against a reader -------------------------------------------

// std rwlock.rs: nonpoison_test_rwlock_try_write (the mapped-guard half needs
// RwLockReadGuard::map, missing API)
TEST(StdRwLock, NonpoisonTryWriteIsWouldBlockWhileReadLockedThenSucceeds) {
  np::RwLock<long> lock(0);
  {
    auto read_guard = lock.read();
    auto write_result = lock.try_write();
    ASSERT_TRUE(write_result.is_err()) << "try_write succeeded while a read guard is alive";
    EXPECT_EQ(write_result.unwrap_err(), np::WouldBlock{});
  }
  EXPECT_TRUE(lock.try_write().is_ok());
}

// std rwlock.rs: poison_test_rwlock_try_write (the mapped-guard half needs
// RwLockReadGuard::map, missing API)
TEST(StdRwLock, PoisoningTryWriteIsWouldBlockNotPoisonedWhileReadLocked) {
  fearless::sync::RwLock<long> lock(0);
  {
    auto read_guard = lock.read().unwrap();
    auto write_result = lock.try_write();
    ASSERT_TRUE(write_result.is_err()) << "try_write succeeded while a read guard is alive";
    EXPECT_EQ(write_result.unwrap_err().kind(), TryLockError<fearless::sync::RwLockWriteGuard<long>>::Kind::WouldBlock);
    EXPECT_FALSE(write_result.unwrap_err().is_poisoned());
  }
  EXPECT_TRUE(lock.try_write().is_ok());
}

// --- Poisoning only ---------------------------------------------------------

// An RwLock poisoned by a panic while its write guard was alive.
template <class T, class... A>
fearless::sync::RwLock<T> new_poisoned_rwlock(A&&... a) {
  fearless::sync::RwLock<T> lock(std::forward<A>(a)...);
  bool caught = false;
  try {
    auto guard = lock.write().unwrap();
    fearless::panic("test panic to poison RwLock");
  } catch (const fearless::Panic&) {
    caught = true;
  }
  EXPECT_TRUE(caught);
  EXPECT_TRUE(lock.is_poisoned());
  return lock;
}

// std rwlock.rs: test_into_inner_poison
TEST(StdRwLock, IntoInnerOfAPoisonedLockIsErrCarryingTheMoveOnlyValue) {
  auto m = new_poisoned_rwlock<NonCopy>(10);
  auto r = std::move(m).into_inner();
  ASSERT_TRUE(r.is_err()) << "into_inner of a poisoned RwLock is Ok";
  EXPECT_EQ(std::move(r).unwrap_err().into_inner(), NonCopy(10));
}

// std rwlock.rs: test_get_mut_poison
TEST(StdRwLock, GetMutOfAPoisonedLockIsErrPointingAtTheValue) {
  auto m = new_poisoned_rwlock<NonCopy>(10);
  auto r = m.get_mut();
  ASSERT_TRUE(r.is_err()) << "get_mut of a poisoned RwLock is Ok";
  NonCopy* p = std::move(r).unwrap_err().into_inner();
  EXPECT_EQ(*p, NonCopy(10));
  *p = NonCopy(11);  // the pointer reaches the lock's own value
  EXPECT_EQ(*m.read().unwrap_err().get_ref(), NonCopy(11));
}

// std rwlock.rs: test_rw_arc_poison_wr
TEST(StdRwLock, WriterPanickingInAnotherThreadMakesReadErr) {
  QuietPanics quiet;
  auto arc = Arc<fearless::sync::RwLock<int>>::make(1);
  auto joined = fearless::thread::spawn([arc2 = arc.clone()] {
                  auto lock = arc2->write().unwrap();
                  fearless::panic("writer panics");
                }).join();
  EXPECT_TRUE(joined.is_err());
  auto r = arc->read();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(*r.unwrap_err().get_ref(), 1);  // the Err still holds a read lock
}

// std rwlock.rs: test_rw_arc_poison_mapped_w_r — no RwLockWriteGuard::map (missing API).

// std rwlock.rs: test_rw_arc_poison_ww
TEST(StdRwLock, WriterPanickingInAnotherThreadMakesWriteErrAndSetsTheFlag) {
  QuietPanics quiet;
  auto arc = Arc<fearless::sync::RwLock<int>>::make(1);
  EXPECT_FALSE(arc->is_poisoned());
  auto joined = fearless::thread::spawn([arc2 = arc.clone()] {
                  auto lock = arc2->write().unwrap();
                  fearless::panic("writer panics");
                }).join();
  EXPECT_TRUE(joined.is_err());
  EXPECT_TRUE(arc->write().is_err());
  EXPECT_TRUE(arc->is_poisoned());
}

// std rwlock.rs: test_rw_arc_poison_mapped_w_w — no RwLockWriteGuard::map (missing API).

// std rwlock.rs: test_rw_arc_no_poison_rr
TEST(StdRwLock, ReaderPanickingInAnotherThreadLeavesReadOk) {
  QuietPanics quiet;
  auto arc = Arc<fearless::sync::RwLock<int>>::make(1);
  auto joined = fearless::thread::spawn([arc2 = arc.clone()] {
                  auto lock = arc2->read().unwrap();
                  fearless::panic("reader panics");
                }).join();
  EXPECT_TRUE(joined.is_err());
  auto lock = arc->read();
  ASSERT_TRUE(lock.is_ok());
  EXPECT_EQ(*lock.unwrap(), 1);
  EXPECT_FALSE(arc->is_poisoned());
}

// std rwlock.rs: test_rw_arc_no_poison_mapped_r_r — no RwLockReadGuard::map (missing API).

// std rwlock.rs: test_rw_arc_no_poison_rw
TEST(StdRwLock, ReaderPanickingInAnotherThreadLeavesWriteOk) {
  QuietPanics quiet;
  auto arc = Arc<fearless::sync::RwLock<int>>::make(1);
  auto joined = fearless::thread::spawn([arc2 = arc.clone()] {
                  auto lock = arc2->read().unwrap();
                  fearless::panic("reader panics");
                }).join();
  EXPECT_TRUE(joined.is_err());
  auto lock = arc->write();
  ASSERT_TRUE(lock.is_ok());
  EXPECT_EQ(*lock.unwrap(), 1);
}

// std rwlock.rs: test_rw_arc_no_poison_mapped_r_w — no RwLockReadGuard::map (missing API).
// std rwlock.rs: panic_while_mapping_read_unlocked_no_poison,
// panic_while_mapping_write_unlocked_poison — no map / filter_map on the
// guards or Mapped*Guard types (missing API).
// std rwlock.rs: test_rwlock_with, test_rwlock_with_mut — nonpoison::RwLock has
// no with / with_mut (missing API).
// std rwlock.rs: test_read_guard_unlocked, test_write_guard_unlocked — the
// guards have no `unlocked(guard, f)` (missing API).

}  // namespace

// std rwlock.rs: test_get_cloned, test_set, test_replace and their _poison
// twins, and nonpoison's test_rwlock_with / test_rwlock_with_mut.
TEST(StdRwLock, ValueAccessorsOfBothKinds) {
  const fearless::sync::RwLock<std::string> l(std::string("a"));
  EXPECT_EQ(l.get_cloned().unwrap(), "a");
  l.set(std::string("b")).unwrap();
  EXPECT_EQ(l.replace(std::string("c")).unwrap(), "b");
  EXPECT_EQ(*l.read().unwrap(), "c");

  const fearless::sync::nonpoison::RwLock<int> n(2);
  EXPECT_EQ(n.get_cloned(), 2);
  n.set(3);
  EXPECT_EQ(n.replace(4), 3);
  EXPECT_EQ(n.with([](const int& v) { return v * 10; }), 40);
  EXPECT_EQ(n.with_mut([](int& v) {
    v += 1;
    return v;
  }),
            5);
  EXPECT_EQ(*n.read(), 5);
}

TEST(StdRwLock, ValueAccessorsOfAPoisonedLockHandTheNewValueBack) {
  fearless::sync::RwLock<std::string> l(std::string("kept"));
  try {
    auto g = l.write().unwrap();
    throw std::runtime_error("poison it");
  } catch (const std::runtime_error&) {
  }
  ASSERT_TRUE(l.is_poisoned());
  EXPECT_TRUE(l.get_cloned().is_err());
  auto s = l.set(std::string("new"));
  ASSERT_TRUE(s.is_err());
  EXPECT_EQ(std::move(s).unwrap_err().into_inner(), "new");
  auto r = l.replace(std::string("newer"));
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(std::move(r).unwrap_err().into_inner(), "newer");
  EXPECT_EQ(*l.read().unwrap_err().into_inner(), "kept");
}
