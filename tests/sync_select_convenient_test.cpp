// Tests for the handler form of select (mpmc::select / mpmc::select_biased with
// on_recv, on_send, on_default, on_timeout arms), checked against the behaviour
// crossbeam-channel's select! macro has.
#include <gtest/gtest.h>

#include <any>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <latch>
#include <memory>
#include <optional>
#include <pthread.h>
#include <sched.h>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/mpmc.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace mpmc = fearless::sync::mpmc;
namespace thread = fearless::thread;
using namespace std::chrono_literals;
using fearless::Result;
using mpmc::RecvError;
using mpmc::SendError;
using mpmc::TryRecvError;
using Clock = std::chrono::steady_clock;
using Unit = std::monostate;

namespace {

constexpr auto kUnit = 50ms;  // the base delay of the timed tests
constexpr auto kLong = 10s;   // a timeout only a broken select would reach

// Both endpoints of one channel, under names that lambdas can capture.
template <class T>
struct Chan {
  mpmc::Sender<T> tx;
  mpmc::Receiver<T> rx;
  explicit Chan(std::pair<mpmc::Sender<T>, mpmc::Receiver<T>> p)
      : tx(std::move(p.first)), rx(std::move(p.second)) {}
};
template <class T>
Chan<T> unbounded() {
  return Chan<T>(mpmc::unbounded<T>());
}
template <class T>
Chan<T> bounded(std::size_t cap) {
  return Chan<T>(mpmc::bounded<T>(cap));
}

// Destroys an endpoint now (Rust's drop).
template <class E>
void drop(E& e) {
  static_assert(!std::is_const_v<E>, "a const endpoint cannot be moved from");
  E gone = std::move(e);
}

// The received value, or nullopt for an error.
template <class T>
std::optional<T> got(const Result<T, RecvError>& r) {
  if (r.is_err()) return std::nullopt;
  return r.unwrap();
}

// The value a failed send handed back, or nullopt if the send succeeded.
template <class T>
std::optional<T> returned(Result<void, SendError<T>>&& r) {
  if (r.is_ok()) return std::nullopt;
  return std::move(r).unwrap_err().into_inner();
}

std::chrono::milliseconds since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
}

// Waits up to kLong for `ready()`; a poll of a try-form select.
template <class F>
bool eventually(F&& ready) {
  const auto give_up = Clock::now() + kLong;
  while (Clock::now() < give_up) {
    if (ready()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

}  // namespace

// crossbeam select_macro.rs: smoke1
TEST(SelectArms, RunsTheHandlerOfTheReadyReceiver) {
  auto a = unbounded<int>();
  auto b = unbounded<int>();
  a.tx.send(1).unwrap();
  int which = mpmc::select(mpmc::on_recv(a.rx, [](Result<int, RecvError> v) { return got(v) == 1 ? 1 : -1; }),
                           mpmc::on_recv(b.rx, [](Result<int, RecvError>) { return -2; }));
  EXPECT_EQ(which, 1);

  b.tx.send(2).unwrap();
  which = mpmc::select(mpmc::on_recv(a.rx, [](Result<int, RecvError>) { return -1; }),
                       mpmc::on_recv(b.rx, [](Result<int, RecvError> v) { return got(v) == 2 ? 2 : -2; }));
  EXPECT_EQ(which, 2);
}

// crossbeam select_macro.rs: smoke2
TEST(SelectArms, FindsTheOnlyReadyReceiverAmongFive) {
  auto c1 = unbounded<int>();
  auto c2 = unbounded<int>();
  auto c3 = unbounded<int>();
  auto c4 = unbounded<int>();
  auto c5 = unbounded<int>();
  c5.tx.send(5).unwrap();
  const auto none = [](auto) { return -1; };
  const int v = mpmc::select(mpmc::on_recv(c1.rx, none), mpmc::on_recv(c2.rx, none), mpmc::on_recv(c3.rx, none),
                             mpmc::on_recv(c4.rx, none),
                             mpmc::on_recv(c5.rx, [](Result<int, RecvError> r) { return got(r).value_or(-5); }));
  EXPECT_EQ(v, 5);
}

// crossbeam select_macro.rs: disconnected
TEST(SelectArms, DisconnectionMakesAReceiveArmCompleteWithRecvError) {
  auto a = unbounded<int>();
  auto b = unbounded<int>();
  const auto pick = [&] {
    return mpmc::select(mpmc::on_recv(a.rx, [](Result<int, RecvError> v) { return v.is_err() ? 1 : -1; }),
                        mpmc::on_recv(b.rx, [](Result<int, RecvError>) { return -2; }),
                        mpmc::on_timeout(kLong, [] { return -3; }));
  };

  // The select is (most likely) asleep when a's last sender goes.
  std::latch go(1);
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      thread::sleep(kUnit);
      drop(a.tx);
      go.wait();
      b.tx.send(5).unwrap();
    });
    EXPECT_EQ(pick(), 1);
    go.count_down();
    EXPECT_EQ(got(b.rx.recv()), 5);
  });

  // Still disconnected, and still ready.
  EXPECT_EQ(pick(), 1);

  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      thread::sleep(kUnit);
      drop(b.tx);
    });
    const int v = mpmc::select(mpmc::on_recv(b.rx, [](Result<int, RecvError> r) { return r.is_err() ? 1 : -1; }),
                               mpmc::on_timeout(kLong, [] { return -3; }));
    EXPECT_EQ(v, 1);
  });
}

// crossbeam select_macro.rs: default
TEST(SelectArms, DefaultArmRunsOnlyWhenNoOperationIsReady) {
  auto a = unbounded<int>();
  auto b = unbounded<int>();

  int v = mpmc::select(mpmc::on_recv(a.rx, [](auto) { return -1; }), mpmc::on_recv(b.rx, [](auto) { return -2; }),
                       mpmc::on_default([] { return 0; }));
  EXPECT_EQ(v, 0);

  drop(a.tx);
  v = mpmc::select(mpmc::on_recv(a.rx, [](Result<int, RecvError> r) { return r.is_err() ? 1 : -1; }),
                   mpmc::on_recv(b.rx, [](auto) { return -2; }), mpmc::on_default([] { return -3; }));
  EXPECT_EQ(v, 1);

  b.tx.send(2).unwrap();
  v = mpmc::select(mpmc::on_recv(b.rx, [](Result<int, RecvError> r) { return got(r).value_or(-2); }),
                   mpmc::on_default([] { return -3; }));
  EXPECT_EQ(v, 2);

  v = mpmc::select(mpmc::on_recv(b.rx, [](auto) { return -2; }), mpmc::on_default([] { return 0; }));
  EXPECT_EQ(v, 0);

  bool ran = false;
  mpmc::select(mpmc::on_default([&] { ran = true; }));
  EXPECT_TRUE(ran);
}

