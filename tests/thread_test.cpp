// Tests for fearless/thread.hpp: spawn, join, JoinHandle, current, Thread,
// ThreadId, park/unpark, sleep, yield_now, available_parallelism.
#include "fearless/thread.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

// The disconnection tests need the channels; they are compiled in once those exist.
#if __has_include("fearless/sync/mpsc.hpp")
#  include "fearless/sync/mpsc.hpp"
#  define FEARLESS_TEST_HAVE_MPSC 1
#else
#  define FEARLESS_TEST_HAVE_MPSC 0
#endif

namespace thread = fearless::thread;
using namespace std::chrono_literals;
using fearless::Panic;
using fearless::PanicPayload;

namespace {

// Keeps the default hook's stderr line out of the test output.
class QuietPanics : public testing::Test {
 protected:
  void SetUp() override {
    fearless::set_panic_hook([](const fearless::PanicInfo&) {});
  }
  void TearDown() override { (void)fearless::take_panic_hook(); }
};

// Waits (sleeping, not spinning) until pred() holds or ~20 s pass; returns pred().
template <class P>
bool eventually(P pred) {
  const auto give_up = std::chrono::steady_clock::now() + 20s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    thread::sleep(1ms);
  }
  return true;
}

// CPU time consumed by the calling thread.
std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// Records where and whether it was destroyed (only the last moved-to copy counts).
struct DropProbe {
  std::atomic<std::uint64_t>* dropped_on;
  std::atomic<bool>* dropped;
  bool armed = true;

  DropProbe(std::atomic<std::uint64_t>* on, std::atomic<bool>* flag) : dropped_on(on), dropped(flag) {}
  DropProbe(DropProbe&& o) noexcept : dropped_on(o.dropped_on), dropped(o.dropped), armed(std::exchange(o.armed, false)) {}
  DropProbe(const DropProbe&) = delete;
  DropProbe& operator=(const DropProbe&) = delete;
  DropProbe& operator=(DropProbe&&) = delete;
  ~DropProbe() {
    if (!armed) return;
    dropped_on->store(thread::current().id().as_u64());
    dropped->store(true);
  }
};

// Counts live instances, to show that closures and results are destroyed exactly once.
struct Counted {
  static inline std::atomic<int> live{0};
  int value;
  explicit Counted(int v) : value(v) { live.fetch_add(1); }
  Counted(const Counted& o) : value(o.value) { live.fetch_add(1); }
  Counted(Counted&& o) noexcept : value(o.value) { live.fetch_add(1); }
  Counted& operator=(const Counted&) = default;
  ~Counted() { live.fetch_sub(1); }
};

struct CustomError {
  int code;
};

class MyException : public std::runtime_error {
 public:
  explicit MyException(int v) : std::runtime_error("my exception " + std::to_string(v)), v_(v) {}
  [[nodiscard]] int value() const { return v_; }

 private:
  int v_;
};

}  // namespace

using ThreadSpawn = QuietPanics;
using ThreadPanics = QuietPanics;

// ---- spawn and join ----------------------------------------------------------

TEST_F(ThreadSpawn, ReturnsTheFunctionsValue) {
  auto h = thread::spawn([] { return 6 * 7; });
  static_assert(std::is_same_v<decltype(h), thread::JoinHandle<int>>);
  auto r = h.join();
  static_assert(std::is_same_v<decltype(r), fearless::Result<int, PanicPayload>>);
  EXPECT_EQ(r.unwrap(), 42);
}

TEST_F(ThreadSpawn, VoidFunction) {
  std::atomic<int> ran{0};
  auto h = thread::spawn([&] { ran.store(1); });
  static_assert(std::is_same_v<decltype(h), thread::JoinHandle<void>>);
  h.join().unwrap();
  EXPECT_EQ(ran.load(), 1);
}

TEST_F(ThreadSpawn, MoveOnlyResultAndCapture) {
  auto owned = std::make_unique<std::string>("moved in");
  auto h = thread::spawn([p = std::move(owned)]() mutable {
    *p += " and out";
    return std::move(p);
  });
  std::unique_ptr<std::string> back = h.join().unwrap();
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(*back, "moved in and out");
}

TEST_F(ThreadSpawn, ArgumentsAreDecayCopiedAndMoved) {
  auto add = [](int a, std::string s, std::unique_ptr<int> p) { return s + std::to_string(a + *p); };
  std::string prefix = "sum=";
  auto h = thread::spawn(add, 2, prefix, std::make_unique<int>(40));
  EXPECT_EQ(h.join().unwrap(), "sum=42");
  EXPECT_EQ(prefix, "sum=");  // copied, not moved from

  int target = 0;
  auto by_ref = thread::spawn([](int& t) { t = 9; }, std::ref(target));
  by_ref.join().unwrap();
  EXPECT_EQ(target, 9);

  // A plain function pointer and a member function pointer.
  struct Adder {
    int base;
    [[nodiscard]] int add(int v) const { return base + v; }
  };
  auto fp = thread::spawn(+[](int v) { return v * 3; }, 5);
  EXPECT_EQ(fp.join().unwrap(), 15);
  Adder a{100};
  auto mp = thread::spawn(&Adder::add, a, 1);
  EXPECT_EQ(mp.join().unwrap(), 101);
}

