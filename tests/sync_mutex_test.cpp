// Mutex<T>: locking, guards, try_lock, poisoning (exceptions and thread
// panics), get_mut / into_inner, contention with exact totals, sizes, the
// raw lock under Clang's thread-safety annotations, and moving a Mutex (value
// and poison flag carried, a locked source panics, std::vector, Arc).
#include "fearless/sync/mutex.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include "fearless/sync/arc.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::Arc;
using fearless::sync::LockResult;
using fearless::sync::Mutex;
using fearless::sync::MutexGuard;
using fearless::sync::PoisonError;
using fearless::sync::TryLockError;

static_assert(sizeof(Mutex<int>) <= 8);
static_assert(sizeof(Mutex<char>) <= 8);
static_assert(!std::is_copy_constructible_v<Mutex<int>>);
static_assert(!std::is_copy_assignable_v<Mutex<int>>);
// Movable like Rust's Mutex (`let m2 = m;`, `Vec<Mutex<T>>`), but a move may
// panic (the source is locked), so it is never noexcept.
static_assert(std::is_move_constructible_v<Mutex<int>>);
static_assert(std::is_move_assignable_v<Mutex<int>>);
static_assert(!std::is_nothrow_move_constructible_v<Mutex<int>>);
static_assert(std::is_move_constructible_v<Mutex<std::unique_ptr<int>>>);
static_assert(!std::is_move_constructible_v<Mutex<std::atomic<int>>>);
static_assert(!std::is_move_assignable_v<Mutex<std::atomic<int>>>);
static_assert(!std::is_copy_constructible_v<MutexGuard<int>>);
static_assert(std::is_nothrow_move_constructible_v<MutexGuard<int>>);
static_assert(std::is_same_v<decltype(std::declval<const Mutex<int>&>().lock()), LockResult<MutexGuard<int>>>);