// crossbeam select_macro.rs: timeout
TEST(SelectArms, TimeoutArmRunsWhenNothingCompletesInTime) {
  auto a = unbounded<int>();
  auto b = unbounded<int>();
  std::latch go(1);
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      go.wait();
      thread::sleep(kUnit);
      b.tx.send(2).unwrap();
    });

    const auto t0 = Clock::now();
    int v = mpmc::select(mpmc::on_recv(a.rx, [](auto) { return -1; }), mpmc::on_recv(b.rx, [](auto) { return -2; }),
                         mpmc::on_timeout(2 * kUnit, [] { return 0; }));
    EXPECT_EQ(v, 0);
    EXPECT_GE(since(t0), 2 * kUnit);
    go.count_down();

    // Now the message comes while the select waits.
    v = mpmc::select(mpmc::on_recv(a.rx, [](auto) { return -1; }),
                     mpmc::on_recv(b.rx, [](Result<int, RecvError> r) { return got(r).value_or(-2); }),
                     mpmc::on_timeout(kLong, [] { return -3; }));
    EXPECT_EQ(v, 2);
  });

  // A select made of a timeout arm alone just waits; the channel it leaves
  // out was disconnected meanwhile.
  auto c = unbounded<int>();
  std::latch dropped(1);
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      thread::sleep(kUnit);
      drop(c.tx);
      dropped.count_down();
    });
    const auto t0 = Clock::now();
    const int v = mpmc::select(mpmc::on_timeout(4 * kUnit, [&] {
      EXPECT_GE(since(t0), 4 * kUnit);
      dropped.wait();
      return mpmc::select(mpmc::on_recv(c.rx, [](Result<int, RecvError> r) { return r.is_err() ? 1 : -1; }),
                          mpmc::on_default([] { return -2; }));
    }));
    EXPECT_EQ(v, 1);
  });
}

// crossbeam select_macro.rs: default_when_disconnected
TEST(SelectArms, DisconnectedOperationsWinOverDefaultAndTimeout) {
  {
    auto r = mpmc::unbounded<int>().second;
    const int v = mpmc::select(mpmc::on_recv(r, [](Result<int, RecvError> res) { return res.is_err() ? 1 : -1; }),
                               mpmc::on_default([] { return -2; }));
    EXPECT_EQ(v, 1);
  }
  {
    auto r = mpmc::unbounded<int>().second;
    const int v = mpmc::select(mpmc::on_recv(r, [](Result<int, RecvError> res) { return res.is_err() ? 1 : -1; }),
                               mpmc::on_timeout(kLong, [] { return -2; }));
    EXPECT_EQ(v, 1);
  }
  {
    auto s = mpmc::bounded<int>(0).first;
    const int v = mpmc::select(
        mpmc::on_send(s, 0, [](Result<void, SendError<int>> res) { return returned(std::move(res)) == 0 ? 1 : -1; }),
        mpmc::on_default([] { return -2; }));
    EXPECT_EQ(v, 1);
  }
  {
    auto s = mpmc::bounded<int>(0).first;
    const int v = mpmc::select(
        mpmc::on_send(s, 0, [](Result<void, SendError<int>> res) { return returned(std::move(res)) == 0 ? 1 : -1; }),
        mpmc::on_timeout(kLong, [] { return -2; }));
    EXPECT_EQ(v, 1);
  }
}

// crossbeam select_macro.rs: default_only
TEST(SelectArms, DefaultAloneReturnsAtOnceAndTimeoutAloneWaitsItOut) {
  auto t0 = Clock::now();
  int runs = 0;
  mpmc::select(mpmc::on_default([&] { ++runs; }));
  EXPECT_EQ(runs, 1);
  EXPECT_LT(since(t0), 1000ms);  // upstream: at most 50 ms; generous on a loaded machine

  t0 = Clock::now();
  mpmc::select(mpmc::on_timeout(2 * kUnit, [&] { ++runs; }));
  const auto waited = since(t0);
  EXPECT_EQ(runs, 2);
  EXPECT_GE(waited, 2 * kUnit);
  EXPECT_LT(waited, 2 * kUnit + 1000ms);
}

// crossbeam select_macro.rs: unblocks
TEST(SelectArms, RendezvousPeerArrivingLaterUnblocksTheSelect) {
  auto c1 = bounded<int>(0);
  auto c2 = bounded<int>(0);

  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      thread::sleep(kUnit);
      c2.tx.send(2).unwrap();
    });
    const int v = mpmc::select(mpmc::on_recv(c1.rx, [](auto) { return -1; }),
                               mpmc::on_recv(c2.rx, [](Result<int, RecvError> r) { return got(r).value_or(-2); }),
                               mpmc::on_timeout(kLong, [] { return -3; }));
    EXPECT_EQ(v, 2);
  });

  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      thread::sleep(kUnit);
      EXPECT_EQ(got(c1.rx.recv()), 1);
    });
    const int v =
        mpmc::select(mpmc::on_send(c1.tx, 1, [](Result<void, SendError<int>> r) { return r.is_ok() ? 1 : -1; }),
                     mpmc::on_send(c2.tx, 2, [](auto) { return -2; }), mpmc::on_timeout(kLong, [] { return -3; }));
    EXPECT_EQ(v, 1);
  });
}

// crossbeam select_macro.rs: both_ready
TEST(SelectArms, SendAndRecvArmsInOneSelectServeOnePeerInTurn) {
  auto c1 = bounded<int>(0);
  auto c2 = bounded<int>(0);
  std::vector<std::string> order;
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      thread::sleep(kUnit);
      c1.tx.send(1).unwrap();
      EXPECT_EQ(got(c2.rx.recv()), 2);
    });
    for (int k = 0; k < 2; ++k) {
      mpmc::select(mpmc::on_recv(c1.rx,
                                 [&](Result<int, RecvError> v) {
                                   EXPECT_EQ(got(v), 1);
                                   order.push_back("recv");
                                 }),
                   mpmc::on_send(c2.tx, 2, [&](Result<void, SendError<int>> r) {
                     EXPECT_TRUE(r.is_ok());
                     order.push_back("send");
                   }));
    }
  });
  EXPECT_EQ(order, (std::vector<std::string>{"recv", "send"}));
}

// crossbeam select_macro.rs: loop_try
TEST(SelectArms, DefaultArmsPollingInALoopPairWithABlockedSelect) {
  constexpr int kRuns = 10;
  for (int run = 0; run < kRuns; ++run) {
    auto c1 = bounded<int>(0);
    auto c2 = bounded<int>(0);
    auto end = bounded<Unit>(0);

    thread::scope([&](thread::Scope& s) {
      s.spawn([&] {
        for (;;) {
          if (mpmc::select(mpmc::on_send(c1.tx, 1, [](auto) { return true; }),
                           mpmc::on_default([] { return false; })))
            break;
          if (mpmc::select(mpmc::on_recv(end.rx, [](auto) { return true; }), mpmc::on_default([] { return false; })))
            break;
        }
      });

      s.spawn([&] {
        for (;;) {
          auto x = c2.rx.try_recv();
          if (x.is_ok()) {
            EXPECT_EQ(x.unwrap(), 2);
            break;
          }
          if (mpmc::select(mpmc::on_recv(end.rx, [](auto) { return true; }), mpmc::on_default([] { return false; })))
            break;
        }
      });

      s.spawn([&] {
        thread::sleep(kUnit / 5);
        mpmc::select(mpmc::on_recv(c1.rx, [](Result<int, RecvError> v) { EXPECT_EQ(got(v), 1); }),
                     mpmc::on_send(c2.tx, 2, [](Result<void, SendError<int>> r) { EXPECT_TRUE(r.is_ok()); }),
                     mpmc::on_timeout(kLong, [] { ADD_FAILURE() << "the select timed out"; }));
        drop(end.tx);
      });
    });
  }
}