TEST_F(ThreadSpawn, MutableLambdaIsInvokedAsRvalue) {
  auto h = thread::spawn([v = std::vector<int>{1, 2, 3}]() mutable {
    v.push_back(4);
    return v;
  });
  EXPECT_EQ(h.join().unwrap(), (std::vector<int>{1, 2, 3, 4}));
}

TEST_F(ThreadSpawn, RunsOnAnotherThread) {
  const auto main_id = thread::current().id();
  auto h = thread::spawn([] { return thread::current().id(); });
  const auto worker_id = h.thread().id();
  EXPECT_EQ(h.join().unwrap(), worker_id);
  EXPECT_NE(worker_id, main_id);
}

TEST_F(ThreadSpawn, ClosureAndCapturesDestroyedOnTheThreadBeforeJoin) {
  std::atomic<std::uint64_t> dropped_on{0};
  std::atomic<bool> dropped{false};
  std::atomic<bool> joined{false};
  auto h = thread::spawn([probe = DropProbe(&dropped_on, &dropped)] { return 5; });
  const auto worker = h.thread().id();
  // No join yet: the closure must be gone as soon as the function returned.
  ASSERT_TRUE(eventually([&] { return dropped.load(); }));
  EXPECT_FALSE(joined.load());
  EXPECT_EQ(dropped_on.load(), worker.as_u64());
  EXPECT_NE(dropped_on.load(), thread::current().id().as_u64());
  EXPECT_TRUE(eventually([&] { return h.is_finished(); }));
  EXPECT_EQ(h.join().unwrap(), 5);
  joined.store(true);
}

TEST_F(ThreadSpawn, ArgumentsDestroyedOnTheThreadBeforeJoin) {
  std::atomic<std::uint64_t> dropped_on{0};
  std::atomic<bool> dropped{false};
  auto h = thread::spawn([](const DropProbe&) {}, DropProbe(&dropped_on, &dropped));
  const auto worker = h.thread().id();
  ASSERT_TRUE(eventually([&] { return dropped.load(); }));
  EXPECT_EQ(dropped_on.load(), worker.as_u64());
  h.join().unwrap();
}

TEST_F(ThreadSpawn, ClosureDestroyedOnTheThreadWhenItPanics) {
  std::atomic<std::uint64_t> dropped_on{0};
  std::atomic<bool> dropped{false};
  auto h = thread::spawn([probe = DropProbe(&dropped_on, &dropped)] { fearless::panic("boom"); });
  const auto worker = h.thread().id();
  ASSERT_TRUE(eventually([&] { return dropped.load(); }));
  EXPECT_EQ(dropped_on.load(), worker.as_u64());
  auto r = h.join();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "boom");
}

TEST_F(ThreadSpawn, NestedSpawns) {
  auto outer = thread::spawn([] {
    std::vector<thread::JoinHandle<int>> inner;
    for (int i = 0; i < 4; ++i) {
      inner.push_back(thread::spawn([i] {
        auto leaf = thread::spawn([i] { return i * 10; });
        return leaf.join().unwrap() + 1;
      }));
    }
    int sum = 0;
    for (auto& h : inner) sum += h.join().unwrap();
    return sum;
  });
  EXPECT_EQ(outer.join().unwrap(), 0 + 10 + 20 + 30 + 4);
}

TEST_F(ThreadSpawn, HandleOutlivesItsSpawner) {
  // A handle created on one thread, returned and joined on another.
  auto spawner = thread::spawn([] { return thread::spawn([] { return std::string("grandchild"); }); });
  auto grandchild = spawner.join().unwrap();
  EXPECT_EQ(grandchild.join().unwrap(), "grandchild");
}

TEST_F(ThreadSpawn, DroppedHandleDetaches) {
  std::atomic<bool> go{false};
  std::atomic<bool> done{false};
  {
    auto h = thread::spawn([&] {
      while (!go.load()) thread::park_timeout(5ms);
      done.store(true);
    });
  }  // detached, still running
  EXPECT_FALSE(done.load());
  go.store(true);
  EXPECT_TRUE(eventually([&] { return done.load(); }));
}

