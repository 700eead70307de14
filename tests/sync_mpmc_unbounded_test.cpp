// Tests for the unbounded mpmc channel (fearless::sync::mpmc::channel<T>()),
// for iterating over receivers of every flavour, and for same_channel() on
// every flavour (unbounded, bounded, rendezvous, after, tick, never).
#include <gtest/gtest.h>

#include <any>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "fearless/sync/mpmc.hpp"
#include "fearless/thread.hpp"

namespace mpmc = fearless::sync::mpmc;
namespace thread = fearless::thread;
using namespace std::chrono_literals;
using fearless::Ok;
using mpmc::RecvError;
using mpmc::RecvTimeoutError;
using mpmc::SendError;
using mpmc::SendTimeoutError;
using mpmc::TryRecvError;
using mpmc::TrySendError;

namespace {

// The time unit of the timed tests (upstream uses 0.5-1.5 s steps).
constexpr auto kUnit = 50ms;
// A bound no healthy wait comes near, for polls that must end.
constexpr auto kPatience = 10s;

using Unit = std::monostate;  // Rust's ()
using Clock = std::chrono::steady_clock;

// Polls try_recv until it returns something other than Empty (or kPatience passes).
template <class T>
fearless::Result<T, TryRecvError> try_recv_until_not_empty(const mpmc::Receiver<T>& rx) {
  const auto give_up = Clock::now() + kPatience;
  for (;;) {
    auto r = rx.try_recv();
    if (r.is_ok() || r.unwrap_err() != TryRecvError::Empty || Clock::now() > give_up) return r;
    std::this_thread::sleep_for(1ms);
  }
}

void wait_for(const std::atomic<bool>& flag) {
  const auto give_up = Clock::now() + kPatience;
  while (!flag.load() && Clock::now() < give_up) std::this_thread::sleep_for(100us);
}

// A message whose move constructor sleeps on threads that ask for it, so that
// a send from such a thread stalls inside the channel while others go on.
struct SlowMove {
  static inline thread_local bool slow_here = false;
  static inline std::atomic<long> live{0};
  int v;
  explicit SlowMove(int x) : v(x) { live.fetch_add(1); }
  SlowMove(SlowMove&& o) noexcept : v(o.v) {
    if (slow_here) std::this_thread::sleep_for(kUnit);
    live.fetch_add(1);
  }
  SlowMove(const SlowMove&) = delete;
  SlowMove& operator=(const SlowMove&) = delete;
  SlowMove& operator=(SlowMove&&) = delete;
  ~SlowMove() { live.fetch_sub(1); }
};

// Counts destroyed messages; a moved-from husk does not count.
struct DropCounter {
  static inline std::atomic<std::size_t> drops{0};
  bool armed = true;
  DropCounter() = default;
  DropCounter(DropCounter&& o) noexcept : armed(std::exchange(o.armed, false)) {}
  DropCounter(const DropCounter&) = delete;
  DropCounter& operator=(const DropCounter&) = delete;
  DropCounter& operator=(DropCounter&&) = delete;
  ~DropCounter() {
    if (armed) drops.fetch_add(1);
  }
};

// Every channel flavour that has senders, for the iteration tests.
struct Flavour {
  const char* name;
  std::function<std::pair<mpmc::Sender<int>, mpmc::Receiver<int>>()> make;
  bool buffers_two;  // can hold two messages with no receiver waiting
};
std::vector<Flavour> flavours() {
  return {
      {"unbounded", [] { return mpmc::channel<int>(); }, true},
      {"bounded(1)", [] { return mpmc::bounded<int>(1); }, false},
      {"bounded(2)", [] { return mpmc::bounded<int>(2); }, true},
      {"bounded(16)", [] { return mpmc::bounded<int>(16); }, true},
      {"rendezvous", [] { return mpmc::bounded<int>(0); }, false},
  };
}

}  // namespace

// ============================================================================
// Unbounded (crossbeam list.rs)
// ============================================================================

// crossbeam list.rs: gh_971. Upstream stalls the first sender inside the
// channel with a sleep patched into the library; here the first sender's
// moves sleep instead (before it claims its slot and while it writes into
// it). Meanwhile a second sender sends and the last receiver goes: nothing
// may crash or leak, and a send that lost the race hands its value back.
// Which way the stalled send ends depends on where it was stalled, so both
// are accepted.
TEST(Unbounded, FirstSendStalledInsideChannelWhileReceiverDropsIsSafe) {
  for (int variant = 0; variant < 2; ++variant) {
    SCOPED_TRACE(variant == 0 ? "receiver dropped while the first send is stalled early"
                              : "receiver dropped once the first send holds a slot");
    SlowMove::live = 0;
    {
      auto ch = mpmc::channel<SlowMove>();
      auto s1 = std::move(ch.first);
      auto r = std::move(ch.second);
      const mpmc::Sender<SlowMove> s2 = s1.clone();
      std::atomic<bool> started{false};
      auto t1 = thread::spawn([s1 = std::move(s1), &started] {
        SlowMove::slow_here = true;
        started = true;
        auto res = s1.send(SlowMove(42));
        SlowMove::slow_here = false;
        if (res.is_err()) {
          EXPECT_EQ(std::move(res).unwrap_err().into_inner().v, 42);
        }
      });
      wait_for(started);
      if (variant == 1) {
        // Until the stalled send has claimed its slot (or, at worst, finished).
        const auto give_up = Clock::now() + 4 * kUnit;
        while (s2.len() == 0 && Clock::now() < give_up) std::this_thread::sleep_for(1ms);
      }
      EXPECT_TRUE(s2.send(SlowMove(7)).is_ok());
      { auto gone = std::move(r); }
      EXPECT_TRUE(s2.send(SlowMove(8)).is_err());
      t1.join().unwrap();
    }
    EXPECT_EQ(SlowMove::live.load(), 0);
  }
}