// crossbeam select_macro.rs: cloning1
TEST(SelectArms, DroppingACloneOfTheSenderDoesNotDisconnect) {
  auto c1 = unbounded<int>();
  auto c2 = unbounded<int>();
  auto c3 = unbounded<Unit>();
  thread::scope([&](thread::Scope& s) {
    s.spawn([&, tx = std::move(c1.tx)] {
      c3.rx.recv().unwrap();
      { auto clone = tx.clone(); }
      auto t = c3.rx.try_recv();
      EXPECT_TRUE(t.is_err() && t.unwrap_err() == TryRecvError::Empty);
      tx.send(1).unwrap();
      c3.rx.recv().unwrap();
    });

    c3.tx.send(Unit{}).unwrap();
    const int v = mpmc::select(mpmc::on_recv(c1.rx, [](Result<int, RecvError> r) { return got(r).value_or(-1); }),
                               mpmc::on_recv(c2.rx, [](auto) { return -2; }));
    EXPECT_EQ(v, 1);
    c3.tx.send(Unit{}).unwrap();
  });
}

// crossbeam select_macro.rs: cloning2
TEST(SelectArms, DroppingACloneDoesNotWakeABlockedSelectAsDisconnected) {
  auto c1 = unbounded<Unit>();
  auto c2 = unbounded<Unit>();
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      const int v = mpmc::select(mpmc::on_recv(c1.rx, [](auto) { return -1; }),
                                 mpmc::on_recv(c2.rx, [](Result<Unit, RecvError> r) { return r.is_ok() ? 2 : -2; }));
      EXPECT_EQ(v, 2);
    });
    thread::sleep(kUnit);
    { auto clone = c1.tx.clone(); }
    c2.tx.send(Unit{}).unwrap();
  });
}

// crossbeam select_macro.rs: preflight1
TEST(SelectArms, SingleArmWithAMessageAlreadyQueued) {
  auto c = unbounded<Unit>();
  c.tx.send(Unit{}).unwrap();
  bool ok = false;
  mpmc::select(mpmc::on_recv(c.rx, [&](Result<Unit, RecvError> r) { ok = r.is_ok(); }));
  EXPECT_TRUE(ok);
}

// crossbeam select_macro.rs: preflight2
TEST(SelectArms, MessageLeftInADisconnectedChannelIsReceivedFirst) {
  auto c = unbounded<Unit>();
  { auto clone = c.tx.clone(); }
  c.tx.send(Unit{}).unwrap();
  drop(c.tx);
  bool ok = false;
  mpmc::select(mpmc::on_recv(c.rx, [&](Result<Unit, RecvError> r) { ok = r.is_ok(); }));
  EXPECT_TRUE(ok);
  auto t = c.rx.try_recv();
  EXPECT_TRUE(t.is_err() && t.unwrap_err() == TryRecvError::Disconnected);
}

// crossbeam select_macro.rs: preflight3
TEST(SelectArms, DrainedDisconnectedChannelGivesRecvError) {
  auto c = unbounded<Unit>();
  { auto clone = c.tx.clone(); }
  c.tx.send(Unit{}).unwrap();
  drop(c.tx);
  c.rx.recv().unwrap();
  bool err = false;
  mpmc::select(mpmc::on_recv(c.rx, [&](Result<Unit, RecvError> r) { err = r.is_err(); }));
  EXPECT_TRUE(err);
}

// crossbeam select_macro.rs: duplicate_operations
TEST(SelectArms, TheSameEndpointMayAppearInSeveralArms) {
  auto c = unbounded<int>();
  bool hit[4] = {false, false, false, false};
  int rounds = 0;
  while (!(hit[0] && hit[1] && hit[2] && hit[3]) && rounds < 100000) {
    ++rounds;
    mpmc::select(mpmc::on_recv(c.rx, [&](auto) { hit[0] = true; }), mpmc::on_recv(c.rx, [&](auto) { hit[1] = true; }),
                 mpmc::on_send(c.tx, 0, [&](auto) { hit[2] = true; }),
                 mpmc::on_send(c.tx, 0, [&](auto) { hit[3] = true; }));
  }
  EXPECT_TRUE(hit[0] && hit[1] && hit[2] && hit[3]) << "after " << rounds << " selects";
}

// crossbeam select_macro.rs: nesting
TEST(SelectArms, SelectsNestInsideHandlers) {
  auto c = unbounded<int>();
  int depth = 0;
  mpmc::select(mpmc::on_send(c.tx, 0, [&](auto) {
    ++depth;
    mpmc::select(mpmc::on_recv(c.rx, [&](Result<int, RecvError> v) {
      EXPECT_EQ(got(v), 0);
      ++depth;
      mpmc::select(mpmc::on_send(c.tx, 1, [&](auto) {
        ++depth;
        mpmc::select(mpmc::on_recv(c.rx, [&](Result<int, RecvError> w) {
          EXPECT_EQ(got(w), 1);
          ++depth;
        }));
      }));
    }));
  }));
  EXPECT_EQ(depth, 4);
}

// crossbeam select_macro.rs: panic_sender, panic_receiver (a panic while
// evaluating an arm's channel propagates out of the select)
TEST(SelectArms, PanicWhileProducingAnArmsEndpointPropagates) {
  const auto get_sender = []() -> mpmc::Sender<int> { fearless::panic("send panicked"); };
  const auto get_receiver = []() -> mpmc::Receiver<int> { fearless::panic("recv panicked"); };
  EXPECT_EQ(sync_test::panic_message([&] { mpmc::select(mpmc::on_send(get_sender(), 0, [](auto) {})); }),
            "send panicked");
  EXPECT_EQ(sync_test::panic_message([&] { mpmc::select(mpmc::on_recv(get_receiver(), [](auto) {})); }),
            "recv panicked");
}

// crossbeam select_macro.rs: stress_recv
TEST(SelectArms, StressReceivesFromAnUnboundedAndABoundedChannel) {
  const std::size_t count = sync_test::scaled(500, 10);
  auto c1 = unbounded<std::size_t>();
  auto c2 = bounded<std::size_t>(5);
  auto c3 = bounded<Unit>(100);
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      for (std::size_t i = 0; i < count; ++i) {
        c1.tx.send(i).unwrap();
        c3.rx.recv().unwrap();
        c2.tx.send(i).unwrap();
        c3.rx.recv().unwrap();
      }
    });
    for (std::size_t i = 0; i < count; ++i) {
      for (int k = 0; k < 2; ++k) {
        mpmc::select(mpmc::on_recv(c1.rx, [i](Result<std::size_t, RecvError> v) { EXPECT_EQ(got(v), i); }),
                     mpmc::on_recv(c2.rx, [i](Result<std::size_t, RecvError> v) { EXPECT_EQ(got(v), i); }));
        c3.tx.send(Unit{}).unwrap();
      }
    }
  });
}

// crossbeam select_macro.rs: stress_send
TEST(SelectArms, StressSendsToTwoRendezvousChannels) {
  const std::size_t count = sync_test::scaled(500, 10);
  auto c1 = bounded<std::size_t>(0);
  auto c2 = bounded<std::size_t>(0);
  auto c3 = bounded<Unit>(100);
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      for (std::size_t i = 0; i < count; ++i) {
        EXPECT_EQ(got(c1.rx.recv()), i);
        EXPECT_EQ(got(c2.rx.recv()), i);
        c3.rx.recv().unwrap();
      }
    });
    for (std::size_t i = 0; i < count; ++i) {
      for (int k = 0; k < 2; ++k) {
        mpmc::select(mpmc::on_send(c1.tx, i, [](Result<void, SendError<std::size_t>> r) { EXPECT_TRUE(r.is_ok()); }),
                     mpmc::on_send(c2.tx, i, [](Result<void, SendError<std::size_t>> r) { EXPECT_TRUE(r.is_ok()); }));
      }
      c3.tx.send(Unit{}).unwrap();
    }
  });
}

