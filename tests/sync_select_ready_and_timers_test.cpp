// Tests for Select's readiness calls (ready, try_ready, ready_timeout,
// ready_deadline) and for the timer channels after, at, tick and never of
// fearless/sync/mpmc.hpp, following crossbeam-channel's behaviour.
//
// Timing: only lower bounds are guaranteed (a timer never fires early, a
// timeout never ends early), so those are asserted strictly; upper bounds are
// loose. A check that a timer has "not fired yet" is only asserted when the
// clock shows that the check finished before the timer was due, so a stalled
// machine (or ThreadSanitizer) cannot make it fail.
//
// Channels are kept as pairs with named references to their ends, not as
// structured bindings, because the threads' lambdas capture them (clang
// before 16 cannot capture a structured binding).
#include <gtest/gtest.h>

#include <algorithm>
#include <any>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "fearless/detail/config.hpp"
#include "fearless/sync/mpmc.hpp"
#include "fearless/thread.hpp"

namespace mpmc = fearless::sync::mpmc;
namespace thread = fearless::thread;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using mpmc::Instant;

namespace {

// The time unit of the timing tests.
constexpr auto U = 40ms;
// A loose upper bound for anything that should take about one unit or a few.
constexpr auto kSlack = 3s;

// Drops an endpoint now (Rust's `drop(x)`): it is left moved-from.
template <class E>
void drop(E& e) {
  [[maybe_unused]] E gone = std::move(e);
}

// try_recv on a timer that must not have fired before `due`: a message is a
// failure when the call returned before `due`, and is accepted (and counted
// in `got`) when the machine stalled past `due`. Returns whether one came.
bool try_recv_not_yet(const mpmc::Receiver<Instant>& r, Clock::time_point due, int* got = nullptr) {
  const auto res = r.try_recv();
  const bool in_time = Clock::now() < due;
  if (res.is_ok()) {
    EXPECT_FALSE(in_time) << "the timer fired " << std::chrono::duration<double, std::milli>(due - Clock::now()).count()
                          << " ms early";
    if (got != nullptr) ++*got;
    return true;
  }
  EXPECT_EQ(res.unwrap_err(), mpmc::TryRecvError::Empty);
  return false;
}

// A message whose moves take U on a thread that asks for it: it widens the
// window between a peer claiming a slot and finishing with it.
struct SlowMove {
  static inline thread_local bool slow_here = false;
  int value;
  explicit SlowMove(int v) : value(v) {}
  SlowMove(SlowMove&& o) noexcept : value(o.value) {
    if (slow_here) std::this_thread::sleep_for(U);
  }
  SlowMove& operator=(SlowMove&& o) noexcept {
    value = o.value;
    return *this;
  }
};

}  // namespace

// ============================================================================
// SelectReady: crossbeam-channel tests/ready.rs
// ============================================================================

// crossbeam ready.rs: smoke1
TEST(SelectReady, ReportsTheReceiveWhoseChannelHasAMessage) {
  auto s1_r1 = mpmc::unbounded<std::size_t>();
  auto& s1 = s1_r1.first;
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::unbounded<std::size_t>();
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;

  s1.send(1).unwrap();
  {
    mpmc::Select sel;
    sel.recv(r1);
    sel.recv(r2);
    EXPECT_EQ(sel.ready(), 0u);
    EXPECT_EQ(r1.try_recv().unwrap(), 1u);
  }

  s2.send(2).unwrap();
  {
    mpmc::Select sel;
    sel.recv(r1);
    sel.recv(r2);
    EXPECT_EQ(sel.ready(), 1u);
    EXPECT_EQ(r2.try_recv().unwrap(), 2u);
  }
}

// crossbeam ready.rs: smoke2
TEST(SelectReady, FindsTheOnlyReadyReceiveAmongFive) {
  auto s1_r1 = mpmc::unbounded<int>();
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::unbounded<int>();
  auto& r2 = s2_r2.second;
  auto s3_r3 = mpmc::unbounded<int>();
  auto& r3 = s3_r3.second;
  auto s4_r4 = mpmc::unbounded<int>();
  auto& r4 = s4_r4.second;
  auto s5_r5 = mpmc::unbounded<int>();
  auto& s5 = s5_r5.first;
  auto& r5 = s5_r5.second;

  s5.send(5).unwrap();

  mpmc::Select sel;
  sel.recv(r1);
  sel.recv(r2);
  sel.recv(r3);
  sel.recv(r4);
  sel.recv(r5);
  EXPECT_EQ(sel.ready(), 4u);
  EXPECT_EQ(r5.try_recv().unwrap(), 5);
}

// crossbeam ready.rs: disconnected
TEST(SelectReady, ADisconnectedReceiveIsReady) {
  auto s1_r1 = mpmc::unbounded<int>();
  auto& s1 = s1_r1.first;
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::unbounded<int>();
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;
  auto go_tx_go_rx = mpmc::unbounded<int>();
  auto& go_tx = go_tx_go_rx.first;
  auto& go_rx = go_tx_go_rx.second;

  thread::scope([&](thread::Scope& sc) {
    // Disconnects r1 while the select may be waiting; sends on r2 only once
    // the select has reported r1, so r1 is the only candidate.
    sc.spawn([&, s1 = std::move(s1)]() mutable {
      drop(s1);
      go_rx.recv().unwrap();
      s2.send(5).unwrap();
    });

    mpmc::Select sel;
    sel.recv(r1);
    sel.recv(r2);
    const auto ready = sel.ready_timeout(10s);
    ASSERT_TRUE(ready.is_ok());
    EXPECT_EQ(ready.unwrap(), 0u);
    EXPECT_EQ(r1.try_recv().unwrap_err(), mpmc::TryRecvError::Disconnected);
    go_tx.send(0).unwrap();

    EXPECT_EQ(r2.recv().unwrap(), 5);
  });

  {
    mpmc::Select sel;
    sel.recv(r1);
    sel.recv(r2);
    const auto ready = sel.ready_timeout(10s);
    ASSERT_TRUE(ready.is_ok());
    EXPECT_EQ(ready.unwrap(), 0u);
    EXPECT_EQ(r1.try_recv().unwrap_err(), mpmc::TryRecvError::Disconnected);
  }

  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      thread::sleep(U);
      drop(s2);
    });

    mpmc::Select sel;
    sel.recv(r2);
    const auto ready = sel.ready_timeout(10s);
    ASSERT_TRUE(ready.is_ok());
    EXPECT_EQ(ready.unwrap(), 0u);
    EXPECT_EQ(r2.try_recv().unwrap_err(), mpmc::TryRecvError::Disconnected);
  });
}

// crossbeam ready.rs: default
TEST(SelectReady, TryReadyFailsWhenNothingIsReadyAndReportsWhatIs) {
  auto s1_r1 = mpmc::unbounded<int>();
  auto& s1 = s1_r1.first;
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::unbounded<int>();
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;

  {
    mpmc::Select sel;
    sel.recv(r1);
    sel.recv(r2);
    EXPECT_TRUE(sel.try_ready().is_err());
  }

  drop(s1);
  {
    mpmc::Select sel;
    sel.recv(r1);
    sel.recv(r2);
    const auto ready = sel.try_ready();
    ASSERT_TRUE(ready.is_ok());
    EXPECT_EQ(ready.unwrap(), 0u);
    EXPECT_TRUE(r1.try_recv().is_err());
  }

  s2.send(2).unwrap();
  {
    mpmc::Select sel;
    sel.recv(r2);
    const auto ready = sel.try_ready();
    ASSERT_TRUE(ready.is_ok());
    EXPECT_EQ(ready.unwrap(), 0u);
    EXPECT_EQ(r2.try_recv().unwrap(), 2);
  }
  {
    mpmc::Select sel;
    sel.recv(r2);
    EXPECT_TRUE(sel.try_ready().is_err());
  }
  {
    mpmc::Select sel;
    EXPECT_EQ(sel.try_ready().unwrap_err(), mpmc::TryReadyError{});
  }
}