// crossbeam list.rs: smoke
TEST(Unbounded, SmokeTrySendSendTryRecvRecvAndTimeout) {
  auto ch = mpmc::channel<int>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  EXPECT_TRUE(s.try_send(7).is_ok());
  EXPECT_EQ(r.try_recv(), Ok(7));

  EXPECT_TRUE(s.send(8).is_ok());
  EXPECT_EQ(r.recv(), Ok(8));

  EXPECT_EQ(r.try_recv().unwrap_err(), TryRecvError::Empty);
  const auto start = Clock::now();
  EXPECT_EQ(r.recv_timeout(kUnit).unwrap_err(), RecvTimeoutError::Timeout);
  EXPECT_GE(Clock::now() - start, kUnit);
}

// crossbeam list.rs: capacity
TEST(Unbounded, CapacityIsNoneOnBothEnds) {
  auto ch = mpmc::channel<Unit>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  EXPECT_EQ(s.capacity(), std::nullopt);
  EXPECT_EQ(r.capacity(), std::nullopt);
}

// crossbeam list.rs: len_empty_full
TEST(Unbounded, LenIsEmptyIsFullOnBothEnds) {
  auto ch = mpmc::channel<Unit>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);

  EXPECT_EQ(s.len(), 0u);
  EXPECT_TRUE(s.is_empty());
  EXPECT_FALSE(s.is_full());
  EXPECT_EQ(r.len(), 0u);
  EXPECT_TRUE(r.is_empty());
  EXPECT_FALSE(r.is_full());

  ASSERT_TRUE(s.send(Unit{}).is_ok());

  EXPECT_EQ(s.len(), 1u);
  EXPECT_FALSE(s.is_empty());
  EXPECT_FALSE(s.is_full());
  EXPECT_EQ(r.len(), 1u);
  EXPECT_FALSE(r.is_empty());
  EXPECT_FALSE(r.is_full());

  ASSERT_TRUE(r.recv().is_ok());

  EXPECT_EQ(s.len(), 0u);
  EXPECT_TRUE(s.is_empty());
  EXPECT_FALSE(s.is_full());
  EXPECT_EQ(r.len(), 0u);
  EXPECT_TRUE(r.is_empty());
  EXPECT_FALSE(r.is_full());
}

// crossbeam list.rs: try_recv. The sender starts only after the first
// try_recv, and the later states are polled for, so a slow machine cannot
// reorder them.
TEST(Unbounded, TryRecvIsEmptyThenGetsTheMessageThenSeesDisconnection) {
  auto ch = mpmc::channel<int>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  EXPECT_EQ(r.try_recv().unwrap_err(), TryRecvError::Empty);  // with a sender alive: does not wait
  auto h = thread::spawn([s = std::move(s)] {
    std::this_thread::sleep_for(kUnit);
    EXPECT_TRUE(s.send(7).is_ok());
  });
  EXPECT_EQ(try_recv_until_not_empty(r), Ok(7));
  EXPECT_EQ(try_recv_until_not_empty(r).unwrap_err(), TryRecvError::Disconnected);
  h.join().unwrap();
}

// crossbeam list.rs: recv
TEST(Unbounded, RecvBlocksForEachMessageThenReportsDisconnection) {
  auto ch = mpmc::channel<int>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  thread::scope([&, s = std::move(s)](thread::Scope& sc) mutable {
    sc.spawn([&r] {
      EXPECT_EQ(r.recv(), Ok(7));
      std::this_thread::sleep_for(kUnit);
      EXPECT_EQ(r.recv(), Ok(8));
      std::this_thread::sleep_for(kUnit);
      EXPECT_EQ(r.recv(), Ok(9));
      EXPECT_EQ(r.recv().unwrap_err(), RecvError{});
    });
    sc.spawn([s = std::move(s)] {
      std::this_thread::sleep_for(kUnit);
      EXPECT_TRUE(s.send(7).is_ok());
      EXPECT_TRUE(s.send(8).is_ok());
      EXPECT_TRUE(s.send(9).is_ok());
    });
  });
}

