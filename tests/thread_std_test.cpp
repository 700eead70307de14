// Rust std's thread tests (std/src/thread/tests.rs) and the documented
// behaviour of std::thread::scope (std/src/thread/scoped.rs), checked against
// fearless::thread.
#include <gtest/gtest.h>
#include <pthread.h>

#include <any>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fearless/sync/arc.hpp"
#include "fearless/sync/barrier.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/thread.hpp"

namespace thread = fearless::thread;
namespace mpsc = fearless::sync::mpsc;
using namespace std::chrono_literals;
using fearless::Panic;
using fearless::sync::Arc;
using fearless::sync::Barrier;
using Clock = std::chrono::steady_clock;

namespace {

// Keeps the default panic hook's stderr line out of the test output.
class QuietPanicHook : public testing::Test {
 protected:
  void SetUp() override {
    fearless::set_panic_hook([](const fearless::PanicInfo&) {});
  }
  void TearDown() override { (void)fearless::take_panic_hook(); }
};

// Sleeps in short steps until pred() holds or `limit` passes; returns pred().
template <class P>
bool within(std::chrono::milliseconds limit, P pred) {
  const auto give_up = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() > give_up) return pred();
    thread::sleep(2ms);
  }
  return true;
}

// The message of the fearless::Panic thrown by fn, or "<no panic>".
template <class F>
std::string panic_text(F&& fn) {
  try {
    fn();
  } catch (const Panic& p) {
    return p.what();
  }
  return "<no panic>";
}

}  // namespace

class StdThread : public QuietPanicHook {};
class StdScope : public QuietPanicHook {};

// ---- names --------------------------------------------------------------------------

// std thread/tests.rs: test_unnamed_thread
TEST_F(StdThread, ThreadSpawnedWithoutBuilderHasNoName) {
  auto h = thread::spawn([] {
    if (thread::current().name().has_value()) fearless::panic("unexpected name");
  });
  EXPECT_FALSE(h.thread().name().has_value());
  EXPECT_TRUE(h.join().is_ok()) << "thread panicked";
}

// std thread/tests.rs: test_named_thread
TEST_F(StdThread, BuilderNameIsSeenByTheThreadItself) {
  auto h = thread::Builder()
               .name(std::string("ada lovelace"))
               .spawn([] {
                 auto n = thread::current().name();
                 if (!n || *n != "ada lovelace") fearless::panic("wrong name");
               })
               .unwrap();
  h.join().unwrap();
}

// std thread/tests.rs: test_named_thread_truncation
TEST_F(StdThread, VeryLongNameIsKeptInFullWhileTheOsGetsANonEmptyPrefix) {
  std::string long_name = "test_named_thread_truncation";
  for (int i = 0; i < 100; ++i) long_name += " yada";
  auto r = thread::Builder().name(long_name).spawn([long_name] {
    const auto n = thread::current().name();
    const bool full_kept = n.has_value() && *n == long_name;
    std::vector<char> buf(long_name.size() + 1, '\0');
    const int rc = ::pthread_getname_np(::pthread_self(), buf.data(), buf.size());
    return std::make_pair(full_kept, rc == 0 ? std::string(buf.data()) : std::string());
  });
  ASSERT_TRUE(r.is_ok());
  auto [full_kept, os_name] = std::move(r).unwrap().join().unwrap();
  EXPECT_TRUE(full_kept);
  EXPECT_FALSE(os_name.empty());
  EXPECT_EQ(long_name.compare(0, os_name.size(), os_name), 0) << os_name;
}

// std thread/tests.rs: test_invalid_named_thread (#[should_panic])
TEST_F(StdThread, NameWithInteriorNulMakesBuilderSpawnPanic) {
  std::atomic<bool> ran{false};
  EXPECT_THROW((void)thread::Builder().name(std::string("ada l\0velace", 12)).spawn([&ran] { ran.store(true); }),
               Panic);
  EXPECT_FALSE(ran.load());
}

// ---- spawning -----------------------------------------------------------------------

// std thread/tests.rs: test_run_basic
TEST_F(StdThread, SpawnedThreadRunsAndSendsOnAChannel) {
  auto [tx, rx] = mpsc::channel<int>();
  thread::spawn([tx = std::move(tx)] { tx.send(1).unwrap(); });  // handle dropped: detached
  EXPECT_EQ(rx.recv().unwrap(), 1);
}