void poison(const Mutex<int>& m) {
  try {
    auto g = m.lock().unwrap();
    *g = 99;
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
}

TEST(Mutex, LockGivesAccessAndUnlocksOnDrop) {
  Mutex<int> m(0);
  {
    auto g = m.lock().unwrap();
    *g += 1;
    EXPECT_TRUE(m.try_lock().is_err());
  }
  EXPECT_EQ(*m.lock().unwrap(), 1);
  EXPECT_TRUE(m.try_lock().is_ok());
}

TEST(Mutex, ArrowAndConstructionInPlace) {
  Mutex<std::string> m(3, 'x');
  m.lock().unwrap()->append("y");
  EXPECT_EQ(*m.lock().unwrap(), "xxxy");
  Mutex<std::vector<int>> d;
  EXPECT_TRUE(d.lock().unwrap()->empty());
  Mutex deduced(5L);
  static_assert(std::is_same_v<decltype(deduced), Mutex<long>>);
}

TEST(Mutex, MoveOnlyValue) {
  Mutex<std::unique_ptr<int>> m(std::make_unique<int>(7));
  EXPECT_EQ(**m.lock().unwrap(), 7);
  std::unique_ptr<int> p = std::move(m).into_inner().unwrap();
  EXPECT_EQ(*p, 7);
}

TEST(Mutex, GuardMoveTransfersTheLock) {
  Mutex<int> m(1);
  auto g1 = m.lock().unwrap();
  MutexGuard<int> g2 = std::move(g1);
  EXPECT_EQ(*g2, 1);
  EXPECT_THROW((void)*g1, fearless::Panic);  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_TRUE(m.try_lock().is_err());
  {
    MutexGuard<int> g3 = std::move(g2);
  }
  EXPECT_TRUE(m.try_lock().is_ok());
}

TEST(Mutex, GuardMoveAssignReleasesTheOldLock) {
  Mutex<int> a(1);
  Mutex<int> b(2);
  auto ga = a.lock().unwrap();
  auto gb = b.lock().unwrap();
  ga = std::move(gb);  // releases a, now holds b
  EXPECT_EQ(*ga, 2);
  EXPECT_TRUE(a.try_lock().is_ok());
  EXPECT_TRUE(b.try_lock().is_err());
}

TEST(Mutex, TryLockWouldBlockFromAnotherThread) {
  Mutex<int> m(0);
  auto g = m.lock().unwrap();
  auto h = fearless::thread::spawn([&] {
    auto r = m.try_lock();
    EXPECT_TRUE(r.is_err());
    EXPECT_TRUE(r.unwrap_err().is_would_block());
    EXPECT_EQ(r.unwrap_err().kind(), TryLockError<MutexGuard<int>>::Kind::WouldBlock);
    EXPECT_STREQ(r.unwrap_err().what(), "try_lock failed because the operation would block");
  });
  h.join().unwrap();
}

TEST(Mutex, ExceptionWhileLockedPoisons) {
  Mutex<int> m(0);
  EXPECT_FALSE(m.is_poisoned());
  poison(m);
  EXPECT_TRUE(m.is_poisoned());
  auto r = m.lock();
  ASSERT_TRUE(r.is_err());
  EXPECT_STREQ(r.unwrap_err().what(), "poisoned lock: another task failed inside");
  EXPECT_EQ(*r.unwrap_err().get_ref(), 99);  // the write before the throw is kept
  *r.unwrap_err().get_mut() = 5;
  auto g = std::move(r).unwrap_err().into_inner();  // still locked by us
  EXPECT_EQ(*g, 5);
  EXPECT_TRUE(m.try_lock().is_err());
}

// The lock errors stream their Display text (what()), as Rust's `{}` does.
TEST(Mutex, ErrorsStreamTheirDisplayText) {
  fearless::sync::Mutex<int> m(0);
  auto g = m.lock().unwrap();
  std::ostringstream os;
  os << m.try_lock().unwrap_err();
  EXPECT_EQ(os.str(), "try_lock failed because the operation would block");
}

TEST(Mutex, UnwrapAndExpectOnPoisonGiveTheErrorsDisplayText) {
  Mutex<int> m(0);
  poison(m);
  EXPECT_EQ(sync_test::panic_message([&] { (void)m.lock().unwrap(); }),
            "called `Result::unwrap()` on an `Err` value: poisoned lock: another task failed inside");
  EXPECT_EQ(sync_test::panic_message([&] { (void)m.lock().expect("counter lock"); }),
            "counter lock: poisoned lock: another task failed inside");
  // Each failed unwrap released the lock it had taken.
  auto r = m.try_lock();
  ASSERT_TRUE(r.is_err());
  EXPECT_TRUE(r.unwrap_err().is_poisoned());
}

// A LockResult keeps one PoisonError whichever side it is on (see
// detail/result_storage.hpp); these pin down that it still behaves as a
// Result<G, PoisonError<G>> with two distinct sides.
TEST(Mutex, LockResultAssignmentReleasesTheLockItReplaces) {
  Mutex<int> a(1);
  Mutex<int> b(2);
  poison(b);
  auto r = a.lock();
  ASSERT_TRUE(r.is_ok());
  r = b.lock();  // a's guard is dropped here
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(*r.unwrap_err().get_ref(), 99);
  EXPECT_TRUE(a.try_lock().is_ok());
  EXPECT_TRUE(b.try_lock().unwrap_err().is_would_block());
  LockResult<MutexGuard<int>> moved(std::move(r));
  ASSERT_TRUE(moved.is_err());
  EXPECT_EQ(*std::move(moved).unwrap_err().into_inner(), 99);
  EXPECT_TRUE(b.try_lock().unwrap_err().is_poisoned());  // unlocked, still poisoned
}

TEST(Mutex, LockResultBuiltByHandHasTwoSides) {
  int x = 7;
  LockResult<int*> ok = fearless::Ok(&x);
  LockResult<int*> err = fearless::Err(PoisonError<int*>(&x));
  EXPECT_TRUE(ok.is_ok());
  EXPECT_FALSE(ok.is_err());
  EXPECT_TRUE(err.is_err());
  EXPECT_EQ(ok.unwrap(), &x);
  EXPECT_EQ(err.unwrap_err().get_ref(), &x);
  EXPECT_FALSE(ok == err);
  EXPECT_TRUE(ok == LockResult<int*>(fearless::Ok(&x)));
  EXPECT_TRUE(err == LockResult<int*>(fearless::Err(PoisonError<int*>(nullptr))));  // PoisonErrors compare equal
  EXPECT_TRUE(ok.ok().has_value());
  EXPECT_FALSE(ok.err().has_value());
  EXPECT_FALSE(err.ok().has_value());
  EXPECT_EQ(err.err()->get_ref(), &x);
  EXPECT_EQ(err.unwrap_or(nullptr), nullptr);
  EXPECT_THROW((void)ok.unwrap_err(), fearless::Panic);
  ok = err;
  EXPECT_TRUE(ok.is_err());
  auto mapped = std::move(err).map([](int* p) { return *p; });
  EXPECT_TRUE(mapped.is_err());
  auto recovered = LockResult<int*>(fearless::Err(PoisonError<int*>(&x))).or_else([](PoisonError<int*> e) {
    return fearless::Result<int*, int>(fearless::Ok(std::move(e).into_inner()));
  });
  EXPECT_EQ(recovered.unwrap(), &x);
}

TEST(Mutex, ClearPoisonWhileHoldingTheRecoveredGuard) {
  Mutex<int> m(0);
  poison(m);
  {
    auto g = m.lock().unwrap_or_else([&](PoisonError<MutexGuard<int>> e) {
      *e.get_mut() = 1;
      m.clear_poison();  // never blocks, even though the lock is held
      return std::move(e).into_inner();
    });
    EXPECT_EQ(*g, 1);
  }
  EXPECT_FALSE(m.is_poisoned());
  EXPECT_EQ(*m.lock().unwrap(), 1);
}

TEST(Mutex, TryLockOnPoisonedCarriesTheGuard) {
  Mutex<int> m(0);
  poison(m);
  auto r = m.try_lock();
  ASSERT_TRUE(r.is_err());
  ASSERT_TRUE(r.unwrap_err().is_poisoned());
  EXPECT_EQ(*r.unwrap_err().poison_error().get_ref(), 99);
  EXPECT_THROW((void)TryLockError<MutexGuard<int>>::would_block().poison_error(), fearless::Panic);
}

TEST(Mutex, GetMutAndIntoInnerArePoisonAware) {
  Mutex<int> m(1);
  *m.get_mut().unwrap() = 10;
  EXPECT_EQ(*m.lock().unwrap(), 10);
  poison(m);
  auto r = m.get_mut();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(*r.unwrap_err().get_ref(), 99);
  auto inner = std::move(m).into_inner();
  ASSERT_TRUE(inner.is_err());
  EXPECT_EQ(std::move(inner).unwrap_err().into_inner(), 99);
}

TEST(Mutex, OnlyUnwindingPoisons) {
  Mutex<int> m(0);
  { auto g = m.lock().unwrap(); }
  EXPECT_FALSE(m.is_poisoned());
  try {
    throw std::runtime_error("before the lock");
  } catch (...) {
    auto g = m.lock().unwrap();  // inside a handler, not unwinding
  }
  EXPECT_FALSE(m.is_poisoned());
  // A guard made and dropped inside a destructor that runs during unwinding
  // does not poison: it did not see the exception start.
  struct LocksInDestructor {
    const Mutex<int>* m;
    ~LocksInDestructor() { *m->lock().unwrap() += 1; }
  };
  try {
    LocksInDestructor l{&m};
    throw 1;
  } catch (int) {
  }
  EXPECT_FALSE(m.is_poisoned());
  EXPECT_EQ(*m.lock().unwrap(), 1);
}

TEST(Mutex, PanicInSpawnedThreadPoisons) {
  auto m = Arc<Mutex<int>>::make(0);
  auto h = fearless::thread::spawn([m = m.clone()] {
    auto g = m->lock().unwrap();
    *g = 1;
    fearless::panic("worker failed");
  });
  auto r = h.join();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "worker failed");
  EXPECT_TRUE(m->is_poisoned());
  EXPECT_EQ(*m->lock().unwrap_err().into_inner(), 1);
}