// crossbeam list.rs: recv_timeout. The sender waits for the first timeout
// before it sends, so the order holds however slow the machine is.
TEST(Unbounded, RecvTimeoutTimesOutThenGetsTheMessageThenSeesDisconnection) {
  auto ch = mpmc::channel<int>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  std::atomic<bool> timed_out{false};
  thread::scope([&, s = std::move(s)](thread::Scope& sc) mutable {
    sc.spawn([&r, &timed_out] {
      const auto start = Clock::now();
      EXPECT_EQ(r.recv_timeout(kUnit).unwrap_err(), RecvTimeoutError::Timeout);
      EXPECT_GE(Clock::now() - start, kUnit);
      timed_out = true;
      EXPECT_EQ(r.recv_timeout(kPatience), Ok(7));
      EXPECT_EQ(r.recv_timeout(kPatience).unwrap_err(), RecvTimeoutError::Disconnected);
    });
    sc.spawn([s = std::move(s), &timed_out] {
      wait_for(timed_out);
      std::this_thread::sleep_for(kUnit / 2);
      EXPECT_TRUE(s.send(7).is_ok());
    });
  });
}

// crossbeam list.rs: try_send
TEST(Unbounded, TrySendNeverFullThenDisconnectedHandsValueBack) {
  constexpr int kCount = 1000;
  auto ch = mpmc::channel<int>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(s.try_send(i), Ok());
  { auto gone = std::move(r); }
  EXPECT_EQ(s.try_send(777).unwrap_err(), TrySendError<int>(TrySendError<int>::Disconnected, 777));
}

// crossbeam list.rs: send
TEST(Unbounded, SendNeverBlocksThenDisconnectedHandsValueBack) {
  constexpr int kCount = 1000;
  auto ch = mpmc::channel<int>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(s.send(i), Ok());
  { auto gone = std::move(r); }
  EXPECT_EQ(s.send(777).unwrap_err(), SendError<int>(777));
}

// crossbeam list.rs: send_timeout
TEST(Unbounded, SendTimeoutNeverTimesOutThenDisconnectedHandsValueBack) {
  constexpr int kCount = 1000;
  auto ch = mpmc::channel<int>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(s.send_timeout(i, std::chrono::milliseconds(i)), Ok());
  { auto gone = std::move(r); }
  EXPECT_EQ(s.send_timeout(777, 0ms).unwrap_err(), SendTimeoutError<int>(SendTimeoutError<int>::Disconnected, 777));
}

// crossbeam list.rs: send_after_disconnect
TEST(Unbounded, EverySendFormFailsOnceTheReceiverIsGone) {
  auto ch = mpmc::channel<int>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  ASSERT_TRUE(s.send(1).is_ok());
  ASSERT_TRUE(s.send(2).is_ok());
  ASSERT_TRUE(s.send(3).is_ok());
  { auto gone = std::move(r); }
  EXPECT_EQ(s.send(4).unwrap_err(), SendError<int>(4));
  EXPECT_EQ(s.try_send(5).unwrap_err(), TrySendError<int>(TrySendError<int>::Disconnected, 5));
  EXPECT_EQ(s.send_timeout(6, 0ms).unwrap_err(), SendTimeoutError<int>(SendTimeoutError<int>::Disconnected, 6));
}

// crossbeam list.rs: recv_after_disconnect
TEST(Unbounded, RecvDrainsQueuedMessagesAfterTheSenderIsGone) {
  auto ch = mpmc::channel<int>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  ASSERT_TRUE(s.send(1).is_ok());
  ASSERT_TRUE(s.send(2).is_ok());
  ASSERT_TRUE(s.send(3).is_ok());
  { auto gone = std::move(s); }
  EXPECT_EQ(r.recv(), Ok(1));
  EXPECT_EQ(r.recv(), Ok(2));
  EXPECT_EQ(r.recv(), Ok(3));
  EXPECT_EQ(r.recv().unwrap_err(), RecvError{});
}

// crossbeam list.rs: len. Upstream sends 50; 200 also crosses the 63-message
// block boundaries (31 for large messages, checked with strings below).
TEST(Unbounded, LenCountsEveryQueuedMessageAcrossBlocks) {
  constexpr std::size_t kCount = 200;
  auto ch = mpmc::channel<std::size_t>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  EXPECT_EQ(s.len(), 0u);
  EXPECT_EQ(r.len(), 0u);
  for (std::size_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(s.send(i).is_ok());
    EXPECT_EQ(s.len(), i + 1);
  }
  for (std::size_t i = 0; i < kCount; ++i) {
    ASSERT_EQ(r.recv(), Ok(i));
    EXPECT_EQ(r.len(), kCount - i - 1);
  }
  EXPECT_EQ(s.len(), 0u);
  EXPECT_EQ(r.len(), 0u);

  auto ch2 = mpmc::channel<std::string>();
  auto s2 = std::move(ch2.first);
  auto r2 = std::move(ch2.second);
  for (std::size_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(s2.send(std::to_string(i)).is_ok());
    EXPECT_EQ(r2.len(), i + 1);
  }
  for (std::size_t i = 0; i < kCount; ++i) {
    ASSERT_EQ(r2.recv(), Ok(std::to_string(i)));
    EXPECT_EQ(s2.len(), kCount - i - 1);
  }
}