// crossbeam ready.rs: timeout
TEST(SelectReady, ReadyTimeoutExpiresThenCatchesALaterMessage) {
  auto s1_r1 = mpmc::unbounded<int>();
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::unbounded<int>();
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;
  auto go_tx_go_rx = mpmc::unbounded<int>();
  auto& go_tx = go_tx_go_rx.first;
  auto& go_rx = go_tx_go_rx.second;

  thread::scope([&](thread::Scope& sc) {
    // Sends only after the first wait has timed out, so that one cannot see it.
    sc.spawn([&] {
      go_rx.recv().unwrap();
      thread::sleep(U);
      s2.send(2).unwrap();
    });

    {
      mpmc::Select sel;
      sel.recv(r1);
      sel.recv(r2);
      const auto start = Clock::now();
      EXPECT_EQ(sel.ready_timeout(U).unwrap_err(), mpmc::ReadyTimeoutError{});
      EXPECT_GE(Clock::now() - start, U);
      // A deadline that has passed makes it a try.
      EXPECT_TRUE(sel.ready_deadline(start).is_err());
    }
    go_tx.send(0).unwrap();
    {
      mpmc::Select sel;
      sel.recv(r1);
      sel.recv(r2);
      const auto ready = sel.ready_timeout(10s);
      ASSERT_TRUE(ready.is_ok());
      EXPECT_EQ(ready.unwrap(), 1u);
      EXPECT_EQ(r2.try_recv().unwrap(), 2);
    }
  });

  thread::scope([&](thread::Scope& sc) {
    auto s_r = mpmc::unbounded<int>();
    auto& s = s_r.first;
    auto& r = s_r.second;
    auto dropper = sc.spawn([s = std::move(s)]() mutable {
      thread::sleep(U / 5);
      drop(s);
    });

    {
      mpmc::Select sel;
      const auto start = Clock::now();
      EXPECT_TRUE(sel.ready_timeout(U).is_err());
      EXPECT_GE(Clock::now() - start, U);
    }
    dropper.join().unwrap();  // the disconnection has happened by now
    {
      mpmc::Select sel;
      sel.recv(r);
      const auto ready = sel.try_ready();
      ASSERT_TRUE(ready.is_ok());
      EXPECT_EQ(ready.unwrap(), 0u);
      EXPECT_EQ(r.try_recv().unwrap_err(), mpmc::TryRecvError::Disconnected);
    }
  });
}

// crossbeam ready.rs: default_when_disconnected
TEST(SelectReady, DisconnectedOperationsAreReadyForTryAndTimeoutForms) {
  {
    auto r = mpmc::unbounded<int>().second;
    mpmc::Select sel;
    sel.recv(r);
    const auto ready = sel.try_ready();
    ASSERT_TRUE(ready.is_ok());
    EXPECT_EQ(ready.unwrap(), 0u);
    EXPECT_EQ(r.try_recv().unwrap_err(), mpmc::TryRecvError::Disconnected);
  }
  {
    auto r = mpmc::unbounded<int>().second;
    mpmc::Select sel;
    sel.recv(r);
    const auto ready = sel.ready_timeout(10s);
    ASSERT_TRUE(ready.is_ok());
    EXPECT_EQ(ready.unwrap(), 0u);
    EXPECT_EQ(r.try_recv().unwrap_err(), mpmc::TryRecvError::Disconnected);
  }
  {
    // The same through a deadline, of another clock.
    auto r = mpmc::unbounded<int>().second;
    mpmc::Select sel;
    sel.recv(r);
    const auto ready = sel.ready_deadline(std::chrono::system_clock::now() + 10s);
    ASSERT_TRUE(ready.is_ok());
    EXPECT_EQ(ready.unwrap(), 0u);
    EXPECT_EQ(r.try_recv().unwrap_err(), mpmc::TryRecvError::Disconnected);
  }
  {
    auto s = mpmc::bounded<int>(0).first;
    mpmc::Select sel;
    sel.send(s);
    const auto ready = sel.try_ready();
    ASSERT_TRUE(ready.is_ok());
    EXPECT_EQ(ready.unwrap(), 0u);
    EXPECT_EQ(s.try_send(0).unwrap_err(), mpmc::TrySendError<int>(mpmc::TrySendError<int>::Disconnected, 0));
  }
  {
    auto s = mpmc::bounded<int>(0).first;
    mpmc::Select sel;
    sel.send(s);
    const auto ready = sel.ready_timeout(10s);
    ASSERT_TRUE(ready.is_ok());
    EXPECT_EQ(ready.unwrap(), 0u);
    EXPECT_EQ(s.try_send(0).unwrap_err(), mpmc::TrySendError<int>(mpmc::TrySendError<int>::Disconnected, 0));
  }
}

// crossbeam ready.rs: default_only
TEST(SelectReady, EmptySelectFailsTryReadyAtOnceAndWaitsOutItsTimeout) {
  {
    const auto start = Clock::now();
    mpmc::Select sel;
    EXPECT_TRUE(sel.try_ready().is_err());
    EXPECT_LT(Clock::now() - start, kSlack);
  }
  {
    const auto start = Clock::now();
    mpmc::Select sel;
    EXPECT_TRUE(sel.ready_timeout(2 * U).is_err());
    const auto took = Clock::now() - start;
    EXPECT_GE(took, 2 * U);
    EXPECT_LT(took, 2 * U + kSlack);
  }
  {
    // The same through a deadline.
    const auto start = Clock::now();
    mpmc::Select sel;
    EXPECT_TRUE(sel.ready_deadline(start + U).is_err());
    EXPECT_GE(Clock::now() - start, U);
  }
}

// crossbeam ready.rs: unblocks
TEST(SelectReady, AWaitingRendezvousPeerUnblocksIt) {
  auto s1_r1 = mpmc::bounded<int>(0);
  auto& s1 = s1_r1.first;
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::bounded<int>(0);
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;

  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      thread::sleep(U);
      s2.send(2).unwrap();
    });

    mpmc::Select sel;
    sel.recv(r1);
    sel.recv(r2);
    const auto ready = sel.ready_timeout(10s);
    ASSERT_TRUE(ready.is_ok());
    EXPECT_EQ(ready.unwrap(), 1u);
    EXPECT_EQ(r2.try_recv().unwrap(), 2);
  });

  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      thread::sleep(U);
      EXPECT_EQ(r1.recv().unwrap(), 1);
    });

    mpmc::Select sel;
    const auto oper1 = sel.send(s1);
    const auto oper2 = sel.send(s2);
    auto oper = sel.select_timeout(10s);
    ASSERT_TRUE(oper.is_ok());
    auto op = std::move(oper).unwrap();
    EXPECT_NE(op.index(), oper2);
    ASSERT_EQ(op.index(), oper1);
    op.send(s1, 1).unwrap();
  });
}

// crossbeam ready.rs: both_ready
TEST(SelectReady, ReportsARendezvousReceiveAndThenARendezvousSend) {
  auto s1_r1 = mpmc::bounded<int>(0);
  auto& s1 = s1_r1.first;
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::bounded<int>(0);
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;

  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      thread::sleep(U);
      s1.send(1).unwrap();
      EXPECT_EQ(r2.recv().unwrap(), 2);
    });

    for (int k = 0; k < 2; ++k) {
      mpmc::Select sel;
      sel.recv(r1);
      sel.send(s2);
      switch (sel.ready()) {
        case 0: EXPECT_EQ(r1.try_recv().unwrap(), 1); break;
        case 1: s2.try_send(2).unwrap(); break;
        default: ADD_FAILURE() << "no such operation";
      }
    }
  });
}

// crossbeam ready.rs: cloning1
TEST(SelectReady, DroppingASenderCloneWhileWaitingIsHarmless) {
  thread::scope([&](thread::Scope& sc) {
    auto s1_r1 = mpmc::unbounded<int>();
    auto& s1 = s1_r1.first;
    auto& r1 = s1_r1.second;
    auto s2_r2 = mpmc::unbounded<int>();
    auto& r2 = s2_r2.second;
    auto s3_r3 = mpmc::unbounded<int>();
    auto& s3 = s3_r3.first;
    auto& r3 = s3_r3.second;

    sc.spawn([s1 = std::move(s1), r3 = std::move(r3)] {
      r3.recv().unwrap();
      { [[maybe_unused]] auto extra = s1.clone(); }
      EXPECT_TRUE(r3.try_recv().is_err());
      s1.send(1).unwrap();
      r3.recv().unwrap();
    });

    s3.send(0).unwrap();

    mpmc::Select sel;
    sel.recv(r1);
    sel.recv(r2);
    switch (sel.ready()) {
      case 0: (void)r1.try_recv(); break;
      case 1: (void)r2.try_recv(); break;
      default: ADD_FAILURE() << "no such operation";
    }

    s3.send(0).unwrap();
  });
}