// std thread/tests.rs: test_is_finished
TEST_F(StdThread, IsFinishedIsFalseWhileBlockedThenTrueAndJoinIsPrompt) {
  auto b = Arc<Barrier>::make(2);
  auto t = thread::spawn([b = b.clone()] {
    b->wait();
    return 1234;
  });
  // The thread cannot have finished: it waits for us at the barrier.
  EXPECT_FALSE(t.is_finished());
  b->wait();
  const auto start = Clock::now();
  while (!t.is_finished()) {
    ASSERT_LT(Clock::now() - start, 20s);
    thread::sleep(5ms);
  }
  const auto join_start = Clock::now();
  EXPECT_EQ(t.join().unwrap(), 1234);
  EXPECT_LT(Clock::now() - join_start, 5s);
}

// std thread/tests.rs: test_join_panic
TEST_F(StdThread, JoinOfAPanickedThreadIsErr) {
  auto r = thread::spawn([] { fearless::panic("explicit panic"); }).join();
  EXPECT_TRUE(r.is_err());
}

namespace {
void spawn_chain(int i, mpsc::Sender<int> tx) {
  thread::spawn([i, tx = tx.clone()] {
    if (i == 0) {
      tx.send(0).unwrap();
    } else {
      spawn_chain(i - 1, tx);
    }
  });
}
}  // namespace

// std thread/tests.rs: test_spawn_sched
TEST_F(StdThread, ChainOfElevenDetachedSpawnsReachesTheEnd) {
  auto [tx, rx] = mpsc::channel<int>();
  spawn_chain(10, std::move(tx));
  EXPECT_EQ(rx.recv().unwrap(), 0);
}

// std thread/tests.rs: test_spawn_sched_childs_on_default_sched
TEST_F(StdThread, GrandchildSpawnedByADetachedChildRuns) {
  auto [tx, rx] = mpsc::channel<int>();
  thread::spawn([tx = std::move(tx)]() mutable {
    thread::spawn([tx = std::move(tx)] { tx.send(7).unwrap(); });
  });
  EXPECT_EQ(rx.recv().unwrap(), 7);
}

namespace {
// Moves a heap value into a closure, hands the closure to `spawn_it`, and
// checks the thread sees the very same allocation (the body was moved, not
// copied into a new object).
template <class SpawnIt>
void check_body_is_moved_not_copied(SpawnIt spawn_it) {
  auto [tx, rx] = mpsc::channel<std::uintptr_t>();
  auto x = std::make_unique<int>(1);
  const auto in_parent = reinterpret_cast<std::uintptr_t>(x.get());
  spawn_it([x = std::move(x), tx = std::move(tx)] { tx.send(reinterpret_cast<std::uintptr_t>(x.get())).unwrap(); });
  EXPECT_EQ(rx.recv().unwrap(), in_parent);
}
}  // namespace

// std thread/tests.rs: test_avoid_copying_the_body_spawn
TEST_F(StdThread, BodyIsMovedIntoTheThreadWhenSpawnedDirectly) {
  check_body_is_moved_not_copied([](auto f) { thread::spawn(std::move(f)); });
}

// std thread/tests.rs: test_avoid_copying_the_body_thread_spawn
TEST_F(StdThread, BodyIsMovedIntoTheThreadWhenWrappedInAnotherClosure) {
  check_body_is_moved_not_copied([](auto f) { thread::spawn([f = std::move(f)]() mutable { f(); }); });
}

// std thread/tests.rs: test_avoid_copying_the_body_join
TEST_F(StdThread, BodyIsMovedIntoTheThreadWhenJoined) {
  check_body_is_moved_not_copied([](auto f) { (void)thread::spawn(std::move(f)).join(); });
}

namespace {
constexpr int kGenerations = 16;
void spawn_generation(int x, std::atomic<int>* done) {
  if (x < kGenerations) thread::spawn([x, done] { spawn_generation(x + 1, done); });
  done->fetch_add(1);
}
}  // namespace

// std thread/tests.rs: test_child_doesnt_ref_parent
TEST_F(StdThread, DetachedGenerationsDoNotKeepTheirParentsAlive) {
  static std::atomic<int> done{0};  // static: outlives any straggler
  done.store(0);
  thread::spawn([] { spawn_generation(0, &done); });
  EXPECT_TRUE(within(20000ms, [] { return done.load() == kGenerations + 1; }));
}