TEST(Mutex, ContentionExactTotal) {
  const std::size_t threads = 4;
  const std::size_t iters = sync_test::scaled(200000, 1000);
  auto m = Arc<Mutex<std::size_t>>::make(0);
  std::vector<fearless::thread::JoinHandle<void>> hs;
  for (std::size_t t = 0; t < threads; ++t) {
    hs.push_back(fearless::thread::spawn([m = m.clone(), iters, t] {
      for (std::size_t i = 0; i < iters; ++i) {
        if ((i + t) % 5 == 0) {
          for (;;) {
            auto r = m->try_lock();
            if (r.is_ok()) {
              *r.unwrap() += 1;
              break;
            }
            ASSERT_TRUE(r.unwrap_err().is_would_block());
          }
        } else {
          *m->lock().unwrap() += 1;
        }
      }
    }));
  }
  for (auto& h : hs) h.join().unwrap();
  EXPECT_EQ(*m->lock().unwrap(), threads * iters);
}

TEST(Mutex, ProtectsNonAtomicCompoundData) {
  struct Pair {
    long a = 0;
    long b = 0;
  };
  Mutex<Pair> m;
  const std::size_t iters = sync_test::scaled(50000, 500);
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 3; ++t) {
      s.spawn([&] {
        for (std::size_t i = 0; i < iters; ++i) {
          auto g = m.lock().unwrap();
          EXPECT_EQ(g->a, g->b);
          ++g->a;
          ++g->b;
        }
      });
    }
  });
  auto g = m.lock().unwrap();
  EXPECT_EQ(g->a, static_cast<long>(3 * iters));
  EXPECT_EQ(g->b, g->a);
}

