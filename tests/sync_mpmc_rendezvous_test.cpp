// Tests for the rendezvous flavour of fearless/sync/mpmc.hpp (bounded(0)):
// every send meets a receive, nothing is ever stored.
#include <gtest/gtest.h>

#include <any>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <latch>
#include <random>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "fearless/sync/mpmc.hpp"
#include "fearless/thread.hpp"

namespace mpmc = fearless::sync::mpmc;
using namespace std::chrono_literals;
using fearless::Err;
using fearless::Ok;
using mpmc::RecvError;
using mpmc::RecvTimeoutError;
using mpmc::SendError;
using mpmc::SendTimeoutError;
using mpmc::TryRecvError;
using mpmc::TrySendError;
using Clock = std::chrono::steady_clock;
using Unit = std::monostate;

namespace {

// The time unit of the tests that sequence threads by sleeping.
constexpr auto kUnit = 50ms;
// How long a test waits for something that must happen before it gives up.
constexpr auto kPatience = 10s;

void sleep_units(int n) { fearless::thread::sleep(n * kUnit); }

}  // namespace

// crossbeam zero.rs: smoke
TEST(Rendezvous, TrySendIsFullAndTryRecvIsEmptyWithoutAPeer) {
  auto [s, r] = mpmc::bounded<int>(0);
  EXPECT_EQ(s.try_send(7), Err(TrySendError<int>(TrySendError<int>::Full, 7)));
  EXPECT_EQ(r.try_recv(), Err(TryRecvError(TryRecvError::Empty)));
}

// crossbeam zero.rs: capacity
TEST(Rendezvous, CapacityIsZeroOnBothEnds) {
  auto [s, r] = mpmc::bounded<Unit>(0);
  EXPECT_EQ(s.capacity(), std::optional<std::size_t>(0));
  EXPECT_EQ(r.capacity(), std::optional<std::size_t>(0));
}

// crossbeam zero.rs: len_empty_full
TEST(Rendezvous, IsAlwaysEmptyAndFullWithLengthZero) {
  auto ch = mpmc::bounded<int>(0);
  auto& s = ch.first;
  auto& r = ch.second;
  auto check = [&] {
    EXPECT_EQ(s.len(), 0u);
    EXPECT_TRUE(s.is_empty());
    EXPECT_TRUE(s.is_full());
    EXPECT_EQ(r.len(), 0u);
    EXPECT_TRUE(r.is_empty());
    EXPECT_TRUE(r.is_full());
  };
  check();
  fearless::thread::scope([&](auto& sc) {
    sc.spawn([&] { s.send(0).unwrap(); });
    sc.spawn([&] { EXPECT_EQ(r.recv(), Ok(0)); });
  });
  check();
}

// crossbeam zero.rs: try_recv
TEST(Rendezvous, TryRecvTakesFromABlockedSenderThenSeesDisconnection) {
  auto [tx, r] = mpmc::bounded<int>(0);
  EXPECT_EQ(r.try_recv(), Err(TryRecvError(TryRecvError::Empty)));
  auto sender = fearless::thread::spawn([s = std::move(tx)] {
    sleep_units(1);
    s.send(7).unwrap();
  });
  // By now the sender is (most likely) blocked in send; until it is, only Empty may be seen.
  sleep_units(3);
  const auto give_up = Clock::now() + kPatience;
  auto got = r.try_recv();
  while (got.is_err() && Clock::now() < give_up) {
    ASSERT_EQ(got, Err(TryRecvError(TryRecvError::Empty)));
    fearless::thread::sleep(1ms);
    got = r.try_recv();
  }
  EXPECT_EQ(got, Ok(7));
  sender.join().unwrap();  // the sender is gone with its thread
  EXPECT_EQ(r.try_recv(), Err(TryRecvError(TryRecvError::Disconnected)));
}

// crossbeam zero.rs: recv
TEST(Rendezvous, RecvWaitsForEachSendThenReportsDisconnection) {
  auto [tx, r] = mpmc::bounded<int>(0);
  auto sender = fearless::thread::spawn([s = std::move(tx)] {
    sleep_units(2);
    s.send(7).unwrap();
    s.send(8).unwrap();
    s.send(9).unwrap();
  });
  EXPECT_EQ(r.recv(), Ok(7));
  sleep_units(1);
  EXPECT_EQ(r.recv(), Ok(8));
  sleep_units(1);
  EXPECT_EQ(r.recv(), Ok(9));
  EXPECT_EQ(r.recv(), Err(RecvError{}));
  sender.join().unwrap();
}