// std thread/tests.rs: test_simple_newsched_spawn
TEST_F(StdThread, SpawnAndDropTheHandle) {
  static std::atomic<bool> ran{false};
  ran.store(false);
  thread::spawn([] { ran.store(true); });
  EXPECT_TRUE(within(20000ms, [] { return ran.load(); }));
}

// ---- panic payloads -------------------------------------------------------------------

// std thread/tests.rs: test_try_panic_message_string_literal. Rust's panic!("lit")
// carries a &'static str; its C++ counterparts are fearless::panic("lit")
// (read back as a std::string, the documented downcast) and a thrown literal.
TEST_F(StdThread, PanicWithALiteralMessageIsReadableFromTheJoinError) {
  auto r = thread::spawn([] { fearless::panic("static string"); }).join();
  ASSERT_TRUE(r.is_err());
  ASSERT_TRUE(r.unwrap_err().is<std::string>());
  EXPECT_EQ(*r.unwrap_err().downcast_ref<std::string>(), "static string");
  EXPECT_EQ(r.unwrap_err().message(), "static string");

  auto lit = thread::spawn([] { throw "static string"; }).join();
  ASSERT_TRUE(lit.is_err());
  EXPECT_TRUE(lit.unwrap_err().is<const char*>());
  EXPECT_FALSE(lit.unwrap_err().is<std::string>());
  EXPECT_EQ(lit.unwrap_err().message(), "static string");
}

// std thread/tests.rs: test_try_panic_message_string_literal — the payload's
// value read back through downcast.
TEST_F(StdThread, DowncastOfAThrownLiteralGivesTheLiteral) {
  auto lit = thread::spawn([] { throw "static string"; }).join();
  ASSERT_TRUE(lit.is_err());
  const char* const* p = lit.unwrap_err().downcast_ref<const char*>();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(std::string(*p), "static string");
}

// std thread/tests.rs: test_try_panic_any_message_owned_str
TEST_F(StdThread, PanicWithAnOwnedStringKeepsItsType) {
  auto r = thread::spawn([] { throw std::string("owned string"); }).join();
  ASSERT_TRUE(r.is_err());
  const auto& e = r.unwrap_err();
  EXPECT_TRUE(e.is<std::string>());
  EXPECT_FALSE(e.is<const char*>());
  EXPECT_FALSE(e.is<Panic>());
  ASSERT_NE(e.downcast_ref<std::string>(), nullptr);
  EXPECT_EQ(*e.downcast_ref<std::string>(), std::string("owned string"));
}

// std thread/tests.rs: test_try_panic_any_message_any. Rust's Box<dyn Any + Send>
// payload is a std::any here.
TEST_F(StdThread, PanicWithATypeErasedBoxKeepsTheBoxAndItsContent) {
  auto r = thread::spawn([] { throw std::any(std::uint16_t{413}); }).join();
  ASSERT_TRUE(r.is_err());
  ASSERT_TRUE(r.unwrap_err().is<std::any>());
  const std::any& any = *r.unwrap_err().downcast_ref<std::any>();
  ASSERT_EQ(any.type(), typeid(std::uint16_t));
  EXPECT_EQ(std::any_cast<std::uint16_t>(any), 413);
}

namespace {
struct Juju {};
}  // namespace

// std thread/tests.rs: test_try_panic_any_message_unit_struct
TEST_F(StdThread, PanicWithAnEmptyStructIsRecognisedByType) {
  auto r = thread::spawn([] { throw Juju{}; }).join();
  ASSERT_TRUE(r.is_err());
  EXPECT_TRUE(r.unwrap_err().is<Juju>());
  EXPECT_FALSE(r.unwrap_err().is<std::string>());
}

// ---- park / unpark ---------------------------------------------------------------

// std thread/tests.rs: test_park_unpark_before
TEST_F(StdThread, UnparkOfTheCurrentThreadThenParkReturnsRepeatedly) {
  for (int i = 0; i < 10; ++i) {
    thread::current().unpark();
    thread::park();
  }
}

// std thread/tests.rs: test_park_unpark_called_other_thread (spawning must
// not consume the spawner's token)
TEST_F(StdThread, ParkIsEndedByAnUnparkFromAnotherThread) {
  for (int i = 0; i < 10; ++i) {
    const thread::Thread me = thread::current();
    auto guard = thread::spawn([me] {
      thread::sleep(10ms);
      me.unpark();
    });
    thread::park();
    guard.join().unwrap();
  }
}