// crossbeam select_macro.rs: stress_mixed
TEST(SelectArms, StressMixesARendezvousReceiveAndSend) {
  const std::size_t count = sync_test::scaled(500, 10);
  auto c1 = bounded<std::size_t>(0);
  auto c2 = bounded<std::size_t>(0);
  auto c3 = bounded<Unit>(100);
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      for (std::size_t i = 0; i < count; ++i) {
        c1.tx.send(i).unwrap();
        EXPECT_EQ(got(c2.rx.recv()), i);
        c3.rx.recv().unwrap();
      }
    });
    for (std::size_t i = 0; i < count; ++i) {
      for (int k = 0; k < 2; ++k) {
        mpmc::select(mpmc::on_recv(c1.rx, [i](Result<std::size_t, RecvError> v) { EXPECT_EQ(got(v), i); }),
                     mpmc::on_send(c2.tx, i, [](Result<void, SendError<std::size_t>> r) { EXPECT_TRUE(r.is_ok()); }));
      }
      c3.tx.send(Unit{}).unwrap();
    }
  });
}

// crossbeam select_macro.rs: stress_timeout_two_threads
TEST(SelectArms, StressRetriesTimedOutSelectsUntilEachMessagePasses) {
  constexpr std::size_t kCount = 10;
  auto c = bounded<std::size_t>(2);
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      for (std::size_t i = 0; i < kCount; ++i) {
        if (i % 2 == 0) thread::sleep(kUnit / 2);
        while (!mpmc::select(mpmc::on_send(c.tx, i, [](Result<void, SendError<std::size_t>> r) { return r.is_ok(); }),
                             mpmc::on_timeout(10ms, [] { return false; }))) {
        }
      }
    });
    s.spawn([&] {
      for (std::size_t i = 0; i < kCount; ++i) {
        if (i % 2 == 0) thread::sleep(kUnit / 2);
        while (!mpmc::select(mpmc::on_recv(c.rx,
                                           [i](Result<std::size_t, RecvError> v) {
                                             EXPECT_EQ(got(v), i);
                                             return true;
                                           }),
                             mpmc::on_timeout(10ms, [] { return false; }))) {
        }
      }
    });
  });
}

// crossbeam select_macro.rs: send_recv_same_channel
TEST(SelectArms, ASelectDoesNotPairWithItself) {
  {
    auto c = bounded<int>(0);
    const int v = mpmc::select(mpmc::on_send(c.tx, 0, [](auto) { return -1; }),
                               mpmc::on_recv(c.rx, [](auto) { return -2; }),
                               mpmc::on_timeout(2 * kUnit, [] { return 0; }));
    EXPECT_EQ(v, 0);
  }
  {
    auto c = unbounded<int>();
    const int v =
        mpmc::select(mpmc::on_send(c.tx, 0, [](Result<void, SendError<int>> r) { return r.is_ok() ? 1 : -1; }),
                     mpmc::on_recv(c.rx, [](auto) { return -2; }), mpmc::on_timeout(kLong, [] { return -3; }));
    EXPECT_EQ(v, 1);
  }
}

namespace {
// Each of `threads` threads offers both to send its index and to receive on
// one rendezvous channel; `extra` sends one more message from this thread.
void match_up(std::size_t threads, bool extra) {
  auto c = bounded<std::size_t>(0);
  std::atomic<std::size_t> sent{0}, received{0};
  thread::scope([&](thread::Scope& s) {
    for (std::size_t i = 0; i < threads; ++i) {
      s.spawn([&, i] {
        mpmc::select(mpmc::on_recv(c.rx,
                                   [&, i](Result<std::size_t, RecvError> v) {
                                     ASSERT_TRUE(v.is_ok());
                                     EXPECT_NE(v.unwrap(), i);
                                     received.fetch_add(1);
                                   }),
                     mpmc::on_send(c.tx, i, [&](Result<void, SendError<std::size_t>> r) {
                       EXPECT_TRUE(r.is_ok());
                       sent.fetch_add(1);
                     }));
      });
    }
    if (extra) c.tx.send(~std::size_t{0}).unwrap();
  });
  EXPECT_EQ(sent.load() + (extra ? 1 : 0), received.load());
  auto t = c.rx.try_recv();
  EXPECT_TRUE(t.is_err() && t.unwrap_err() == TryRecvError::Empty);
}
}  // namespace

// crossbeam select_macro.rs: matching
TEST(SelectArms, SelectsOfferingBothDirectionsPairUpOnARendezvousChannel) { match_up(44, false); }

// crossbeam select_macro.rs: matching_with_leftover
TEST(SelectArms, SelectsPairUpWithAPlainSenderTakingTheLeftover) { match_up(55, true); }

// crossbeam select_macro.rs: channel_through_channel
TEST(SelectArms, ReceiversPassedThroughChannelsOfEveryFlavour) {
  const std::size_t count = sync_test::scaled(300, 10);
  for (std::size_t cap = 0; cap < 3; ++cap) {
    auto c = bounded<std::any>(cap);
    thread::scope([&](thread::Scope& s) {
      s.spawn([&, tx = std::move(c.tx)]() mutable {
        for (std::size_t i = 0; i < count; ++i) {
          auto next = mpmc::bounded<std::any>(cap);
          mpmc::select(mpmc::on_send(tx, std::any(std::move(next.second)),
                                     [](Result<void, SendError<std::any>> r) { EXPECT_TRUE(r.is_ok()); }));
          tx = std::move(next.first);
        }
      });
      s.spawn([&, rx = std::move(c.rx)]() mutable {
        for (std::size_t i = 0; i < count; ++i) {
          rx = mpmc::select(mpmc::on_recv(rx, [](Result<std::any, RecvError> msg) {
            std::any m = std::move(msg).unwrap();
            auto* next = std::any_cast<mpmc::Receiver<std::any>>(&m);
            if (next == nullptr) fearless::panic("not a receiver");
            return mpmc::Receiver<std::any>(std::move(*next));
          }));
        }
      });
    });
  }
}

namespace {
// Between the two try-forms of the helper thread, one of the two channels
// always holds a message, so a select over both must never find them empty.
template <class MakeSelect>
void linearizable(MakeSelect&& select_over) {
  const std::size_t count = sync_test::scaled(1000, 10);
  for (int step = 0; step < 2; ++step) {
    auto start = bounded<Unit>(0);
    auto end = bounded<Unit>(0);
    auto c1 = step == 0 ? bounded<int>(1) : unbounded<int>();
    auto c2 = step == 0 ? bounded<int>(1) : unbounded<int>();
    thread::scope([&](thread::Scope& s) {
      s.spawn([&] {
        for (std::size_t i = 0; i < count; ++i) {
          start.tx.send(Unit{}).unwrap();
          c1.tx.send(1).unwrap();
          EXPECT_TRUE(select_over(c1.rx, c2.rx)) << "found both channels empty (step " << step << ", i " << i << ")";
          end.tx.send(Unit{}).unwrap();
          (void)c2.rx.try_recv();
        }
      });
      for (std::size_t i = 0; i < count; ++i) {
        start.rx.recv().unwrap();
        c2.tx.send(1).unwrap();
        (void)c1.rx.try_recv();
        end.rx.recv().unwrap();
      }
    });
  }
}
}  // namespace