// crossbeam ready.rs: cloning2
TEST(SelectReady, DroppingASenderCloneDoesNotMakeTheReceiveReady) {
  auto s1_r1 = mpmc::unbounded<int>();
  auto& s1 = s1_r1.first;
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::unbounded<int>();
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;
  auto s3_r3 = mpmc::unbounded<int>();

  thread::scope([&](thread::Scope& sc) {
    sc.spawn([r1 = r1, r2 = r2] {
      mpmc::Select sel;
      sel.recv(r1);
      sel.recv(r2);
      const auto i = sel.ready();
      EXPECT_EQ(i, 1u) << "r1 still has a sender: it cannot be ready";
      if (i == 1) (void)r2.try_recv();
    });

    thread::sleep(U);
    { [[maybe_unused]] auto extra = s1.clone(); }
    s2.send(0).unwrap();
  });
}

// crossbeam ready.rs: preflight1
TEST(SelectReady, SeesAMessageSentBeforehand) {
  auto s_r = mpmc::unbounded<int>();
  auto& s = s_r.first;
  auto& r = s_r.second;
  s.send(0).unwrap();

  mpmc::Select sel;
  sel.recv(r);
  ASSERT_EQ(sel.ready(), 0u);
  EXPECT_TRUE(r.try_recv().is_ok());
}

// crossbeam ready.rs: preflight2
TEST(SelectReady, SeesAMessageLeftInADisconnectedChannel) {
  auto s_r = mpmc::unbounded<int>();
  auto& s = s_r.first;
  auto& r = s_r.second;
  { [[maybe_unused]] auto extra = s.clone(); }
  s.send(0).unwrap();
  drop(s);

  mpmc::Select sel;
  sel.recv(r);
  ASSERT_EQ(sel.ready(), 0u);
  EXPECT_EQ(r.try_recv().unwrap(), 0);
  EXPECT_EQ(r.try_recv().unwrap_err(), mpmc::TryRecvError::Disconnected);
}

// crossbeam ready.rs: preflight3
TEST(SelectReady, SeesADrainedDisconnectedChannel) {
  auto s_r = mpmc::unbounded<int>();
  auto& s = s_r.first;
  auto& r = s_r.second;
  { [[maybe_unused]] auto extra = s.clone(); }
  s.send(0).unwrap();
  drop(s);
  r.recv().unwrap();

  mpmc::Select sel;
  sel.recv(r);
  ASSERT_EQ(sel.ready(), 0u);
  EXPECT_EQ(r.try_recv().unwrap_err(), mpmc::TryRecvError::Disconnected);
}

// crossbeam ready.rs: duplicate_operations
TEST(SelectReady, DuplicateOperationsAreAllReported) {
  auto s_r = mpmc::unbounded<int>();
  auto& s = s_r.first;
  auto& r = s_r.second;
  std::array<bool, 4> hit{};

  for (int round = 0; !std::all_of(hit.begin(), hit.end(), [](bool h) { return h; }); ++round) {
    ASSERT_LT(round, 100000) << "some duplicate operation is never reported";
    mpmc::Select sel;
    sel.recv(r);
    sel.recv(r);
    sel.send(s);
    sel.send(s);
    const auto i = sel.ready();
    switch (i) {
      case 0:
      case 1: EXPECT_TRUE(r.try_recv().is_ok()); break;
      case 2:
      case 3: EXPECT_TRUE(s.try_send(0).is_ok()); break;
      default: FAIL() << "no such operation";
    }
    hit[i] = true;
  }
}

// crossbeam ready.rs: nesting
TEST(SelectReady, NestedSelectsEachSeeTheirOperation) {
  auto s_r = mpmc::unbounded<int>();
  auto& s = s_r.first;
  auto& r = s_r.second;

  mpmc::Select sel;
  sel.send(s);
  ASSERT_EQ(sel.ready(), 0u);
  EXPECT_TRUE(s.try_send(0).is_ok());
  {
    mpmc::Select sel2;
    sel2.recv(r);
    ASSERT_EQ(sel2.ready(), 0u);
    EXPECT_EQ(r.try_recv().unwrap(), 0);
    {
      mpmc::Select sel3;
      sel3.send(s);
      ASSERT_EQ(sel3.ready(), 0u);
      EXPECT_TRUE(s.try_send(1).is_ok());
      {
        mpmc::Select sel4;
        sel4.recv(r);
        ASSERT_EQ(sel4.ready(), 0u);
        EXPECT_EQ(r.try_recv().unwrap(), 1);
      }
    }
  }
}

namespace {
// crossbeam ready.rs: stress_recv. An Empty try_recv() after ready() is
// tolerated and readiness is asked again: a sender descheduled between
// claiming its slot and publishing it makes that happen, as try_recv() waits
// only a short back-off for it (docs/channels.md). With `strict`, such a miss
// must stay rare: at most 1% of the messages see one (crossbeam asserts none,
// its try_recv() waiting for the stalled sender however long it takes). On
// 2 CPUs with 3 busy loops beside it, an optimized build saw no miss in 40
// runs; under ThreadSanitizer, whose runtime stretches the write, up to 18
// of the 1000 messages saw one, so the bound there is 5%.
void stress_ready_recv(bool strict) {
  constexpr std::size_t kCount = 500;
  auto s1_r1 = mpmc::unbounded<std::size_t>();
  auto& s1 = s1_r1.first;
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::bounded<std::size_t>(5);
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;
  auto s3_r3 = mpmc::bounded<int>(0);
  auto& s3 = s3_r3.first;
  auto& r3 = s3_r3.second;

  std::size_t messages_missed = 0;
  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      for (std::size_t i = 0; i < kCount; ++i) {
        s1.send(i).unwrap();
        r3.recv().unwrap();
        s2.send(i).unwrap();
        r3.recv().unwrap();
      }
    });

    // No unwrap here: a failure must not leave the sender blocked forever.
    for (std::size_t i = 0; i < kCount; ++i) {
      for (int k = 0; k < 2; ++k) {
        mpmc::Select sel;
        sel.recv(r1);
        sel.recv(r2);
        bool missed = false;
        for (;;) {
          const auto which = sel.ready();
          ASSERT_LT(which, 2u);
          const auto res = (which == 0 ? r1 : r2).try_recv();
          if (res.is_ok()) {
            EXPECT_EQ(res.unwrap(), i);
            break;
          }
          EXPECT_EQ(res.unwrap_err(), mpmc::TryRecvError::Empty);
          missed = true;
        }
        if (missed) ++messages_missed;
        s3.send(0).unwrap();
      }
    }
  });
  if (strict) {
    constexpr std::size_t kPercent = FEARLESS_TSAN ? 5 : 1;
    EXPECT_LE(messages_missed, 2 * kCount * kPercent / 100) << "of " << 2 * kCount << " messages";
  }
}
}  // namespace

TEST(SelectReady, StressReceivesAcrossUnboundedAndBounded) { stress_ready_recv(false); }

// As crossbeam, but for a sender descheduled mid-write: the receive ready()
// reported is the one try_recv() completes (a running sender finishes its
// write within try_recv's back-off).
TEST(SelectReady, StressReceivesTryRecvAlmostAlwaysSucceedsAfterReady) { stress_ready_recv(true); }

// crossbeam ready.rs: stress_recv, with the sender held inside its write:
// crossbeam's try_recv() after ready() waits for it however long it takes;
// ours waits a short back-off and then reports Empty (crossbeam #997, see
// docs/channels.md; tested with a stalled writer in Bounded and MpmcTryRecv).