// std thread/tests.rs: test_park_timeout_unpark_before
TEST_F(StdThread, ParkTimeoutReturnsAtOnceWithAPendingToken) {
  const auto start = Clock::now();
  for (int i = 0; i < 10; ++i) {
    thread::current().unpark();
    thread::park_timeout(std::chrono::milliseconds(std::numeric_limits<std::uint32_t>::max()));
  }
  EXPECT_LT(Clock::now() - start, 10s);
}

// std thread/tests.rs: test_park_timeout_unpark_not_called
TEST_F(StdThread, ParkTimeoutWithoutUnparkReturnsByItself) {
  for (int i = 0; i < 10; ++i) thread::park_timeout(5ms);
}

// std thread/tests.rs: test_park_timeout_unpark_called_other_thread
TEST_F(StdThread, ParkTimeoutIsEndedByAnUnparkFromAnotherThread) {
  for (int i = 0; i < 10; ++i) {
    const thread::Thread me = thread::current();
    auto guard = thread::spawn([me] {
      thread::sleep(10ms);
      me.unpark();
    });
    thread::park_timeout(std::chrono::milliseconds(std::numeric_limits<std::uint32_t>::max()));
    guard.join().unwrap();
  }
}

// ---- sleep, ids -------------------------------------------------------------------

// std thread/tests.rs: sleep_ms_smoke
TEST_F(StdThread, SleepOfTwoMillisecondsSleepsAtLeastThat) {
  const auto start = Clock::now();
  thread::sleep(2ms);
  EXPECT_GE(Clock::now() - start, 2ms);
}

// std thread/tests.rs: test_size_of_option_thread_id — skipped: Rust's niche
// optimisation of Option<NonZero>; std::optional always adds a flag in C++.

// std thread/tests.rs: test_thread_id_equal
TEST_F(StdThread, CurrentThreadIdIsStable) {
  EXPECT_TRUE(thread::current().id() == thread::current().id());
}

// std thread/tests.rs: test_thread_id_not_equal
TEST_F(StdThread, SpawnedThreadHasAnotherId) {
  const thread::ThreadId spawned = thread::spawn([] { return thread::current().id(); }).join().unwrap();
  EXPECT_TRUE(thread::current().id() != spawned);
}

// std thread/tests.rs: test_thread_os_id_not_equal. fearless has no
// current_os_id(); the OS identity it exposes is JoinHandle::native_handle().
TEST_F(StdThread, SpawnedThreadHasAnotherOsThread) {
  auto h = thread::spawn([] { return ::pthread_self(); });
  const pthread_t handle_native = h.native_handle();
  const pthread_t inside = h.join().unwrap();
  EXPECT_TRUE(::pthread_equal(inside, handle_native));
  EXPECT_FALSE(::pthread_equal(inside, ::pthread_self()));
}

// std thread/tests.rs: test_minimal_thread_stack (Windows upstream; the
// smallest stack size must work everywhere)
TEST_F(StdThread, StackSizeOfOneByteStillRunsTheThreadOnce) {
  static std::atomic<std::uint8_t> count{0};
  count.store(0);
  auto h = thread::Builder().stack_size(1).spawn([] { return count.fetch_add(1); });
  ASSERT_TRUE(h.is_ok());
  EXPECT_EQ(std::move(h).unwrap().join().unwrap(), 0);
  EXPECT_EQ(count.load(), 1);
}

// ---- scoped threads (tests.rs) ----------------------------------------------------

namespace {
// A scoped thread's result whose destructor sleeps and then starts another
// scoped thread on the same scope.
struct SpawnsOnDrop {
  const thread::Scope* scope;
  std::atomic<bool>* actually_finished;
  SpawnsOnDrop(const thread::Scope* s, std::atomic<bool>* f) : scope(s), actually_finished(f) {}
  SpawnsOnDrop(SpawnsOnDrop&& o) noexcept
      : scope(std::exchange(o.scope, nullptr)), actually_finished(std::exchange(o.actually_finished, nullptr)) {}
  SpawnsOnDrop& operator=(SpawnsOnDrop&&) = delete;
  ~SpawnsOnDrop() {
    if (scope == nullptr) return;
    thread::sleep(10ms);
    std::atomic<bool>* flag = actually_finished;
    scope->spawn([flag] {
      thread::sleep(10ms);
      flag->store(true, std::memory_order_relaxed);
    });
  }
};
}  // namespace