// crossbeam select_macro.rs: linearizable_default
// A select that may not wait (default arm, zero timeout) tries every
// operation twice (run_select): a message sent to one channel before another's
// is taken cannot be missed. crossbeam gets the same from its second look
// after registering.
TEST(SelectArms, DefaultArmIsLinearizable) {
  linearizable([](const mpmc::Receiver<int>& r1, const mpmc::Receiver<int>& r2) {
    return mpmc::select(mpmc::on_recv(r1, [](auto) { return true; }), mpmc::on_recv(r2, [](auto) { return true; }),
                        mpmc::on_default([] { return false; }));
  });
}

// crossbeam select_macro.rs: linearizable_timeout
// As DefaultArmIsLinearizable, with a zero timeout instead of a default arm.
TEST(SelectArms, ZeroTimeoutArmIsLinearizable) {
  linearizable([](const mpmc::Receiver<int>& r1, const mpmc::Receiver<int>& r2) {
    return mpmc::select(mpmc::on_recv(r1, [](auto) { return true; }), mpmc::on_recv(r2, [](auto) { return true; }),
                        mpmc::on_timeout(0ms, [] { return false; }));
  });
}

// crossbeam select_macro.rs: fairness1
TEST(SelectArms, FairAmongChannelsAndTimersThatAreAllReady) {
  const std::size_t count = 1000;
  auto c1 = bounded<Unit>(count);
  auto c2 = unbounded<Unit>();
  for (std::size_t i = 0; i < count; ++i) {
    c1.tx.send(Unit{}).unwrap();
    c2.tx.send(Unit{}).unwrap();
  }
  std::size_t hits[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < count; ++i) {
    mpmc::select(mpmc::on_recv(c1.rx, [&](auto) { ++hits[0]; }), mpmc::on_recv(c2.rx, [&](auto) { ++hits[1]; }),
                 mpmc::on_recv(mpmc::after(0ms), [&](auto) { ++hits[2]; }),
                 mpmc::on_recv(mpmc::tick(0ms), [&](auto) { ++hits[3]; }));
  }
  for (std::size_t h : hits) EXPECT_GE(h, count / 4 / 2) << hits[0] << " " << hits[1] << " " << hits[2] << " " << hits[3];
}

// crossbeam select_macro.rs: fairness2
TEST(SelectArms, FairAmongUnboundedBoundedAndRendezvousWithAConcurrentSender) {
  const std::size_t count = 1000;
  auto c1 = unbounded<Unit>();
  auto c2 = bounded<Unit>(1);
  auto c3 = bounded<Unit>(0);
  std::size_t hits[3] = {0, 0, 0};
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      auto hole = bounded<Unit>(0);  // its receiver stays, unused: a send there never proceeds
      for (std::size_t i = 0; i < count; ++i) {
        const mpmc::Sender<Unit>& s1 = c1.tx.is_empty() ? c1.tx : hole.tx;
        const mpmc::Sender<Unit>& s2 = c2.tx.is_empty() ? c2.tx : hole.tx;
        const auto ok = [](Result<void, SendError<Unit>> r) { EXPECT_TRUE(r.is_ok()); };
        mpmc::select(mpmc::on_send(s1, Unit{}, ok), mpmc::on_send(s2, Unit{}, ok), mpmc::on_send(c3.tx, Unit{}, ok));
      }
    });
    for (std::size_t i = 0; i < count; ++i) {
      mpmc::select(mpmc::on_recv(c1.rx, [&](auto) { ++hits[0]; }), mpmc::on_recv(c2.rx, [&](auto) { ++hits[1]; }),
                   mpmc::on_recv(c3.rx, [&](auto) { ++hits[2]; }));
    }
  });
  for (std::size_t h : hits) EXPECT_GE(h, count / 3 / 50) << hits[0] << " " << hits[1] << " " << hits[2];
}

namespace {
// The calling thread's CPUs, in order.
std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (::pthread_getaffinity_np(::pthread_self(), sizeof set, &set) != 0) return cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}
// Confines the calling thread to one CPU until destroyed.
class PinnedTo {
 public:
  explicit PinnedTo(int cpu) {
    CPU_ZERO(&saved_);
    EXPECT_EQ(::pthread_getaffinity_np(::pthread_self(), sizeof saved_, &saved_), 0);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    EXPECT_EQ(::pthread_setaffinity_np(::pthread_self(), sizeof one, &one), 0);
  }
  ~PinnedTo() { EXPECT_EQ(::pthread_setaffinity_np(::pthread_self(), sizeof saved_, &saved_), 0); }
  PinnedTo(const PinnedTo&) = delete;
  PinnedTo& operator=(const PinnedTo&) = delete;

 private:
  cpu_set_t saved_;
};
}  // namespace

// A rendezvous operand is ready to a peer only while its select is
// registered. Selects that polled their bounded operand before registering
// kept meeting there: the rendezvous was chosen in 0-4 of 1000 rounds (20
// release runs of this test). Registering at once makes both operands ready
// when the receiver comes, and the random pick takes the rendezvous too. The
// threads run on two different CPUs: on one, each is always woken by the
// other's bounded operation first and never sees the rendezvous ready, as
// with crossbeam-channel.
TEST(SelectArms, RendezvousOperandIsNotStarvedByABoundedOne) {
  const std::vector<int> cpus = allowed_cpus();
  if (cpus.size() < 2) GTEST_SKIP() << "needs two CPUs";
  const std::size_t count = 1000;
  auto c1 = bounded<Unit>(1);
  auto c2 = bounded<Unit>(0);
  std::size_t hits[2] = {0, 0};
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      const PinnedTo pin(cpus[1]);
      const auto ok = [](Result<void, SendError<Unit>> r) { EXPECT_TRUE(r.is_ok()); };
      for (std::size_t i = 0; i < count; ++i)
        mpmc::select(mpmc::on_send(c1.tx, Unit{}, ok), mpmc::on_send(c2.tx, Unit{}, ok));
    });
    const PinnedTo pin(cpus[0]);
    for (std::size_t i = 0; i < count; ++i) {
      // The receiver is the slower side, so the sender waits on both; it
      // comes back sooner than the 5 us a select polled for.
      const auto until = Clock::now() + 3us;
      while (Clock::now() < until) {
      }
      mpmc::select(mpmc::on_recv(c1.rx, [&](auto) { ++hits[0]; }), mpmc::on_recv(c2.rx, [&](auto) { ++hits[1]; }));
    }
  });
  EXPECT_EQ(hits[0] + hits[1], count);
  EXPECT_GE(hits[1], count / 2 / 50) << hits[0] << " " << hits[1];  // crossbeam fairness tests' bound
}