TEST(Mutex, SleepingWaitersAreWoken) {
  // A holder that sleeps forces the others past the spin phase onto the futex.
  Mutex<int> m(0);
  fearless::thread::scope([&](auto& s) {
    auto g = m.lock().unwrap();
    for (int t = 0; t < 3; ++t) s.spawn([&] { *m.lock().unwrap() += 1; });
    fearless::thread::sleep(std::chrono::milliseconds(30));
    *g += 10;
    { auto dropped = std::move(g); }
  });
  EXPECT_EQ(*m.lock().unwrap(), 13);
}

// The raw lock is visible to Clang's -Wthread-safety (the clang preset builds
// this with -Werror): the guarded field may only be touched with it held.
class Account {
 public:
  void deposit(int v) {
    fearless::detail::RawMutexLock lock(mu_);
    balance_ += v;
  }
  int balance() {
    fearless::detail::RawMutexLock lock(mu_);
    return balance_;
  }

 private:
  fearless::detail::RawMutex mu_;
  int balance_ FEARLESS_GUARDED_BY(mu_) = 0;
};

TEST(Mutex, RawMutexWithThreadSafetyAnnotations) {
  Account acct;
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 2; ++t) s.spawn([&] {
      for (int i = 0; i < 1000; ++i) acct.deposit(1);
    });
  });
  EXPECT_EQ(acct.balance(), 2000);
  static_assert(sizeof(fearless::detail::RawMutex) == 4);
}

// --- Moving a Mutex --------------------------------------------------------

constexpr const char* kMovedWhileLocked =
    "cannot move a Mutex while it is locked (a guard on it is alive, or another thread holds it)";
constexpr const char* kAssignedWhileLocked =
    "cannot assign to a Mutex while it is locked (a guard on it is alive, or another thread holds it)";

// A value whose move constructor and move assignment throw on request.
struct ThrowingMove {
  int value;
  bool throw_on_move;
  ThrowingMove(int v, bool t) : value(v), throw_on_move(t) {}
  ThrowingMove(ThrowingMove&& o) : value(o.value), throw_on_move(o.throw_on_move) {
    if (throw_on_move) throw std::runtime_error("move failed");
  }
  ThrowingMove& operator=(ThrowingMove&& o) {
    if (o.throw_on_move) throw std::runtime_error("move failed");
    value = o.value;
    return *this;
  }
};

TEST(Mutex, MoveConstructionCarriesTheValueAndLeavesAnUnlockedMovedFromSource) {
  Mutex<std::unique_ptr<int>> a(std::make_unique<int>(42));
  Mutex<std::unique_ptr<int>> b(std::move(a));
  EXPECT_EQ(**b.lock().unwrap(), 42);
  EXPECT_FALSE(b.is_poisoned());
  // The moved-from Mutex is an ordinary unlocked Mutex holding a moved-from value.
  auto g = a.try_lock();  // NOLINT(bugprone-use-after-move): moved-from stays valid
  ASSERT_TRUE(g.is_ok());
  EXPECT_EQ(*std::move(g).unwrap(), nullptr);
  *a.lock().unwrap() = std::make_unique<int>(7);
  EXPECT_EQ(**a.lock().unwrap(), 7);
  Mutex deduced = std::move(b);
  static_assert(std::is_same_v<decltype(deduced), Mutex<std::unique_ptr<int>>>);
  EXPECT_EQ(**deduced.lock().unwrap(), 42);
}