TEST_F(ThreadSpawn, IsFinished) {
  std::atomic<bool> release{false};
  auto h = thread::spawn([&] {
    while (!release.load()) thread::park();
  });
  const thread::Thread t = h.thread();
  thread::sleep(10ms);
  EXPECT_FALSE(h.is_finished());
  release.store(true);
  t.unpark();
  EXPECT_TRUE(eventually([&] { return h.is_finished(); }));
  EXPECT_TRUE(h.is_finished());  // stays true
  EXPECT_TRUE(h.joinable());
  h.join().unwrap();
  EXPECT_FALSE(h.is_finished());  // empty handle
  EXPECT_FALSE(h.joinable());
}

TEST_F(ThreadSpawn, JoinOnEmptyHandlePanics) {
  auto h = thread::spawn([] { return 1; });
  auto moved = std::move(h);
  EXPECT_FALSE(h.joinable());  // NOLINT(bugprone-use-after-move): testing the moved-from state
  try {
    (void)h.join();  // NOLINT(bugprone-use-after-move)
    FAIL() << "join on a moved-from handle returned";
  } catch (const Panic& p) {
    EXPECT_EQ(std::string(p.what()), "JoinHandle::join: the handle is empty (moved-from or already joined)");
  }
  EXPECT_THROW((void)h.thread(), Panic);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(moved.join().unwrap(), 1);
  EXPECT_THROW((void)moved.join(), Panic);  // already joined
}

TEST_F(ThreadSpawn, MoveAssignmentDetachesTheOverwrittenThread) {
  std::atomic<int> finished{0};
  auto a = thread::spawn([&] { finished.fetch_add(1); });
  auto b = thread::spawn([&] { finished.fetch_add(1); });
  a = std::move(b);  // a's old thread is detached, not leaked or terminated
  a.join().unwrap();
  EXPECT_TRUE(eventually([&] { return finished.load() == 2; }));
}

TEST_F(ThreadSpawn, JoiningItselfPanics) {
  std::atomic<thread::JoinHandle<void>*> self{nullptr};
  std::atomic<bool> saw_panic{false};
  std::atomic<bool> done{false};
  auto h = thread::spawn([&] {
    while (self.load() == nullptr) thread::park();
    try {
      (void)self.load()->join();
    } catch (const Panic& p) {
      saw_panic.store(std::string(p.what()) == "JoinHandle::join: a thread cannot join itself");
    }
    done.store(true);
  });
  const thread::Thread t = h.thread();
  self.store(&h);
  t.unpark();
  ASSERT_TRUE(eventually([&] { return done.load(); }));
  h.join().unwrap();
  EXPECT_TRUE(saw_panic.load());
}

TEST_F(ThreadSpawn, ThousandsOfSpawnJoinCycles) {
  ASSERT_EQ(Counted::live.load(), 0);
  constexpr int kCycles = 3000;
  long long sum = 0;
  for (int i = 0; i < kCycles; ++i) {
    auto h = thread::spawn([c = Counted(i)] { return Counted(c.value + 1); });
    sum += h.join().unwrap().value;
  }
  EXPECT_EQ(sum, static_cast<long long>(kCycles) * (kCycles + 1) / 2);
  EXPECT_EQ(Counted::live.load(), 0);
}

TEST_F(ThreadSpawn, ManyThreadsAtOnce) {
  std::atomic<int> counter{0};
  std::vector<thread::JoinHandle<int>> hs;
  for (int i = 0; i < 64; ++i) {
    hs.push_back(thread::spawn([&counter, i] {
      counter.fetch_add(1);
      return i;
    }));
  }
  int sum = 0;
  for (auto& h : hs) sum += h.join().unwrap();
  EXPECT_EQ(sum, 63 * 64 / 2);
  EXPECT_EQ(counter.load(), 64);
}

TEST_F(ThreadSpawn, DetachedThreadsReleaseEverything) {
  ASSERT_EQ(Counted::live.load(), 0);
  std::atomic<int> done{0};
  for (int i = 0; i < 200; ++i) {
    (void)thread::spawn([c = Counted(i), &done] {
      done.fetch_add(1);
      return Counted(c.value);
    });
  }
  ASSERT_TRUE(eventually([&] { return done.load() == 200; }));
  // The last reference (the thread's own) goes when each thread exits.
  EXPECT_TRUE(eventually([&] { return Counted::live.load() == 0; }));
}

// ---- panics crossing join ------------------------------------------------------

TEST_F(ThreadPanics, StdExceptionIsReturnedByJoin) {
  auto h = thread::spawn([]() -> int { throw std::runtime_error("bad thing"); });
  auto r = h.join();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "bad thing");
  EXPECT_TRUE(r.unwrap_err().is<std::runtime_error>());
}