// crossbeam list.rs: disconnect_wakes_receiver
TEST(Unbounded, DroppingTheLastSenderWakesABlockedReceiver) {
  auto ch = mpmc::channel<Unit>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  thread::scope([&, s = std::move(s)](thread::Scope& sc) mutable {
    sc.spawn([&r] { EXPECT_EQ(r.recv().unwrap_err(), RecvError{}); });
    sc.spawn([s = std::move(s)] { std::this_thread::sleep_for(kUnit); });
  });
}

// crossbeam list.rs: spsc (100,000 messages upstream)
TEST(Unbounded, SpscDeliversEveryMessageInOrder) {
  constexpr std::size_t kCount = 10'000;
  auto ch = mpmc::channel<std::size_t>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  thread::scope([&, s = std::move(s)](thread::Scope& sc) mutable {
    sc.spawn([&r] {
      for (std::size_t i = 0; i < kCount; ++i) ASSERT_EQ(r.recv(), Ok(i));
      EXPECT_EQ(r.recv().unwrap_err(), RecvError{});
    });
    sc.spawn([s = std::move(s)] {
      for (std::size_t i = 0; i < kCount; ++i) ASSERT_TRUE(s.send(i).is_ok());
    });
  });
}

// crossbeam list.rs: mpmc (25,000 per thread upstream)
TEST(Unbounded, MpmcDeliversEveryMessageExactlyOnce) {
  constexpr std::size_t kCount = 5'000;
  constexpr std::size_t kThreads = 4;
  auto ch = mpmc::channel<std::size_t>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  std::vector<std::atomic<std::size_t>> seen(kCount);
  thread::scope([&](thread::Scope& sc) {
    for (std::size_t t = 0; t < kThreads; ++t) {
      sc.spawn([&] {
        for (std::size_t i = 0; i < kCount; ++i) {
          const std::size_t n = r.recv().unwrap();
          seen[n].fetch_add(1);
        }
      });
    }
    for (std::size_t t = 0; t < kThreads; ++t) {
      sc.spawn([&] {
        for (std::size_t i = 0; i < kCount; ++i) ASSERT_TRUE(s.send(i).is_ok());
      });
    }
  });
  EXPECT_EQ(r.try_recv().unwrap_err(), TryRecvError::Empty);
  for (std::size_t i = 0; i < kCount; ++i) EXPECT_EQ(seen[i].load(), kThreads) << "message " << i;
}

// crossbeam list.rs: stress_oneshot (10,000 rounds upstream)
TEST(Unbounded, StressOneshotOneSendOneRecvPerFreshChannel) {
  constexpr int kRounds = 300;
  for (int i = 0; i < kRounds; ++i) {
    auto ch = mpmc::channel<int>();
    auto s = std::move(ch.first);
    auto r = std::move(ch.second);
    thread::scope([&](thread::Scope& sc) {
      sc.spawn([&] { EXPECT_EQ(r.recv(), Ok(0)); });
      sc.spawn([&] { EXPECT_TRUE(s.send(0).is_ok()); });
    });
  }
}

// crossbeam list.rs: stress_iter (100,000 upstream): request/response with
// try_iter on one side and iter on the other.
TEST(Unbounded, StressTryIterAgainstIter) {
  constexpr std::size_t kCount = 2'000;
  auto request = mpmc::channel<Unit>();
  auto request_s = std::move(request.first);
  auto request_r = std::move(request.second);
  auto response = mpmc::channel<std::size_t>();
  auto response_s = std::move(response.first);
  auto response_r = std::move(response.second);
  thread::scope([&, request_s = std::move(request_s), response_r = std::move(response_r)](thread::Scope& sc) mutable {
    sc.spawn([request_s = std::move(request_s), response_r = std::move(response_r)] {
      std::size_t count = 0;
      for (;;) {
        for (std::size_t x : response_r.try_iter()) {
          count += x;
          if (count == kCount) return;
        }
        ASSERT_TRUE(request_s.send(Unit{}).is_ok());
      }
    });
    for (Unit u : request_r.iter()) {
      (void)u;
      if (response_s.send(1).is_err()) break;
    }
  });
}

// crossbeam list.rs: stress_timeout_two_threads (100 messages, 50 ms pauses
// and a 10 ms timeout upstream; the same 5:1 ratio, shorter).
TEST(Unbounded, StressRecvTimeoutRetriesUntilEachMessageArrives) {
  constexpr int kCount = 40;
  auto ch = mpmc::channel<int>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      for (int i = 0; i < kCount; ++i) {
        if (i % 2 == 0) std::this_thread::sleep_for(5ms);
        ASSERT_TRUE(s.send(i).is_ok());
      }
    });
    sc.spawn([&] {
      for (int i = 0; i < kCount; ++i) {
        if (i % 2 == 0) std::this_thread::sleep_for(5ms);
        for (;;) {
          auto x = r.recv_timeout(1ms);
          if (x.is_ok()) {
            EXPECT_EQ(x.unwrap(), i);
            break;
          }
          ASSERT_EQ(x.unwrap_err(), RecvTimeoutError::Timeout);
        }
      }
    });
  });
}