// crossbeam zero.rs: recv_timeout
TEST(Rendezvous, RecvTimeoutTimesOutThenReceivesThenSeesDisconnection) {
  auto [tx, r] = mpmc::bounded<int>(0);
  std::latch first_timed_out(1);
  auto sender = fearless::thread::spawn([s = std::move(tx), &first_timed_out] {
    first_timed_out.wait();
    sleep_units(1);
    s.send(7).unwrap();
  });
  const auto t0 = Clock::now();
  EXPECT_EQ(r.recv_timeout(kUnit), Err(RecvTimeoutError(RecvTimeoutError::Timeout)));
  EXPECT_GE(Clock::now() - t0, kUnit);
  first_timed_out.count_down();
  // The message comes while this receive is waiting.
  EXPECT_EQ(r.recv_timeout(kPatience), Ok(7));
  // The sender's thread ends; its disconnection wakes this receive.
  EXPECT_EQ(r.recv_timeout(kPatience), Err(RecvTimeoutError(RecvTimeoutError::Disconnected)));
  sender.join().unwrap();
}

// crossbeam zero.rs: try_send
TEST(Rendezvous, TrySendHandsToABlockedReceiverThenSeesDisconnection) {
  auto [s, rx] = mpmc::bounded<int>(0);
  EXPECT_EQ(s.try_send(7), Err(TrySendError<int>(TrySendError<int>::Full, 7)));
  auto receiver = fearless::thread::spawn([r = std::move(rx)] { return r.recv().unwrap(); });
  // By now the receiver is (most likely) blocked in recv; until it is, only Full may be seen.
  sleep_units(2);
  const auto give_up = Clock::now() + kPatience;
  auto sent = s.try_send(8);
  while (sent.is_err() && Clock::now() < give_up) {
    ASSERT_EQ(sent, Err(TrySendError<int>(TrySendError<int>::Full, 8)));
    fearless::thread::sleep(1ms);
    sent = s.try_send(8);
  }
  EXPECT_EQ(sent, Ok());
  EXPECT_EQ(receiver.join().unwrap(), 8);  // the receiver is gone with its thread
  EXPECT_EQ(s.try_send(9), Err(TrySendError<int>(TrySendError<int>::Disconnected, 9)));
}

// crossbeam zero.rs: send
TEST(Rendezvous, SendWaitsForEachRecv) {
  auto [s, rx] = mpmc::bounded<int>(0);
  const auto t0 = Clock::now();
  auto receiver = fearless::thread::spawn([r = std::move(rx)] {
    sleep_units(3);
    EXPECT_EQ(r.recv(), Ok(7));
    EXPECT_EQ(r.recv(), Ok(8));
    EXPECT_EQ(r.recv(), Ok(9));
  });
  s.send(7).unwrap();
  // Nothing is stored: the first send returned only once the receiver took it.
  EXPECT_GE(Clock::now() - t0, 3 * kUnit);
  sleep_units(1);
  s.send(8).unwrap();
  sleep_units(1);
  s.send(9).unwrap();
  receiver.join().unwrap();
}

// crossbeam zero.rs: send_timeout
TEST(Rendezvous, SendTimeoutTimesOutThenSendsThenSeesDisconnection) {
  auto [s, rx] = mpmc::bounded<int>(0);
  std::latch first_timed_out(1);
  auto receiver = fearless::thread::spawn([r = std::move(rx), &first_timed_out] {
    first_timed_out.wait();
    sleep_units(1);
    EXPECT_EQ(r.recv(), Ok(8));
  });
  const auto t0 = Clock::now();
  EXPECT_EQ(s.send_timeout(7, kUnit), Err(SendTimeoutError<int>(SendTimeoutError<int>::Timeout, 7)));
  EXPECT_GE(Clock::now() - t0, kUnit);
  first_timed_out.count_down();
  // The receiver comes while this send is waiting.
  EXPECT_EQ(s.send_timeout(8, kPatience), Ok());
  // The receiver's thread ends; its disconnection wakes this send, which hands 9 back.
  EXPECT_EQ(s.send_timeout(9, kPatience), Err(SendTimeoutError<int>(SendTimeoutError<int>::Disconnected, 9)));
  receiver.join().unwrap();
}