// crossbeam ready.rs: stress_send
TEST(SelectReady, StressRendezvousSends) {
  constexpr std::size_t kCount = 500;
  auto s1_r1 = mpmc::bounded<std::size_t>(0);
  auto& s1 = s1_r1.first;
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::bounded<std::size_t>(0);
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;
  auto s3_r3 = mpmc::bounded<int>(100);
  auto& s3 = s3_r3.first;
  auto& r3 = s3_r3.second;

  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      for (std::size_t i = 0; i < kCount; ++i) {
        EXPECT_EQ(r1.recv().unwrap(), i);
        EXPECT_EQ(r2.recv().unwrap(), i);
        r3.recv().unwrap();
      }
    });

    for (std::size_t i = 0; i < kCount; ++i) {
      for (int k = 0; k < 2; ++k) {
        mpmc::Select sel;
        sel.send(s1);
        sel.send(s2);
        switch (sel.ready()) {
          case 0: EXPECT_TRUE(s1.try_send(i).is_ok()); break;
          case 1: EXPECT_TRUE(s2.try_send(i).is_ok()); break;
          default: ADD_FAILURE() << "no such operation";
        }
      }
      s3.send(0).unwrap();
    }
  });
}

// crossbeam ready.rs: stress_mixed
TEST(SelectReady, StressRendezvousReceiveAndSend) {
  constexpr std::size_t kCount = 500;
  auto s1_r1 = mpmc::bounded<std::size_t>(0);
  auto& s1 = s1_r1.first;
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::bounded<std::size_t>(0);
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;
  auto s3_r3 = mpmc::bounded<int>(100);
  auto& s3 = s3_r3.first;
  auto& r3 = s3_r3.second;

  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      for (std::size_t i = 0; i < kCount; ++i) {
        s1.send(i).unwrap();
        EXPECT_EQ(r2.recv().unwrap(), i);
        r3.recv().unwrap();
      }
    });

    for (std::size_t i = 0; i < kCount; ++i) {
      for (int k = 0; k < 2; ++k) {
        mpmc::Select sel;
        sel.recv(r1);
        sel.send(s2);
        switch (sel.ready()) {
          case 0: EXPECT_EQ(r1.try_recv().unwrap(), i); break;
          case 1: EXPECT_TRUE(s2.try_send(i).is_ok()); break;
          default: ADD_FAILURE() << "no such operation";
        }
      }
      s3.send(0).unwrap();
    }
  });
}

namespace {
// crossbeam ready.rs: stress_timeout_two_threads. With `strict`, as crossbeam
// asserts it: the operation ready_timeout() reports is the one the try form
// then completes. Without, a failed try_send()/try_recv() is tolerated and
// readiness is asked again (what a peer stalled mid-slot makes happen).
void stress_ready_timeout_two_threads(bool strict) {
  constexpr std::size_t kCount = 10;
  constexpr auto kPause = 25ms;
  constexpr auto kWait = 5ms;
  auto s_r = mpmc::bounded<std::size_t>(2);
  auto& s = s_r.first;
  auto& r = s_r.second;

  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      for (std::size_t i = 0; i < kCount; ++i) {
        if (i % 2 == 0) thread::sleep(kPause);
        for (;;) {
          mpmc::Select sel;
          sel.send(s);
          const auto ready = sel.ready_timeout(kWait);
          if (ready.is_err()) continue;
          EXPECT_EQ(ready.unwrap(), 0u);
          const auto res = s.try_send(i);
          if (res.is_ok()) break;
          EXPECT_FALSE(strict) << "ready_timeout() reported the send but try_send() failed";
          EXPECT_TRUE(res.unwrap_err().is_full());
        }
      }
    });

    sc.spawn([&] {
      for (std::size_t i = 0; i < kCount; ++i) {
        if (i % 2 == 0) thread::sleep(kPause);
        for (;;) {
          mpmc::Select sel;
          sel.recv(r);
          const auto ready = sel.ready_timeout(kWait);
          if (ready.is_err()) continue;
          EXPECT_EQ(ready.unwrap(), 0u);
          const auto res = r.try_recv();
          if (res.is_ok()) {
            EXPECT_EQ(res.unwrap(), i);
            break;
          }
          EXPECT_FALSE(strict) << "ready_timeout() reported the receive but try_recv() found it empty";
          EXPECT_EQ(res.unwrap_err(), mpmc::TryRecvError::Empty);
        }
      }
    });
  });
}
}  // namespace

TEST(SelectReady, StressReadyTimeoutOnBothEnds) { stress_ready_timeout_two_threads(false); }

// As crossbeam asserts it, on both ends: the peer of a ready operation has
// finished with the slot within the try form's back-off unless descheduled
// mid-slot, which a 10-message run has not been seen to hit.
TEST(SelectReady, StressReadyTimeoutTryOpsSucceedAfterEveryReady) { stress_ready_timeout_two_threads(true); }

// crossbeam ready.rs: send_recv_same_channel
TEST(SelectReady, SendAndReceiveOnTheSameChannel) {
  {
    // A rendezvous select cannot pair its send with its own receive.
    auto s_r = mpmc::bounded<int>(0);
    auto& s = s_r.first;
    auto& r = s_r.second;
    mpmc::Select sel;
    sel.send(s);
    sel.recv(r);
    const auto start = Clock::now();
    EXPECT_TRUE(sel.ready_timeout(U).is_err());
    EXPECT_GE(Clock::now() - start, U);
  }
  {
    auto s_r = mpmc::unbounded<int>();
    auto& s = s_r.first;
    auto& r = s_r.second;
    mpmc::Select sel;
    sel.send(s);
    sel.recv(r);
    const auto ready = sel.ready_timeout(U);
    ASSERT_TRUE(ready.is_ok());
    ASSERT_EQ(ready.unwrap(), 0u);
    EXPECT_TRUE(s.try_send(0).is_ok());
  }
}

// crossbeam ready.rs: channel_through_channel (Box<dyn Any + Send> is std::any here)
TEST(SelectReady, ChannelsSentThroughChannels) {
  constexpr int kCount = 200;
  using Msg = std::any;
  using Next = std::optional<mpmc::Receiver<Msg>>;

  for (std::size_t cap = 1; cap < 4; ++cap) {
    auto s0_r0 = mpmc::bounded<Msg>(cap);
    auto& s0 = s0_r0.first;
    auto& r0 = s0_r0.second;

    thread::scope([&, s0 = std::move(s0), r0 = std::move(r0)](thread::Scope& sc) mutable {
      sc.spawn([&, s = std::move(s0)]() mutable {
        for (int k = 0; k < kCount; ++k) {
          auto new_s_new_r = mpmc::bounded<Msg>(cap);
          auto& new_s = new_s_new_r.first;
          auto& new_r = new_s_new_r.second;
          {
            mpmc::Select sel;
            sel.send(s);
            // As on the receiving side, a try_send() may meet a slot still being freed.
            Msg m(Next(std::move(new_r)));
            for (;;) {
              ASSERT_EQ(sel.ready(), 0u);
              auto res = s.try_send(std::move(m));
              if (res.is_ok()) break;
              ASSERT_TRUE(res.unwrap_err().is_full());
              m = std::move(res).unwrap_err().into_inner();
            }
          }
          s = std::move(new_s);
        }
      });

      sc.spawn([&, r = std::move(r0)]() mutable {
        for (int k = 0; k < kCount; ++k) {
          mpmc::Select sel;
          sel.recv(r);
          // crossbeam unwraps the first try_recv(); ours reports Empty if the
          // message's sender is stalled inside its write.
          std::optional<Msg> got;
          while (!got) {
            ASSERT_EQ(sel.ready(), 0u);
            auto res = r.try_recv();
            if (res.is_ok()) got.emplace(std::move(res).unwrap());
          }
          Msg m = std::move(*got);
          auto* next = std::any_cast<Next>(&m);
          ASSERT_NE(next, nullptr);
          ASSERT_TRUE(next->has_value());
          auto taken = std::move(**next);
          next->reset();
          r = std::move(taken);
        }
      });
    });
  }
}

// crossbeam ready.rs: fairness1
TEST(SelectReady, FairAmongBoundedUnboundedAfterAndTick) {
  constexpr std::size_t kCount = 1000;
  auto s1_r1 = mpmc::bounded<int>(kCount);
  auto& s1 = s1_r1.first;
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::unbounded<int>();
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;
  for (std::size_t i = 0; i < kCount; ++i) {
    s1.send(0).unwrap();
    s2.send(0).unwrap();
  }

  std::array<std::size_t, 4> hits{};
  for (std::size_t i = 0; i < kCount; ++i) {
    auto after = mpmc::after(0ms);
    auto tick = mpmc::tick(0ms);

    mpmc::Select sel;
    sel.recv(r1);
    sel.recv(r2);
    sel.recv(after);
    sel.recv(tick);
    const auto k = sel.ready();
    switch (k) {
      case 0: r1.try_recv().unwrap(); break;
      case 1: r2.try_recv().unwrap(); break;
      case 2: after.try_recv().unwrap(); break;
      case 3: tick.try_recv().unwrap(); break;
      default: FAIL() << "no such operation";
    }
    ++hits[k];
  }
  for (auto h : hits) EXPECT_GE(h, kCount / hits.size() / 2);
}

