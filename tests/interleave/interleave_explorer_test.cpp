// The exploration scheduler itself: a search is reproducible (the same
// scenario explored twice gives the same executions and scheduling points,
// also when it reads the clock, times out or lets Select choose at random),
// and time is virtual (a wait of an hour that the scheduler times out is over
// at once, and the thread then sees the hour gone; so is thread::sleep), and
// thread::yield_now lets another thread run.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>

#include "fearless/detail/time.hpp"
#include "fearless/sync/mpmc.hpp"
#include "fearless/thread.hpp"
#include "scheduler.hpp"

namespace {

namespace mpmc = fearless::sync::mpmc;
using fearless::detail::Clock;
using fearless_test::interleave::Execution;
using fearless_test::interleave::Explorer;
using fearless_test::interleave::Options;
using fearless_test::interleave::Report;
using fearless_test::interleave::show;

// Two ready channels and an unbiased Select: which one it takes first is the
// library's random choice.
void select_either(Execution& ex) {
  auto a = mpmc::bounded<int>(1);
  auto b = mpmc::unbounded<int>();
  int sum = 0, bad = 0;
  ex.spawn([&] { (void)a.first.send(1); });
  ex.spawn([&] { (void)b.first.send(2); });
  ex.spawn([&] {
    for (int got = 0; got < 2; ++got) {
      mpmc::Select sel;
      const std::size_t ia = sel.recv(a.second);
      sel.recv(b.second);
      auto op = sel.select();
      auto r = op.index() == ia ? op.recv(a.second) : op.recv(b.second);
      if (r.is_ok()) sum += r.unwrap(); else ++bad;
    }
  });
  if (ex.run()) ex.check(bad == 0 && sum == 3, "both messages, once each");
}

// A timed send and a timed receive on a rendezvous channel; both deadlines
// are read from the clock, and either wait may time out.
void timed_rendezvous(Execution& ex) {
  auto ends = mpmc::bounded<int>(0);  // not a structured binding: clang 14 cannot capture one
  auto& tx = ends.first;
  auto& rx = ends.second;
  int sent = 0, got = 0;
  ex.spawn([&] { sent += tx.send_timeout(1, std::chrono::milliseconds(2)).is_ok(); });
  ex.spawn([&] { got += rx.recv_timeout(std::chrono::milliseconds(2)).is_ok(); });
  if (ex.run()) ex.check(sent == got, "a rendezvous completes on both sides or on neither");
}

bool same(const Report& a, const Report& b) { return a.executions == b.executions && a.steps == b.steps; }

TEST(InterleaveExplorer, SameSearchTwiceGivesTheSameSchedules) {
  Options o;
  o.preemption_bound = 1;
  const Report e1 = Explorer::exhaustive(select_either, o);
  const Report e2 = Explorer::exhaustive(select_either, o);
  show("unbiased select, exhaustive pb=1 (first)", e1);
  show("unbiased select, exhaustive pb=1 (second)", e2);
  EXPECT_FALSE(e1.failed) << e1.failure;
  EXPECT_TRUE(e1.complete);
  EXPECT_TRUE(same(e1, e2)) << e1.describe() << " / " << e2.describe();

  const Report r1 = Explorer::random(select_either, 5, 300);
  const Report r2 = Explorer::random(select_either, 5, 300);
  show("unbiased select, random (first)", r1);
  show("unbiased select, random (second)", r2);
  EXPECT_FALSE(r1.failed) << r1.failure;
  EXPECT_TRUE(same(r1, r2)) << r1.describe() << " / " << r2.describe();

  o.preemption_bound = 2;
  const Report t1 = Explorer::exhaustive(timed_rendezvous, o);
  const Report t2 = Explorer::exhaustive(timed_rendezvous, o);
  show("timed rendezvous, exhaustive pb=2 with time-outs (first)", t1);
  show("timed rendezvous, exhaustive pb=2 with time-outs (second)", t2);
  EXPECT_FALSE(t1.failed) << t1.failure;
  EXPECT_TRUE(t1.complete);
  EXPECT_TRUE(same(t1, t2)) << t1.describe() << " / " << t2.describe();
}

// A receive that waits up to an hour for a send that may come first: every
// schedule ends (the time-out branch moves virtual time to the deadline
// instead of sleeping), both outcomes occur, and a receive that timed out saw
// its hour pass on the clock while the message stayed in the channel.
struct HourTally {
  int received = 0;
  int timed_out = 0;
};

void hour_wait(Execution& ex, HourTally& tally) {
  auto ends = mpmc::bounded<int>(1);
  auto& tx = ends.first;
  auto& rx = ends.second;
  bool got = false, timed_out = false, hour_passed = false;
  ex.spawn([&] {
    const auto t0 = Clock::now();
    auto r = rx.recv_timeout(std::chrono::hours(1));
    if (r.is_ok()) {
      got = r.unwrap() == 9;
    } else {
      timed_out = r.unwrap_err().is_timeout();
      hour_passed = Clock::now() - t0 >= std::chrono::hours(1);
    }
  });
  ex.spawn([&] { (void)tx.send(9); });
  if (!ex.run()) return;
  ex.check(got != timed_out, "the receive got the message or timed out");
  if (timed_out) {
    ex.check(hour_passed, "an hour passed on the clock of the thread that timed out");
    ex.check(rx.try_recv().is_ok(), "the message the timed-out receive missed is still there");
  }
  tally.received += got;
  tally.timed_out += timed_out;
}

TEST(InterleaveExplorer, AnHourLongTimeoutIsExploredWithoutWaiting) {
  HourTally tally;
  Options o;
  o.preemption_bound = 2;
  const auto start = std::chrono::steady_clock::now();
  const Report r = Explorer::exhaustive([&](Execution& ex) { hour_wait(ex, tally); }, o);
  const auto took = std::chrono::steady_clock::now() - start;
  show("recv_timeout(1h) vs send, exhaustive pb=2 with time-outs", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
  EXPECT_GT(tally.received, 0);
  EXPECT_GT(tally.timed_out, 0);
  EXPECT_LT(took, std::chrono::minutes(5));
}

// thread::sleep and sleep_until on a scheduled thread sleep in virtual time:
// they end at their deadline (also with Options::timeouts off, which only
// concerns waits that something else could end), the thread sees the time
// gone, and no real hour is spent. The receiver blocks without a timeout, so
// the sleeping sender is the only way on.
TEST(InterleaveExplorer, SleepPassesInVirtualTime) {
  int executions_slept = 0;
  Options o;
  o.preemption_bound = 1;
  o.timeouts = false;
  const auto start = std::chrono::steady_clock::now();
  const Report r = Explorer::exhaustive(
      [&](Execution& ex) {
        auto [tx, rx] = mpmc::unbounded<int>();
        bool slept = false;
        int got = 0;
        ex.spawn([&, &tx = tx] {
          const auto t0 = Clock::now();
          fearless::thread::sleep(std::chrono::hours(1));
          fearless::thread::sleep_until(std::chrono::system_clock::now() + std::chrono::minutes(30));
          fearless::thread::sleep(std::chrono::seconds(-5));  // no sleep, one scheduling point
          // sleep_until's half hour is counted from a real system_clock
          // reading taken microseconds after the one above: at least 89 min.
          slept = Clock::now() - t0 >= std::chrono::minutes(89);
          (void)tx.send(7);
        });
        ex.spawn([&, &rx = rx] { got = rx.recv().unwrap_or(-1); });
        if (!ex.run()) return;
        ex.check(slept, "an hour and a half passed on the sleeping thread's clock");
        ex.check(got == 7, "the receiver got what the sleeper sent");
        executions_slept += slept;
      },
      o);
  const auto took = std::chrono::steady_clock::now() - start;
  show("sleep(1h) + sleep_until(+30min) then send vs recv, exhaustive pb=1, no time-outs", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
  EXPECT_GT(r.executions, 1u);
  EXPECT_EQ(static_cast<std::size_t>(executions_slept), r.executions);
  EXPECT_LT(took, std::chrono::minutes(5));
}

// The timer channels sleep the same way: a receive from after(1h) returns an
// hour of virtual time on, and tick(10min) delivers ten minutes apart, with
// Options::timeouts off (before, their recv waited on a futex with a
// deadline that only a time-out branch could end: a deadlock). A select that
// waits for a timer operand is different: its wait could also be ended by
// another operand, so like any timed wait it ends by time only when
// time-outs are explored.
TEST(InterleaveExplorer, TimerChannelsDeliverInVirtualTime) {
  Options o;
  o.preemption_bound = 1;
  o.timeouts = false;
  int finished = 0;
  const Report r = Explorer::exhaustive(
      [&](Execution& ex) {
        bool hour = false, ticks = false;
        ex.spawn([&] {
          const auto t0 = Clock::now();
          const auto when = mpmc::after(std::chrono::hours(1)).recv().unwrap();
          hour = when - t0 >= std::chrono::hours(1) && Clock::now() >= when;
        });
        ex.spawn([&] {
          const auto t = mpmc::tick(std::chrono::minutes(10));
          const auto first = t.recv().unwrap();
          const auto second = t.recv().unwrap();
          ticks = second - first >= std::chrono::minutes(10);
        });
        if (!ex.run()) return;
        ex.check(hour, "after(1h) delivered an hour on");
        ex.check(ticks, "tick(10min) delivered ten minutes apart");
        ++finished;
      },
      o);
  show("after(1h) recv vs two tick(10min) recvs, exhaustive pb=1, no time-outs", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(static_cast<std::size_t>(finished), r.executions);
}

// A sleep that never ends (hours::max()) is a thread that never finishes: the
// execution is reported as a deadlock once the other thread is done.
TEST(InterleaveExplorer, EndlessSleepIsADeadlock) {
  const Report r = Explorer::exhaustive(
      [](Execution& ex) {
        ex.spawn([] { fearless::thread::sleep(std::chrono::hours::max()); });
        ex.spawn([] {});
        (void)ex.run();
      },
      Options{});
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("deadlock"), std::string::npos) << r.failure;
}

// A thread that waits for a flag by yielding (a plain std::atomic, which is no
// scheduling point) lets the thread that sets it run: yield_now is a point at
// which the scheduler switches, forced once the loop has spun Options::spin_limit
// times without writing.
TEST(InterleaveExplorer, YieldNowLetsTheOtherThreadRun) {
  Options o;
  o.preemption_bound = 1;
  int finished = 0;
  const Report r = Explorer::exhaustive(
      [&](Execution& ex) {
        std::atomic<bool> flag{false};
        int yields = 0;
        ex.spawn([&] {
          while (!flag.load(std::memory_order_acquire)) {  // acquire: pairs with the release store below
            fearless::thread::yield_now();
            ++yields;
          }
        });
        ex.spawn([&] { flag.store(true, std::memory_order_release); });
        if (!ex.run()) return;
        ex.check(yields <= static_cast<int>(o.spin_limit), "the spinning thread was switched away in time");
        ++finished;
      },
      o);
  show("yield_now loop vs flag setter, exhaustive pb=1", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(static_cast<std::size_t>(finished), r.executions);
}

}  // namespace