TEST_F(ThreadPanics, IntIsReturnedByJoin) {
  auto h = thread::spawn([] { throw 42; });
  auto r = h.join();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "panic payload of type `int`");
  ASSERT_NE(r.unwrap_err().downcast_ref<int>(), nullptr);
  EXPECT_EQ(*r.unwrap_err().downcast_ref<int>(), 42);
}

TEST_F(ThreadPanics, CStringIsReturnedByJoin) {
  auto h = thread::spawn([] { throw "c-string panic"; });
  auto r = h.join();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "c-string panic");
  EXPECT_TRUE(r.unwrap_err().is<const char*>());
}

TEST_F(ThreadPanics, StdStringIsReturnedByJoin) {
  auto h = thread::spawn([] { throw std::string("string panic"); });
  auto r = h.join();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "string panic");
  EXPECT_EQ(*r.unwrap_err().downcast_ref<std::string>(), "string panic");
}

TEST_F(ThreadPanics, CustomClassIsReturnedByJoin) {
  auto h = thread::spawn([] { throw CustomError{7}; });
  auto r = h.join();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "panic payload of type `(anonymous namespace)::CustomError`");
  ASSERT_NE(r.unwrap_err().downcast_ref<CustomError>(), nullptr);
  EXPECT_EQ(r.unwrap_err().downcast_ref<CustomError>()->code, 7);
}

TEST_F(ThreadPanics, FearlessPanicIsReturnedByJoin) {
  auto h = thread::spawn([] { fearless::panic("explicit"); });
  auto r = h.join();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "explicit");
  EXPECT_TRUE(r.unwrap_err().is<Panic>());
}

TEST_F(ThreadPanics, UnwrapRethrowsTheOriginalExceptionObject) {
  const MyException* thrown = nullptr;
  auto h = thread::spawn([] { throw MyException(5); });
  auto r = h.join();
  ASSERT_TRUE(r.is_err());
  thrown = r.unwrap_err().downcast_ref<MyException>();
  ASSERT_NE(thrown, nullptr);
  try {
    r.unwrap();
    FAIL() << "unwrap returned";
  } catch (const MyException& e) {
    EXPECT_EQ(&e, thrown);  // the same object, not a copy or a Panic
    EXPECT_EQ(e.value(), 5);
    EXPECT_STREQ(e.what(), "my exception 5");
  }
  // The rvalue form used in the seed's program: handle.join().unwrap().
  auto h2 = thread::spawn([]() -> int { throw CustomError{3}; });
  try {
    (void)h2.join().unwrap();
    FAIL() << "unwrap returned";
  } catch (const CustomError& e) {
    EXPECT_EQ(e.code, 3);
  }
  auto h3 = thread::spawn([] { throw 17; });
  EXPECT_THROW(h3.join().expect("worker failed"), int);
}

TEST_F(ThreadPanics, PanicInOneThreadLeavesOthersRunning) {
  auto bad = thread::spawn([] { throw std::logic_error("only me"); });
  auto good = thread::spawn([] { return 1; });
  EXPECT_TRUE(bad.join().is_err());
  EXPECT_EQ(good.join().unwrap(), 1);
}

TEST_F(ThreadPanics, PanickingIsTrueDuringUnwinding) {
  struct Check {
    std::atomic<int>* out;
    ~Check() { out->store(thread::panicking() ? 1 : 2); }
  };
  std::atomic<int> during{0};
  auto h = thread::spawn([&] {
    Check c{&during};
    throw 1;
  });
  EXPECT_TRUE(h.join().is_err());
  EXPECT_EQ(during.load(), 1);
  EXPECT_FALSE(thread::panicking());
}

TEST_F(ThreadPanics, PthreadExitIsReportedAsAPanic) {
  std::atomic<bool> destroyed{false};
  struct SetOnDestroy {
    std::atomic<bool>* flag;
    ~SetOnDestroy() { flag->store(true); }
  };
  auto h = thread::spawn([&destroyed]() -> int {
    SetOnDestroy local{&destroyed};
    ::pthread_exit(nullptr);
  });
  auto r = h.join();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "thread exited through pthread_exit or cancellation");
  EXPECT_TRUE(destroyed.load());  // the forced unwinding ran the destructors
}

// ---- current, Thread, ThreadId -------------------------------------------------------

// The process's first thread is ThreadId(1), as in Rust, however many threads
// asked for their ids before it did (it got the next number of the counter).
TEST(ThreadId, TheMainThreadIsOne) {
  for (int i = 0; i < 3; ++i) (void)thread::spawn([] { return thread::current().id(); }).join().unwrap();
  EXPECT_EQ(thread::current().id().as_u64(), 1u);
  std::ostringstream os;
  os << thread::current().id();
  EXPECT_EQ(os.str(), "ThreadId(1)");
  EXPECT_EQ(thread::current().name(), std::optional<std::string_view>("main"));
  EXPECT_GT(thread::spawn([] { return thread::current().id(); }).join().unwrap().as_u64(), 1u);
}