// crossbeam select_macro.rs: fairness_recv
TEST(SelectArms, FairBetweenTwoReadyReceivers) {
  const std::size_t count = 1000;
  auto c1 = bounded<Unit>(count);
  auto c2 = unbounded<Unit>();
  for (std::size_t i = 0; i < count; ++i) {
    c1.tx.send(Unit{}).unwrap();
    c2.tx.send(Unit{}).unwrap();
  }
  std::size_t hits[2] = {0, 0};
  while (hits[0] + hits[1] < count)
    mpmc::select(mpmc::on_recv(c1.rx, [&](auto) { ++hits[0]; }), mpmc::on_recv(c2.rx, [&](auto) { ++hits[1]; }));
  EXPECT_GE(hits[0], count / 4);
  EXPECT_GE(hits[1], count / 4);
}

// crossbeam select_macro.rs: fairness_send
TEST(SelectArms, FairBetweenTwoReadySenders) {
  const std::size_t count = 1000;
  auto c1 = bounded<Unit>(count);
  auto c2 = unbounded<Unit>();
  std::size_t hits[2] = {0, 0};
  for (std::size_t i = 0; i < count; ++i)
    mpmc::select(mpmc::on_send(c1.tx, Unit{}, [&](auto) { ++hits[0]; }),
                 mpmc::on_send(c2.tx, Unit{}, [&](auto) { ++hits[1]; }));
  EXPECT_GE(hits[0], count / 4);
  EXPECT_GE(hits[1], count / 4);
}

namespace {
// select_biased over three unbounded channels, the first two holding `count`
// messages each and the third one: the arms are served strictly in order.
// `extra` makes the arm list end with a default or timeout arm that must not run.
template <class Extra>
void check_biased(Extra&& extra) {
  const std::size_t count = 1000;
  auto c1 = unbounded<Unit>();
  auto c2 = unbounded<Unit>();
  auto c3 = unbounded<Unit>();
  for (std::size_t i = 0; i < count; ++i) {
    c1.tx.send(Unit{}).unwrap();
    c2.tx.send(Unit{}).unwrap();
  }
  c3.tx.send(Unit{}).unwrap();
  std::vector<std::size_t> hits(3, 0);
  for (int round = 1; round <= 2; ++round) {
    for (std::size_t i = 0; i < count; ++i) {
      extra(mpmc::on_recv(c1.rx, [&](auto) { ++hits[0]; }), mpmc::on_recv(c2.rx, [&](auto) { ++hits[1]; }),
            mpmc::on_recv(c3.rx, [&](auto) { ++hits[2]; }));
    }
    EXPECT_EQ(hits, (std::vector<std::size_t>{count, round == 2 ? count : 0, 0}));
  }
}
}  // namespace

// crossbeam select_macro.rs: unfairness
TEST(SelectArms, BiasedSelectServesTheFirstReadyArm) {
  check_biased([](auto&&... arms) { mpmc::select_biased(std::move(arms)...); });
}

// crossbeam select_macro.rs: unfairness_timeout
TEST(SelectArms, BiasedSelectWithATimeoutServesTheFirstReadyArm) {
  check_biased([](auto&&... arms) {
    mpmc::select_biased(std::move(arms)..., mpmc::on_timeout(kLong, [] { ADD_FAILURE() << "timed out"; }));
  });
}

// crossbeam select_macro.rs: unfairness_try
TEST(SelectArms, BiasedSelectWithADefaultServesTheFirstReadyArm) {
  check_biased([](auto&&... arms) {
    mpmc::select_biased(std::move(arms)..., mpmc::on_default([] { ADD_FAILURE() << "default ran"; }));
  });
}

// crossbeam select_macro.rs: references, move_handles (`&&&&s`, auto-deref
// and moving handles into closures are Rust syntax; the C++ counterparts are
// references, temporaries and a never() receiver that switches an arm off)
TEST(SelectArms, AcceptsEndpointsThroughReferencesTemporariesAndNever) {
  auto c = unbounded<int>();
  const mpmc::Sender<int>& s = c.tx;
  const mpmc::Receiver<int>& r = c.rx;
  int v = mpmc::select(mpmc::on_send(s, 0, [](auto) { return 1; }), mpmc::on_recv(r, [](auto) { return 2; }));
  EXPECT_EQ(v, 1);  // r was empty

  std::optional<mpmc::Receiver<int>> some(c.rx);
  std::optional<mpmc::Receiver<int>> none;
  v = mpmc::select(mpmc::on_recv(some ? *some : mpmc::never<int>(), [](auto m) { return got(m).value_or(-1); }),
                   mpmc::on_default([] { return -2; }));
  EXPECT_EQ(v, 0);
  v = mpmc::select(mpmc::on_recv(none ? *none : mpmc::never<int>(), [](auto) { return -1; }),
                   mpmc::on_default([] { return 3; }));
  EXPECT_EQ(v, 3);

  some.reset();
  v = mpmc::select(mpmc::on_recv(mpmc::Receiver<int>(std::move(c.rx)), [](auto) { return -1; }),
                   mpmc::on_send(mpmc::Sender<int>(std::move(c.tx)), 5, [](auto res) { return res.is_ok() ? 1 : -2; }));
  EXPECT_EQ(v, 1);  // the receiver was still alive (a temporary) while the select ran
}

// crossbeam select_macro.rs: case_blocks, evaluate
TEST(SelectArms, ReturnsTheChosenHandlersResultInTheCommonType) {
  auto c = unbounded<int>();
  const auto d = mpmc::select(mpmc::on_recv(c.rx, [](auto) { return 3.0; }),
                              mpmc::on_recv(c.rx, [](auto) { return 1; }), mpmc::on_default([] { return 7.0f; }));
  static_assert(std::is_same_v<decltype(d), const double>);
  EXPECT_EQ(d, 7.0);

  std::string v = mpmc::select(mpmc::on_recv(c.rx, [](auto) { return std::string("foo"); }),
                               mpmc::on_send(c.tx, 0, [](auto) { return std::string("bar"); }),
                               mpmc::on_default([] { return std::string("baz"); }));
  EXPECT_EQ(v, "bar");
  v = mpmc::select(mpmc::on_recv(c.rx, [](auto) { return std::string("foo"); }),
                   mpmc::on_default([] { return std::string("baz"); }));
  EXPECT_EQ(v, "foo");
  v = mpmc::select(mpmc::on_recv(c.rx, [](auto) { return std::string("foo"); }),
                   mpmc::on_default([] { return std::string("baz"); }));
  EXPECT_EQ(v, "baz");
}

// crossbeam select_macro.rs: default_syntax (`default` vs `default()` is
// syntax; what remains is that an unpaired rendezvous operation is not ready)
TEST(SelectArms, RendezvousOperationsWithoutAPeerLetTheDefaultRun) {
  auto c = bounded<int>(0);
  int v = mpmc::select(mpmc::on_recv(c.rx, [](auto) { return -1; }), mpmc::on_default([] { return 0; }));
  EXPECT_EQ(v, 0);
  v = mpmc::select(mpmc::on_send(c.tx, 0, [](auto) { return -1; }), mpmc::on_default([] { return 0; }));
  EXPECT_EQ(v, 0);
  v = mpmc::select(mpmc::on_send(c.tx, 0, [](auto) { return -1; }), mpmc::on_recv(c.rx, [](auto) { return -2; }),
                   mpmc::on_default([] { return 0; }));
  EXPECT_EQ(v, 0);  // crossbeam select_macro.rs: deref (its Deref wrappers are Rust-only)
}