// crossbeam zero.rs: len
TEST(Rendezvous, LengthStaysZeroWhileMessagesPass) {
  constexpr std::size_t kCount = 5000;
  auto ch = mpmc::bounded<std::size_t>(0);
  auto& s = ch.first;
  auto& r = ch.second;
  EXPECT_EQ(s.len(), 0u);
  EXPECT_EQ(r.len(), 0u);
  fearless::thread::scope([&](auto& sc) {
    sc.spawn([&] {
      for (std::size_t i = 0; i < kCount; ++i) {
        ASSERT_EQ(r.recv(), Ok(i));
        ASSERT_EQ(r.len(), 0u);
      }
    });
    sc.spawn([&] {
      for (std::size_t i = 0; i < kCount; ++i) {
        s.send(i).unwrap();
        ASSERT_EQ(s.len(), 0u);
      }
    });
  });
  EXPECT_EQ(s.len(), 0u);
  EXPECT_EQ(r.len(), 0u);
}

// crossbeam zero.rs: disconnect_wakes_sender
TEST(Rendezvous, DroppingTheReceiverWakesABlockedSender) {
  auto [s, rx] = mpmc::bounded<Unit>(0);
  auto dropper = fearless::thread::spawn([r = std::move(rx)] { sleep_units(1); });
  EXPECT_EQ(s.send(Unit{}), Err(SendError<Unit>(Unit{})));
  dropper.join().unwrap();
}

// crossbeam zero.rs: disconnect_wakes_receiver
TEST(Rendezvous, DroppingTheSenderWakesABlockedReceiver) {
  auto [tx, r] = mpmc::bounded<Unit>(0);
  auto dropper = fearless::thread::spawn([s = std::move(tx)] { sleep_units(1); });
  EXPECT_EQ(r.recv(), Err(RecvError{}));
  dropper.join().unwrap();
}

// crossbeam zero.rs: spsc
TEST(Rendezvous, SpscDeliversInOrderThenDisconnects) {
  constexpr std::size_t kCount = 10000;
  auto [tx, rx] = mpmc::bounded<std::size_t>(0);
  auto receiver = fearless::thread::spawn([r = std::move(rx)] {
    for (std::size_t i = 0; i < kCount; ++i) ASSERT_EQ(r.recv(), Ok(i));
    EXPECT_EQ(r.recv(), Err(RecvError{}));
  });
  auto sender = fearless::thread::spawn([s = std::move(tx)] {
    for (std::size_t i = 0; i < kCount; ++i) s.send(i).unwrap();
  });
  sender.join().unwrap();
  receiver.join().unwrap();
}

// crossbeam zero.rs: mpmc
TEST(Rendezvous, MpmcDeliversEveryMessageToExactlyOneReceiver) {
  constexpr std::size_t kCount = 500;
  constexpr std::size_t kThreads = 4;
  auto ch = mpmc::bounded<std::size_t>(0);
  auto& s = ch.first;
  auto& r = ch.second;
  std::vector<std::atomic<std::size_t>> seen(kCount);
  fearless::thread::scope([&](auto& sc) {
    for (std::size_t t = 0; t < kThreads; ++t) {
      sc.spawn([&] {
        for (std::size_t i = 0; i < kCount; ++i) seen[r.recv().unwrap()].fetch_add(1);
      });
    }
    for (std::size_t t = 0; t < kThreads; ++t) {
      sc.spawn([&] {
        for (std::size_t i = 0; i < kCount; ++i) s.send(i).unwrap();
      });
    }
  });
  for (std::size_t i = 0; i < kCount; ++i) EXPECT_EQ(seen[i].load(), kThreads) << "message " << i;
}

// crossbeam zero.rs: stress_oneshot
TEST(Rendezvous, StressOneMessagePerChannel) {
  constexpr int kCount = 300;
  for (int i = 0; i < kCount; ++i) {
    auto ch = mpmc::bounded<int>(0);
    auto& s = ch.first;
    auto& r = ch.second;
    fearless::thread::scope([&](auto& sc) {
      sc.spawn([&] { EXPECT_EQ(r.recv(), Ok(0)); });
      sc.spawn([&] { s.send(0).unwrap(); });
    });
  }
}

