// Edge cases of fearless/sync/mpsc.hpp and mpmc.hpp checked against the
// documented behaviour of Rust's std::sync::mpsc / std::sync::mpmc and
// crossbeam-channel: disconnection while blocked, errors and their texts,
// conversions, timeouts at the extremes, capacities of every flavour, timers
// and select.
#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "fearless/sync/mpmc.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/thread.hpp"

namespace mpsc = fearless::sync::mpsc;
namespace mpmc = fearless::sync::mpmc;
using namespace std::chrono_literals;

namespace {
// Waits (generously) until `pred()` holds.
template <class P>
bool eventually(P pred) {
  const auto end = std::chrono::steady_clock::now() + 20s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    fearless::thread::sleep(1ms);
  }
  return true;
}
}  // namespace

// ---- error texts and conversions ------------------------------------------

TEST(MpscRust, ErrorDisplayTexts) {
  EXPECT_STREQ(mpsc::SendError<int>(1).what(), "sending on a closed channel");
  EXPECT_STREQ(mpsc::TrySendError<int>(mpsc::TrySendError<int>::Full, 1).what(), "sending on a full channel");
  EXPECT_STREQ(mpsc::TrySendError<int>(mpsc::TrySendError<int>::Disconnected, 1).what(),
               "sending on a closed channel");
  EXPECT_STREQ(mpsc::RecvError{}.what(), "receiving on a closed channel");
  EXPECT_STREQ(mpsc::TryRecvError(mpsc::TryRecvError::Empty).what(), "receiving on an empty channel");
  EXPECT_STREQ(mpsc::TryRecvError(mpsc::TryRecvError::Disconnected).what(), "receiving on a closed channel");
  EXPECT_STREQ(mpsc::RecvTimeoutError(mpsc::RecvTimeoutError::Timeout).what(), "timed out waiting on channel");
  EXPECT_STREQ(mpsc::RecvTimeoutError(mpsc::RecvTimeoutError::Disconnected).what(),
               "channel is empty and sending half is closed");
  // std::sync::mpmc::SendTimeoutError (and crossbeam's) Display.
  EXPECT_STREQ(mpsc::SendTimeoutError<int>(mpsc::SendTimeoutError<int>::Timeout, 1).what(),
               "timed out waiting on send operation");
  EXPECT_STREQ(mpsc::SendTimeoutError<int>(mpsc::SendTimeoutError<int>::Disconnected, 1).what(),
               "sending on a disconnected channel");
  EXPECT_EQ(mpsc::SendTimeoutError<int>(mpsc::SendTimeoutError<int>::Disconnected, 1).message(),
            "sending on a disconnected channel");
  EXPECT_STREQ(mpmc::TrySelectError{}.what(), "all operations in select would block");
  EXPECT_STREQ(mpmc::SelectTimeoutError{}.what(), "timed out waiting on select");
  EXPECT_STREQ(mpmc::TryReadyError{}.what(), "all operations in select would block");
  EXPECT_STREQ(mpmc::ReadyTimeoutError{}.what(), "timed out waiting on ready");
}

TEST(MpscRust, ErrorConversionsAndIntoInner) {
  mpsc::TrySendError<std::string> t = mpsc::SendError<std::string>("a");
  EXPECT_TRUE(t.is_disconnected());
  EXPECT_EQ(std::move(t).into_inner(), "a");
  mpsc::SendTimeoutError<std::string> st = mpsc::SendError<std::string>("b");
  EXPECT_TRUE(st.is_disconnected());
  EXPECT_EQ(std::move(st).into_inner(), "b");
  mpsc::TryRecvError tr = mpsc::RecvError{};
  EXPECT_EQ(tr, mpsc::TryRecvError::Disconnected);
  mpsc::RecvTimeoutError rt = mpsc::RecvError{};
  EXPECT_EQ(rt, mpsc::RecvTimeoutError::Disconnected);
  EXPECT_EQ(mpsc::SendError<int>(3), mpsc::SendError<int>(3));
  EXPECT_FALSE(mpsc::SendError<int>(3) == mpsc::SendError<int>(4));
}

// ---- disconnection --------------------------------------------------------

