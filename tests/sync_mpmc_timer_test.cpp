// Tests for the timer channels of fearless/sync/mpmc.hpp: after, at, tick, never.
// Timing checks use generous tolerances (a loaded 2-core machine).
#include <gtest/gtest.h>

#include <chrono>

#include "fearless/sync/mpmc.hpp"
#include "fearless/thread.hpp"

namespace mpmc = fearless::sync::mpmc;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(Timer, AfterDeliversOnceAtTheRightTime) {
  const auto t0 = Clock::now();
  auto rx = mpmc::after(50ms);
  EXPECT_EQ(rx.capacity(), std::optional<std::size_t>(1));
  EXPECT_EQ(rx.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
  EXPECT_TRUE(rx.is_empty());
  const auto when = rx.recv().unwrap();
  const auto now = Clock::now();
  EXPECT_GE(now - t0, 50ms);
  EXPECT_LT(now - t0, 2s);
  EXPECT_GE(when - t0, 50ms);
  EXPECT_LE(when, now);
  // Only once; afterwards it is empty, never disconnected.
  EXPECT_EQ(rx.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
  EXPECT_EQ(rx.recv_timeout(20ms).unwrap_err(), mpmc::RecvTimeoutError::Timeout);
}

TEST(Timer, AfterZeroAndNegativeFireAtOnce) {
  EXPECT_TRUE(mpmc::after(0s).try_recv().is_ok());
  EXPECT_TRUE(mpmc::after(-5s).try_recv().is_ok());
  auto rx = mpmc::after(0ms);
  EXPECT_EQ(rx.len(), 1u);
  EXPECT_TRUE(rx.is_full());
}

TEST(Timer, AfterHugeNeverFires) {
  auto rx = mpmc::after(std::chrono::hours::max());
  EXPECT_EQ(rx.recv_timeout(20ms).unwrap_err(), mpmc::RecvTimeoutError::Timeout);
  auto rx2 = mpmc::at(Clock::time_point::max());
  EXPECT_EQ(rx2.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
}

TEST(Timer, AtAnyClock) {
  const auto t0 = Clock::now();
  auto rx = mpmc::at(std::chrono::system_clock::now() + 40ms);
  rx.recv().unwrap();
  EXPECT_GE(Clock::now() - t0, 30ms);
  auto past = mpmc::at(Clock::now() - 1s);
  EXPECT_TRUE(past.try_recv().is_ok());
}

TEST(Timer, RecvTimeoutShorterThanTimer) {
  auto rx = mpmc::after(1s);
  const auto t0 = Clock::now();
  EXPECT_TRUE(rx.recv_timeout(30ms).unwrap_err().is_timeout());
  EXPECT_LT(Clock::now() - t0, 900ms);
}

// recv_timeout returns a message that is available even when the deadline
// has passed; for a timer that means a deadline before the time it fired.
TEST(Timer, ADueMessageIsReturnedWhateverTheDeadline) {
  const auto t0 = Clock::now();
  auto after = mpmc::after(1ms);
  auto at = mpmc::at(t0 + 2ms);
  auto tick = mpmc::tick(1ms);
  fearless::thread::sleep(20ms);
  // Each fired after t0: a deadline of t0 is long past, and the message is there.
  const auto a = after.recv_deadline(t0);
  ASSERT_TRUE(a.is_ok());
  EXPECT_GE(a.unwrap(), t0 + 1ms);
  EXPECT_EQ(at.recv_deadline(t0 - 1s).unwrap(), t0 + 2ms);
  EXPECT_TRUE(tick.recv_deadline(t0).is_ok());
  // Once taken, a past deadline is a try that finds nothing.
  EXPECT_EQ(after.recv_deadline(t0).unwrap_err(), mpmc::RecvTimeoutError::Timeout);
  EXPECT_EQ(at.recv_deadline(t0).unwrap_err(), mpmc::RecvTimeoutError::Timeout);
}

TEST(Timer, ClonesShareTheOneMessage) {
  auto rx = mpmc::after(10ms);
  auto rx2 = rx.clone();
  EXPECT_TRUE(rx.same_channel(rx2));
  rx.recv().unwrap();
  EXPECT_TRUE(rx2.try_recv().is_err());
}

TEST(Timer, TickDeliversPeriodically) {
  const auto t0 = Clock::now();
  auto rx = mpmc::tick(20ms);
  Clock::time_point prev = t0;
  for (int i = 0; i < 5; ++i) {
    const auto when = rx.recv().unwrap();
    EXPECT_GT(when, prev);
    EXPECT_GE(when - prev, 15ms);
    prev = when;
  }
  const auto total = Clock::now() - t0;
  EXPECT_GE(total, 95ms);
  EXPECT_LT(total, 5s);
}

TEST(Timer, TickSkipsMissedTicks) {
  auto rx = mpmc::tick(10ms);
  fearless::thread::sleep(60ms);
  // Only one message is pending however late we are.
  EXPECT_TRUE(rx.try_recv().is_ok());
  EXPECT_TRUE(rx.try_recv().is_err());
}

TEST(Timer, NeverNeverDelivers) {
  auto rx = mpmc::never<int>();
  EXPECT_EQ(rx.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
  EXPECT_EQ(rx.recv_timeout(10ms).unwrap_err(), mpmc::RecvTimeoutError::Timeout);
  EXPECT_TRUE(rx.is_empty());
  EXPECT_EQ(rx.len(), 0u);
}

// As crossbeam's same_channel: all never() receivers count as one channel.
TEST(Timer, NeverReceiversAreTheSameChannel) {
  auto a = mpmc::never<int>();
  auto b = mpmc::never<int>();
  EXPECT_TRUE(a.same_channel(b));
  EXPECT_TRUE(b.same_channel(a));
  auto timer = mpmc::after(1h);
  EXPECT_FALSE(mpmc::never<decltype(timer.recv())::value_type>().same_channel(timer));
  auto [tx, rx] = mpmc::unbounded<int>();
  EXPECT_FALSE(a.same_channel(rx));
  EXPECT_FALSE(rx.same_channel(a));
}

TEST(Timer, InSelect) {
  auto [tx, rx] = mpmc::unbounded<int>();
  auto timeout = mpmc::after(30ms);
  auto off = mpmc::never<int>();
  const auto t0 = Clock::now();
  mpmc::Select sel;
  sel.recv(rx);
  sel.recv(off);
  const auto ti = sel.recv(timeout);
  auto op = sel.select();
  EXPECT_EQ(op.index(), ti);
  op.recv(timeout).unwrap();
  EXPECT_GE(Clock::now() - t0, 25ms);

  auto ticker = mpmc::tick(10ms);
  int ticks = 0;
  const auto t1 = Clock::now();
  while (ticks < 3) {
    mpmc::select(mpmc::on_recv(ticker, [&](auto r) { ticks += r.is_ok(); }),
                 mpmc::on_recv(rx, [](auto) {}));
  }
  EXPECT_GE(Clock::now() - t1, 25ms);
}