// std thread/tests.rs: test_scoped_threads_drop_result_before_join
TEST_F(StdThread, ScopedResultIsDroppedBeforeTheThreadCountsAsDone) {
  for (int round = 0; round < 3; ++round) {
    std::atomic<bool> actually_finished{false};
    thread::scope([&](thread::Scope& s) {
      s.spawn([&s, &actually_finished] {
        thread::sleep(10ms);
        return SpawnsOnDrop(&s, &actually_finished);
      });
    });
    EXPECT_TRUE(actually_finished.load(std::memory_order_relaxed)) << "round " << round;
  }
}

namespace {
void scope_borrowing_a_parameter(const std::uint8_t& x, std::atomic<int>* seen) {
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      switch (x) {
        default:
          seen->store(x);
      }
    });
  });
}
}  // namespace

// std thread/tests.rs: test_scoped_threads_nll
TEST_F(StdThread, ScopedThreadBorrowsAFunctionParameter) {
  const std::uint8_t x = 42;
  std::atomic<int> seen{0};
  scope_borrowing_a_parameter(x, &seen);
  EXPECT_EQ(seen.load(), 42);
}

// std thread/tests.rs: scope_join_race (run under Miri upstream; here the
// ThreadSanitizer build checks it)
TEST_F(StdThread, ScopeEndRacesNoScopedThreadBookkeeping) {
  for (int round = 0; round < 30; ++round) {
    std::atomic<bool> a_bool{false};
    thread::scope([&](thread::Scope& s) {
      for (int i = 0; i < 5; ++i) s.spawn([&] { return a_bool.load(std::memory_order_relaxed); });
      for (int i = 0; i < 5; ++i) s.spawn([&] { return a_bool.load(std::memory_order_relaxed); });
    });
  }
}

// ---- std::thread::scope documentation (scoped.rs) ------------------------------

// scoped.rs: scope() example — borrow immutably and mutably, use the data after
TEST_F(StdScope, ThreadsBorrowAndMutateLocalsWhichAreFreeAgainAfterwards) {
  std::vector<int> a{1, 2, 3};
  std::size_t x = 0;
  std::size_t seen_len = 0;
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] { seen_len = a.size(); });
    s.spawn([&] { x += static_cast<std::size_t>(a[0] + a[2]); });
  });
  a.push_back(4);
  EXPECT_EQ(seen_len, 3u);
  EXPECT_EQ(x, a.size());
}

// scoped.rs: Builder::spawn_scoped example
TEST_F(StdScope, BuilderSpawnScopedNamesTheThreadsAndBorrows) {
  std::vector<int> a{1, 2, 3};
  std::size_t x = 0;
  std::string first_name;
  std::string second_name;
  thread::scope([&](thread::Scope& s) {
    thread::Builder()
        .name("first")
        .spawn_scoped(s, [&] { first_name = std::string(thread::current().name().value_or("<none>")); })
        .unwrap();
    thread::Builder()
        .name("second")
        .spawn_scoped(s,
                      [&] {
                        second_name = std::string(thread::current().name().value_or("<none>"));
                        x += static_cast<std::size_t>(a[0] + a[2]);
                      })
        .unwrap();
  });
  a.push_back(4);
  EXPECT_EQ(first_name, "first");
  EXPECT_EQ(second_name, "second");
  EXPECT_EQ(x, a.size());
}

// scoped.rs: Builder::spawn_scoped "Panics if a thread name was set and it contained null bytes"
TEST_F(StdScope, SpawnScopedWithANulInTheNamePanicsAndStartsNothing) {
  std::atomic<bool> ran{false};
  bool scope_returned = false;
  thread::scope([&](thread::Scope& s) {
    EXPECT_THROW((void)thread::Builder().name(std::string("a\0b", 3)).spawn_scoped(s, [&] { ran.store(true); }), Panic);
  });
  scope_returned = true;
  EXPECT_TRUE(scope_returned);
  EXPECT_FALSE(ran.load());
}

// scoped.rs: ScopedJoinHandle::thread example
TEST_F(StdScope, HandleThreadIdentifiesTheScopedThread) {
  thread::scope([](thread::Scope& s) {
    auto t = s.spawn([] { return thread::current().id(); });
    const thread::ThreadId from_handle = t.thread().id();
    EXPECT_NE(from_handle, thread::current().id());
    EXPECT_EQ(t.join().unwrap(), from_handle);
  });
}