// crossbeam ready.rs: fairness2
TEST(SelectReady, NoneOfThreeFlavoursStarves) {
  constexpr std::size_t kCount = 2000;
  auto s1_r1 = mpmc::unbounded<int>();
  auto& s1 = s1_r1.first;
  auto& r1 = s1_r1.second;
  auto s2_r2 = mpmc::bounded<int>(1);
  auto& s2 = s2_r2.first;
  auto& r2 = s2_r2.second;
  auto s3_r3 = mpmc::bounded<int>(0);
  auto& s3 = s3_r3.first;
  auto& r3 = s3_r3.second;

  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      for (std::size_t i = 0; i < kCount; ++i) {
        mpmc::Select sel;
        std::optional<std::size_t> oper1, oper2;
        if (s1.is_empty()) oper1 = sel.send(s1);
        if (s2.is_empty()) oper2 = sel.send(s2);
        const auto oper3 = sel.send(s3);
        auto op = sel.select();
        if (op.index() == oper1) EXPECT_TRUE(op.send(s1, 0).is_ok());
        else if (op.index() == oper2) EXPECT_TRUE(op.send(s2, 0).is_ok());
        else if (op.index() == oper3) EXPECT_TRUE(op.send(s3, 0).is_ok());
        else std::abort();  // cannot happen: the operation would stay reserved
      }
    });

    std::array<std::size_t, 3> hits{};
    for (std::size_t i = 0; i < kCount; ++i) {
      mpmc::Select sel;
      sel.recv(r1);
      sel.recv(r2);
      sel.recv(r3);
      for (;;) {
        const auto k = sel.ready();
        bool got = false;
        switch (k) {
          case 0: got = r1.try_recv().is_ok(); break;
          case 1: got = r2.try_recv().is_ok(); break;
          case 2: got = r3.try_recv().is_ok(); break;
          default: ADD_FAILURE() << "no such operation";
        }
        if (got) {
          ++hits[k];
          break;
        }
      }
    }
    for (auto h : hits) EXPECT_GT(h, 0u);
  });
}

// ============================================================================
// After: crossbeam-channel tests/after.rs
// ============================================================================

// crossbeam after.rs: fire
TEST(After, FiresOnceWithTheInstantItWasDue) {
  const auto start = Clock::now();
  auto r = mpmc::after(U);
  int got = 0;
  try_recv_not_yet(r, start + U, &got);
  thread::sleep(2 * U);

  if (got == 0) {
    const auto res = r.try_recv();
    ASSERT_TRUE(res.is_ok());
    const Instant fired = res.unwrap();
    EXPECT_LT(start, fired);
    EXPECT_GE(fired - start, U);
    const auto now = Clock::now();
    EXPECT_LT(fired, now);
    EXPECT_GE(now - fired, U);
  }
  EXPECT_EQ(r.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);

  const int arm = mpmc::select(mpmc::on_recv(r, [](auto) { return 0; }), mpmc::on_default([] { return 1; }));
  EXPECT_EQ(arm, 1);

  const auto other = mpmc::after(U);
  const int arm2 = mpmc::select(mpmc::on_recv(r, [](auto) { return 0; }), mpmc::on_recv(other, [](auto) { return 1; }));
  EXPECT_EQ(arm2, 1);
}

// crossbeam after.rs: capacity
TEST(After, CapacityIsOne) {
  for (int i = 0; i < 10; ++i) EXPECT_EQ(mpmc::after(std::chrono::milliseconds(i)).capacity(), std::optional<std::size_t>(1));
}

// crossbeam after.rs: len_empty_full
TEST(After, LenEmptyFullFollowTheSingleMessage) {
  const auto start = Clock::now();
  auto r = mpmc::after(U);
  {
    const auto len = r.len();
    const bool empty = r.is_empty();
    const bool full = r.is_full();
    if (Clock::now() < start + U) {
      EXPECT_EQ(len, 0u);
      EXPECT_TRUE(empty);
      EXPECT_FALSE(full);
    }
  }

  thread::sleep(2 * U);
  EXPECT_EQ(r.len(), 1u);
  EXPECT_FALSE(r.is_empty());
  EXPECT_TRUE(r.is_full());

  r.try_recv().unwrap();
  EXPECT_EQ(r.len(), 0u);
  EXPECT_TRUE(r.is_empty());
  EXPECT_FALSE(r.is_full());
}

// crossbeam after.rs: try_recv
TEST(After, TryRecvGetsTheMessageOnlyOnceDue) {
  const auto start = Clock::now();
  auto r = mpmc::after(2 * U);
  int got = 0;
  try_recv_not_yet(r, start + 2 * U, &got);
  thread::sleep(U);
  try_recv_not_yet(r, start + 2 * U, &got);
  thread::sleep(2 * U);
  if (r.try_recv().is_ok()) ++got;
  EXPECT_EQ(got, 1);
  EXPECT_TRUE(r.try_recv().is_err());
  thread::sleep(U);
  EXPECT_TRUE(r.try_recv().is_err());
}

