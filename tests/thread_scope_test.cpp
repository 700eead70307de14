// Tests for thread::scope (fearless/thread/scope.hpp): scoped threads that
// borrow locals, are all joined before scope() returns, and propagate panics.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fearless/thread.hpp"

namespace thread = fearless::thread;
using namespace std::chrono_literals;
using fearless::Panic;

namespace {

class ThreadScope : public testing::Test {
 protected:
  void SetUp() override {
    fearless::set_panic_hook([](const fearless::PanicInfo&) {});
  }
  void TearDown() override { (void)fearless::take_panic_hook(); }
};

std::string panic_message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Panic& p) {
    return p.what();
  }
  return "<no panic>";
}

}  // namespace

TEST_F(ThreadScope, BorrowsLocalsAndJoinsEverything) {
  std::vector<int> data(1000);
  std::iota(data.begin(), data.end(), 1);
  long long sums[4] = {0, 0, 0, 0};
  int untouched = 7;
  thread::scope([&](thread::Scope& s) {
    for (int part = 0; part < 4; ++part) {
      s.spawn([&, part] {
        for (std::size_t i = static_cast<std::size_t>(part) * 250; i < static_cast<std::size_t>(part + 1) * 250; ++i)
          sums[part] += data[i];
      });
    }
    // Read-only borrows by several threads at once.
    s.spawn([&] { EXPECT_EQ(untouched, 7); });
    s.spawn([&] { EXPECT_EQ(data.size(), 1000u); });
  });
  // Every thread has finished: their writes are visible without any join.
  EXPECT_EQ(sums[0] + sums[1] + sums[2] + sums[3], 1000LL * 1001 / 2);
  EXPECT_EQ(sums[0], 250LL * 251 / 2);
}

TEST_F(ThreadScope, ReturnsWhatTheFunctionReturns) {
  int x = 5;
  const int doubled = thread::scope([&](thread::Scope& s) {
    auto h = s.spawn([&] { return x * 2; });
    return h.join().unwrap();
  });
  EXPECT_EQ(doubled, 10);
  auto text = thread::scope([](thread::Scope&) { return std::string("no threads"); });
  EXPECT_EQ(text, "no threads");
}

TEST_F(ThreadScope, ScopedHandlesJoinAndReportFinished) {
  std::atomic<bool> release{false};
  thread::scope([&](thread::Scope& s) {
    auto waiting = s.spawn([&] {
      while (!release.load()) thread::park();
      return 1;
    });
    thread::sleep(10ms);
    EXPECT_FALSE(waiting.is_finished());
    release.store(true);
    waiting.thread().unpark();
    EXPECT_EQ(waiting.join().unwrap(), 1);
    EXPECT_FALSE(waiting.joinable());
    EXPECT_THROW((void)waiting.join(), Panic);
  });
}

TEST_F(ThreadScope, UnjoinedHandleIsStillWaitedFor) {
  std::atomic<bool> done{false};
  thread::scope([&](thread::Scope& s) {
    {
      auto dropped = s.spawn([&] {
        thread::sleep(50ms);
        done.store(true);
      });
    }  // handle dropped unjoined
  });
  EXPECT_TRUE(done.load());  // scope() waited for it anyway
}

TEST_F(ThreadScope, UnjoinedPanickingThreadPanicsTheScopeAfterAllAreJoined) {
  std::atomic<bool> slow_done{false};
  const std::string msg = panic_message_of([&] {
    thread::scope([&](thread::Scope& s) {
      s.spawn([] { throw std::runtime_error("scoped failure"); });
      s.spawn([&] {
        thread::sleep(100ms);
        slow_done.store(true);
      });
    });
  });
  EXPECT_EQ(msg, "a scoped thread panicked");
  EXPECT_TRUE(slow_done.load());  // the panic came only after every thread was joined
}

TEST_F(ThreadScope, JoinedPanicIsHandedToTheJoinerNotTheScope) {
  bool scope_returned = false;
  thread::scope([&](thread::Scope& s) {
    auto h = s.spawn([]() -> int { throw 17; });
    auto r = h.join();
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(*r.unwrap_err().downcast_ref<int>(), 17);
    EXPECT_THROW((void)r.unwrap(), int);  // original object rethrown
  });
  scope_returned = true;
  EXPECT_TRUE(scope_returned);
}

TEST_F(ThreadScope, OneJoinedAndOneUnjoinedPanicStillPanicsTheScope) {
  EXPECT_EQ(panic_message_of([] {
              thread::scope([](thread::Scope& s) {
                auto joined = s.spawn([] { fearless::panic("first"); });
                EXPECT_TRUE(joined.join().is_err());
                s.spawn([] { fearless::panic("second"); });
              });
            }),
            "a scoped thread panicked");
}

TEST_F(ThreadScope, PanicInTheScopeFunctionWaitsAndPropagatesIt) {
  std::atomic<bool> worker_done{false};
  try {
    thread::scope([&](thread::Scope& s) {
      s.spawn([&] {
        thread::sleep(50ms);
        worker_done.store(true);
      });
      throw std::logic_error("from the scope body");
    });
    FAIL() << "scope returned";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "from the scope body");
  }
  EXPECT_TRUE(worker_done.load());
}