TEST(MpscRust, MessagesBeforeDisconnectStillDeliveredThenDisconnected) {
  for (int bound : {-1, 1, 4}) {
    std::optional<mpsc::Receiver<int>> rx;
    if (bound < 0) {
      auto [tx, r] = mpsc::channel<int>();
      rx.emplace(std::move(r));
      tx.send(1).unwrap();
    } else {
      auto [tx, r] = mpsc::sync_channel<int>(static_cast<std::size_t>(bound));
      rx.emplace(std::move(r));
      tx.send(1).unwrap();
    }
    EXPECT_EQ(rx->try_recv().unwrap(), 1);
    EXPECT_EQ(rx->try_recv().unwrap_err(), mpsc::TryRecvError::Disconnected);
    EXPECT_EQ(rx->recv().unwrap_err(), mpsc::RecvError{});
    EXPECT_EQ(rx->recv_timeout(10ms).unwrap_err(), mpsc::RecvTimeoutError::Disconnected);
  }
}

TEST(MpscRust, TryRecvEmptyWhileSendersAlive) {
  auto [tx, rx] = mpsc::channel<int>();
  EXPECT_EQ(rx.try_recv().unwrap_err(), mpsc::TryRecvError::Empty);
  auto tx2 = tx.clone();
  { auto dead = std::move(tx); }
  EXPECT_EQ(rx.try_recv().unwrap_err(), mpsc::TryRecvError::Empty);
  { auto dead = std::move(tx2); }
  EXPECT_EQ(rx.try_recv().unwrap_err(), mpsc::TryRecvError::Disconnected);
}

TEST(MpscRust, BlockedSendOnFullWakesWithValueWhenReceiverDrops) {
  for (std::size_t bound : {0u, 1u}) {
    auto [tx, rx] = mpsc::sync_channel<std::string>(bound);
    if (bound == 1) tx.send("first").unwrap();
    auto h = fearless::thread::spawn([tx = tx.clone()] { return tx.send("held"); });
    fearless::thread::sleep(50ms);
    { auto dead = std::move(rx); }
    auto r = h.join().unwrap();
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(std::move(r).unwrap_err().into_inner(), "held");
  }
}

TEST(MpscRust, BlockedRecvTimeoutWakesDisconnected) {
  auto [tx, rx] = mpsc::sync_channel<int>(0);
  auto h = fearless::thread::spawn([rx = std::move(rx)] { return rx.recv_timeout(std::chrono::hours(1)); });
  fearless::thread::sleep(50ms);
  { auto dead = std::move(tx); }
  EXPECT_EQ(h.join().unwrap().unwrap_err(), mpsc::RecvTimeoutError::Disconnected);
}

TEST(MpscRust, BlockedSendTimeoutWakesDisconnected) {
  auto [tx, rx] = mpmc::bounded<int>(1);
  tx.send(1).unwrap();
  auto h = fearless::thread::spawn([tx = tx] { return tx.send_timeout(2, std::chrono::hours(1)); });
  fearless::thread::sleep(50ms);
  { auto dead = std::move(rx); }
  auto r = h.join().unwrap();
  ASSERT_TRUE(r.is_err());
  EXPECT_TRUE(r.unwrap_err().is_disconnected());
  EXPECT_EQ(std::move(r).unwrap_err().into_inner(), 2);
}

// ---- rendezvous -----------------------------------------------------------

TEST(MpscRust, RendezvousTrySendFullUnlessReceiverWaiting) {
  auto chan = mpsc::sync_channel<int>(0);
  auto& tx = chan.first;
  auto& rx = chan.second;
  auto r = tx.try_send(1);
  ASSERT_TRUE(r.is_err());
  EXPECT_TRUE(r.unwrap_err().is_full());
  EXPECT_EQ(std::move(r).unwrap_err().into_inner(), 1);
  EXPECT_EQ(tx.len(), 0u);
  EXPECT_EQ(rx.len(), 0u);
  EXPECT_TRUE(rx.is_empty());
  EXPECT_TRUE(rx.is_full());
  EXPECT_EQ(rx.capacity(), std::optional<std::size_t>(0));
  auto h = fearless::thread::spawn([&rx] { return rx.recv(); });
  EXPECT_TRUE(eventually([&] { return tx.try_send(7).is_ok(); }));
  EXPECT_EQ(h.join().unwrap().unwrap(), 7);
  { auto dead = std::move(rx); }
  auto d = tx.try_send(2);
  ASSERT_TRUE(d.is_err());
  EXPECT_TRUE(d.unwrap_err().is_disconnected());
}