// crossbeam zero.rs: stress_iter
TEST(Rendezvous, StressTryIterAgainstIterWithTrySendRequests) {
  constexpr std::size_t kCount = 500;
  auto [request_s, request_r] = mpmc::bounded<Unit>(0);
  auto [response_s, response_r] = mpmc::bounded<std::size_t>(0);
  // The polling side owns its endpoints: when it returns, both channels disconnect.
  auto poller = fearless::thread::spawn([rs = std::move(request_s), rr = std::move(response_r)] {
    std::size_t count = 0;
    for (;;) {
      for (std::size_t x : rr.try_iter()) {
        count += x;
        if (count == kCount) return count;
      }
      // Nobody waiting for a request yet: let the serving thread run (the
      // CPUs may be fewer than busy threads).
      if (rs.try_send(Unit{}).is_err()) std::this_thread::yield();
    }
  });
  std::size_t served = 0;
  for (Unit u : request_r.iter()) {
    (void)u;
    if (response_s.send(1).is_err()) break;
    ++served;
  }
  EXPECT_EQ(poller.join().unwrap(), kCount);
  EXPECT_EQ(served, kCount);
}

// crossbeam zero.rs: stress_timeout_two_threads
TEST(Rendezvous, StressTimedSendAndRecvRetryUntilTheyMeet) {
  constexpr int kCount = 40;
  constexpr auto kPause = 10ms;
  constexpr auto kTry = 2ms;
  auto ch = mpmc::bounded<int>(0);
  auto& s = ch.first;
  auto& r = ch.second;
  fearless::thread::scope([&](auto& sc) {
    sc.spawn([&] {
      for (int i = 0; i < kCount; ++i) {
        if (i % 2 == 0) fearless::thread::sleep(kPause);
        while (s.send_timeout(i, kTry).is_err()) {
        }
      }
    });
    sc.spawn([&] {
      for (int i = 0; i < kCount; ++i) {
        if (i % 2 == 0) fearless::thread::sleep(kPause);
        for (;;) {
          auto got = r.recv_timeout(kTry);
          if (got.is_ok()) {
            ASSERT_EQ(got, Ok(i));
            break;
          }
          ASSERT_EQ(got, Err(RecvTimeoutError(RecvTimeoutError::Timeout)));
        }
      }
    });
  });
}

namespace {

// Counts the destruction of every value it was made with (a moved-from
// instance owns nothing and counts nothing).
std::atomic<std::size_t> g_drops{0};
struct DropCounter {
  bool owns = true;
  DropCounter() = default;
  DropCounter(DropCounter&& o) noexcept : owns(std::exchange(o.owns, false)) {}
  DropCounter& operator=(DropCounter&&) = delete;
  ~DropCounter() {
    if (owns) g_drops.fetch_add(1);
  }
};

}  // namespace

// crossbeam zero.rs: drops
TEST(Rendezvous, EveryMessageIsDestroyedExactlyOnce) {
  constexpr int kRuns = 20;
  constexpr int kSteps = 1000;
  std::mt19937 rng(20240611);
  for (int run = 0; run < kRuns; ++run) {
    const std::size_t steps = std::uniform_int_distribution<std::size_t>(0, kSteps - 1)(rng);
    g_drops = 0;
    auto ch = mpmc::bounded<DropCounter>(0);
    auto& s = ch.first;
    auto& r = ch.second;
    fearless::thread::scope([&](auto& sc) {
      sc.spawn([&] {
        for (std::size_t i = 0; i < steps; ++i) (void)r.recv().unwrap();
      });
      sc.spawn([&] {
        for (std::size_t i = 0; i < steps; ++i) s.send(DropCounter{}).unwrap();
      });
    });
    EXPECT_EQ(g_drops.load(), steps);
    { auto gone = std::move(s); }
    { auto gone = std::move(r); }
    EXPECT_EQ(g_drops.load(), steps);
  }
}

// crossbeam zero.rs: fairness
TEST(Rendezvous, SelectSpreadsEvenlyOverTwoChannels) {
  constexpr std::size_t kCount = 2000;
  auto ch1 = mpmc::bounded<Unit>(0);
  auto& s1 = ch1.first;
  auto& r1 = ch1.second;
  auto ch2 = mpmc::bounded<Unit>(0);
  auto& s2 = ch2.first;
  auto& r2 = ch2.second;
  fearless::thread::scope([&](auto& sc) {
    sc.spawn([&] {
      std::size_t hits[2] = {0, 0};
      for (std::size_t i = 0; i < kCount; ++i) {
        mpmc::select(mpmc::on_recv(r1, [&](auto) { ++hits[0]; }), mpmc::on_recv(r2, [&](auto) { ++hits[1]; }));
      }
      EXPECT_GE(hits[0], kCount / 2 / 2);
      EXPECT_GE(hits[1], kCount / 2 / 2);
    });
    std::size_t hits[2] = {0, 0};
    for (std::size_t i = 0; i < kCount; ++i) {
      mpmc::select(mpmc::on_send(s1, Unit{}, [&](auto) { ++hits[0]; }),
                   mpmc::on_send(s2, Unit{}, [&](auto) { ++hits[1]; }));
    }
    EXPECT_GE(hits[0], kCount / 2 / 2);
    EXPECT_GE(hits[1], kCount / 2 / 2);
  });
}