TEST(ThreadCurrent, MainThreadIsNamedMain) {
  // GoogleTest runs tests on the process's first thread.
  const auto t = thread::current();
  ASSERT_TRUE(t.name().has_value());
  EXPECT_EQ(*t.name(), "main");
  EXPECT_EQ(thread::current().id(), t.id());
  EXPECT_EQ(thread::current(), t);
}

TEST(ThreadCurrent, UnnamedAndForeignThreads) {
  auto h = thread::spawn([] { return thread::current().name().has_value(); });
  EXPECT_FALSE(h.join().unwrap());
  // A thread fearless did not create still gets a Thread and a fresh id.
  std::uint64_t foreign = 0;
  bool foreign_named = true;
  std::thread st([&] {
    foreign = thread::current().id().as_u64();
    foreign_named = thread::current().name().has_value();
  });
  st.join();
  EXPECT_NE(foreign, 0u);
  EXPECT_NE(foreign, thread::current().id().as_u64());
  EXPECT_FALSE(foreign_named);
}

TEST(ThreadCurrent, IdsAreUniqueAndNeverReused) {
  std::set<std::uint64_t> ids;
  ids.insert(thread::current().id().as_u64());
  for (int i = 0; i < 200; ++i) {
    auto h = thread::spawn([] { return thread::current().id().as_u64(); });
    ids.insert(h.join().unwrap());
  }
  EXPECT_EQ(ids.size(), 201u);
  std::unordered_set<thread::ThreadId> hashed{thread::current().id()};
  EXPECT_EQ(hashed.count(thread::current().id()), 1u);
  std::ostringstream os;
  os << thread::current().id();
  EXPECT_EQ(os.str(), "ThreadId(" + std::to_string(thread::current().id().as_u64()) + ")");
}

TEST(ThreadCurrent, ThreadHandleIsCopyableAndOutlivesTheThread) {
  auto h = thread::Builder().name("short-lived").spawn([] { return thread::current(); }).unwrap();
  const thread::Thread from_handle = h.thread();
  thread::Thread inside = h.join().unwrap();
  EXPECT_EQ(inside, from_handle);
  EXPECT_EQ(inside.id(), from_handle.id());
  thread::Thread copy = inside;
  copy = from_handle;
  ASSERT_TRUE(copy.name().has_value());
  EXPECT_EQ(*copy.name(), "short-lived");
  copy.unpark();  // unparking a finished thread is harmless
  EXPECT_NE(copy, thread::current());
}

// ---- park / unpark ---------------------------------------------------------------