TEST(Mutex, MoveConstructionCarriesThePoisonFlag) {
  Mutex<int> a(0);
  poison(a);  // leaves 99 behind
  Mutex<int> b(std::move(a));
  EXPECT_TRUE(b.is_poisoned());
  EXPECT_TRUE(a.is_poisoned());  // NOLINT(bugprone-use-after-move): the source keeps its flag
  auto r = b.lock();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(*std::move(r).unwrap_err().into_inner(), 99);
  b.clear_poison();
  EXPECT_FALSE(b.is_poisoned());
  EXPECT_TRUE(a.is_poisoned());  // the two flags are independent now
  Mutex<int> c(std::move(b));
  EXPECT_FALSE(c.is_poisoned());
}

TEST(Mutex, VectorOfMutexesKeepsEveryValueAcrossReallocations) {
  std::vector<Mutex<int>> v;
  int reallocations = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto* before = v.data();
    v.emplace_back(i * 3);
    if (v.data() != before) ++reallocations;
  }
  EXPECT_GT(reallocations, 5);
  for (int i = 0; i < 1000; ++i) {
    auto g = v[static_cast<std::size_t>(i)].try_lock();  // every moved-to Mutex is unlocked
    ASSERT_TRUE(g.is_ok()) << i;
    EXPECT_EQ(*std::move(g).unwrap(), i * 3);
  }
  v.erase(v.begin());  // shifts every element down by move assignment
  EXPECT_EQ(*v.front().lock().unwrap(), 3);
  EXPECT_EQ(*v.back().lock().unwrap(), 2997);
}

TEST(Mutex, MovingWhileAGuardIsAlivePanicsAndLeavesTheMutexIntact) {
  Mutex<std::string> m("keep");
  auto g = m.lock().unwrap();
  EXPECT_EQ(sync_test::panic_message([&] { Mutex<std::string> other(std::move(m)); }), kMovedWhileLocked);
  EXPECT_EQ(*g, "keep");  // nothing was moved
  auto r = m.try_lock();  // still held by g
  ASSERT_TRUE(r.is_err());
  EXPECT_TRUE(r.unwrap_err().is_would_block());
  *g += "!";
  { auto dropped = std::move(g); }
  EXPECT_FALSE(m.is_poisoned());  // the panic was not an unwind past a guard of m
  EXPECT_EQ(*m.try_lock().unwrap(), "keep!");
}

TEST(Mutex, MovingWhileAnotherThreadHoldsItPanics) {
  Mutex<int> m(5);
  std::atomic<bool> locked{false};
  std::atomic<bool> release{false};
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      auto g = m.lock().unwrap();
      locked.store(true);
      while (!release.load()) fearless::thread::yield_now();
    });
    while (!locked.load()) fearless::thread::yield_now();
    EXPECT_EQ(sync_test::panic_message([&] { Mutex<int> other(std::move(m)); }), kMovedWhileLocked);
    release.store(true);
  });
  Mutex<int> moved(std::move(m));  // free again
  EXPECT_EQ(*moved.lock().unwrap(), 5);
}

TEST(Mutex, ThrowingValueMoveLeavesTheSourceUnlockedAndUsable) {
  Mutex<ThrowingMove> m(7, true);  // built in place: no move yet
  EXPECT_THROW({ Mutex<ThrowingMove> other(std::move(m)); }, std::runtime_error);
  EXPECT_FALSE(m.is_poisoned());
  auto g = m.try_lock();  // NOLINT(bugprone-use-after-move): the move failed
  ASSERT_TRUE(g.is_ok());
  EXPECT_EQ(std::move(g).unwrap()->value, 7);
  {
    auto held = m.lock().unwrap();  // lock() succeeds, no deadlock
    held->throw_on_move = false;
  }
  Mutex<ThrowingMove> other(std::move(m));
  EXPECT_EQ(other.lock().unwrap()->value, 7);
}