TEST(MpscRust, RendezvousSendTimeoutTimesOutWithValue) {
  auto [tx, rx] = mpsc::sync_channel<int>(0);
  auto r = tx.send_timeout(5, 20ms);
  ASSERT_TRUE(r.is_err());
  EXPECT_TRUE(r.unwrap_err().is_timeout());
  EXPECT_EQ(std::move(r).unwrap_err().into_inner(), 5);
  EXPECT_EQ(rx.try_recv().unwrap_err(), mpsc::TryRecvError::Empty);
}

// ---- capacities -----------------------------------------------------------

TEST(MpscRust, CapacityOfEveryFlavour) {
  {
    auto [tx, rx] = mpsc::channel<int>();
    EXPECT_EQ(tx.capacity(), std::nullopt);
    EXPECT_EQ(rx.capacity(), std::nullopt);
    EXPECT_FALSE(tx.is_full());
  }
  {
    auto [tx, rx] = mpsc::sync_channel<int>(3);
    EXPECT_EQ(tx.capacity(), std::optional<std::size_t>(3));
    EXPECT_EQ(rx.capacity(), std::optional<std::size_t>(3));
    for (int i = 0; i < 3; ++i) tx.send(i).unwrap();
    EXPECT_TRUE(tx.is_full());
    EXPECT_EQ(rx.len(), 3u);
    EXPECT_TRUE(tx.try_send(9).unwrap_err().is_full());
  }
  EXPECT_EQ(mpmc::after(1h).capacity(), std::optional<std::size_t>(1));
  EXPECT_EQ(mpmc::at(std::chrono::steady_clock::now()).capacity(), std::optional<std::size_t>(1));
  EXPECT_EQ(mpmc::tick(1h).capacity(), std::optional<std::size_t>(1));
  EXPECT_EQ(mpmc::never<int>().capacity(), std::optional<std::size_t>(0));
  auto n = mpmc::never<int>();
  EXPECT_EQ(n.len(), 0u);
  EXPECT_TRUE(n.is_empty());
}

// ---- timeouts at the extremes ---------------------------------------------

TEST(MpscRust, RecvTimeoutExtremes) {
  auto [tx, rx] = mpsc::channel<int>();
  EXPECT_EQ(rx.recv_timeout(0s).unwrap_err(), mpsc::RecvTimeoutError::Timeout);
  EXPECT_EQ(rx.recv_timeout(-5s).unwrap_err(), mpsc::RecvTimeoutError::Timeout);
  EXPECT_EQ(rx.recv_timeout(std::chrono::nanoseconds::min()).unwrap_err(), mpsc::RecvTimeoutError::Timeout);
  tx.send(1).unwrap();
  tx.send(2).unwrap();
  tx.send(3).unwrap();
  EXPECT_EQ(rx.recv_timeout(0s).unwrap(), 1);  // available: returned even with no time
  EXPECT_EQ(rx.recv_timeout(std::chrono::hours::max()).unwrap(), 2);
  EXPECT_EQ(rx.recv_timeout(std::chrono::duration<double>(std::numeric_limits<double>::infinity())).unwrap(), 3);
  EXPECT_EQ(rx.recv_deadline(std::chrono::steady_clock::time_point::min()).unwrap_err(),
            mpsc::RecvTimeoutError::Timeout);
  auto h = fearless::thread::spawn([tx = tx.clone()] {
    fearless::thread::sleep(30ms);
    tx.send(4).unwrap();
  });
  EXPECT_EQ(rx.recv_timeout(std::chrono::nanoseconds::max()).unwrap(), 4);
  h.join().unwrap();
  tx.send(5).unwrap();
  EXPECT_EQ(rx.recv_deadline(std::chrono::system_clock::time_point::max()).unwrap(), 5);
}