TEST_F(ThreadScope, ScopedThreadsSpawnMoreScopedThreads) {
  std::atomic<int> count{0};
  thread::scope([&](thread::Scope& s) {
    for (int i = 0; i < 4; ++i) {
      s.spawn([&] {
        count.fetch_add(1);
        for (int j = 0; j < 4; ++j) {
          s.spawn([&] {
            thread::sleep(1ms);
            count.fetch_add(1);
          });
        }
      });
    }
  });
  EXPECT_EQ(count.load(), 4 + 16);
}

TEST_F(ThreadScope, NestedScopes) {
  std::vector<int> out(8, 0);
  thread::scope([&](thread::Scope& outer) {
    for (std::size_t i = 0; i < 2; ++i) {
      outer.spawn([&, i] {
        thread::scope([&](thread::Scope& inner) {
          for (std::size_t j = 0; j < 4; ++j) inner.spawn([&, i, j] { out[i * 4 + j] = static_cast<int>(i * 4 + j); });
        });
      });
    }
  });
  EXPECT_EQ(out, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST_F(ThreadScope, PendingUnparkOfTheOwnerDoesNotEndTheScopeEarly) {
  std::atomic<bool> done{false};
  thread::current().unpark();  // a stale token: wait_all must loop on its own condition
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      thread::sleep(50ms);
      done.store(true);
    });
  });
  EXPECT_TRUE(done.load());
}

TEST_F(ThreadScope, ManyScopesManyThreads) {
  for (int round = 0; round < 100; ++round) {
    int slots[8] = {};
    thread::scope([&](thread::Scope& s) {
      for (int& slot : slots) s.spawn([&slot, round] { slot = round; });
    });
    for (int slot : slots) ASSERT_EQ(slot, round);
  }
}

TEST_F(ThreadScope, ScopedThreadCanUnparkTheOwner) {
  const thread::Thread owner = thread::current();
  std::atomic<bool> flag{false};
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      flag.store(true);
      owner.unpark();
    });
    while (!flag.load()) thread::park();
  });
  EXPECT_TRUE(flag.load());
}

namespace {
// Records its destruction in a borrowed counter: a scoped thread's value may
// refer to the scope's locals, so it must be gone before scope() returns.
struct NotesDrop {
  std::atomic<int>* drops;
  explicit NotesDrop(std::atomic<int>* d) : drops(d) {}
  NotesDrop(NotesDrop&& o) noexcept : drops(std::exchange(o.drops, nullptr)) {}
  NotesDrop& operator=(NotesDrop&&) = delete;
  ~NotesDrop() {
    if (drops) drops->fetch_add(1);
  }
};
}  // namespace

TEST_F(ThreadScope, UnjoinedThreadsValuesAreDestroyedBeforeScopeReturns) {
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> drops{0};
    thread::scope([&](thread::Scope& s) {
      // Handle dropped after the thread finished: dropping it destroys the value, then and there.
      auto kept = s.spawn([&] { return NotesDrop(&drops); });
      while (!kept.is_finished()) thread::yield_now();
      EXPECT_EQ(drops.load(), 0);  // the handle still holds it
      { auto drop = std::move(kept); }
      EXPECT_EQ(drops.load(), 1);
      // Handle dropped at once, thread still running: the thread destroys its value.
      (void)s.spawn([&] {
        thread::sleep(1ms);
        return NotesDrop(&drops);
      });
      // Handle alive until the scope function returns, thread maybe not finished.
      auto late = s.spawn([&] { return NotesDrop(&drops); });
    });
    EXPECT_EQ(drops.load(), 3) << "round " << round;
  }
}

TEST_F(ThreadScope, JoinedValueIsTheOnlyCopyLeft) {
  std::atomic<int> drops{0};
  thread::scope([&](thread::Scope& s) {
    auto h = s.spawn([&] { return NotesDrop(&drops); });
    {
      NotesDrop v = h.join().unwrap();
      EXPECT_EQ(drops.load(), 0);
    }
    EXPECT_EQ(drops.load(), 1);
  });
  EXPECT_EQ(drops.load(), 1);
}

TEST_F(ThreadScope, FunctionMayReturnAReference) {
  std::vector<int> data{1, 2, 3};
  int& last = thread::scope([&](thread::Scope& s) -> int& {
    s.spawn([&] { data[2] = 30; });
    return data[2];
  });
  EXPECT_EQ(&last, &data[2]);
  EXPECT_EQ(last, 30);
}

TEST_F(ThreadScope, SpawnsThroughAConstScope) {
  std::atomic<int> ran{0};
  thread::scope([&](const thread::Scope& s) {
    for (int i = 0; i < 3; ++i) s.spawn([&] { ran.fetch_add(1); });
    EXPECT_EQ(thread::Builder().name("const-scope").spawn_scoped(s, [&] { ran.fetch_add(1); }).unwrap().join().is_ok(),
              true);
  });
  EXPECT_EQ(ran.load(), 4);
}