// crossbeam list.rs: drops (100 runs of up to 10,000 steps upstream)
TEST(Unbounded, EveryMessageIsDestroyedExactlyOnce) {
  constexpr std::size_t kRuns = 20;
  constexpr std::size_t kSteps = 1'000;
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (std::size_t run = 0; run < kRuns; ++run) {
    const std::size_t steps = std::uniform_int_distribution<std::size_t>(0, kSteps - 1)(rng);
    const std::size_t additional = std::uniform_int_distribution<std::size_t>(0, kSteps / 10 - 1)(rng);

    DropCounter::drops = 0;
    auto ch = mpmc::channel<DropCounter>();
    auto s = std::move(ch.first);
    auto r = std::move(ch.second);
    thread::scope([&](thread::Scope& sc) {
      sc.spawn([&] {
        for (std::size_t i = 0; i < steps; ++i) ASSERT_TRUE(r.recv().is_ok());
      });
      sc.spawn([&] {
        for (std::size_t i = 0; i < steps; ++i) ASSERT_TRUE(s.send(DropCounter()).is_ok());
      });
    });
    for (std::size_t i = 0; i < additional; ++i) ASSERT_TRUE(s.try_send(DropCounter()).is_ok());

    EXPECT_EQ(DropCounter::drops.load(), steps);
    { auto gone = std::move(s); }
    { auto gone = std::move(r); }
    EXPECT_EQ(DropCounter::drops.load(), steps + additional);
  }
}

// crossbeam list.rs: linearizable (25,000 per thread upstream): after a send
// returns, a try_recv on the same thread finds a message, unless the slot at
// the head belongs to another writer descheduled mid-write, which a try waits
// for only briefly (crossbeam #997; see Bounded's twin): at most 1% misses
// (5% under ThreadSanitizer), each Empty, and nothing lost.
TEST(Unbounded, TryRecvAfterOwnSendAlmostAlwaysFindsAMessage) {
  constexpr int kCount = 10'000;
  constexpr int kThreads = 4;
  auto ch = mpmc::channel<int>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  std::atomic<int> misses{0};
  thread::scope([&](thread::Scope& sc) {
    for (int t = 0; t < kThreads; ++t) {
      sc.spawn([&] {
        for (int i = 0; i < kCount; ++i) {
          ASSERT_TRUE(s.send(0).is_ok());
          auto got = r.try_recv();
          if (got.is_err()) {
            EXPECT_EQ(got.unwrap_err(), mpmc::TryRecvError::Empty) << "iteration " << i;
            misses.fetch_add(1);
          }
        }
      });
    }
  });
  constexpr int kPercent = FEARLESS_TSAN ? 5 : 1;
  EXPECT_LE(misses.load(), kThreads * kCount * kPercent / 100);
  EXPECT_EQ(r.len(), static_cast<std::size_t>(misses.load()));
}

// crossbeam list.rs: fairness (10,000 upstream)
TEST(Unbounded, SelectOverTwoReadyChannelsIsFair) {
  constexpr std::size_t kCount = 1'000;
  auto ch = mpmc::channel<Unit>();
  auto s1 = std::move(ch.first);
  auto r1 = std::move(ch.second);
  auto ch2 = mpmc::channel<Unit>();
  auto s2 = std::move(ch2.first);
  auto r2 = std::move(ch2.second);
  for (std::size_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(s1.send(Unit{}).is_ok());
    ASSERT_TRUE(s2.send(Unit{}).is_ok());
  }
  std::array<std::size_t, 2> hits{};
  for (std::size_t i = 0; i < kCount; ++i) {
    mpmc::select(mpmc::on_recv(r1, [&](auto) { ++hits[0]; }), mpmc::on_recv(r2, [&](auto) { ++hits[1]; }));
  }
  for (std::size_t h : hits) EXPECT_GE(h, kCount / hits.size() / 2);
}

// crossbeam list.rs: fairness_duplicates (10,000 upstream)
TEST(Unbounded, SelectOverTheSameReceiverFiveTimesIsFair) {
  constexpr std::size_t kCount = 1'000;
  auto ch = mpmc::channel<Unit>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  for (std::size_t i = 0; i < kCount; ++i) ASSERT_TRUE(s.send(Unit{}).is_ok());
  std::array<std::size_t, 5> hits{};
  for (std::size_t i = 0; i < kCount; ++i) {
    mpmc::select(mpmc::on_recv(r, [&](auto) { ++hits[0]; }), mpmc::on_recv(r, [&](auto) { ++hits[1]; }),
                 mpmc::on_recv(r, [&](auto) { ++hits[2]; }), mpmc::on_recv(r, [&](auto) { ++hits[3]; }),
                 mpmc::on_recv(r, [&](auto) { ++hits[4]; }));
  }
  for (std::size_t h : hits) EXPECT_GE(h, kCount / hits.size() / 2);
}

// crossbeam list.rs: recv_in_send. The message expression of a send arm
// (here: a receive on the same channel) runs before the select.
TEST(Unbounded, SendArmMessageMayReceiveFromTheSameChannel) {
  auto ch = mpmc::channel<Unit>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  ASSERT_TRUE(s.send(Unit{}).is_ok());
  bool sent = false;
  mpmc::select(mpmc::on_send(s,
                             [&] {
                               EXPECT_EQ(r.recv(), Ok(Unit{}));
                               return Unit{};
                             }(),
                             [&](auto res) { sent = res.is_ok(); }));
  EXPECT_TRUE(sent);
  EXPECT_EQ(r.len(), 1u);
}