// crossbeam after.rs: recv
TEST(After, RecvBlocksUntilDue) {
  const auto start = Clock::now();
  auto r = mpmc::after(U);

  const Instant fired = r.recv().unwrap();
  const auto now = Clock::now();
  EXPECT_LT(start, fired);
  EXPECT_GE(fired - start, U);
  EXPECT_LE(fired, now);
  EXPECT_LT(now - fired, kSlack);  // crossbeam: sooner than one period
  EXPECT_EQ(r.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
}

// crossbeam after.rs: recv_timeout
TEST(After, RecvTimeoutBeforeAndAfterTheMessage) {
  const auto start = Clock::now();
  auto r = mpmc::after(2 * U);

  // A timeout that ends before the timer is due.
  auto res = r.recv_timeout(U);
  auto now = Clock::now();
  EXPECT_GE(now - start, U);
  std::optional<Instant> fired;
  if (res.is_ok()) {
    // Only possible when the machine stalled past the timer's due time.
    fired = res.unwrap();
    EXPECT_GE(now - start, 2 * U);
  } else {
    EXPECT_EQ(res.unwrap_err(), mpmc::RecvTimeoutError::Timeout);
    EXPECT_LT(now - start, U + kSlack);
    fired = r.recv_timeout(2 * U).unwrap();
  }
  EXPECT_GE(*fired - start, 2 * U);
  EXPECT_LT(*fired - start, 2 * U + kSlack);

  // Once delivered, a whole timeout passes without a second message.
  const auto before = Clock::now();
  EXPECT_EQ(r.recv_timeout(U).unwrap_err(), mpmc::RecvTimeoutError::Timeout);
  now = Clock::now();
  EXPECT_GE(now - before, U);
  EXPECT_GE(now - start, 3 * U);
  EXPECT_LT(now - before, U + kSlack);
  EXPECT_EQ(r.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
}

// crossbeam after.rs: recv_two
TEST(After, TwoSelectingThreadsShareTwoTimers) {
  const auto r1 = mpmc::after(U);
  const auto r2 = mpmc::after(U);
  std::atomic<int> done{0};

  thread::scope([&](thread::Scope& sc) {
    for (int t = 0; t < 2; ++t) {
      sc.spawn([&] {
        mpmc::select(mpmc::on_recv(r1, [](auto res) { EXPECT_TRUE(res.is_ok()); }),
                     mpmc::on_recv(r2, [](auto res) { EXPECT_TRUE(res.is_ok()); }));
        done.fetch_add(1);
      });
    }
  });
  EXPECT_EQ(done.load(), 2);
}

// crossbeam after.rs: recv_race
TEST(After, TheEarlierTimerWinsASelect) {
  // The later timer is far later than crossbeam's 2x, so no stall can make both due.
  const int a = mpmc::select(mpmc::on_recv(mpmc::after(U), [](auto) { return 0; }),
                             mpmc::on_recv(mpmc::after(40 * U), [](auto) { return 1; }));
  EXPECT_EQ(a, 0);
  const int b = mpmc::select(mpmc::on_recv(mpmc::after(40 * U), [](auto) { return 0; }),
                             mpmc::on_recv(mpmc::after(U), [](auto) { return 1; }));
  EXPECT_EQ(b, 1);
}

// crossbeam after.rs: stress_default
TEST(After, DueTimerBeatsDefaultAndPendingTimerDoesNot) {
  for (int i = 0; i < 10; ++i) {
    const int arm = mpmc::select(mpmc::on_recv(mpmc::after(0ms), [](auto) { return 0; }),
                                 mpmc::on_default([] { return 1; }));
    EXPECT_EQ(arm, 0);
  }
  for (int i = 0; i < 10; ++i) {
    const int arm = mpmc::select(mpmc::on_recv(mpmc::after(2 * U), [](auto) { return 0; }),
                                 mpmc::on_default([] { return 1; }));
    EXPECT_EQ(arm, 1);
  }
}

namespace {
// A vector of after() timers due within about `count / 200` ms, like crossbeam's.
std::vector<mpmc::Receiver<Instant>> staggered_afters(std::size_t count) {
  std::vector<mpmc::Receiver<Instant>> v;
  v.reserve(count);
  for (std::size_t i = 0; i < count; ++i) v.push_back(mpmc::after(std::chrono::milliseconds(i / 100 / 2)));
  return v;
}
}  // namespace

// crossbeam after.rs: select
TEST(After, ManyThreadsSelectManyTimersEachDeliveredOnce) {
  constexpr std::size_t kThreads = 4;
  constexpr std::size_t kCount = 400;
  constexpr auto kTimeout = 2 * U;
  const auto v = staggered_afters(kCount);
  std::atomic<std::size_t> hits{0};

  thread::scope([&](thread::Scope& sc) {
    for (std::size_t t = 0; t < kThreads; ++t) {
      sc.spawn([&] {
        for (;;) {
          const auto timeout = mpmc::after(kTimeout);
          mpmc::Select sel;
          for (const auto& r : v) sel.recv(r);
          const auto oper_timeout = sel.recv(timeout);

          auto op = sel.select();
          if (op.index() == oper_timeout) {
            op.recv(timeout).unwrap();
            break;
          }
          op.recv(v[op.index()]).unwrap();
          hits.fetch_add(1);
        }
      });
    }
  });
  EXPECT_EQ(hits.load(), kCount);
}

// crossbeam after.rs: ready
TEST(After, ManyThreadsReadyOnManyTimersEachTakenOnce) {
  constexpr std::size_t kThreads = 4;
  constexpr std::size_t kCount = 400;
  constexpr auto kTimeout = 2 * U;
  const auto v = staggered_afters(kCount);
  std::atomic<std::size_t> hits{0};

  thread::scope([&](thread::Scope& sc) {
    for (std::size_t t = 0; t < kThreads; ++t) {
      sc.spawn([&] {
        for (;;) {
          const auto timeout = mpmc::after(kTimeout);
          mpmc::Select sel;
          for (const auto& r : v) sel.recv(r);
          const auto oper_timeout = sel.recv(timeout);

          for (;;) {
            const auto i = sel.ready();
            if (i == oper_timeout) {
              EXPECT_TRUE(timeout.try_recv().is_ok());
              return;
            }
            if (v[i].try_recv().is_ok()) {
              hits.fetch_add(1);
              break;
            }
          }
        }
      });
    }
  });
  EXPECT_EQ(hits.load(), kCount);
}

// crossbeam after.rs: stress_clone
TEST(After, CloningAndDroppingReceiversFromManyThreads) {
  constexpr int kRuns = 30;
  constexpr int kThreads = 4;
  constexpr int kCount = 20;

  for (int i = 0; i < kRuns; ++i) {
    const auto r = mpmc::after(std::chrono::milliseconds(i));
    thread::scope([&](thread::Scope& sc) {
      for (int t = 0; t < kThreads; ++t) {
        sc.spawn([&] {
          const auto mine = r.clone();
          (void)mine.try_recv();
          for (int k = 0; k < kCount; ++k) {
            { [[maybe_unused]] auto extra = mine.clone(); }
            std::this_thread::yield();
          }
        });
      }
    });
  }
}

// crossbeam after.rs: fairness
TEST(After, SelectIsFairBetweenTwoTimers) {
  for (const auto& [dur, count] : {std::pair{0, 1000}, std::pair{1, 100}}) {
    std::array<int, 2> hits{};
    for (int i = 0; i < count; ++i) {
      const auto d = std::chrono::milliseconds(dur);
      mpmc::select(mpmc::on_recv(mpmc::after(d), [&](auto) { ++hits[0]; }),
                   mpmc::on_recv(mpmc::after(d), [&](auto) { ++hits[1]; }));
    }
    for (auto h : hits) EXPECT_GE(h, count / 2 / 2) << "after(" << dur << "ms)";
  }
}

// crossbeam after.rs: fairness_duplicates
TEST(After, SelectIsFairAmongDuplicatesOfOneTimer) {
  // With 1 ms timers each round waits, so fewer rounds: none of the five may
  // fall below a quarter of its share (crossbeam: half of it, over 1000 rounds).
  for (const auto& [dur, count, min_share] : {std::tuple{0, 1000, 2}, std::tuple{1, 150, 4}}) {
    std::array<int, 5> hits{};
    for (int i = 0; i < count; ++i) {
      const auto r = mpmc::after(std::chrono::milliseconds(dur));
      mpmc::select(mpmc::on_recv(r, [&](auto) { ++hits[0]; }), mpmc::on_recv(r, [&](auto) { ++hits[1]; }),
                   mpmc::on_recv(r, [&](auto) { ++hits[2]; }), mpmc::on_recv(r, [&](auto) { ++hits[3]; }),
                   mpmc::on_recv(r, [&](auto) { ++hits[4]; }));
    }
    for (auto h : hits) EXPECT_GE(h, count / 5 / min_share) << "after(" << dur << "ms)";
  }
}

// ============================================================================
// Tick: crossbeam-channel tests/tick.rs
// ============================================================================

// crossbeam tick.rs: fire
TEST(Tick, FiresWithTheScheduledInstantAndAgainAPeriodLater) {
  const auto start = Clock::now();
  auto r = mpmc::tick(U);
  int got = 0;
  try_recv_not_yet(r, start + U, &got);
  thread::sleep(2 * U);

  const auto before = Clock::now();
  const auto res = r.try_recv();
  ASSERT_TRUE(res.is_ok());
  const Instant fired = res.unwrap();
  if (got == 0) {
    EXPECT_LT(start, fired);
    EXPECT_GE(fired - start, U);
    const auto now = Clock::now();
    EXPECT_LT(fired, now);
    EXPECT_GE(now - fired, U);
  }
  // The next tick is a whole period after this receive.
  try_recv_not_yet(r, before + U);

  const int arm = mpmc::select(mpmc::on_recv(r, [](auto) { return 0; }), mpmc::on_default([] { return 1; }));
  if (Clock::now() < before + U) {
    EXPECT_EQ(arm, 1);
  }

  // crossbeam races tick(4 periods); a far later one keeps a stall from making both due.
  const auto other = mpmc::tick(40 * U);
  const int arm2 = mpmc::select(mpmc::on_recv(r, [](auto) { return 0; }), mpmc::on_recv(other, [](auto) { return 1; }));
  EXPECT_EQ(arm2, 0);
}

// crossbeam tick.rs: intervals
TEST(Tick, MissedTicksAreDroppedAndTheScheduleRestartsAtTheReceive) {
  const auto start = Clock::now();
  auto r = mpmc::tick(U);

  const Instant t1 = r.recv().unwrap();
  EXPECT_LE(start + U, t1);
  EXPECT_GT(start + U + kSlack, t1);

  thread::sleep(3 * U);  // several periods go by unreceived
  const auto before2 = Clock::now();
  const Instant t2 = r.try_recv().unwrap();
  const auto after2 = Clock::now();
  EXPECT_LE(t1 + U, t2);
  EXPECT_GT(t1 + U + kSlack, t2);

  // Only one message for the missed periods; the next is a period after this receive.
  try_recv_not_yet(r, before2 + U);
  const Instant t3 = r.recv().unwrap();
  EXPECT_LE(before2 + U, t3);
  EXPECT_GT(after2 + U + kSlack, t3);
  EXPECT_GE(Clock::now() - start, 5 * U);

  try_recv_not_yet(r, t3 + U);
}

// crossbeam tick.rs: capacity
TEST(Tick, CapacityIsOne) {
  for (int i = 0; i < 10; ++i) EXPECT_EQ(mpmc::tick(std::chrono::milliseconds(i)).capacity(), std::optional<std::size_t>(1));
}

// crossbeam tick.rs: len_empty_full
TEST(Tick, LenEmptyFullFollowTheDueTick) {
  const auto start = Clock::now();
  auto r = mpmc::tick(U);
  {
    const auto len = r.len();
    const bool empty = r.is_empty();
    const bool full = r.is_full();
    if (Clock::now() < start + U) {
      EXPECT_EQ(len, 0u);
      EXPECT_TRUE(empty);
      EXPECT_FALSE(full);
    }
  }

  thread::sleep(2 * U);
  EXPECT_EQ(r.len(), 1u);
  EXPECT_FALSE(r.is_empty());
  EXPECT_TRUE(r.is_full());

  const auto before = Clock::now();
  r.try_recv().unwrap();
  const auto len = r.len();
  const bool empty = r.is_empty();
  const bool full = r.is_full();
  if (Clock::now() < before + U) {
    EXPECT_EQ(len, 0u);
    EXPECT_TRUE(empty);
    EXPECT_FALSE(full);
  }
}

// crossbeam tick.rs: try_recv
TEST(Tick, TryRecvGetsATickEachPeriod) {
  const auto start = Clock::now();
  auto r = mpmc::tick(2 * U);
  // When the current tick can be due at the earliest: a period after the
  // start or after the receive of the previous one.
  auto due = start + 2 * U;
  auto probe = [&] {
    const auto before = Clock::now();
    if (try_recv_not_yet(r, due)) due = before + 2 * U;
  };

  probe();
  thread::sleep(U);
  probe();
  thread::sleep(2 * U);
  auto before = Clock::now();
  EXPECT_TRUE(r.try_recv().is_ok());
  due = before + 2 * U;
  probe();
  thread::sleep(2 * U);
  before = Clock::now();
  EXPECT_TRUE(r.try_recv().is_ok());
  due = before + 2 * U;
  probe();
}

// crossbeam tick.rs: recv
TEST(Tick, RecvBlocksUntilTheFirstTick) {
  const auto start = Clock::now();
  auto r = mpmc::tick(U);

  const auto before = Clock::now();
  const Instant fired = r.recv().unwrap();
  const auto now = Clock::now();
  EXPECT_LT(start, fired);
  EXPECT_GE(fired - start, U);
  EXPECT_LE(fired, now);
  EXPECT_LT(now - fired, kSlack);  // crossbeam: sooner than one period
  try_recv_not_yet(r, std::max(before, fired) + U);
}

// crossbeam tick.rs: recv_timeout
TEST(Tick, RecvTimeoutAroundTheTicks) {
  const auto start = Clock::now();
  auto r = mpmc::tick(2 * U);

  // Times out before the first tick...
  auto before = Clock::now();
  auto res = r.recv_timeout(U);
  auto now = Clock::now();
  if (res.is_ok()) {
    EXPECT_GE(now - start, 2 * U);  // only after a stall past the tick
    GTEST_SKIP() << "the machine stalled past the first tick";
  }
  EXPECT_EQ(res.unwrap_err(), mpmc::RecvTimeoutError::Timeout);
  EXPECT_GE(now - before, U);

  // ...then gets it.
  const Instant t1 = r.recv_timeout(2 * U).unwrap();
  EXPECT_GE(t1 - start, 2 * U);
  EXPECT_LT(t1 - start, 2 * U + kSlack);

  // The next tick is a period after that receive: a shorter timeout ends first.
  before = Clock::now();
  res = r.recv_timeout(U);
  now = Clock::now();
  if (res.is_ok()) {
    EXPECT_GE(res.unwrap(), t1 + 2 * U);
    GTEST_SKIP() << "the machine stalled past the second tick";
  }
  EXPECT_EQ(res.unwrap_err(), mpmc::RecvTimeoutError::Timeout);
  EXPECT_GE(now - before, U);

  const Instant t2 = r.recv_timeout(2 * U).unwrap();
  EXPECT_GE(t2 - t1, 2 * U);
  EXPECT_GE(t2 - start, 4 * U);
  EXPECT_LT(t2 - start, 4 * U + kSlack);
}

// crossbeam tick.rs: recv_two
TEST(Tick, TwoSelectingThreadsShareTwoTickers) {
  constexpr int kRounds = 5;
  const auto r1 = mpmc::tick(U / 2);
  const auto r2 = mpmc::tick(U / 2);
  std::atomic<int> got{0};

  thread::scope([&](thread::Scope& sc) {
    for (int t = 0; t < 2; ++t) {
      sc.spawn([&] {
        for (int k = 0; k < kRounds; ++k) {
          mpmc::select(mpmc::on_recv(r1, [](auto res) { EXPECT_TRUE(res.is_ok()); }),
                       mpmc::on_recv(r2, [](auto res) { EXPECT_TRUE(res.is_ok()); }));
          got.fetch_add(1);
        }
      });
    }
  });
  EXPECT_EQ(got.load(), 2 * kRounds);
}

// crossbeam tick.rs: recv_race
TEST(Tick, TheFasterTickerWinsASelect) {
  // crossbeam races 1 period against 2; a far slower ticker keeps a stall from making both due.
  const int a = mpmc::select(mpmc::on_recv(mpmc::tick(U), [](auto) { return 0; }),
                             mpmc::on_recv(mpmc::tick(40 * U), [](auto) { return 1; }));
  EXPECT_EQ(a, 0);
  const int b = mpmc::select(mpmc::on_recv(mpmc::tick(40 * U), [](auto) { return 0; }),
                             mpmc::on_recv(mpmc::tick(U), [](auto) { return 1; }));
  EXPECT_EQ(b, 1);
}

// crossbeam tick.rs: stress_default
TEST(Tick, DueTickBeatsDefaultAndPendingTickDoesNot) {
  for (int i = 0; i < 10; ++i) {
    const int arm = mpmc::select(mpmc::on_recv(mpmc::tick(0ms), [](auto) { return 0; }),
                                 mpmc::on_default([] { return 1; }));
    EXPECT_EQ(arm, 0);
  }
  for (int i = 0; i < 10; ++i) {
    const int arm = mpmc::select(mpmc::on_recv(mpmc::tick(2 * U), [](auto) { return 0; }),
                                 mpmc::on_default([] { return 1; }));
    EXPECT_EQ(arm, 1);
  }
}

namespace {
// Shared by the two Tick tests of several threads selecting on two tickers
// until a timeout: the instants each ticker delivered.
struct TickLog {
  std::mutex mu;
  std::vector<Instant> a, b;
  void add(bool first, Instant t) {
    std::lock_guard<std::mutex> g(mu);
    (first ? a : b).push_back(t);
  }
};

// crossbeam expects exactly 5 + 3 ticks of periods 200 and 300 ms within a
// timeout of 1100 ms. Asserted here: no tick is delivered twice or early
// (each ticker's instants are a period apart, at least), no more ticks than
// the time allows, and most of the expected ones.
void check_tick_log(TickLog& log, Clock::time_point start, Clock::duration p1, Clock::duration p2) {
  const auto elapsed = Clock::now() - start;
  for (auto* v : {&log.a, &log.b}) std::sort(v->begin(), v->end());
  for (std::size_t i = 0; i < log.a.size(); ++i)
    EXPECT_GE(log.a[i] - (i == 0 ? start : log.a[i - 1]), p1) << "ticker 1, tick " << i;
  for (std::size_t i = 0; i < log.b.size(); ++i)
    EXPECT_GE(log.b[i] - (i == 0 ? start : log.b[i - 1]), p2) << "ticker 2, tick " << i;
  EXPECT_LE(static_cast<long>(log.a.size()), elapsed / p1);
  EXPECT_LE(static_cast<long>(log.b.size()), elapsed / p2);
  EXPECT_GE(log.a.size() + log.b.size(), 4u) << "crossbeam expects 8";
}
}  // namespace

// crossbeam tick.rs: select
TEST(Tick, ThreadsSelectingOnTwoTickersShareTheTicks) {
  constexpr std::size_t kThreads = 4;
  constexpr auto p1 = 30ms;
  constexpr auto p2 = 45ms;
  constexpr auto kTimeout = 165ms;  // crossbeam's 200/300/1100 ms, scaled down
  TickLog log;
  const auto start = Clock::now();
  const auto r1 = mpmc::tick(p1);
  const auto r2 = mpmc::tick(p2);

  thread::scope([&](thread::Scope& sc) {
    for (std::size_t t = 0; t < kThreads; ++t) {
      sc.spawn([&] {
        const auto timeout = mpmc::after(kTimeout);
        for (;;) {
          mpmc::Select sel;
          const auto oper1 = sel.recv(r1);
          const auto oper2 = sel.recv(r2);
          const auto oper3 = sel.recv(timeout);
          auto op = sel.select();
          if (op.index() == oper1) {
            log.add(true, op.recv(r1).unwrap());
          } else if (op.index() == oper2) {
            log.add(false, op.recv(r2).unwrap());
          } else if (op.index() == oper3) {
            op.recv(timeout).unwrap();
            break;
          } else {
            std::abort();  // cannot happen: the operation would stay reserved
          }
        }
      });
    }
  });
  check_tick_log(log, start, p1, p2);
}

// crossbeam tick.rs: ready
TEST(Tick, ThreadsReadyOnTwoTickersShareTheTicks) {
  constexpr std::size_t kThreads = 4;
  constexpr auto p1 = 30ms;
  constexpr auto p2 = 45ms;
  constexpr auto kTimeout = 165ms;
  TickLog log;
  const auto start = Clock::now();
  const auto r1 = mpmc::tick(p1);
  const auto r2 = mpmc::tick(p2);

  thread::scope([&](thread::Scope& sc) {
    for (std::size_t t = 0; t < kThreads; ++t) {
      sc.spawn([&] {
        const auto timeout = mpmc::after(kTimeout);
        for (;;) {
          mpmc::Select sel;
          sel.recv(r1);
          sel.recv(r2);
          sel.recv(timeout);
          for (;;) {
            const auto i = sel.ready();
            if (i == 0) {
              if (auto res = r1.try_recv(); res.is_ok()) {
                log.add(true, res.unwrap());
                break;
              }
            } else if (i == 1) {
              if (auto res = r2.try_recv(); res.is_ok()) {
                log.add(false, res.unwrap());
                break;
              }
            } else if (i == 2) {
              if (timeout.try_recv().is_ok()) return;
            } else {
              ADD_FAILURE() << "no such operation";
              return;
            }
          }
        }
      });
    }
  });
  check_tick_log(log, start, p1, p2);
}

// crossbeam tick.rs: fairness
TEST(Tick, SelectIsFairBetweenTwoTickers) {
  constexpr int kCount = 10;
  for (int dur : {0, 1}) {
    std::array<int, 2> hits{};
    for (int i = 0; i < kCount; ++i) {
      const auto r1 = mpmc::tick(std::chrono::milliseconds(dur));
      const auto r2 = mpmc::tick(std::chrono::milliseconds(dur));
      for (int k = 0; k < kCount; ++k) {
        mpmc::select(mpmc::on_recv(r1, [&](auto) { ++hits[0]; }), mpmc::on_recv(r2, [&](auto) { ++hits[1]; }));
      }
    }
    for (auto h : hits) EXPECT_GE(h, kCount / 2 / 2) << "tick(" << dur << "ms)";
  }
}

// crossbeam tick.rs: fairness_duplicates
TEST(Tick, SelectIsFairAmongDuplicatesOfOneTicker) {
  constexpr int kCount = 10;
  for (int dur : {0, 1}) {
    std::array<int, 5> hits{};
    for (int i = 0; i < kCount; ++i) {
      const auto r = mpmc::tick(std::chrono::milliseconds(dur));
      for (int k = 0; k < kCount; ++k) {
        mpmc::select(mpmc::on_recv(r, [&](auto) { ++hits[0]; }), mpmc::on_recv(r, [&](auto) { ++hits[1]; }),
                     mpmc::on_recv(r, [&](auto) { ++hits[2]; }), mpmc::on_recv(r, [&](auto) { ++hits[3]; }),
                     mpmc::on_recv(r, [&](auto) { ++hits[4]; }));
      }
    }
    for (auto h : hits) EXPECT_GE(h, kCount / 5 / 2) << "tick(" << dur << "ms)";
  }
}

// ============================================================================
// Never: crossbeam-channel tests/never.rs
// ============================================================================

// crossbeam never.rs: smoke
TEST(Never, SelectFallsToDefault) {
  const int arm = mpmc::select(mpmc::on_recv(mpmc::never<int>(), [](auto) { return 0; }),
                               mpmc::on_default([] { return 1; }));
  EXPECT_EQ(arm, 1);
}

// crossbeam never.rs: optional
TEST(Never, StandsInForAMissingReceiver) {
  auto s_r = mpmc::unbounded<int>();
  auto& s = s_r.first;
  auto& r = s_r.second;
  s.send(1).unwrap();
  s.send(2).unwrap();
  const auto off = mpmc::never<int>();

  const mpmc::Receiver<int>* maybe = &r;
  int arm = mpmc::select(mpmc::on_recv(maybe != nullptr ? *maybe : off, [](auto) { return 0; }),
                         mpmc::on_default([] { return 1; }));
  EXPECT_EQ(arm, 0);

  maybe = nullptr;
  arm = mpmc::select(mpmc::on_recv(maybe != nullptr ? *maybe : off, [](auto) { return 0; }),
                     mpmc::on_default([] { return 1; }));
  EXPECT_EQ(arm, 1);
}

// crossbeam never.rs: tick_n
TEST(Never, ReplacingATickerWithNeverStopsTheTicks) {
  // crossbeam: 10 ticks of 100 ms, then a 500 ms timeout.
  auto r = mpmc::tick(10ms);
  int step = 0;

  for (;;) {
    const bool ticked = mpmc::select(mpmc::on_recv(r, [](auto) { return true; }),
                                     mpmc::on_timeout(U, [] { return false; }));
    if (!ticked) break;
    ++step;
    if (step == 10) r = mpmc::never<Instant>();
    ASSERT_LE(step, 10);
  }
  EXPECT_EQ(step, 10);
}

// crossbeam never.rs: capacity
TEST(Never, CapacityIsZero) {
  EXPECT_EQ(mpmc::never<int>().capacity(), std::optional<std::size_t>(0));
}

// crossbeam never.rs: len_empty_full
TEST(Never, IsAlwaysEmptyAndFull) {
  const auto r = mpmc::never<int>();
  EXPECT_EQ(r.len(), 0u);
  EXPECT_TRUE(r.is_empty());
  EXPECT_TRUE(r.is_full());
}

// crossbeam never.rs: try_recv
TEST(Never, TryRecvIsAlwaysEmpty) {
  const auto r = mpmc::never<int>();
  EXPECT_EQ(r.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
  thread::sleep(U);
  EXPECT_EQ(r.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
}

// crossbeam never.rs: recv_timeout
TEST(Never, RecvTimeoutWaitsOutEachTimeout) {
  const auto start = Clock::now();
  const auto r = mpmc::never<int>();

  EXPECT_EQ(r.recv_timeout(U).unwrap_err(), mpmc::RecvTimeoutError::Timeout);
  auto now = Clock::now();
  EXPECT_GE(now - start, U);
  EXPECT_LT(now - start, U + kSlack);

  EXPECT_EQ(r.recv_timeout(U).unwrap_err(), mpmc::RecvTimeoutError::Timeout);
  now = Clock::now();
  EXPECT_GE(now - start, 2 * U);
  EXPECT_LT(now - start, 2 * U + kSlack);
}

// crossbeam never.rs: same_channel
TEST(Never, EveryNeverIsTheSameChannel) {
  const auto r = mpmc::never<std::size_t>();
  const auto r2 = r.clone();
  EXPECT_TRUE(r.same_channel(r2));
  const auto r3 = mpmc::never<std::size_t>();
  EXPECT_TRUE(r.same_channel(r3));
  EXPECT_TRUE(r2.same_channel(r3));
}