// scoped.rs: ScopedJoinHandle::join example — a joined panic is Err, and the
// scope itself then returns normally
TEST_F(StdScope, JoinOfAPanickedScopedThreadIsErrAndTheScopeReturns) {
  const int out = thread::scope([](thread::Scope& s) {
    auto t = s.spawn([] { fearless::panic("oh no"); });
    auto r = t.join();
    EXPECT_TRUE(r.is_err());
    if (r.is_err()) {
      EXPECT_EQ(r.unwrap_err().message(), "oh no");
    }
    return 9;
  });
  EXPECT_EQ(out, 9);
}

// scoped.rs: ScopedJoinHandle::join — the thread's completion happens before join returns
TEST_F(StdScope, JoinMakesTheThreadsPlainWritesVisible) {
  std::vector<int> data(64, 0);
  thread::scope([&](thread::Scope& s) {
    auto h = s.spawn([&] {
      for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<int>(i);
    });
    h.join().unwrap();
    // Read before the scope ends: only join orders these reads.
    for (std::size_t i = 0; i < data.size(); ++i) ASSERT_EQ(data[i], static_cast<int>(i));
    // Writes again in the scope body, then by another scoped thread.
    data[0] = -1;
    s.spawn([&] { data[1] = data[0]; }).join().unwrap();
    EXPECT_EQ(data[1], -1);
  });
}

// scoped.rs: ScopedJoinHandle::is_finished — false while running, then true,
// and join does not block long after that (the non-blocking-join pattern)
TEST_F(StdScope, IsFinishedTurnsTrueAndThenJoinIsPrompt) {
  Barrier b(2);
  thread::scope([&](thread::Scope& s) {
    auto t = s.spawn([&] {
      b.wait();
      return 1234;
    });
    EXPECT_FALSE(t.is_finished());
    b.wait();
    ASSERT_TRUE(within(20000ms, [&] { return t.is_finished(); }));
    EXPECT_TRUE(t.is_finished());
    const auto join_start = Clock::now();
    EXPECT_EQ(t.join().unwrap(), 1234);
    EXPECT_LT(Clock::now() - join_start, 5s);
  });
}

// scoped.rs: scope "Panics" — an auto-joined thread's panic (here one started
// by another scoped thread, with a non-Panic payload) makes scope panic once
// every thread has ended; f's return value is not delivered.
TEST_F(StdScope, UnjoinedPanicOfANestedScopedThreadPanicsTheScopeAfterAllEnd) {
  std::atomic<bool> slow_done{false};
  std::atomic<bool> returned{false};
  const std::string msg = panic_text([&] {
    const int v = thread::scope([&](thread::Scope& s) {
      s.spawn([&] { s.spawn([] { throw std::out_of_range("deep"); }); });
      s.spawn([&] {
        thread::sleep(50ms);
        slow_done.store(true);
      });
      return 5;
    });
    returned.store(v == 5);
  });
  EXPECT_EQ(msg, "a scoped thread panicked");
  EXPECT_TRUE(slow_done.load());
  EXPECT_FALSE(returned.load());
}

// scoped.rs: scope() — a panic of f itself is resumed in preference to the
// "a scoped thread panicked" panic, after all threads have ended
TEST_F(StdScope, PanicOfTheScopeFunctionWinsOverAnUnjoinedThreadPanic) {
  std::atomic<bool> slow_done{false};
  try {
    thread::scope([&](thread::Scope& s) {
      s.spawn([] { fearless::panic("thread"); });
      s.spawn([&] {
        thread::sleep(50ms);
        slow_done.store(true);
      });
      throw std::invalid_argument("body");
    });
    FAIL() << "scope returned";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "body");
  } catch (const Panic& p) {
    FAIL() << "scope threw Panic: " << p.what();
  }
  EXPECT_TRUE(slow_done.load());
}

// scoped.rs: Scope::spawn — a dropped handle's thread is joined implicitly at
// the end of the scope, and its panic is the scope's; the scope owner is
// unparked only when the last of many threads ends.
TEST_F(StdScope, ManyDroppedHandlesAreAllJoinedAndOnePanicIsReported) {
  std::atomic<int> finished{0};
  const std::string msg = panic_text([&] {
    thread::scope([&](thread::Scope& s) {
      for (int i = 0; i < 8; ++i) {
        s.spawn([&, i] {
          thread::sleep(std::chrono::milliseconds(2 * i));
          finished.fetch_add(1);
          if (i == 3) throw 3;
        });
      }
    });
  });
  EXPECT_EQ(msg, "a scoped thread panicked");
  EXPECT_EQ(finished.load(), 8);
}