TEST(MpscRust, SendTimeoutExtremes) {
  auto chan = mpsc::sync_channel<int>(1);
  auto& tx = chan.first;
  auto& rx = chan.second;
  EXPECT_TRUE(tx.send_timeout(1, 0s).is_ok());
  auto r = tx.send_timeout(2, -1s);
  ASSERT_TRUE(r.is_err());
  EXPECT_TRUE(r.unwrap_err().is_timeout());
  EXPECT_EQ(std::move(r).unwrap_err().into_inner(), 2);
  auto h = fearless::thread::spawn([&rx] {
    fearless::thread::sleep(30ms);
    return rx.recv().unwrap();
  });
  EXPECT_TRUE(tx.send_timeout(3, std::chrono::hours::max()).is_ok());
  EXPECT_EQ(h.join().unwrap(), 1);
  EXPECT_EQ(rx.recv().unwrap(), 3);
}

// ---- iteration ------------------------------------------------------------

TEST(MpscRust, TryIterStopsAtEmptyIterAndIntoIterAtDisconnect) {
  auto [tx, rx] = mpsc::channel<int>();
  tx.send(1).unwrap();
  tx.send(2).unwrap();
  std::vector<int> got;
  for (int v : rx.try_iter()) got.push_back(v);
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
  got.clear();
  for (int v : rx.try_iter()) got.push_back(v);
  EXPECT_TRUE(got.empty());
  tx.send(3).unwrap();
  { auto dead = std::move(tx); }
  for (int v : std::move(rx).into_iter()) got.push_back(v);
  EXPECT_EQ(got, (std::vector<int>{3}));
}

// ---- timers ---------------------------------------------------------------