TEST(Mutex, ThrowingValueMoveAssignmentLeavesBothUnlocked) {
  Mutex<ThrowingMove> a(ThrowingMove(1, false));
  Mutex<ThrowingMove> b(2, true);  // built in place: no move yet
  EXPECT_THROW(a = std::move(b), std::runtime_error);
  EXPECT_TRUE(a.try_lock().is_ok());
  EXPECT_TRUE(b.try_lock().is_ok());  // NOLINT(bugprone-use-after-move): the move failed
  EXPECT_EQ(a.lock().unwrap()->value, 1);
  EXPECT_FALSE(a.is_poisoned());
  EXPECT_FALSE(b.is_poisoned());
}

TEST(Mutex, MoveAssignmentCarriesTheValueAndThePoisonFlag) {
  Mutex<std::string> a("a");
  Mutex<std::string> b("b");
  a = std::move(b);
  EXPECT_EQ(*a.lock().unwrap(), "b");
  EXPECT_FALSE(a.is_poisoned());
  EXPECT_TRUE(b.try_lock().is_ok());  // NOLINT(bugprone-use-after-move): unlocked, moved-from

  Mutex<int> clean(1);
  Mutex<int> poisoned(2);
  poison(poisoned);  // now holds 99
  clean = std::move(poisoned);
  EXPECT_TRUE(clean.is_poisoned());
  EXPECT_TRUE(poisoned.is_poisoned());  // NOLINT(bugprone-use-after-move): the source keeps its flag
  EXPECT_EQ(*clean.lock().unwrap_err().get_ref(), 99);

  Mutex<int> fresh(3);
  clean = std::move(fresh);  // a clean source clears the target's flag
  EXPECT_FALSE(clean.is_poisoned());
  EXPECT_EQ(*clean.lock().unwrap(), 3);
}

TEST(Mutex, SelfMoveAssignmentDoesNothing) {
  Mutex<std::string> m("same");
  Mutex<std::string>& alias = m;
  m = std::move(alias);
  EXPECT_EQ(*m.try_lock().unwrap(), "same");
  EXPECT_FALSE(m.is_poisoned());
  Mutex<int> p(0);
  poison(p);
  Mutex<int>& palias = p;
  p = std::move(palias);
  EXPECT_TRUE(p.is_poisoned());
  EXPECT_EQ(*p.lock().unwrap_err().get_ref(), 99);
}

TEST(Mutex, MoveAssignmentPanicsIfEitherSideIsLockedAndReleasesWhatItTook) {
  Mutex<int> target(1);
  Mutex<int> source(2);
  {
    auto g = source.lock().unwrap();
    EXPECT_EQ(sync_test::panic_message([&] { target = std::move(source); }), kMovedWhileLocked);
    EXPECT_TRUE(target.try_lock().is_ok());  // taken first, released again
    EXPECT_EQ(*g, 2);
  }
  {
    auto g = target.lock().unwrap();
    EXPECT_EQ(sync_test::panic_message([&] { target = std::move(source); }), kAssignedWhileLocked);
    EXPECT_TRUE(source.try_lock().is_ok());
    EXPECT_EQ(*g, 1);
  }
  EXPECT_EQ(*target.lock().unwrap(), 1);
  EXPECT_EQ(*source.lock().unwrap(), 2);
  EXPECT_FALSE(target.is_poisoned());
  EXPECT_FALSE(source.is_poisoned());
}

TEST(Mutex, ArcTakesAMutexByValue) {
  Arc<Mutex<int>> a(Mutex<int>(5));  // Arc::new(Mutex::new(5))
  *a->lock().unwrap() += 1;
  auto b = Arc<Mutex<int>>::from(Mutex<int>(10));
  EXPECT_EQ(*a->lock().unwrap(), 6);
  EXPECT_EQ(*b->lock().unwrap(), 10);
  // Rust's `Arc::try_unwrap(a).unwrap().into_inner().unwrap()`.
  Mutex<int> m = Arc<Mutex<int>>::try_unwrap(std::move(a)).unwrap();
  EXPECT_EQ(std::move(m).into_inner().unwrap(), 6);
}

// Rust's Mutex::new is a const fn (usable in a `static`); here the
// constructors are constexpr, so a global needs no dynamic initialisation.
constinit Mutex<int> g_counter(0);
constinit Mutex<long> g_default;

TEST(Mutex, ConstinitGlobal) {
  *g_counter.lock().unwrap() += 2;
  *g_default.lock().unwrap() += 3;
  EXPECT_EQ(*g_counter.lock().unwrap(), 2);
  EXPECT_EQ(*g_default.lock().unwrap(), 3);
}

}  // namespace