// crossbeam select_macro.rs: handles_on_heap
TEST(SelectArms, EndpointsOwnedByHeapObjects) {
  auto c = unbounded<int>();
  auto s = std::make_unique<mpmc::Sender<int>>(std::move(c.tx));
  auto r = std::make_unique<mpmc::Receiver<int>>(std::move(c.rx));
  const int v = mpmc::select(mpmc::on_send(*s, 0, [](auto) { return 1; }), mpmc::on_recv(*r, [](auto) { return 2; }),
                             mpmc::on_default([] { return 3; }));
  EXPECT_EQ(v, 1);
  s.reset();
  r.reset();
}

// crossbeam select_macro.rs: once_blocks (handlers may consume what they own)
TEST(SelectArms, HandlersMayBeMoveOnlyAndConsumeTheirCaptures) {
  auto c = unbounded<int>();
  int consumed = 0;
  auto consume = [&](std::unique_ptr<int>& p) {
    EXPECT_NE(p, nullptr);
    p.reset();
    ++consumed;
  };

  mpmc::select(mpmc::on_send(c.tx, 0, [&, once = std::make_unique<int>(1)](auto) mutable { consume(once); }));
  mpmc::select(mpmc::on_recv(c.rx, [&, once = std::make_unique<int>(2)](auto) mutable { consume(once); }));
  mpmc::select(mpmc::on_send(c.tx, 0, [&, once = std::make_unique<int>(3)](auto) mutable { consume(once); }),
               mpmc::on_default([&, once = std::make_unique<int>(4)]() mutable { consume(once); }));
  mpmc::select(mpmc::on_recv(c.rx, [&, once = std::make_unique<int>(5)](auto) mutable { consume(once); }),
               mpmc::on_default([&, once = std::make_unique<int>(6)]() mutable { consume(once); }));
  mpmc::select(mpmc::on_recv(c.rx, [&, once = std::make_unique<int>(7)](auto) mutable { consume(once); }),
               mpmc::on_send(c.tx, 0, [&, once = std::make_unique<int>(8)](auto) mutable { consume(once); }));
  EXPECT_EQ(consumed, 5);  // exactly one handler per select
}

// crossbeam select_macro.rs: once_receiver, once_sender (the endpoint
// expression is evaluated exactly once)
TEST(SelectArms, EndpointExpressionsAreEvaluatedOnce) {
  int calls = 0;
  {
    auto r = mpmc::unbounded<int>().second;
    auto get = [&]() -> const mpmc::Receiver<int>& {
      ++calls;
      return r;
    };
    bool err = false;
    mpmc::select(mpmc::on_recv(get(), [&](Result<int, RecvError> res) { err = res.is_err(); }));
    EXPECT_TRUE(err);
    EXPECT_EQ(calls, 1);
  }
  {
    auto s = mpmc::unbounded<int>().first;
    auto get = [&]() -> const mpmc::Sender<int>& {
      ++calls;
      return s;
    };
    std::optional<int> back;
    mpmc::select(mpmc::on_send(get(), 5, [&](Result<void, SendError<int>> res) { back = returned(std::move(res)); }));
    EXPECT_EQ(back, 5);
    EXPECT_EQ(calls, 2);
  }
}

// crossbeam select_macro.rs: result_types
TEST(SelectArms, HandlersGetRecvAndSendResults) {
  auto s = mpmc::bounded<int>(0).first;
  auto r = mpmc::bounded<int>(0).second;
  int runs = 0;
  const auto on_r = [&](auto res) {
    static_assert(std::is_same_v<decltype(res), Result<int, RecvError>>);
    EXPECT_TRUE(res.is_err());
    ++runs;
  };
  const auto on_s = [&](auto res) {
    static_assert(std::is_same_v<decltype(res), Result<void, SendError<int>>>);
    EXPECT_TRUE(res.is_err());
    ++runs;
  };
  const auto no_default = [] { ADD_FAILURE() << "a disconnected operation is ready"; };

  mpmc::select(mpmc::on_recv(r, on_r));
  mpmc::select(mpmc::on_recv(r, on_r), mpmc::on_default(no_default));
  mpmc::select(mpmc::on_recv(r, on_r), mpmc::on_timeout(0ms, no_default));
  mpmc::select(mpmc::on_send(s, 0, on_s));
  mpmc::select(mpmc::on_send(s, 0, on_s), mpmc::on_default(no_default));
  mpmc::select(mpmc::on_send(s, 0, on_s), mpmc::on_timeout(0ms, no_default));
  mpmc::select(mpmc::on_send(s, 0, on_s), mpmc::on_recv(r, on_r));
  EXPECT_EQ(runs, 7);
}

// crossbeam select_macro.rs: try_recv
TEST(SelectArms, RecvWithDefaultOnARendezvousChannel) {
  auto c = bounded<int>(0);
  std::latch first_done(1), sender_gone(1);
  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&, rx = std::move(c.rx)] {
      const auto try_once = [&] {
        return mpmc::select(mpmc::on_recv(rx, [](Result<int, RecvError> v) { return v.is_ok() ? v.unwrap() : -1; }),
                            mpmc::on_default([] { return 0; }));
      };
      EXPECT_EQ(try_once(), 0);
      first_done.count_down();
      thread::sleep(3 * kUnit);
      // The sender is blocked in its select by now (or very soon).
      int v = 0;
      EXPECT_TRUE(eventually([&] { return (v = try_once()) != 0; }));
      EXPECT_EQ(v, 7);
      sender_gone.wait();
      EXPECT_EQ(try_once(), -1);  // disconnected: Err(RecvError), not the default
    });
    sc.spawn([&, tx = std::move(c.tx)]() mutable {
      first_done.wait();
      thread::sleep(kUnit);
      mpmc::select(mpmc::on_send(tx, 7, [](Result<void, SendError<int>> res) { EXPECT_TRUE(res.is_ok()); }));
      drop(tx);
      sender_gone.count_down();
    });
  });
}

// crossbeam select_macro.rs: recv
TEST(SelectArms, BlockingRecvOnARendezvousChannel) {
  auto c = bounded<int>(0);
  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&, rx = std::move(c.rx)] {
      const auto recv_once = [&] {
        return mpmc::select(mpmc::on_recv(rx, [](Result<int, RecvError> v) { return got(v).value_or(-1); }));
      };
      EXPECT_EQ(recv_once(), 7);
      thread::sleep(kUnit);
      EXPECT_EQ(recv_once(), 8);
      thread::sleep(kUnit);
      EXPECT_EQ(recv_once(), 9);
      EXPECT_EQ(recv_once(), -1);
    });
    sc.spawn([&, tx = std::move(c.tx)]() mutable {
      thread::sleep(kUnit * 3 / 2);
      for (int m : {7, 8, 9})
        mpmc::select(mpmc::on_send(tx, m, [](Result<void, SendError<int>> res) { EXPECT_TRUE(res.is_ok()); }));
      drop(tx);
    });
  });
}