// crossbeam list.rs: channel_through_channel (1,000 upstream). Each message
// is a type-erased box (std::any, as Box<dyn Any + Send>) holding the
// receiver of the next channel.
TEST(Unbounded, ReceiversTravelThroughChannelsAsTypeErasedMessages) {
  constexpr int kCount = 300;
  using T = std::any;
  auto ch = mpmc::channel<T>();
  auto s = std::move(ch.first);
  auto r = std::move(ch.second);
  thread::scope([&, s = std::move(s), r = std::move(r)](thread::Scope& sc) mutable {
    sc.spawn([s = std::move(s)]() mutable {
      for (int i = 0; i < kCount; ++i) {
        auto next_ch = mpmc::channel<T>();
        auto new_s = std::move(next_ch.first);
        auto new_r = std::move(next_ch.second);
        ASSERT_TRUE(s.send(T(std::optional<mpmc::Receiver<T>>(std::move(new_r)))).is_ok());
        s = std::move(new_s);
      }
    });
    sc.spawn([r = std::move(r)]() mutable {
      for (int i = 0; i < kCount; ++i) {
        T msg = r.recv().unwrap();
        auto* slot = std::any_cast<std::optional<mpmc::Receiver<T>>>(&msg);
        ASSERT_NE(slot, nullptr);
        ASSERT_TRUE(slot->has_value());
        mpmc::Receiver<T> next = std::move(**slot);
        slot->reset();
        r = std::move(next);
      }
    });
  });
}

// ============================================================================
// ChannelIter (crossbeam iter.rs), on every flavour
// ============================================================================

// crossbeam iter.rs: nested_recv_iter
TEST(ChannelIter, IterRunsUntilEverySenderIsGone) {
  for (const Flavour& f : flavours()) {
    SCOPED_TRACE(f.name);
    auto ch = f.make();
    auto s = std::move(ch.first);
    auto r = std::move(ch.second);
    auto total = mpmc::channel<int>();
    auto total_s = std::move(total.first);
    auto total_r = std::move(total.second);
    thread::scope([&, r = std::move(r), total_s = std::move(total_s)](thread::Scope& sc) mutable {
      sc.spawn([r = std::move(r), total_s = std::move(total_s)] {
        int acc = 0;
        for (int x : r.iter()) acc += x;
        EXPECT_TRUE(total_s.send(acc).is_ok());
      });
      ASSERT_TRUE(s.send(3).is_ok());
      ASSERT_TRUE(s.send(1).is_ok());
      ASSERT_TRUE(s.send(2).is_ok());
      { auto gone = std::move(s); }
      EXPECT_EQ(total_r.recv(), Ok(6));
    });
  }
}

// crossbeam iter.rs: recv_iter_break. The message that makes the loop break
// has been received (as with Rust's next()), so 2 + 2 is counted and the
// third 2 is consumed; the fourth send may fail once the receiver is gone.
TEST(ChannelIter, BreakingOutOfIterLeavesTheRestInTheChannel) {
  for (const Flavour& f : flavours()) {
    SCOPED_TRACE(f.name);
    auto ch = f.make();
    auto s = std::move(ch.first);
    auto r = std::move(ch.second);
    auto count = mpmc::channel<int>();
    auto count_s = std::move(count.first);
    auto count_r = std::move(count.second);
    thread::scope([&, r = std::move(r), count_s = std::move(count_s)](thread::Scope& sc) mutable {
      sc.spawn([r = std::move(r), count_s = std::move(count_s)] {
        int count = 0;
        for (int x : r.iter()) {
          if (count >= 3) break;
          count += x;
        }
        EXPECT_TRUE(count_s.send(count).is_ok());
      });
      ASSERT_TRUE(s.send(2).is_ok());
      ASSERT_TRUE(s.send(2).is_ok());
      ASSERT_TRUE(s.send(2).is_ok());
      (void)s.send(2);
      { auto gone = std::move(s); }
      EXPECT_EQ(count_r.recv(), Ok(4));
    });
  }
}

// crossbeam iter.rs: recv_try_iter. The responses go through each flavour;
// the requests stay unbounded as upstream (a rendezvous request channel
// would leave both sides blocked in send).
TEST(ChannelIter, TryIterTakesWhatIsAvailableNow) {
  for (const Flavour& f : flavours()) {
    SCOPED_TRACE(f.name);
    auto request = mpmc::channel<int>();
    auto request_s = std::move(request.first);
    auto request_r = std::move(request.second);
    auto response = f.make();
    auto response_s = std::move(response.first);
    auto response_r = std::move(response.second);
    thread::scope([&, request_s = std::move(request_s), response_r = std::move(response_r)](thread::Scope& sc) mutable {
      sc.spawn([request_s = std::move(request_s), response_r = std::move(response_r)] {
        int count = 0;
        for (;;) {
          for (int x : response_r.try_iter()) {
            count += x;
            if (count == 6) return;
          }
          ASSERT_TRUE(request_s.send(0).is_ok());
        }
      });
      for (int req : request_r.iter()) {
        (void)req;
        if (response_s.send(2).is_err()) break;
      }
    });
  }
}