TEST(MpmcRustTimers, AfterZeroReadyAtOnceAndNeverDisconnects) {
  const auto before = std::chrono::steady_clock::now();
  auto t = mpmc::after(0ms);
  EXPECT_EQ(t.len(), 1u);
  EXPECT_TRUE(t.is_full());
  auto got = t.try_recv().unwrap();
  EXPECT_GE(got, before);
  EXPECT_LE(got, std::chrono::steady_clock::now());
  EXPECT_EQ(t.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
  EXPECT_EQ(t.recv_timeout(10ms).unwrap_err(), mpmc::RecvTimeoutError::Timeout);
}

TEST(MpmcRustTimers, AtDeliversItsInstant) {
  const auto when = std::chrono::steady_clock::now() + 20ms;
  auto t = mpmc::at(when);
  EXPECT_EQ(t.recv().unwrap(), when);
}

TEST(MpmcRustTimers, TickDeliversInstantsAndDropsMissedTicks) {
  const auto start = std::chrono::steady_clock::now();
  auto t = mpmc::tick(20ms);
  const auto first = t.recv().unwrap();
  EXPECT_GE(first, start + 20ms);
  fearless::thread::sleep(200ms);  // ten periods missed
  EXPECT_TRUE(t.try_recv().is_ok());
  // Only one message was waiting: the missed ticks were dropped.
  EXPECT_EQ(t.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
  EXPECT_LE(t.len(), 1u);
}

TEST(MpmcRustSelect, NeverWithTimeout) {
  auto n = mpmc::never<int>();
  mpmc::Select sel;
  sel.recv(n);
  EXPECT_TRUE(sel.try_select().is_err());
  EXPECT_TRUE(sel.select_timeout(20ms).is_err());
  EXPECT_TRUE(sel.ready_timeout(20ms).is_err());
  const int r = mpmc::select(mpmc::on_recv(n, [](auto) { return 1; }), mpmc::on_timeout(20ms, [] { return 2; }));
  EXPECT_EQ(r, 2);
}

TEST(MpmcRustSelect, DisconnectedOperandIsReady) {
  auto [tx, rx] = mpmc::unbounded<int>();
  auto [tx2, rx2] = mpmc::bounded<int>(0);
  { auto dead = std::move(tx); }
  { auto dead = std::move(rx2); }
  mpmc::Select sel;
  const auto a = sel.recv(rx);
  EXPECT_EQ(sel.ready(), a);
  auto op = sel.select();
  EXPECT_EQ(op.index(), a);
  EXPECT_EQ(op.recv(rx).unwrap_err(), mpmc::RecvError{});
  mpmc::Select sel2;
  const auto b = sel2.send(tx2);
  auto op2 = sel2.select_timeout(1h).unwrap();
  EXPECT_EQ(op2.index(), b);
  auto r = op2.send(tx2, 9);
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(std::move(r).unwrap_err().into_inner(), 9);
}

TEST(MpmcRustSelect, AfterZeroSelectsAtOnce) {
  auto t = mpmc::after(0ms);
  auto n = mpmc::never<int>();
  mpmc::Select sel;
  sel.recv(n);
  const auto i = sel.recv(t);
  auto op = sel.try_select().unwrap();
  EXPECT_EQ(op.index(), i);
  EXPECT_TRUE(op.recv(t).is_ok());
}

TEST(MpmcRustSelect, EmptySelectPanics) {
  mpmc::Select sel;
  EXPECT_THROW((void)sel.select(), fearless::Panic);
  EXPECT_THROW((void)sel.ready(), fearless::Panic);
  EXPECT_TRUE(sel.try_select().is_err());
  EXPECT_TRUE(sel.try_ready().is_err());
}

TEST(MpmcRustTimers, AfterOrTickPastTheEndOfTimeIsNever) {
  // crossbeam: an instant that cannot be represented makes a never() channel.
  auto a = mpmc::after(std::chrono::hours::max());
  EXPECT_EQ(a.capacity(), std::optional<std::size_t>(0));
  EXPECT_EQ(a.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
  EXPECT_EQ(a.recv_timeout(5ms).unwrap_err(), mpmc::RecvTimeoutError::Timeout);
  auto t = mpmc::tick(std::chrono::nanoseconds::max());
  EXPECT_EQ(t.capacity(), std::optional<std::size_t>(0));
  EXPECT_EQ(t.recv_timeout(5ms).unwrap_err(), mpmc::RecvTimeoutError::Timeout);
}

TEST(MpscRust, RendezvousIsEmptyAndFullOnBothEnds) {
  auto [tx, rx] = mpmc::bounded<int>(0);
  EXPECT_EQ(tx.len(), 0u);
  EXPECT_TRUE(tx.is_empty());
  EXPECT_TRUE(tx.is_full());
  EXPECT_TRUE(rx.is_empty());
  EXPECT_TRUE(rx.is_full());
  EXPECT_EQ(tx.capacity(), std::optional<std::size_t>(0));
  auto [utx, urx] = mpmc::unbounded<int>();
  EXPECT_FALSE(urx.is_full());
  EXPECT_TRUE(utx.is_empty());
}

TEST(MpscRust, DisconnectWinsOverFull) {
  auto [tx, rx] = mpsc::sync_channel<int>(1);
  tx.send(1).unwrap();
  { auto dead = std::move(rx); }
  auto r = tx.try_send(2);
  ASSERT_TRUE(r.is_err());
  EXPECT_TRUE(r.unwrap_err().is_disconnected());
  auto s = tx.send_timeout(3, 0s);
  ASSERT_TRUE(s.is_err());
  EXPECT_TRUE(s.unwrap_err().is_disconnected());
  EXPECT_EQ(tx.send(4).unwrap_err().into_inner(), 4);
}

// ---- the examples of docs/channels.md, as written there ----------------------

TEST(ChannelsDocExamples, Intro) {
  auto [tx, rx] = fearless::sync::mpsc::channel<std::string>();
  fearless::thread::spawn([tx = std::move(tx)] { tx.send("hi").unwrap(); });
  std::string s = rx.recv().unwrap();
  EXPECT_EQ(s, "hi");
}

TEST(ChannelsDocExamples, SelectAndHandlerForm) {
  using fearless::Result;
  using mpmc::RecvError;
  using mpmc::SendError;
  auto [tx1, rx1] = mpmc::unbounded<int>();
  auto [tx2, rx2] = mpmc::bounded<int>(1);
  tx1.send(5).unwrap();
  int received = 0;
  {
    int v = 0;
    mpmc::Select sel;                       // or mpmc::Select::biased()
    const auto r = sel.recv(rx1);           // any Receiver (mpmc, mpsc, timers)
    const auto s = sel.send(tx2);           // any sender
    auto op = sel.select();                 // try_select(), select_timeout(d), select_deadline(t)
    if (op.index() == r) v = op.recv(rx1).unwrap();               // op.recv: Result<T, RecvError>
    else if (op.index() == s) op.send(tx2, 42).unwrap();          // op.send: Result<void, SendError<T>>
    received = v;
  }
  EXPECT_TRUE(received == 5 || rx2.try_recv().unwrap() == 42);
  if (received == 0) {
    EXPECT_EQ(rx1.recv().unwrap(), 5);
  }
  tx1.send(6).unwrap();
  int v = mpmc::select(mpmc::on_recv(rx1, [](Result<int, RecvError> r) { return r.unwrap(); }),
                       mpmc::on_send(tx2, 7, [](Result<void, SendError<int>>) { return 0; }),
                       mpmc::on_timeout(100ms, [] { return -1; }));     // or on_deadline(t, f) / on_default(f)
  EXPECT_TRUE(v == 6 || (v == 0 && rx2.recv().unwrap() == 7));
}

// ---- more rendezvous and select edges -----------------------------------------

TEST(MpscRust, RendezvousTryRecvTakesFromABlockedSender) {
  auto chan = mpsc::sync_channel<int>(0);
  auto& tx = chan.first;
  auto& rx = chan.second;
  EXPECT_EQ(rx.try_recv().unwrap_err(), mpsc::TryRecvError::Empty);
  auto h = fearless::thread::spawn([tx = tx.clone()] { return tx.send(11); });
  std::optional<int> got;
  EXPECT_TRUE(eventually([&] {
    auto r = rx.try_recv();
    if (r.is_ok()) got = std::move(r).unwrap();
    return got.has_value();
  }));
  EXPECT_EQ(got, std::optional<int>(11));
  EXPECT_TRUE(h.join().unwrap().is_ok());
  { auto dead = std::move(tx); }
  EXPECT_EQ(rx.try_recv().unwrap_err(), mpsc::TryRecvError::Disconnected);
  EXPECT_EQ(rx.recv_timeout(0s).unwrap_err(), mpsc::RecvTimeoutError::Disconnected);
}

TEST(MpmcRustSelect, RendezvousSendReadyWhenAReceiverWaits) {
  auto chan = mpmc::bounded<int>(0);
  auto& tx = chan.first;
  auto& rx = chan.second;
  mpmc::Select sel;
  const auto i = sel.send(tx);
  EXPECT_TRUE(sel.try_select().is_err());  // nobody is receiving
  auto h = fearless::thread::spawn([rx = rx.clone()] { return rx.recv(); });
  auto op = sel.select_timeout(std::chrono::seconds(20)).unwrap();
  EXPECT_EQ(op.index(), i);
  EXPECT_TRUE(op.send(tx, 3).is_ok());
  EXPECT_EQ(h.join().unwrap().unwrap(), 3);
}

TEST(MpmcRustSelect, ReadyReportsFiredTimerAndSelectTimeoutZeroTakesReadyOp) {
  auto t = mpmc::after(0ms);
  auto n = mpmc::never<mpmc::Instant>();
  mpmc::Select sel;
  sel.recv(n);
  const auto i = sel.recv(t);
  EXPECT_EQ(sel.try_ready().unwrap(), i);
  EXPECT_EQ(sel.ready_timeout(0s).unwrap(), i);
  auto op = sel.select_timeout(0s).unwrap();
  EXPECT_EQ(op.index(), i);
  EXPECT_TRUE(op.recv(t).is_ok());
  EXPECT_TRUE(sel.try_ready().is_err());  // the one message was taken
}

// ---- every blocked party wakes at a disconnection ------------------------------

TEST(MpmcRust, AllBlockedReceiversAndSendersWakeOnDisconnect) {
  for (int cap : {-1, 0, 2}) {
    auto [tx, rx] = cap < 0 ? mpmc::unbounded<int>() : mpmc::bounded<int>(static_cast<std::size_t>(cap));
    std::vector<fearless::thread::JoinHandle<bool>> hs;
    for (int i = 0; i < 3; ++i)
      hs.push_back(fearless::thread::spawn([rx = rx.clone()] { return rx.recv().is_err(); }));
    hs.push_back(fearless::thread::spawn([rx = rx.clone()] {
      mpmc::Select sel;
      sel.recv(rx);
      auto op = sel.select();
      return op.recv(rx).is_err();
    }));
    fearless::thread::sleep(30ms);
    { auto dead = std::move(tx); }
    for (auto& h : hs) EXPECT_TRUE(h.join().unwrap()) << "capacity " << cap;
  }
  for (std::size_t cap : {0u, 1u}) {
    auto [tx, rx] = mpmc::bounded<int>(cap);
    if (cap == 1) tx.send(0).unwrap();
    std::vector<fearless::thread::JoinHandle<int>> hs;
    for (int i = 1; i <= 3; ++i)
      hs.push_back(fearless::thread::spawn([tx = tx.clone(), i] {
        auto r = tx.send(i);
        return r.is_err() ? std::move(r).unwrap_err().into_inner() : -1;
      }));
    fearless::thread::sleep(30ms);
    { auto dead = std::move(rx); }
    int sum = 0;
    for (auto& h : hs) sum += h.join().unwrap();
    EXPECT_EQ(sum, 6) << "capacity " << cap;  // every value handed back
  }
}

TEST(MpscRust, RecvDeadlineOnOtherClocks) {
  auto [tx, rx] = mpsc::channel<int>();
  EXPECT_EQ(rx.recv_deadline(std::chrono::system_clock::now() - 1h).unwrap_err(), mpsc::RecvTimeoutError::Timeout);
  EXPECT_EQ(rx.recv_deadline(std::chrono::system_clock::now() + 10ms).unwrap_err(), mpsc::RecvTimeoutError::Timeout);
  tx.send(1).unwrap();
  EXPECT_EQ(rx.recv_deadline(std::chrono::system_clock::now() - 1h).unwrap(), 1);
}

TEST(MpscRust, IterTypesAndNext) {
  auto [tx, rx] = mpsc::channel<int>();
  tx.send(1).unwrap();
  tx.send(2).unwrap();
  mpsc::TryIter<int> ti = rx.try_iter();
  EXPECT_EQ(ti.next(), std::optional<int>(1));
  mpsc::Iter<int> it = rx.iter();
  EXPECT_EQ(it.next(), std::optional<int>(2));
  EXPECT_EQ(ti.next(), std::nullopt);  // empty for now
  tx.send(3).unwrap();
  { auto dead = std::move(tx); }
  mpsc::IntoIter<int> ii = std::move(rx).into_iter();
  EXPECT_EQ(ii.next(), std::optional<int>(3));
  EXPECT_EQ(ii.next(), std::nullopt);
}

TEST(MpmcRust, ZeroTimeoutsReportDisconnectionNotTimeout) {
  for (int cap : {-1, 0, 3}) {
    auto [tx, rx] = cap < 0 ? mpmc::unbounded<int>() : mpmc::bounded<int>(static_cast<std::size_t>(cap));
    auto tx2 = tx.clone();
    { auto dead = std::move(rx); }
    auto s = tx2.send_timeout(1, 0s);
    ASSERT_TRUE(s.is_err());
    EXPECT_TRUE(s.unwrap_err().is_disconnected()) << "capacity " << cap;
    auto [tx3, rx3] = cap < 0 ? mpmc::unbounded<int>() : mpmc::bounded<int>(static_cast<std::size_t>(cap));
    { auto dead = std::move(tx3); }
    EXPECT_EQ(rx3.recv_timeout(0s).unwrap_err(), mpmc::RecvTimeoutError::Disconnected) << "capacity " << cap;
    EXPECT_EQ(rx3.recv_timeout(-1s).unwrap_err(), mpmc::RecvTimeoutError::Disconnected) << "capacity " << cap;
    mpmc::Select sel;
    sel.recv(rx3);
    auto op = sel.select_timeout(0s);
    ASSERT_TRUE(op.is_ok()) << "capacity " << cap;
    EXPECT_TRUE(std::move(op).unwrap().recv(rx3).is_err());
  }
}