// crossbeam zero.rs: fairness_duplicates
TEST(Rendezvous, SelectSpreadsEvenlyOverDuplicateOperations) {
  constexpr std::size_t kCount = 2000;
  auto ch = mpmc::bounded<Unit>(0);
  auto& s = ch.first;
  auto& r = ch.second;
  fearless::thread::scope([&](auto& sc) {
    sc.spawn([&] {
      std::size_t hits[5] = {0, 0, 0, 0, 0};
      for (std::size_t i = 0; i < kCount; ++i) {
        mpmc::select(mpmc::on_recv(r, [&](auto) { ++hits[0]; }), mpmc::on_recv(r, [&](auto) { ++hits[1]; }),
                     mpmc::on_recv(r, [&](auto) { ++hits[2]; }), mpmc::on_recv(r, [&](auto) { ++hits[3]; }),
                     mpmc::on_recv(r, [&](auto) { ++hits[4]; }));
      }
      for (std::size_t h : hits) EXPECT_GE(h, kCount / 5 / 2);
    });
    std::size_t hits[5] = {0, 0, 0, 0, 0};
    for (std::size_t i = 0; i < kCount; ++i) {
      mpmc::select(mpmc::on_send(s, Unit{}, [&](auto) { ++hits[0]; }), mpmc::on_send(s, Unit{}, [&](auto) { ++hits[1]; }),
                   mpmc::on_send(s, Unit{}, [&](auto) { ++hits[2]; }), mpmc::on_send(s, Unit{}, [&](auto) { ++hits[3]; }),
                   mpmc::on_send(s, Unit{}, [&](auto) { ++hits[4]; }));
    }
    for (std::size_t h : hits) EXPECT_GE(h, kCount / 5 / 2);
  });
}

// crossbeam zero.rs: recv_in_send. crossbeam's select! evaluates a send arm's
// message only once the arm is chosen; with fearless that is Select (the
// message is given to SelectedOperation::send). The handler form's on_send
// takes its message when the arm is built, as docs/channels.md documents.
TEST(Rendezvous, SelectedSendMayReceiveItsMessageFromTheSameChannel) {
  auto ch = mpmc::bounded<int>(0);
  auto& s = ch.first;
  auto& r = ch.second;
  std::atomic<bool> selected{false};
  fearless::thread::scope([&](auto& sc) {
    auto forwarded = sc.spawn([&] {
      sleep_units(1);
      return r.recv().unwrap();
    });
    sc.spawn([&] {
      const auto give_up = Clock::now() + kPatience;
      while (!selected.load() && Clock::now() < give_up) fearless::thread::sleep(1ms);
      ASSERT_TRUE(selected.load());
      sleep_units(1);
      s.send(42).unwrap();
    });
    mpmc::Select sel;
    const auto i = sel.send(s);
    auto op = sel.select();
    ASSERT_EQ(op.index(), i);
    // The peer that paired with this send waits while its message is produced,
    // here by receiving on the same channel from the third thread.
    selected.store(true);
    op.send(s, r.recv().unwrap()).unwrap();
    EXPECT_EQ(forwarded.join().unwrap(), 42);
  });
}

// crossbeam zero.rs: channel_through_channel
TEST(Rendezvous, ReceiversTravelThroughRendezvousChannels) {
  constexpr int kCount = 1000;
  using Msg = std::any;
  auto [tx, rx] = mpmc::bounded<Msg>(0);
  auto sender = fearless::thread::spawn([s = std::move(tx)]() mutable {
    for (int i = 0; i < kCount; ++i) {
      auto [next_s, next_r] = mpmc::bounded<Msg>(0);
      s.send(Msg(std::move(next_r))).unwrap();
      s = std::move(next_s);
    }
  });
  auto receiver = fearless::thread::spawn([r = std::move(rx)]() mutable {
    for (int i = 0; i < kCount; ++i) {
      Msg m = r.recv().unwrap();
      auto* next = std::any_cast<mpmc::Receiver<Msg>>(&m);
      ASSERT_NE(next, nullptr);
      r = std::move(*next);
    }
  });
  sender.join().unwrap();
  receiver.join().unwrap();
}