// Not upstream: try_iter never blocks and ends at the first empty, even with
// senders alive; the messages sent later are still there for the next one.
TEST(ChannelIter, TryIterEndsAtTheFirstEmptyWithoutWaiting) {
  for (const Flavour& f : flavours()) {
    if (!f.buffers_two) continue;
    SCOPED_TRACE(f.name);
    auto ch = f.make();
    auto s = std::move(ch.first);
    auto r = std::move(ch.second);
    ASSERT_TRUE(s.send(1).is_ok());
    ASSERT_TRUE(s.send(2).is_ok());
    std::vector<int> got;
    for (int x : r.try_iter()) got.push_back(x);
    EXPECT_EQ(got, (std::vector<int>{1, 2}));
    EXPECT_EQ(r.try_iter().next(), std::nullopt);  // the sender is alive: a wait would hang here
    ASSERT_TRUE(s.send(3).is_ok());
    EXPECT_EQ(r.try_iter().next(), std::optional<int>(3));
  }
}

// crossbeam iter.rs: recv_into_iter_owned. The iterator owns the receiver and
// outlives the scope that made the channel.
TEST(ChannelIter, IntoIterOwnsTheReceiver) {
  for (const Flavour& f : flavours()) {
    if (!f.buffers_two) continue;
    SCOPED_TRACE(f.name);
    auto iter = [&] {
      auto ch = f.make();
      auto s = std::move(ch.first);
      auto r = std::move(ch.second);
      EXPECT_TRUE(s.send(1).is_ok());
      EXPECT_TRUE(s.send(2).is_ok());
      return std::move(r).into_iter();
    }();
    EXPECT_EQ(iter.next(), std::optional<int>(1));
    EXPECT_EQ(iter.next(), std::optional<int>(2));
    EXPECT_EQ(iter.next(), std::nullopt);
  }
}

// recv_into_iter_owned on flavours that cannot hold the two messages: a
// thread sends them, and a range-for over the owning iterator gets both.
TEST(ChannelIter, IntoIterOwnsTheReceiverWithAConcurrentSender) {
  for (const Flavour& f : flavours()) {
    SCOPED_TRACE(f.name);
    auto ch = f.make();
    auto s = std::move(ch.first);
    auto r = std::move(ch.second);
    auto iter = std::move(r).into_iter();
    auto h = thread::spawn([s = std::move(s)] {
      EXPECT_TRUE(s.send(1).is_ok());
      EXPECT_TRUE(s.send(2).is_ok());
    });
    std::vector<int> got;
    for (int x : iter) got.push_back(x);
    EXPECT_EQ(got, (std::vector<int>{1, 2}));
    EXPECT_EQ(iter.next(), std::nullopt);
    h.join().unwrap();
  }
}

// crossbeam iter.rs: recv_into_iter_borrowed. Rust's `(&r).into_iter()` is
// r.iter(), and `for x in &r` is `for (int x : r)`.
TEST(ChannelIter, BorrowedIterationDrainsThenEnds) {
  for (const Flavour& f : flavours()) {
    if (!f.buffers_two) continue;
    SCOPED_TRACE(f.name);
    {
      auto ch = f.make();
      auto s = std::move(ch.first);
      auto r = std::move(ch.second);
      ASSERT_TRUE(s.send(1).is_ok());
      ASSERT_TRUE(s.send(2).is_ok());
      { auto gone = std::move(s); }
      auto iter = r.iter();
      EXPECT_EQ(iter.next(), std::optional<int>(1));
      EXPECT_EQ(iter.next(), std::optional<int>(2));
      EXPECT_EQ(iter.next(), std::nullopt);
    }
    {
      auto ch = f.make();
      auto s = std::move(ch.first);
      auto r = std::move(ch.second);
      ASSERT_TRUE(s.send(1).is_ok());
      ASSERT_TRUE(s.send(2).is_ok());
      { auto gone = std::move(s); }
      std::vector<int> got;
      for (int x : r) got.push_back(x);
      EXPECT_EQ(got, (std::vector<int>{1, 2}));
      EXPECT_EQ(r.recv().unwrap_err(), RecvError{});
    }
  }
}

// ============================================================================
// SameChannel (crossbeam same_channel.rs)
// ============================================================================

// crossbeam same_channel.rs: after_same_channel
TEST(SameChannel, AfterIsOnlyItsOwnClones) {
  const auto r = mpmc::after(kUnit);
  const auto r2 = r.clone();
  EXPECT_TRUE(r.same_channel(r2));

  const auto r3 = mpmc::after(kUnit);
  EXPECT_FALSE(r.same_channel(r3));
  EXPECT_FALSE(r2.same_channel(r3));

  const auto r4 = mpmc::after(2 * kUnit);
  EXPECT_FALSE(r.same_channel(r4));
  EXPECT_FALSE(r2.same_channel(r4));
}