TEST(ThreadPark, UnparkBeforeParkIsNotLost) {
  thread::current().unpark();
  thread::park();  // returns at once: the token was already there
  // A token is one token: two unparks are one wake-up.
  thread::current().unpark();
  thread::current().unpark();
  thread::park();
  const auto start = std::chrono::steady_clock::now();
  thread::park_timeout(30ms);  // no token left: waits (or wakes spuriously)
  SUCCEED() << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(ThreadPark, UnparkFromAnotherThreadBeforeTheTargetParks) {
  std::atomic<bool> unparked{false};
  std::atomic<bool> woke{false};
  auto h = thread::spawn([&] {
    while (!unparked.load()) thread::yield_now();
    thread::park();  // the unpark happened before: must not block
    woke.store(true);
  });
  h.thread().unpark();
  unparked.store(true);
  ASSERT_TRUE(eventually([&] { return woke.load(); }));
  h.join().unwrap();
}

TEST(ThreadPark, ParkedThreadWakesOnUnpark) {
  std::atomic<bool> flag{false};
  std::atomic<long long> cpu_ns{-1};
  auto h = thread::spawn([&] {
    const auto cpu0 = thread_cpu_time();
    while (!flag.load()) thread::park();  // spurious wake-ups allowed; loop on our condition
    cpu_ns.store((thread_cpu_time() - cpu0).count());
  });
  thread::sleep(300ms);
  flag.store(true);
  h.thread().unpark();
  h.join().unwrap();
  // Blocked, not spinning: far less CPU than the 300 ms it waited.
  EXPECT_GE(cpu_ns.load(), 0);
  EXPECT_LT(cpu_ns.load(), std::chrono::nanoseconds(100ms).count());
}

TEST(ThreadPark, ParkTimeoutReturnsAfterTheTimeoutWithoutSpinning) {
  auto h = thread::spawn([] {
    const auto cpu0 = thread_cpu_time();
    const auto t0 = std::chrono::steady_clock::now();
    // Loop on elapsed time, as spurious returns are allowed.
    while (std::chrono::steady_clock::now() - t0 < 200ms) thread::park_timeout(200ms);
    return std::make_pair(std::chrono::steady_clock::now() - t0, thread_cpu_time() - cpu0);
  });
  auto [elapsed, cpu] = h.join().unwrap();
  EXPECT_GE(elapsed, 200ms);
  EXPECT_LT(cpu, 100ms);
}

TEST(ThreadPark, ParkTimeoutConsumesAPendingToken) {
  thread::current().unpark();
  const auto t0 = std::chrono::steady_clock::now();
  thread::park_timeout(10s);  // token present: returns at once
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

TEST(ThreadPark, ZeroAndNegativeTimeoutsReturnAtOnce) {
  const auto t0 = std::chrono::steady_clock::now();
  thread::park_timeout(0s);
  thread::park_timeout(-5s);
  thread::park_timeout(std::chrono::nanoseconds::min());
  thread::park_timeout(std::chrono::duration<double>(-1.5));
  thread::park_timeout(std::chrono::duration<double>(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

TEST(ThreadPark, HugeTimeoutsDoNotOverflow) {
  // Each of these means "practically forever": the thread parks until unparked.
  using Fn = std::function<void()>;
  const std::vector<Fn> parks = {
      [] { thread::park_timeout(std::chrono::hours::max()); },
      [] { thread::park_timeout(std::chrono::nanoseconds::max()); },
      [] { thread::park_timeout(std::chrono::seconds(std::numeric_limits<std::int64_t>::max() / 2)); },
      [] { thread::park_timeout(std::chrono::duration<double>(std::numeric_limits<double>::infinity())); },
      [] { thread::park_timeout(std::chrono::duration<std::uint64_t, std::milli>(~std::uint64_t{0})); },
  };
  for (const Fn& park : parks) {
    std::atomic<bool> go{false};
    std::atomic<bool> woke{false};
    auto h = thread::spawn([&] {
      while (!go.load()) park();
      woke.store(true);
    });
    thread::sleep(20ms);
    EXPECT_FALSE(woke.load());  // a wrapped-around deadline would have returned at once, every time
    go.store(true);
    h.thread().unpark();
    h.join().unwrap();
    EXPECT_TRUE(woke.load());
  }
}

// ---- sleep, yield_now --------------------------------------------------------------

TEST(ThreadSleep, SleepsAtLeastTheDuration) {
  const auto t0 = std::chrono::steady_clock::now();
  thread::sleep(30ms);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 30ms);
  const auto t1 = std::chrono::steady_clock::now();
  thread::sleep(std::chrono::duration<double, std::milli>(20.5));
  EXPECT_GE(std::chrono::steady_clock::now() - t1, 20ms);
}

TEST(ThreadSleep, ZeroNegativeAndPastReturnAtOnce) {
  const auto t0 = std::chrono::steady_clock::now();
  thread::sleep(0s);
  thread::sleep(-1h);
  thread::sleep(std::chrono::nanoseconds::min());
  thread::sleep_until(std::chrono::system_clock::now() - 1h);
  thread::sleep_until(std::chrono::steady_clock::time_point::min());
  thread::sleep_until(std::chrono::system_clock::time_point::min());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

TEST(ThreadSleep, SleepUntilAnyClock) {
  const auto t0 = std::chrono::steady_clock::now();
  thread::sleep_until(std::chrono::steady_clock::now() + 20ms);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 20ms);
  const auto t1 = std::chrono::steady_clock::now();
  thread::sleep_until(std::chrono::system_clock::now() + 20ms);
  EXPECT_GE(std::chrono::steady_clock::now() - t1, 15ms);  // clocks differ slightly
}

TEST(ThreadSleep, YieldNowReturns) {
  for (int i = 0; i < 100; ++i) thread::yield_now();
  SUCCEED();
}

// ---- available_parallelism -------------------------------------------------------

TEST(ThreadAvailableParallelism, AtLeastOneAndAtMostTheAffinityMask) {
  auto r = thread::available_parallelism();
  ASSERT_TRUE(r.is_ok()) << r.unwrap_err().message();
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(::sched_getaffinity(0, sizeof set, &set), 0);
  EXPECT_GE(r.unwrap(), 1u);
  EXPECT_LE(r.unwrap(), static_cast<std::size_t>(CPU_COUNT(&set)));
}

TEST(ThreadAvailableParallelism, HonoursTheCallingThreadsAffinity) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(::sched_getaffinity(0, sizeof set, &set), 0);
  int first = -1;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) {
      first = c;
      break;
    }
  }
  ASSERT_GE(first, 0);
  auto h = thread::spawn([first] {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    if (::pthread_setaffinity_np(::pthread_self(), sizeof one, &one) != 0) return std::size_t{0};
    return thread::available_parallelism().unwrap();
  });
  EXPECT_EQ(h.join().unwrap(), 1u);
}

namespace {
// A throw-away directory tree standing in for /proc/self/cgroup and /sys/fs/cgroup.
class FakeCgroup {
 public:
  FakeCgroup() {
    char tmpl[] = "/tmp/fearless-cgroup-XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    root_ = d ? d : "";
  }
  ~FakeCgroup() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  FakeCgroup(const FakeCgroup&) = delete;
  FakeCgroup& operator=(const FakeCgroup&) = delete;
  void write(const std::string& rel, const std::string& text) const {
    const std::filesystem::path p = std::filesystem::path(root_) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  [[nodiscard]] std::size_t limit() const {
    return thread::detail_ap::cgroup_cpu_limit(root_ + "/proc-self-cgroup", root_ + "/sys");
  }

 private:
  std::string root_;
};
}  // namespace

TEST(ThreadAvailableParallelism, CgroupV2QuotaOfTheGroupAndItsAncestors) {
  FakeCgroup cg;
  cg.write("proc-self-cgroup", "0::/user.slice/app\n");
  EXPECT_EQ(cg.limit(), 0u);  // no cpu.max anywhere: unlimited
  cg.write("sys/user.slice/app/cpu.max", "max 100000\n");
  EXPECT_EQ(cg.limit(), 0u);
  cg.write("sys/user.slice/app/cpu.max", "150000 100000\n");  // 1.5 CPUs: rounded down, as Rust does
  EXPECT_EQ(cg.limit(), 1u);
  cg.write("sys/user.slice/app/cpu.max", "250000 100000\n");
  EXPECT_EQ(cg.limit(), 2u);
  cg.write("sys/user.slice/app/cpu.max", "20000 100000\n");  // a fifth of a CPU: still one thread
  EXPECT_EQ(cg.limit(), 1u);
  cg.write("sys/user.slice/app/cpu.max", "250000 100000\n");
  cg.write("sys/user.slice/cpu.max", "50000 100000\n");  // a stricter ancestor wins
  EXPECT_EQ(cg.limit(), 1u);
  cg.write("sys/user.slice/cpu.max", "800000 100000\n");
  EXPECT_EQ(cg.limit(), 2u);
}

TEST(ThreadAvailableParallelism, CgroupV2InsideANamespace) {
  FakeCgroup cg;
  cg.write("proc-self-cgroup", "0::/\n");
  cg.write("sys/cpu.max", "300000 100000\n");
  EXPECT_EQ(cg.limit(), 3u);
}

TEST(ThreadAvailableParallelism, CgroupV1Quota) {
  FakeCgroup cg;
  cg.write("proc-self-cgroup", "4:cpuset:/\n3:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n");
  cg.write("sys/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "-1\n");
  cg.write("sys/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(cg.limit(), 0u);  // -1: unlimited
  cg.write("sys/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "250000\n");
  EXPECT_EQ(cg.limit(), 2u);  // 2.5 CPUs, rounded down
}

TEST(ThreadAvailableParallelism, CgroupV1SeenFromInsideAContainer) {
  // The host path in /proc/self/cgroup does not exist under the container's
  // mount; the mount root holds the container's own limit.
  FakeCgroup cg;
  cg.write("proc-self-cgroup", "3:cpu,cpuacct:/docker/abc\n");
  cg.write("sys/cpu,cpuacct/cpu.cfs_quota_us", "100000\n");
  cg.write("sys/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(cg.limit(), 1u);
}

TEST(ThreadAvailableParallelism, CgroupV1QuotaOfAnAncestor) {
  FakeCgroup cg;
  cg.write("proc-self-cgroup", "3:cpu,cpuacct:/batch/job/step\n");
  cg.write("sys/cpu,cpuacct/cpu.cfs_period_us", "100000\n");  // the mount root: no quota
  cg.write("sys/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
  cg.write("sys/cpu,cpuacct/batch/job/step/cpu.cfs_quota_us", "-1\n");
  cg.write("sys/cpu,cpuacct/batch/job/step/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(cg.limit(), 0u);
  cg.write("sys/cpu,cpuacct/batch/cpu.cfs_quota_us", "200000\n");  // two levels up
  cg.write("sys/cpu,cpuacct/batch/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(cg.limit(), 2u);
  cg.write("sys/cpu,cpuacct/batch/job/step/cpu.cfs_quota_us", "400000\n");  // the stricter one wins
  EXPECT_EQ(cg.limit(), 2u);
}

TEST(ThreadAvailableParallelism, CgroupV1CpuAndCpuacctMountedApart) {
  // Only the hierarchy that names `cpu` holds the quota; a `cpuacct` line
  // after it must not be taken for it.
  FakeCgroup cg;
  cg.write("proc-self-cgroup", "5:cpu:/a\n4:cpuacct:/b\n2:cpuset:/c\n");
  cg.write("sys/cpu/a/cpu.cfs_quota_us", "100000\n");
  cg.write("sys/cpu/a/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(cg.limit(), 1u);
}

TEST(ThreadAvailableParallelism, MissingCgroupFilesMeanNoLimit) {
  FakeCgroup cg;
  EXPECT_EQ(cg.limit(), 0u);
  EXPECT_EQ(thread::detail_ap::cgroup_cpu_limit("/nonexistent/cgroup", "/nonexistent"), 0u);
}

// ---- captures dropped when the worker ends: the seed's channel pattern ---------------

#if FEARLESS_TEST_HAVE_MPSC
TEST(ThreadChannels, SenderMovedIntoWorkerDisconnectsWhenItEnds) {
  auto [tx, rx] = fearless::sync::mpsc::channel<int>();
  std::atomic<bool> joined{false};
  std::atomic<bool> release{false};
  auto h = thread::spawn([tx = std::move(tx), &release]() mutable {
    for (int i = 1; i <= 5; ++i) tx.send(i).unwrap();
    // The worker returns, but its thread lingers (a thread-local destructor
    // waits): the Sender must be gone already, or the loop below never ends.
    thread_local struct Linger {
      std::atomic<bool>* release = nullptr;
      ~Linger() {
        while (release != nullptr && !release->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    } linger;
    linger.release = &release;
  });
  std::vector<int> got;
  for (auto v : rx) got.push_back(v);  // ends at disconnection, before any join
  EXPECT_FALSE(joined.load());
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3, 4, 5}));
  release.store(true);
  h.join().unwrap();
  joined.store(true);
}

TEST(ThreadChannels, SendersInManyWorkersEndTheReceiverLoopWithoutJoin) {
  auto [tx, rx] = fearless::sync::mpsc::channel<int>();
  std::vector<thread::JoinHandle<void>> workers;
  for (int w = 0; w < 4; ++w) {
    workers.push_back(thread::spawn([tx = tx.clone(), w] {
      for (int i = 0; i < 100; ++i) tx.send(w * 1000 + i).unwrap();
    }));
  }
  { auto dropped = std::move(tx); }  // the parent's own Sender goes too
  long long sum = 0;
  int count = 0;
  for (int v : rx) {
    sum += v;
    ++count;
  }
  EXPECT_EQ(count, 400);
  EXPECT_EQ(sum, 100LL * (0 + 1000 + 2000 + 3000) + 4 * (99 * 100 / 2));
  for (auto& w : workers) w.join().unwrap();
}
#endif

// A thread_local destructor that runs after the thread's record would have
// been destroyed (the thread_local was constructed before the first
// current()) still sees the same thread: same id, same name. Before, the
// record was a thread_local of its own: current() there made a second record
// (another id) that was never freed (a LeakSanitizer report).
namespace {
struct ReportsCurrentWhenDestroyed {
  std::function<void(thread::Thread)> report;
  explicit ReportsCurrentWhenDestroyed(std::function<void(thread::Thread)> r) : report(std::move(r)) {}
  ReportsCurrentWhenDestroyed(const ReportsCurrentWhenDestroyed&) = delete;
  ReportsCurrentWhenDestroyed& operator=(const ReportsCurrentWhenDestroyed&) = delete;
  ~ReportsCurrentWhenDestroyed() { report(thread::current()); }
};
// Function-local: constructed (and its destructor registered) when first
// used, not with the file's namespace-scope thread_locals.
std::optional<ReportsCurrentWhenDestroyed>& reports_current() {
  static thread_local std::optional<ReportsCurrentWhenDestroyed> r;
  return r;
}
}  // namespace

TEST(ThreadCurrent, SameThreadInALateThreadLocalDestructor) {
  for (const bool ours : {false, true}) {
    SCOPED_TRACE(ours ? "spawned by fearless" : "std::thread");
    std::promise<std::pair<thread::ThreadId, std::optional<std::string>>> seen_late;
    auto late = seen_late.get_future();
    std::optional<thread::ThreadId> early;
    auto body = [&] {
      reports_current().emplace([&](thread::Thread t) {
        seen_late.set_value({t.id(), t.name() ? std::optional<std::string>(*t.name()) : std::nullopt});
      });
      early = thread::current().id();  // the record is made after the thread_local
    };
    if (ours) {
      thread::Builder().name("late").spawn(body).unwrap().join().unwrap();
    } else {
      std::thread(body).join();
    }
    ASSERT_EQ(late.wait_for(30s), std::future_status::ready);
    const auto [id, name] = late.get();
    EXPECT_EQ(id, *early);
    EXPECT_EQ(name, ours ? std::optional<std::string>("late") : std::nullopt);
  }
}