// crossbeam select_macro.rs: recv_timeout
TEST(SelectArms, RecvWithTimeoutOnARendezvousChannel) {
  auto c = bounded<int>(0);
  std::latch first_done(1);
  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&, rx = std::move(c.rx)] {
      int v = mpmc::select(mpmc::on_recv(rx, [](auto) { return -1; }), mpmc::on_timeout(2 * kUnit, [] { return 0; }));
      EXPECT_EQ(v, 0);
      first_done.count_down();
      v = mpmc::select(mpmc::on_recv(rx, [](Result<int, RecvError> r) { return got(r).value_or(-1); }),
                       mpmc::on_timeout(kLong, [] { return -2; }));
      EXPECT_EQ(v, 7);
      v = mpmc::select(mpmc::on_recv(rx, [](Result<int, RecvError> r) { return r.is_err() ? 1 : -1; }),
                       mpmc::on_timeout(kLong, [] { return -2; }));
      EXPECT_EQ(v, 1);
    });
    sc.spawn([&, tx = std::move(c.tx)]() mutable {
      first_done.wait();
      thread::sleep(kUnit);
      mpmc::select(mpmc::on_send(tx, 7, [](Result<void, SendError<int>> res) { EXPECT_TRUE(res.is_ok()); }));
      drop(tx);
    });
  });
}

// crossbeam select_macro.rs: try_send
TEST(SelectArms, SendWithDefaultOnARendezvousChannel) {
  auto c = bounded<int>(0);
  std::latch first_done(1), receiver_gone(1);
  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&, tx = std::move(c.tx)] {
      const auto try_once = [&](int m) {
        return mpmc::select(mpmc::on_send(tx, m,
                                          [](Result<void, SendError<int>> res) {
                                            if (res.is_ok()) return 1;
                                            return returned(std::move(res)).value_or(0) * 10;
                                          }),
                            mpmc::on_default([] { return 0; }));
      };
      EXPECT_EQ(try_once(7), 0);
      first_done.count_down();
      thread::sleep(3 * kUnit);
      EXPECT_TRUE(eventually([&] { return try_once(8) == 1; }));
      receiver_gone.wait();
      EXPECT_EQ(try_once(8), 80);  // Err(SendError(8)), not the default
    });
    sc.spawn([&, rx = std::move(c.rx)]() mutable {
      first_done.wait();
      thread::sleep(kUnit);
      mpmc::select(mpmc::on_recv(rx, [](Result<int, RecvError> v) { EXPECT_EQ(got(v), 8); }));
      drop(rx);
      receiver_gone.count_down();
    });
  });
}

// crossbeam select_macro.rs: send
TEST(SelectArms, BlockingSendOnARendezvousChannel) {
  auto c = bounded<int>(0);
  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&, tx = std::move(c.tx)] {
      const auto send_once = [&](int m) {
        mpmc::select(mpmc::on_send(tx, m, [](Result<void, SendError<int>> res) { EXPECT_TRUE(res.is_ok()); }));
      };
      send_once(7);
      thread::sleep(kUnit);
      send_once(8);
      thread::sleep(kUnit);
      send_once(9);
    });
    sc.spawn([&, rx = std::move(c.rx)] {
      thread::sleep(kUnit * 3 / 2);
      for (int m : {7, 8, 9})
        mpmc::select(mpmc::on_recv(rx, [m](Result<int, RecvError> v) { EXPECT_EQ(got(v), m); }));
    });
  });
}

// crossbeam select_macro.rs: send_timeout
TEST(SelectArms, SendWithTimeoutOnARendezvousChannel) {
  auto c = bounded<int>(0);
  std::latch first_done(1);
  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&, tx = std::move(c.tx)] {
      int v = mpmc::select(mpmc::on_send(tx, 7, [](auto) { return -1; }),
                           mpmc::on_timeout(2 * kUnit, [] { return 0; }));
      EXPECT_EQ(v, 0);
      first_done.count_down();
      v = mpmc::select(mpmc::on_send(tx, 8, [](Result<void, SendError<int>> r) { return r.is_ok() ? 1 : -1; }),
                       mpmc::on_timeout(kLong, [] { return -2; }));
      EXPECT_EQ(v, 1);
      v = mpmc::select(
          mpmc::on_send(tx, 9, [](Result<void, SendError<int>> r) { return returned(std::move(r)).value_or(-1); }),
          mpmc::on_timeout(kLong, [] { return -2; }));
      EXPECT_EQ(v, 9);
    });
    sc.spawn([&, rx = std::move(c.rx)]() mutable {
      first_done.wait();
      thread::sleep(kUnit);
      mpmc::select(mpmc::on_recv(rx, [](Result<int, RecvError> v) { EXPECT_EQ(got(v), 8); }));
      drop(rx);
    });
  });
}

// crossbeam select_macro.rs: disconnect_wakes_sender
TEST(SelectArms, DroppingTheReceiverWakesABlockedSendArm) {
  auto c = bounded<Unit>(0);
  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      bool err = false;
      mpmc::select(mpmc::on_send(c.tx, Unit{}, [&](Result<void, SendError<Unit>> res) { err = res.is_err(); }));
      EXPECT_TRUE(err);
    });
    sc.spawn([&] {
      thread::sleep(kUnit);
      drop(c.rx);
    });
  });
}

// crossbeam select_macro.rs: disconnect_wakes_receiver
TEST(SelectArms, DroppingTheSenderWakesABlockedRecvArm) {
  auto c = bounded<Unit>(0);
  thread::scope([&](thread::Scope& sc) {
    sc.spawn([&] {
      bool err = false;
      mpmc::select(mpmc::on_recv(c.rx, [&](Result<Unit, RecvError> res) { err = res.is_err(); }));
      EXPECT_TRUE(err);
    });
    sc.spawn([&] {
      thread::sleep(kUnit);
      drop(c.tx);
    });
  });
}

// Not ported, being select! syntax with no C++ counterpart: infer_types (Rust
// type inference), same_variable_name, parse_nesting, trailing_comma.

// crossbeam thread_locals.rs: use_while_exiting
// A thread-local whose destructor runs after the channels' own per-thread
// state has been destroyed (it was constructed first) still selects, blocks
// and sends. Reading freed memory there was caught by ASan and TSan.
namespace {
struct SelectsWhenDestroyed {
  explicit SelectsWhenDestroyed(mpmc::Sender<bool> r) : report(std::move(r)) {}
  SelectsWhenDestroyed(const SelectsWhenDestroyed&) = delete;
  SelectsWhenDestroyed& operator=(const SelectsWhenDestroyed&) = delete;
  mpmc::Sender<bool> report;
  ~SelectsWhenDestroyed() {
    auto c = unbounded<Unit>();
    bool timed_out = false;
    mpmc::select(mpmc::on_recv(c.rx, [](auto) {}), mpmc::on_timeout(10ms, [&] { timed_out = true; }));
    auto z = bounded<int>(0);
    int got = 0;
    thread::scope([&](thread::Scope& s) {
      s.spawn([&] { z.tx.send(7).unwrap(); });
      got = z.rx.recv().unwrap();
    });
    report.send(timed_out && got == 7).unwrap();
  }
};
thread_local std::optional<SelectsWhenDestroyed> t_selects_when_destroyed;
}  // namespace

TEST(SelectArms, UsableFromAThreadLocalDestructorAtThreadExit) {
  auto c = unbounded<Unit>();
  auto report = bounded<bool>(1);
  thread::scope([&](thread::Scope& s) {
    s.spawn([&] {
      t_selects_when_destroyed.emplace(report.tx);  // before the channels' thread-locals
      c.rx.recv().unwrap();  // blocks: creates this thread's channel state
    });
    s.spawn([&] {
      thread::sleep(50ms);
      c.tx.send(Unit{}).unwrap();
    });
  });
  // The destructor runs after the thread's closure, so possibly after the scope.
  EXPECT_EQ(report.rx.recv_timeout(30s).unwrap(), true);
}