// crossbeam same_channel.rs: array_same_channel
TEST(SameChannel, BoundedIsOnlyItsOwnClones) {
  auto [s, r] = mpmc::bounded<std::size_t>(1);
  const auto s2 = s.clone();
  EXPECT_TRUE(s.same_channel(s2));
  const auto r2 = r.clone();
  EXPECT_TRUE(r.same_channel(r2));

  auto [s3, r3] = mpmc::bounded<std::size_t>(1);
  EXPECT_FALSE(s.same_channel(s3));
  EXPECT_FALSE(s2.same_channel(s3));
  EXPECT_FALSE(r.same_channel(r3));
  EXPECT_FALSE(r2.same_channel(r3));
}

// crossbeam same_channel.rs: list_same_channel
TEST(SameChannel, UnboundedIsOnlyItsOwnClones) {
  auto [s, r] = mpmc::channel<std::size_t>();
  const auto s2 = s.clone();
  EXPECT_TRUE(s.same_channel(s2));
  const auto r2 = r.clone();
  EXPECT_TRUE(r.same_channel(r2));

  auto [s3, r3] = mpmc::channel<std::size_t>();
  EXPECT_FALSE(s.same_channel(s3));
  EXPECT_FALSE(s2.same_channel(s3));
  EXPECT_FALSE(r.same_channel(r3));
  EXPECT_FALSE(r2.same_channel(r3));
}

// crossbeam same_channel.rs: never_same_channel (all never() receivers count
// as one channel)
TEST(SameChannel, EveryNeverIsTheSameChannel) {
  const auto r = mpmc::never<std::size_t>();
  const auto r2 = r.clone();
  EXPECT_TRUE(r.same_channel(r2));

  const auto r3 = mpmc::never<std::size_t>();
  EXPECT_TRUE(r.same_channel(r3));
  EXPECT_TRUE(r2.same_channel(r3));
}

// crossbeam same_channel.rs: tick_same_channel
TEST(SameChannel, TickIsOnlyItsOwnClones) {
  const auto r = mpmc::tick(kUnit);
  const auto r2 = r.clone();
  EXPECT_TRUE(r.same_channel(r2));

  const auto r3 = mpmc::tick(kUnit);
  EXPECT_FALSE(r.same_channel(r3));
  EXPECT_FALSE(r2.same_channel(r3));

  const auto r4 = mpmc::tick(2 * kUnit);
  EXPECT_FALSE(r.same_channel(r4));
  EXPECT_FALSE(r2.same_channel(r4));
}

// crossbeam same_channel.rs: zero_same_channel
TEST(SameChannel, RendezvousIsOnlyItsOwnClones) {
  auto [s, r] = mpmc::bounded<std::size_t>(0);
  const auto s2 = s.clone();
  EXPECT_TRUE(s.same_channel(s2));
  const auto r2 = r.clone();
  EXPECT_TRUE(r.same_channel(r2));

  auto [s3, r3] = mpmc::bounded<std::size_t>(0);
  EXPECT_FALSE(s.same_channel(s3));
  EXPECT_FALSE(s2.same_channel(s3));
  EXPECT_FALSE(r.same_channel(r3));
  EXPECT_FALSE(r2.same_channel(r3));
}

// crossbeam same_channel.rs: different_flavours_same_channel
TEST(SameChannel, DifferentFlavoursAreDifferentChannels) {
  auto [s1, r1] = mpmc::bounded<std::size_t>(0);
  auto [s2, r2] = mpmc::channel<std::size_t>();
  EXPECT_FALSE(s1.same_channel(s2));
  EXPECT_FALSE(r1.same_channel(r2));

  // Timers too: after, tick and never are all distinct from each other.
  const auto a = mpmc::after(kUnit);
  const auto t = mpmc::tick(kUnit);
  const auto n = mpmc::never<mpmc::Instant>();
  EXPECT_FALSE(a.same_channel(t));
  EXPECT_FALSE(a.same_channel(n));
  EXPECT_FALSE(t.same_channel(n));
  EXPECT_FALSE(n.same_channel(a));
}

// Not upstream (Rust has no moved-from values): a moved-from endpoint belongs
// to no channel, as documented, and asking does not panic.
TEST(SameChannel, MovedFromEndpointIsTheSameChannelAsNone) {
  auto [s, r] = mpmc::channel<int>();
  const auto s2 = s.clone();
  const auto r2 = r.clone();
  const auto s_taken = std::move(s);
  const auto r_taken = std::move(r);
  EXPECT_FALSE(s.same_channel(s2));  // NOLINT(bugprone-use-after-move)
  EXPECT_FALSE(s2.same_channel(s));  // NOLINT(bugprone-use-after-move)
  EXPECT_FALSE(s.same_channel(s));   // NOLINT(bugprone-use-after-move)
  EXPECT_FALSE(r.same_channel(r2));  // NOLINT(bugprone-use-after-move)
  EXPECT_FALSE(r2.same_channel(r));  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(s_taken.same_channel(s2));
  EXPECT_TRUE(r_taken.same_channel(r2));

  auto n = mpmc::never<int>();
  const auto n_taken = std::move(n);
  EXPECT_FALSE(n.same_channel(n_taken));  // NOLINT(bugprone-use-after-move)
}
