// Tests for fearless/sync/mpmc.hpp: every operation and error kind, for every
// flavour (unbounded, bounded(1), bounded(4), rendezvous).
#include "fearless/sync/mpmc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <functional>
#include <optional>
#include <ranges>
#include <set>
#include <stdexcept>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fearless/thread.hpp"

namespace mpmc = fearless::sync::mpmc;
using namespace std::chrono_literals;
using mpmc::RecvError;
using mpmc::RecvTimeoutError;
using mpmc::SendError;
using mpmc::SendTimeoutError;
using mpmc::TryRecvError;
using mpmc::TrySendError;

namespace {

// Counts constructions and destructions, to prove every message is destroyed exactly once.
struct Tracked {
  static inline std::atomic<long> live{0};
  static inline std::atomic<long> destroyed{0};
  int v = 0;
  explicit Tracked(int x) : v(x) { live.fetch_add(1); }
  Tracked(Tracked&& o) noexcept : v(o.v) { live.fetch_add(1); }
  Tracked(const Tracked& o) : v(o.v) { live.fetch_add(1); }
  Tracked& operator=(Tracked&&) noexcept = default;
  ~Tracked() {
    live.fetch_sub(1);
    destroyed.fetch_add(1);
  }
  static void reset() {
    live = 0;
    destroyed = 0;
  }
};

// A type whose copy (its only "move") throws on demand.
struct Fragile {
  static inline std::atomic<int> throw_next{0};
  static inline std::atomic<long> live{0};
  int v = 0;
  static inline std::atomic<long> copies{0};
  explicit Fragile(int x) : v(x) { live.fetch_add(1); }
  Fragile(const Fragile& o) : v(o.v) {
    copies.fetch_add(1);
    if (throw_next.load() > 0) {
      throw_next.fetch_sub(1);
      throw std::runtime_error("copy failed");
    }
    live.fetch_add(1);
  }
  ~Fragile() { live.fetch_sub(1); }
};
static_assert(!std::is_nothrow_move_constructible_v<Fragile>);

// -1: unbounded; otherwise bounded(n) (0 = rendezvous).
class Flavours : public ::testing::TestWithParam<int> {
 protected:
  template <class T>
  auto make() {
    return GetParam() < 0 ? mpmc::unbounded<T>() : mpmc::bounded<T>(static_cast<std::size_t>(GetParam()));
  }
  bool rendezvous() const { return GetParam() == 0; }
  bool unbounded() const { return GetParam() < 0; }
};

std::string flavour_name(const ::testing::TestParamInfo<int>& i) {
  return i.param < 0 ? "unbounded" : i.param == 0 ? "rendezvous" : "bounded" + std::to_string(i.param);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(All, Flavours, ::testing::Values(-1, 0, 1, 4), flavour_name);

TEST_P(Flavours, SendRecvAcrossThreadsInOrder) {
  auto [tx, rx] = make<int>();
  auto h = fearless::thread::spawn([tx = tx] {
    for (int i = 0; i < 1000; ++i) tx.send(i).unwrap();
  });
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(rx.recv().unwrap(), i);
  h.join().unwrap();
}

TEST_P(Flavours, TryRecvEmptyThenDisconnected) {
  auto [tx, rx] = make<int>();
  EXPECT_EQ(rx.try_recv().unwrap_err(), TryRecvError::Empty);
  EXPECT_TRUE(rx.try_recv().unwrap_err().is_empty());
  { auto drop = std::move(tx); }
  auto e = rx.try_recv().unwrap_err();
  EXPECT_EQ(e, TryRecvError::Disconnected);
  EXPECT_TRUE(e.is_disconnected());
  EXPECT_STREQ(e.what(), "receiving on a closed channel");
  EXPECT_EQ(rx.recv().unwrap_err(), RecvError{});
  EXPECT_EQ(rx.recv_timeout(10ms).unwrap_err(), RecvTimeoutError::Disconnected);
}

TEST_P(Flavours, MessagesSentBeforeDisconnectAreDelivered) {
  if (rendezvous()) GTEST_SKIP() << "a rendezvous channel holds no messages";
  auto [tx, rx] = make<int>();
  tx.send(1).unwrap();
  { auto drop = std::move(tx); }
  EXPECT_EQ(rx.recv().unwrap(), 1);
  EXPECT_TRUE(rx.recv().is_err());
}

TEST_P(Flavours, SendAfterReceiversGoneHandsValueBack) {
  auto [tx, rx] = make<std::string>();
  { auto drop = std::move(rx); }
  auto e = tx.send("payload").unwrap_err();
  EXPECT_TRUE(e.is_disconnected());
  EXPECT_STREQ(e.what(), "sending on a closed channel");
  EXPECT_EQ(std::move(e).into_inner(), "payload");
  auto te = tx.try_send("again").unwrap_err();
  EXPECT_TRUE(te.is_disconnected());
  EXPECT_EQ(te.kind(), TrySendError<std::string>::Disconnected);
  EXPECT_EQ(std::move(te).into_inner(), "again");
  auto se = tx.send_timeout("third", 10ms).unwrap_err();
  EXPECT_TRUE(se.is_disconnected());
  EXPECT_EQ(std::move(se).into_inner(), "third");
}

TEST_P(Flavours, TrySendFullHandsValueBack) {
  if (unbounded()) {
    auto [tx, rx] = make<int>();
    for (int i = 0; i < 100; ++i) EXPECT_TRUE(tx.try_send(i).is_ok());
    EXPECT_EQ(rx.len(), 100u);
    return;
  }
  auto [tx, rx] = make<int>();
  const int cap = GetParam();
  for (int i = 0; i < cap; ++i) tx.try_send(i).unwrap();
  auto e = tx.try_send(99).unwrap_err();
  EXPECT_TRUE(e.is_full());
  EXPECT_EQ(e, (TrySendError<int>(TrySendError<int>::Full, 99)));
  EXPECT_STREQ(e.what(), "sending on a full channel");
  EXPECT_EQ(std::move(e).into_inner(), 99);
  EXPECT_TRUE(tx.is_full());
}

TEST_P(Flavours, SendTimeoutTimesOutWhenFull) {
  if (unbounded()) GTEST_SKIP() << "never full";
  auto [tx, rx] = make<int>();
  for (int i = 0; i < GetParam(); ++i) tx.send(i).unwrap();
  const auto t0 = std::chrono::steady_clock::now();
  auto e = tx.send_timeout(7, 30ms).unwrap_err();
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 25ms);
  EXPECT_TRUE(e.is_timeout());
  EXPECT_STREQ(e.what(), "timed out waiting on send operation");
  EXPECT_EQ(std::move(e).into_inner(), 7);
  // Zero and negative timeouts are a try; time_point::max() a plain send.
  EXPECT_TRUE(tx.send_timeout(8, 0s).unwrap_err().is_timeout());
  EXPECT_TRUE(tx.send_timeout(8, -5s).unwrap_err().is_timeout());
  EXPECT_TRUE(tx.send_deadline(8, std::chrono::steady_clock::now() - 1s).unwrap_err().is_timeout());
}

TEST_P(Flavours, RecvTimeoutTimesOut) {
  auto [tx, rx] = make<int>();
  const auto t0 = std::chrono::steady_clock::now();
  auto e = rx.recv_timeout(30ms).unwrap_err();
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 25ms);
  EXPECT_EQ(e, RecvTimeoutError::Timeout);
  EXPECT_TRUE(e.is_timeout());
  EXPECT_STREQ(e.what(), "timed out waiting on channel");
  EXPECT_STREQ(RecvTimeoutError(RecvTimeoutError::Disconnected).what(), "channel is empty and sending half is closed");
  EXPECT_EQ(rx.recv_timeout(0ns).unwrap_err(), RecvTimeoutError::Timeout);
  EXPECT_EQ(rx.recv_timeout(-1h).unwrap_err(), RecvTimeoutError::Timeout);
  EXPECT_EQ(rx.recv_deadline(std::chrono::system_clock::now() - 1h).unwrap_err(), RecvTimeoutError::Timeout);
}

TEST_P(Flavours, RecvTimeoutReturnsAvailableMessagePastDeadline) {
  if (rendezvous()) GTEST_SKIP();
  auto [tx, rx] = make<int>();
  tx.send(5).unwrap();
  EXPECT_EQ(rx.recv_timeout(0ns).unwrap(), 5);
  tx.send(6).unwrap();
  EXPECT_EQ(rx.recv_deadline(std::chrono::steady_clock::now() - 1h).unwrap(), 6);
}

TEST_P(Flavours, HugeTimeoutsDoNotOverflow) {
  auto [tx, rx] = make<int>();
  auto h = fearless::thread::spawn([tx = tx] {
    fearless::thread::sleep(20ms);
    tx.send(1).unwrap();
  });
  EXPECT_EQ(rx.recv_timeout(std::chrono::hours::max()).unwrap(), 1);
  h.join().unwrap();
  auto h2 = fearless::thread::spawn([tx = tx] {
    fearless::thread::sleep(20ms);
    tx.send(2).unwrap();
  });
  EXPECT_EQ(rx.recv_deadline(std::chrono::steady_clock::time_point::max()).unwrap(), 2);
  h2.join().unwrap();
  auto h3 = fearless::thread::spawn([&rx = rx] {
    fearless::thread::sleep(20ms);
    return rx.recv().unwrap();
  });
  tx.send_timeout(3, std::chrono::nanoseconds::max()).unwrap();
  EXPECT_EQ(h3.join().unwrap(), 3);
  auto h4 = fearless::thread::spawn([&rx = rx] {
    fearless::thread::sleep(20ms);
    return rx.recv().unwrap();
  });
  tx.send_deadline(4, std::chrono::system_clock::time_point::max()).unwrap();
  EXPECT_EQ(h4.join().unwrap(), 4);
}

TEST_P(Flavours, BlockedReceiverWokenByDisconnect) {
  auto [tx, rx] = make<int>();
  auto h = fearless::thread::spawn([rx = rx] { return rx.recv().is_err(); });
  fearless::thread::sleep(30ms);
  { auto drop = std::move(tx); }
  EXPECT_TRUE(h.join().unwrap());
}

TEST_P(Flavours, BlockedSenderWokenByDisconnect) {
  if (unbounded()) GTEST_SKIP() << "sends never block";
  auto [tx, rx] = make<int>();
  for (int i = 0; i < GetParam(); ++i) tx.send(i).unwrap();
  auto h = fearless::thread::spawn([tx = tx] { return tx.send(42).unwrap_err().into_inner(); });
  fearless::thread::sleep(30ms);
  { auto drop = std::move(rx); }
  EXPECT_EQ(h.join().unwrap(), 42);
}

TEST_P(Flavours, BlockedReceiverWithTimeoutWokenByDisconnect) {
  auto [tx, rx] = make<int>();
  auto h = fearless::thread::spawn([rx = rx] { return rx.recv_timeout(10s).unwrap_err(); });
  fearless::thread::sleep(30ms);
  { auto drop = std::move(tx); }
  EXPECT_EQ(h.join().unwrap(), RecvTimeoutError::Disconnected);
}

namespace {
// Another thread writes `before` and drops `leaving`, the last handle of one
// side; `disconnected()` is called until it reports that, and the write must
// then be visible (and ordered: ThreadSanitizer checks).
template <class End, class Op>
void expect_leaver_ordered_before(End leaving, int round, Op disconnected, int op) {
  int before = 0;
  auto h = fearless::thread::spawn([&before, leaving = std::move(leaving)]() mutable {
    before = 1;
    auto last = std::move(leaving);
  });
  if (round % 2) fearless::thread::sleep(1ms);
  while (!disconnected()) {
  }
  EXPECT_EQ(before, 1) << "operation " << op;
  h.join().unwrap();
}
}  // namespace

// A channel is a synchronisation object: what the leaving side did before its
// last handle went happens before the other side sees Disconnected, whichever
// operation sees it (the data race crossbeam-channel #838 describes; the
// ThreadSanitizer build reports it as a race on `before`).
TEST_P(Flavours, DisconnectionOrdersWhatTheLeavingSideDidBefore) {
  for (int op = 0; op < 5; ++op) {
    for (int round = 0; round < 20; ++round) {
      auto ends = make<int>();
      auto& rx = ends.second;
      expect_leaver_ordered_before(std::move(ends.first), round, [&, op]() -> bool {
        switch (op) {
          case 0: return rx.recv().is_err();
          case 1: {
            auto r = rx.try_recv();
            return r.is_err() && r.unwrap_err() == TryRecvError::Disconnected;
          }
          case 2: {
            auto r = rx.recv_timeout(0ms);
            return r.is_err() && r.unwrap_err() == RecvTimeoutError::Disconnected;
          }
          case 3: for (int v : rx.iter()) (void)v; return true;
          default: {
            mpmc::Select sel;
            (void)sel.recv(rx);
            auto oper = sel.select();
            return oper.recv(rx).is_err();
          }
        }
      }, op);
    }
  }
  for (int op = 0; op < 4; ++op) {
    for (int round = 0; round < 20; ++round) {
      auto ends = make<int>();
      auto& tx = ends.first;
      expect_leaver_ordered_before(std::move(ends.second), round, [&, op]() -> bool {
        switch (op) {
          case 0: return tx.send(7).is_err();
          case 1: {
            auto r = tx.try_send(7);
            return r.is_err() && r.unwrap_err().is_disconnected();
          }
          case 2: {
            auto r = tx.send_timeout(7, 0ms);
            return r.is_err() && r.unwrap_err().is_disconnected();
          }
          default: {
            mpmc::Select sel;
            (void)sel.send(tx);
            auto oper = sel.select();
            return oper.send(tx, 7).is_err();
          }
        }
      }, op);
    }
  }
}

TEST_P(Flavours, FifoPerSenderWithManySendersAndReceivers) {
  auto [tx, rx] = make<std::pair<int, int>>();
  constexpr int kSenders = 3, kReceivers = 3, kPer = 2000;
  std::vector<fearless::thread::JoinHandle<void>> senders;
  for (int s = 0; s < kSenders; ++s)
    senders.push_back(fearless::thread::spawn([tx = tx, s] {
      for (int i = 0; i < kPer; ++i) tx.send({s, i}).unwrap();
    }));
  { auto drop = std::move(tx); }
  std::vector<fearless::thread::JoinHandle<std::vector<std::pair<int, int>>>> receivers;
  for (int r = 0; r < kReceivers; ++r)
    receivers.push_back(fearless::thread::spawn([rx = rx] {
      std::vector<std::pair<int, int>> got;
      for (auto m : rx) got.push_back(m);
      return got;
    }));
  for (auto& h : senders) h.join().unwrap();
  std::map<int, std::vector<int>> all;
  for (auto& h : receivers) {
    std::map<int, int> last;
    for (auto [s, i] : h.join().unwrap()) {
      // Each receiver sees each sender's messages in increasing order.
      if (last.count(s)) {
        EXPECT_LT(last[s], i);
      }
      last[s] = i;
      all[s].push_back(i);
    }
  }
  for (int s = 0; s < kSenders; ++s) {
    auto& v = all[s];
    std::sort(v.begin(), v.end());
    ASSERT_EQ(v.size(), static_cast<std::size_t>(kPer));
    for (int i = 0; i < kPer; ++i) EXPECT_EQ(v[i], i);
  }
}

TEST_P(Flavours, DroppingLastReceiverDestroysMessagesExactlyOnce) {
  if (rendezvous()) GTEST_SKIP();
  Tracked::reset();
  {
    auto [tx, rx] = make<Tracked>();
    const int n = unbounded() ? 100 : GetParam();
    for (int i = 0; i < n; ++i) tx.send(Tracked(i)).unwrap();
    EXPECT_EQ(Tracked::live.load(), n);
    auto rx2 = rx.clone();
    { auto drop = std::move(rx); }
    EXPECT_EQ(Tracked::live.load(), n);  // a receiver is still alive
    const long before = Tracked::destroyed.load();
    { auto drop = std::move(rx2); }
    EXPECT_EQ(Tracked::live.load(), 0);  // destroyed at once, sender still alive
    EXPECT_EQ(Tracked::destroyed.load() - before, n);
    auto e = tx.send(Tracked(7)).unwrap_err();
    EXPECT_EQ(e.value().v, 7);
  }
  EXPECT_EQ(Tracked::live.load(), 0);
}

TEST_P(Flavours, UnreceivedMessagesDestroyedWhenBothSidesGo) {
  if (rendezvous()) GTEST_SKIP();
  Tracked::reset();
  {
    auto [tx, rx] = make<Tracked>();
    const int n = unbounded() ? 70 : GetParam();
    for (int i = 0; i < n; ++i) tx.send(Tracked(i)).unwrap();
    EXPECT_EQ(rx.recv().unwrap().v, 0);
  }
  EXPECT_EQ(Tracked::live.load(), 0);
}

TEST_P(Flavours, LenCapacityEmptyFull) {
  auto [tx, rx] = make<int>();
  EXPECT_EQ(tx.len(), 0u);
  EXPECT_TRUE(rx.is_empty());
  EXPECT_TRUE(tx.is_empty());
  if (unbounded()) {
    EXPECT_EQ(tx.capacity(), std::nullopt);
    EXPECT_EQ(rx.capacity(), std::nullopt);
    EXPECT_FALSE(tx.is_full());
    for (int i = 0; i < 100; ++i) tx.send(i).unwrap();
    EXPECT_EQ(rx.len(), 100u);
    EXPECT_FALSE(rx.is_empty());
    rx.recv().unwrap();
    EXPECT_EQ(tx.len(), 99u);
  } else if (rendezvous()) {
    EXPECT_EQ(tx.capacity(), std::optional<std::size_t>(0));
    EXPECT_TRUE(tx.is_full());
    EXPECT_TRUE(rx.is_full());
  } else {
    const auto cap = static_cast<std::size_t>(GetParam());
    EXPECT_EQ(rx.capacity(), std::optional<std::size_t>(cap));
    for (std::size_t i = 0; i < cap; ++i) {
      EXPECT_FALSE(tx.is_full());
      tx.send(1).unwrap();
      EXPECT_EQ(rx.len(), i + 1);
    }
    EXPECT_TRUE(tx.is_full());
    EXPECT_TRUE(rx.is_full());
  }
}

TEST_P(Flavours, SameChannelAndClones) {
  auto [tx, rx] = make<int>();
  auto [tx2, rx2] = make<int>();
  EXPECT_TRUE(tx.same_channel(tx.clone()));
  EXPECT_FALSE(tx.same_channel(tx2));
  EXPECT_TRUE(rx.same_channel(rx.clone()));
  EXPECT_FALSE(rx.same_channel(rx2));
  {
    // A moved-from endpoint belongs to no channel, not even with another one.
    auto tx3 = tx2.clone();
    auto rx3 = rx2.clone();
    auto keep_tx = std::move(tx3);
    auto keep_rx = std::move(rx3);
    auto tx4 = std::move(keep_tx);
    auto rx4 = std::move(keep_rx);
    EXPECT_FALSE(tx3.same_channel(keep_tx));  // NOLINT(bugprone-use-after-move): the point of the test
    EXPECT_FALSE(rx3.same_channel(keep_rx));  // NOLINT(bugprone-use-after-move)
    EXPECT_FALSE(tx3.same_channel(tx4));      // NOLINT(bugprone-use-after-move)
    EXPECT_TRUE(tx4.same_channel(tx2));
    EXPECT_TRUE(rx4.same_channel(rx2));
  }
  // Disconnection waits for the last clone.
  auto txc = tx.clone();
  { auto drop = std::move(tx); }
  EXPECT_EQ(rx.try_recv().unwrap_err(), TryRecvError::Empty);
  { auto drop = std::move(txc); }
  EXPECT_EQ(rx.try_recv().unwrap_err(), TryRecvError::Disconnected);
}

TEST_P(Flavours, EachMessageToExactlyOneReceiver) {
  auto [tx, rx] = make<int>();
  constexpr int kN = 3000;
  std::vector<fearless::thread::JoinHandle<std::vector<int>>> rs;
  for (int r = 0; r < 3; ++r)
    rs.push_back(fearless::thread::spawn([rx = rx] {
      std::vector<int> got;
      while (auto m = rx.recv().ok()) got.push_back(*m);
      return got;
    }));
  for (int i = 0; i < kN; ++i) tx.send(i).unwrap();
  { auto drop = std::move(tx); }
  std::vector<int> all;
  for (auto& h : rs) {
    auto v = h.join().unwrap();
    all.insert(all.end(), v.begin(), v.end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kN));
  for (int i = 0; i < kN; ++i) EXPECT_EQ(all[i], i);
}

TEST_P(Flavours, IteratorsBlockingAndTry) {
  auto [tx, rx] = make<int>();
  if (!rendezvous()) {
    tx.send(1).unwrap();
    std::vector<int> got;
    for (int v : rx.try_iter()) got.push_back(v);
    EXPECT_EQ(got, std::vector<int>{1});
  }
  std::vector<int> none;
  for (int v : rx.try_iter()) none.push_back(v);
  EXPECT_TRUE(none.empty());
  auto h = fearless::thread::spawn([tx = std::move(tx)] {
    for (int i = 0; i < 10; ++i) tx.send(i).unwrap();
  });
  std::vector<int> got;
  for (int v : rx.iter()) got.push_back(v);
  h.join().unwrap();
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

// Rust's iterators receive in next(), not ahead of it: taking n messages
// receives exactly n, and ends without waiting for an (n+1)th.
template <class Range>
std::vector<int> take_n(Range r, int n) {
  // What std::views::take(n) does: the count is checked before the end, so
  // after the nth step nothing more is asked of the iterator.
  std::vector<int> got;
  auto it = r.begin();
  for (int k = 0; k < n && !(it == std::default_sentinel); ++k, ++it) got.push_back(*it);
  return got;
}

TEST_P(Flavours, IteratorsReceiveOnlyWhatIsTaken) {
  if (rendezvous()) GTEST_SKIP() << "a rendezvous channel holds no messages";
  auto [tx, rx] = make<int>();
  const int queued = std::min(GetParam() < 0 ? 5 : GetParam(), 5);
  for (int i = 0; i < queued; ++i) tx.send(i).unwrap();
  // iter() with the sender alive: a look-ahead receive would block forever here.
  EXPECT_EQ(static_cast<int>(take_n(rx.iter(), queued).size()), queued);
  EXPECT_EQ(rx.len(), 0u);
  for (int i = 0; i < queued; ++i) tx.send(10 + i).unwrap();
  EXPECT_EQ(take_n(rx.try_iter(), 1), std::vector<int>{10});
  EXPECT_EQ(rx.len(), static_cast<std::size_t>(queued - 1));
  // Taking none receives none; begin() alone receives nothing either.
  EXPECT_TRUE(take_n(rx.iter(), 0).empty());
  { auto it = rx.iter().begin(); (void)it; }
  EXPECT_EQ(rx.len(), static_cast<std::size_t>(queued - 1));
  int next = 11;
#if !defined(__clang__) || __clang_major__ >= 16  // clang 14/15 cannot compile libstdc++ 12's views
  if (queued > 1) {
    std::vector<int> got;
    for (int v : rx.iter() | std::views::take(1)) got.push_back(v);
    EXPECT_EQ(got, std::vector<int>{next});
    ++next;
  }
#endif
  while (next < 10 + queued) EXPECT_EQ(rx.try_recv().unwrap(), next++);
  EXPECT_TRUE(rx.is_empty());
}

// `for (T v : rx)` takes each message by move: move-only messages work, and
// a copyable message is not copied.
TEST_P(Flavours, RangeForMovesMessagesOut) {
  auto [tx, rx] = make<std::unique_ptr<int>>();
  auto h = fearless::thread::spawn([tx = std::move(tx)] {
    for (int i = 0; i < 5; ++i) tx.send(std::make_unique<int>(i)).unwrap();
  });
  int sum = 0;
  for (std::unique_ptr<int> p : rx) sum += *p;
  h.join().unwrap();
  EXPECT_EQ(sum, 10);

  struct CopyCounted {
    int* copies;
    explicit CopyCounted(int* c) : copies(c) {}
    CopyCounted(const CopyCounted& o) : copies(o.copies) { ++*copies; }
    CopyCounted(CopyCounted&&) noexcept = default;
  };
  int copies = 0;
  auto [ctx, crx] = make<CopyCounted>();
  auto h2 = fearless::thread::spawn([&copies, ctx = std::move(ctx)] {
    for (int i = 0; i < 3; ++i) ctx.send(CopyCounted(&copies)).unwrap();
  });
  int n = 0;
  for (CopyCounted c : crx.iter()) n += (c.copies == &copies);
  h2.join().unwrap();
  EXPECT_EQ(n, 3);
  EXPECT_EQ(copies, 0);
}

TEST_P(Flavours, IntoIterOwnsReceiver) {
  auto [tx, rx] = make<int>();
  auto h = fearless::thread::spawn([tx = std::move(tx)] {
    for (int i = 0; i < 3; ++i) tx.send(i).unwrap();
  });
  auto it = std::move(rx).into_iter();
  int sum = 0;
  for (int v : it) sum += v;
  h.join().unwrap();
  EXPECT_EQ(sum, 3);
}

// is_disconnected (Rust's unstable mpmc/mpsc method): a sender's turns true
// when the last receiver goes, a receiver's when the last sender goes, while
// the messages sent before are still delivered.
TEST_P(Flavours, IsDisconnectedSaysWhetherTheOtherSideIsGone) {
  {
    auto [tx, rx] = make<int>();
    EXPECT_FALSE(tx.is_disconnected());
    EXPECT_FALSE(rx.is_disconnected());
    { auto tx2 = tx.clone(); }
    { auto rx2 = rx.clone(); }
    EXPECT_FALSE(tx.is_disconnected());
    EXPECT_FALSE(rx.is_disconnected());
    if (!rendezvous()) tx.send(7).unwrap();
    { auto gone = std::move(tx); }
    EXPECT_TRUE(rx.is_disconnected());
    if (!rendezvous()) {
      EXPECT_EQ(rx.recv().unwrap(), 7);
    }
    EXPECT_EQ(rx.recv().unwrap_err(), RecvError{});
  }
  {
    auto [tx, rx] = make<int>();
    { auto gone = std::move(rx); }
    EXPECT_TRUE(tx.is_disconnected());
    EXPECT_EQ(std::move(tx.send(3).unwrap_err()).into_inner(), 3);
  }
}

// Every channel error streams its Display text (what()), as Rust's `{}` does.
TEST(Errors, StreamTheirDisplayText) {
  auto [tx, rx] = mpmc::bounded<int>(1);
  const auto text = [](const auto& e) {
    std::ostringstream os;
    os << e;
    return os.str();
  };
  EXPECT_EQ(text(rx.try_recv().unwrap_err()), "receiving on an empty channel");
  EXPECT_EQ(text(rx.recv_timeout(0ms).unwrap_err()), "timed out waiting on channel");
  tx.send(1).unwrap();
  EXPECT_EQ(text(tx.try_send(2).unwrap_err()), "sending on a full channel");
  EXPECT_EQ(text(tx.send_timeout(3, 0ms).unwrap_err()), "timed out waiting on send operation");
  { auto gone = std::move(rx); }
  EXPECT_EQ(text(tx.send(4).unwrap_err()), "sending on a closed channel");
  EXPECT_EQ(text(mpmc::RecvError{}), "receiving on a closed channel");
  mpmc::Select sel;
  EXPECT_EQ(text(sel.try_select().unwrap_err()), "all operations in select would block");
}

TEST(Timers, AreNeverDisconnected) {
  EXPECT_FALSE(mpmc::after(0ms).is_disconnected());
  EXPECT_FALSE(mpmc::tick(std::chrono::hours(1)).is_disconnected());
  EXPECT_FALSE(mpmc::never<int>().is_disconnected());
}

TEST_P(Flavours, MovedFromHandlesPanic) {
  auto [tx, rx] = make<int>();
  auto tx2 = std::move(tx);
  auto rx2 = std::move(rx);
  EXPECT_THROW((void)tx.send(1), fearless::Panic);
  EXPECT_THROW((void)tx.try_send(1), fearless::Panic);
  EXPECT_THROW((void)tx.len(), fearless::Panic);
  EXPECT_THROW((void)rx.recv(), fearless::Panic);
  EXPECT_THROW((void)rx.try_recv(), fearless::Panic);
  EXPECT_THROW((void)rx.iter(), fearless::Panic);
  // A copy of a moved-from endpoint is another empty one: using it panics.
  auto tx3 = tx;  // NOLINT(bugprone-use-after-move)
  auto rx3 = rx.clone();
  EXPECT_THROW((void)tx3.send(1), fearless::Panic);
  EXPECT_THROW((void)rx3.try_recv(), fearless::Panic);
  try {
    (void)rx.recv();
  } catch (const fearless::Panic& p) {
    EXPECT_NE(std::string(p.what()).find("moved from"), std::string::npos);
  }
}

TEST_P(Flavours, ThrowingCopyLosesNothing) {
  Fragile::live = 0;
  {
    auto [tx, rx] = make<Fragile>();
    if (rendezvous()) {
      // A send whose boxing copy throws leaves nothing behind.
      Fragile f(1);
      Fragile::throw_next = 1;
      EXPECT_THROW((void)tx.try_send(f), std::runtime_error);
      EXPECT_EQ(rx.try_recv().unwrap_err(), TryRecvError::Empty);
    } else {
      const int k = (unbounded() || GetParam() >= 2) ? 2 : 1;
      tx.send(Fragile(1)).unwrap();
      if (k == 2) tx.send(Fragile(2)).unwrap();
      Fragile::throw_next = 1;
      // Sending: the copy into the channel throws; nothing is queued.
      EXPECT_THROW((void)tx.send(Fragile(3)), std::runtime_error);
      EXPECT_EQ(rx.len(), static_cast<std::size_t>(k));
      // Receiving: the copy out throws; the message stays first in line.
      Fragile::throw_next = 1;
      EXPECT_THROW((void)rx.recv(), std::runtime_error);
      EXPECT_EQ(rx.len(), static_cast<std::size_t>(k));
      EXPECT_EQ(rx.recv().unwrap().v, 1);
      if (k == 2) {
        EXPECT_EQ(rx.try_recv().unwrap().v, 2);
      }
      EXPECT_EQ(rx.try_recv().unwrap_err(), TryRecvError::Empty);
      tx.send(Fragile(4)).unwrap();
      EXPECT_EQ(rx.recv().unwrap().v, 4);
    }
  }
  Fragile::throw_next = 0;
  EXPECT_EQ(Fragile::live.load(), 0);
}

// A message whose hand-over threw goes back, first in line; Select sees it
// too, and a disconnection does not hide it (no RecvError while one is left).
TEST_P(Flavours, APutBackMessageIsSeenBySelectAndOutlivesTheDisconnection) {
  if (rendezvous()) GTEST_SKIP() << "a rendezvous receive has no message to put back until it has one";
  Fragile::live = 0;
  {
    auto [tx, rx] = make<Fragile>();
    tx.send(Fragile(1)).unwrap();
    Fragile::throw_next = 1;
    EXPECT_THROW((void)rx.recv(), std::runtime_error);
    EXPECT_EQ(rx.len(), 1u);
    {
      mpmc::Select sel;
      const auto i = sel.recv(rx);
      EXPECT_EQ(sel.ready_timeout(1s).unwrap(), i);
      mpmc::SelectedOperation op = sel.select_timeout(1s).unwrap();
      EXPECT_EQ(op.recv(rx).unwrap().v, 1);
    }
    tx.send(Fragile(2)).unwrap();
    Fragile::throw_next = 1;
    EXPECT_THROW((void)rx.recv(), std::runtime_error);
    { auto gone = std::move(tx); }  // the last sender leaves
    {
      mpmc::Select sel;
      sel.recv(rx);
      mpmc::SelectedOperation op = sel.select();
      EXPECT_EQ(op.recv(rx).unwrap().v, 2);
    }
    EXPECT_EQ(rx.recv().unwrap_err(), RecvError{});
  }
  Fragile::throw_next = 0;
  EXPECT_EQ(Fragile::live.load(), 0);
}

// The last receiver's leaving destroys every message in the channel, those
// put back by a receive whose hand-over threw included (they stayed alive
// until the last sender left too).
TEST_P(Flavours, APutBackMessageIsDestroyedWhenTheLastReceiverLeaves) {
  if (rendezvous()) GTEST_SKIP() << "a rendezvous receive has no message to put back until it has one";
  Fragile::live = 0;
  {
    auto [tx, rx] = make<Fragile>();
    tx.send(Fragile(1)).unwrap();
    Fragile::throw_next = 1;
    EXPECT_THROW((void)rx.recv(), std::runtime_error);
    EXPECT_EQ(rx.len(), 1u);
    EXPECT_EQ(Fragile::live.load(), 1);
    { auto gone = std::move(rx); }  // the last receiver leaves; the sender stays
    EXPECT_EQ(Fragile::live.load(), 0);
    auto err = tx.send(Fragile(2)).unwrap_err();
    EXPECT_EQ(std::move(err).into_inner().v, 2);
  }
  Fragile::throw_next = 0;
  EXPECT_EQ(Fragile::live.load(), 0);
}

// Iteration moves a message once, in the step that can put it back: next()
// builds its optional straight from the slot (a throwing move puts the
// message back, first in line), and range-for's iterator keeps the message
// as the channel stored it, so `*it` bound to `auto&&` moves nothing. Before,
// each step moved the received Result's value again, and a throw there
// destroyed a message already taken from the channel.
TEST_P(Flavours, IterationMovesEachMessageOnceAndPutsItBackIfThatThrows) {
  if (rendezvous()) GTEST_SKIP() << "needs a buffered message (the hand-over is the same in every flavour)";
  Fragile::live = 0;
  {
    auto [tx, rx] = make<Fragile>();
    const std::function<std::optional<Fragile>()> steps[] = {
        [&rx = rx] { return rx.iter().next(); },
        [&rx = rx] { return rx.try_iter().next(); },
        [&rx = rx] { return rx.clone().into_iter().next(); },
    };
    int k = 0;
    for (const auto& next : steps) {
      SCOPED_TRACE(k);
      tx.send(Fragile(++k)).unwrap();
      Fragile::throw_next = 1;
      EXPECT_THROW((void)next(), std::runtime_error);
      EXPECT_EQ(rx.len(), 1u);
      Fragile::copies = 0;
      std::optional<Fragile> m = next();
      ASSERT_TRUE(m.has_value());
      EXPECT_EQ(m->v, k);
      EXPECT_EQ(Fragile::copies.load(), 1);
    }
    tx.send(Fragile(10)).unwrap();
    Fragile::copies = 0;
    std::vector<int> got;
    for (auto&& f : rx.try_iter()) got.push_back(f.v);
    EXPECT_EQ(got, std::vector<int>{10});
    EXPECT_EQ(Fragile::copies.load(), 0);
  }
  Fragile::throw_next = 0;
  EXPECT_EQ(Fragile::live.load(), 0);
}

namespace {
// A message whose move throws on the thread that armed it, once the test
// lets it: until then that move waits, with the message claimed.
struct Balky {
  int v;
  static inline thread_local bool armed = false;
  static inline std::atomic<bool> moving{false};
  static inline std::atomic<bool> release{false};
  explicit Balky(int x) : v(x) {}
  Balky(Balky&& o) : v(o.v) {  // NOLINT(performance-noexcept-move-constructor): throws on purpose
    if (armed) {
      armed = false;
      moving = true;
      while (!release.load()) std::this_thread::sleep_for(1ms);
      throw std::runtime_error("hand-over failed");
    }
  }
  Balky(const Balky&) = delete;
  Balky& operator=(const Balky&) = delete;
  Balky& operator=(Balky&&) = delete;
  ~Balky() = default;
};
}  // namespace

// A message put back while another receiver already sleeps on the empty
// channel wakes that receiver, blocked in recv or in a select, which then
// takes it (it slept on until its own timeout).
TEST_P(Flavours, APutBackMessageWakesAReceiverAlreadyAsleep) {
  for (const bool by_select : {false, true}) {
    SCOPED_TRACE(by_select ? "select" : "recv");
    Balky::moving = false;
    Balky::release = false;
    auto ends = make<Balky>();
    auto& tx = ends.first;  // named, not structured bindings: lambdas below capture them
    auto& rx = ends.second;
    // The first receiver claims the message; its hand-over throws later.
    auto first = fearless::thread::spawn([rx = rx] {
      Balky::armed = true;
      try {
        (void)rx.recv();
      } catch (const std::runtime_error&) {
        return true;
      }
      return false;
    });
    tx.send(Balky(1)).unwrap();
    while (!Balky::moving.load()) std::this_thread::sleep_for(1ms);
    // The second one finds the channel empty and goes to sleep.
    auto second = fearless::thread::spawn([rx = rx, by_select] {
      if (!by_select) return rx.recv_timeout(10s).map([](Balky b) { return b.v; }).unwrap_or(-1);
      mpmc::Select sel;
      sel.recv(rx);
      auto op = sel.select_timeout(10s);
      if (op.is_err()) return -1;
      return op.unwrap().recv(rx).map([](Balky b) { return b.v; }).unwrap_or(-2);
    });
    std::this_thread::sleep_for(200ms);
    const auto t0 = std::chrono::steady_clock::now();
    Balky::release = true;
    EXPECT_TRUE(std::move(first).join().unwrap());
    EXPECT_EQ(std::move(second).join().unwrap(), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    EXPECT_EQ(rx.try_recv().unwrap_err(), TryRecvError::Empty);
  }
}

// Select reserves a slot (or pairs with a receiver) before the message is
// given; a copy (or box) that throws then must leave the operation open, not
// a reserved slot that is never written (which wedged the bounded ring and
// left a paired rendezvous receiver waiting forever).
TEST_P(Flavours, SelectedSendWhoseCopyThrowsCanStillBeCompleted) {
  Fragile::live = 0;
  {
    auto [tx, rx] = make<Fragile>();
    std::optional<fearless::thread::JoinHandle<int>> peer;
    if (rendezvous()) peer.emplace(fearless::thread::spawn([rx = rx] { return rx.recv_timeout(10s).unwrap().v; }));
    {
      mpmc::Select sel;
      sel.send(tx);
      mpmc::SelectedOperation op = sel.select();
      Fragile f(7);
      Fragile::throw_next = 1;
      EXPECT_THROW((void)op.send(tx, f), std::runtime_error);
      EXPECT_TRUE(op.send(tx, Fragile(8)).is_ok());  // the same operation, completed
    }
    if (rendezvous()) {
      EXPECT_EQ(std::move(*peer).join().unwrap(), 8);
    } else {
      EXPECT_EQ(rx.recv().unwrap().v, 8);
      EXPECT_TRUE(tx.send(Fragile(9)).is_ok());
      EXPECT_EQ(rx.recv().unwrap().v, 9);
      EXPECT_EQ(rx.len(), 0u);
    }
    // The handler form makes its message before anything is reserved.
    Fragile g(5);
    Fragile::throw_next = 1;
    EXPECT_THROW((void)mpmc::select(mpmc::on_send(tx, g, [](auto r) { return r.is_ok(); }),
                                    mpmc::on_default([] { return false; })),
                 std::runtime_error);
    if (!rendezvous()) {
      EXPECT_EQ(rx.try_recv().unwrap_err(), TryRecvError::Empty);
      EXPECT_TRUE(mpmc::select(mpmc::on_send(tx, g, [](auto r) { return r.is_ok(); })));
      EXPECT_EQ(rx.recv().unwrap().v, 5);
    }
  }
  Fragile::throw_next = 0;
  EXPECT_EQ(Fragile::live.load(), 0);
}

TEST(MpmcBounded, AbsurdCapacityIsAClearPanic) {
  EXPECT_THROW((void)mpmc::bounded<int>(SIZE_MAX), fearless::Panic);
  EXPECT_THROW((void)mpmc::bounded<int>(SIZE_MAX / 2), fearless::Panic);
  try {
    (void)mpmc::bounded<std::string>(SIZE_MAX / 8);
    FAIL();
  } catch (const fearless::Panic& p) {
    EXPECT_NE(std::string(p.what()).find("capacity"), std::string::npos);
  }
  // Large but allocatable: fine (the whole ring is written up front).
  auto [tx, rx] = mpmc::bounded<int>(1u << 20);
  tx.send(1).unwrap();
  EXPECT_EQ(rx.recv().unwrap(), 1);
}

TEST(MpmcBounded, LargeRingWorksOverLaps) {
  // 300,000 slots: filled, drained across a lap, refilled, then dropped with
  // messages inside: each is destroyed exactly once.
  Tracked::reset();
  constexpr int kCap = 300000;
  {
    auto [tx, rx] = mpmc::bounded<Tracked>(kCap);
    ASSERT_EQ(tx.capacity(), std::optional<std::size_t>(kCap));
    for (int i = 0; i < kCap; ++i) ASSERT_TRUE(tx.try_send(Tracked(i)).is_ok());
    EXPECT_TRUE(tx.try_send(Tracked(-1)).unwrap_err().is_full());
    for (int i = 0; i < kCap / 2; ++i) ASSERT_EQ(rx.recv().unwrap().v, i);
    for (int i = kCap; i < kCap + kCap / 2; ++i) ASSERT_TRUE(tx.try_send(Tracked(i)).is_ok());
    EXPECT_TRUE(rx.is_full());
    for (int i = kCap / 2; i < kCap; ++i) ASSERT_EQ(rx.recv().unwrap().v, i);
    EXPECT_EQ(rx.len(), static_cast<std::size_t>(kCap / 2));
    EXPECT_EQ(Tracked::live.load(), kCap / 2);
  }
  EXPECT_EQ(Tracked::live.load(), 0);
}

TEST(MpmcBounded, WrapsAroundManyLaps) {
  auto [tx, rx] = mpmc::bounded<int>(3);
  for (int i = 0; i < 1000; ++i) {
    tx.send(i).unwrap();
    tx.send(i + 1).unwrap();
    EXPECT_EQ(rx.recv().unwrap(), i);
    EXPECT_EQ(rx.recv().unwrap(), i + 1);
    EXPECT_EQ(rx.len(), 0u);
  }
}

TEST(MpmcBounded, EverySlotUsableOverLapsAtOddCapacities) {
  // Every slot's stamp is written when the ring is made; a slot left with the
  // wrong stamp would show up as a channel that is full or empty too early,
  // or hands a message out of order, somewhere in these laps.
  for (const std::size_t cap : {std::size_t{1}, std::size_t{2}, std::size_t{5}, std::size_t{1000}, std::size_t{4097}}) {
    auto [tx, rx] = mpmc::bounded<std::size_t>(cap);
    std::size_t next_in = 0, next_out = 0;
    for (int lap = 0; lap < 3; ++lap) {
      while (tx.try_send(next_in).is_ok()) ++next_in;
      EXPECT_EQ(next_in - next_out, cap) << "cap " << cap << " lap " << lap;
      EXPECT_TRUE(rx.is_full());
      EXPECT_TRUE(tx.try_send(0).unwrap_err().is_full());
      // Drain a part, so the next lap starts at another offset.
      const std::size_t take = cap / 2 + 1;
      for (std::size_t i = 0; i < take; ++i) EXPECT_EQ(rx.try_recv().unwrap(), next_out++);
    }
    for (auto r = rx.try_recv(); r.is_ok(); r = rx.try_recv()) EXPECT_EQ(r.unwrap(), next_out++);
    EXPECT_EQ(next_out, next_in);
    EXPECT_TRUE(rx.is_empty());
  }
}

TEST(MpmcBounded, RingOfSeveralHugePagesFillsAndDrainsOverLaps) {
  // 300,000 slots of 16 bytes: a ring that starts on a 2 MiB boundary with
  // its whole 2 MiB pages offered as huge pages and its tail in small pages.
  constexpr std::size_t kCap = 300000;
  auto [tx, rx] = mpmc::bounded<std::uint64_t>(kCap);
  std::uint64_t next_in = 0, next_out = 0;
  for (int lap = 0; lap < 2; ++lap) {
    while (tx.try_send(next_in).is_ok()) ++next_in;
    ASSERT_EQ(next_in - next_out, kCap) << "lap " << lap;
    EXPECT_TRUE(tx.is_full());
    for (std::size_t i = 0; i < kCap - 7; ++i) ASSERT_EQ(rx.recv().unwrap(), next_out++);
  }
  for (auto r = rx.try_recv(); r.is_ok(); r = rx.try_recv()) ASSERT_EQ(r.unwrap(), next_out++);
  EXPECT_EQ(next_out, next_in);
}

// A sender asleep on a full bounded channel leaves its message with its
// waiting-list entry, and the receive that frees a slot writes it into the
// ring on the sender's behalf: it is there as soon as that receive returns,
// whether or not the sender's thread has run since.
TEST(MpmcBounded, AReceiveWritesTheMessageOfASleepingSender) {
  for (bool timed : {false, true}) {
    auto [tx, rx] = mpmc::bounded<int>(1);
    tx.send(1).unwrap();
    auto h = fearless::thread::spawn([tx = tx, timed] {
      if (timed) tx.send_timeout(2, 60s).unwrap();
      else tx.send(2).unwrap();
    });
    fearless::thread::sleep(100ms);  // long past its polling: registered, asleep
    EXPECT_EQ(rx.recv().unwrap(), 1);
    EXPECT_EQ(rx.len(), 1u);
    EXPECT_EQ(rx.try_recv().unwrap(), 2);
    h.join().unwrap();
    EXPECT_TRUE(rx.is_empty());
  }
}

TEST(MpmcBounded, EachReceiveWritesOneSleepingSendersMessage) {
  auto [tx, rx] = mpmc::bounded<int>(1);
  tx.send(1).unwrap();
  auto a = fearless::thread::spawn([tx = tx] { tx.send(2).unwrap(); });
  auto b = fearless::thread::spawn([tx = tx] { tx.send(3).unwrap(); });
  fearless::thread::sleep(100ms);
  EXPECT_EQ(rx.recv().unwrap(), 1);
  // Each receive frees the slot and fills it with the next sleeper's message.
  const int x = rx.try_recv().unwrap();
  const int y = rx.try_recv().unwrap();
  EXPECT_EQ(std::set<int>({x, y}), std::set<int>({2, 3}));
  EXPECT_TRUE(rx.try_recv().is_err());
  a.join().unwrap();
  b.join().unwrap();
}

// The receivers leave while a sender sleeps with its message: it gets the
// message back, not written anywhere.
TEST(MpmcBounded, ASleepingSendersMessageComesBackWhenTheReceiversLeave) {
  auto [tx, rx] = mpmc::bounded<std::string>(1);
  tx.send("first").unwrap();
  auto h = fearless::thread::spawn([tx = tx] { return tx.send("second"); });
  fearless::thread::sleep(100ms);
  { auto gone = std::move(rx); }
  auto r = h.join().unwrap();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(std::move(r).unwrap_err().into_inner(), "second");
}

TEST(MpmcUnbounded, MemoryIsReturnedAsItDrains) {
  // Many blocks' worth in flight, then drained: every block is freed (checked
  // by ASan/LSan builds), and the live count returns to zero while the
  // channel itself is still alive.
  Tracked::reset();
  auto [tx, rx] = mpmc::unbounded<Tracked>();
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 1000; ++i) tx.send(Tracked(i)).unwrap();
    EXPECT_EQ(rx.len(), 1000u);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(rx.recv().unwrap().v, i);
    EXPECT_EQ(Tracked::live.load(), 0);
  }
}

TEST(MpmcRendezvous, SendCompletesOnlyWhenReceived) {
  auto [tx, rx] = mpmc::bounded<int>(0);
  std::atomic<bool> sent{false};
  auto h = fearless::thread::spawn([&, tx = tx] {
    tx.send(1).unwrap();
    sent = true;
  });
  fearless::thread::sleep(30ms);
  EXPECT_FALSE(sent.load());
  EXPECT_EQ(rx.recv().unwrap(), 1);
  h.join().unwrap();
  EXPECT_TRUE(sent.load());
  // try_send succeeds only with a receiver waiting.
  EXPECT_TRUE(tx.try_send(2).unwrap_err().is_full());
  auto r = fearless::thread::spawn([rx = rx] { return rx.recv().unwrap(); });
  while (tx.try_send(3).is_err()) fearless::thread::yield_now();
  EXPECT_EQ(r.join().unwrap(), 3);
}

TEST(MpmcErrors, ConversionsAndText) {
  TrySendError<int> a = SendError<int>(3);
  EXPECT_TRUE(a.is_disconnected());
  SendTimeoutError<int> b = SendError<int>(4);
  EXPECT_TRUE(b.is_disconnected());
  EXPECT_STREQ(b.what(), "sending on a disconnected channel");
  TryRecvError c = RecvError{};
  EXPECT_EQ(c, TryRecvError::Disconnected);
  RecvTimeoutError d = RecvError{};
  EXPECT_EQ(d, RecvTimeoutError::Disconnected);
  EXPECT_STREQ(TryRecvError(TryRecvError::Empty).what(), "receiving on an empty channel");
  EXPECT_STREQ(RecvError::what(), "receiving on a closed channel");
  EXPECT_EQ(RecvError{}.message(), "receiving on a closed channel");
  EXPECT_EQ(SendError<int>(1), SendError<int>(1));
  EXPECT_FALSE(SendError<int>(1) == SendError<int>(2));
  EXPECT_STREQ(mpmc::TrySelectError::what(), "all operations in select would block");
  EXPECT_STREQ(mpmc::SelectTimeoutError::what(), "timed out waiting on select");
  // unwrap on an error panics with Rust's text.
  auto [tx, rx] = mpmc::unbounded<int>();
  try {
    (void)rx.try_recv().unwrap();
    FAIL();
  } catch (const fearless::Panic& p) {
    EXPECT_NE(std::string(p.what()).find("receiving on an empty channel"), std::string::npos);
  }
}

TEST(MpmcStress, ManyThreadsEveryMessageOnce) {
  for (int cap : {-1, 0, 1, 16}) {
    Tracked::reset();
    {
      auto [tx, rx] = cap < 0 ? mpmc::unbounded<Tracked>() : mpmc::bounded<Tracked>(static_cast<std::size_t>(cap));
      constexpr int kThreads = 4, kPer = 3000;
      std::atomic<long> sum{0};
      std::atomic<long> count{0};
      std::vector<fearless::thread::JoinHandle<void>> hs;
      for (int t = 0; t < kThreads; ++t) {
        hs.push_back(fearless::thread::spawn([tx = tx, t] {
          for (int i = 0; i < kPer; ++i) tx.send(Tracked(t * kPer + i)).unwrap();
        }));
        hs.push_back(fearless::thread::spawn([&, rx = rx] {
          for (;;) {
            auto r = rx.recv_timeout(5ms);
            if (r.is_ok()) {
              sum += r.unwrap().v;
              ++count;
            } else if (r.unwrap_err().is_disconnected()) {
              return;
            }
          }
        }));
      }
      { auto drop = std::move(tx); }
      { auto drop = std::move(rx); }
      for (auto& h : hs) h.join().unwrap();
      const long n = kThreads * kPer;
      EXPECT_EQ(count.load(), n);
      EXPECT_EQ(sum.load(), n * (n - 1) / 2);
    }
    EXPECT_EQ(Tracked::live.load(), 0);
  }
}

namespace {
// A message whose move constructor can be made to stop, on the thread that
// counts its moves, at a chosen move: the way to hold a sender in the middle
// of send(), between reserving a slot and finishing the message in it.
struct Stall {
  int v;
  static inline thread_local bool counting = false;
  static inline thread_local int moves = 0;
  static inline std::atomic<int> stop_at{0};  // 0: never stop
  static inline std::atomic<bool> inside{false};
  static inline std::atomic<bool> go{false};
  explicit Stall(int x) : v(x) {}
  Stall(Stall&& o) noexcept : v(o.v) {
    if (!counting) return;
    if (++moves == stop_at.load()) {
      inside = true;
      while (!go) std::this_thread::yield();
    }
  }
  Stall& operator=(Stall&&) = delete;
};

// Moves one send makes on the sending thread (the last one fills the slot).
template <class Tx>
int moves_per_send(const Tx& tx) {
  int n = 0;
  std::thread([&] {
    Stall::counting = true;
    tx.send(Stall(0)).unwrap();
    n = Stall::moves;
  }).join();
  return n;
}

// Sends Stall(1) from a new thread and returns once that sender is held inside
// the move into its reserved slot (Stall::go releases it). The channel must be
// empty; one message goes through first to count the moves.
template <class Tx, class Rx>
std::thread start_stalled_send(const Tx& tx, const Rx& rx) {
  const int n = moves_per_send(tx);
  EXPECT_GE(n, 1);
  EXPECT_EQ(rx.recv().unwrap().v, 0);
  Stall::inside = false;
  Stall::go = false;
  Stall::stop_at = n;  // the move into the reserved slot
  std::thread sender([tx] {
    Stall::counting = true;
    tx.send(Stall(1)).unwrap();
  });
  while (!Stall::inside) std::this_thread::yield();
  return sender;
}
}  // namespace

TEST(MpmcTryRecv, NeverWaitsForASenderStalledMidSend) {
  for (const bool unbounded : {true, false}) {
    SCOPED_TRACE(unbounded ? "unbounded" : "bounded(8)");
    auto ends = unbounded ? mpmc::unbounded<Stall>() : mpmc::bounded<Stall>(8);
    auto& tx = ends.first;  // named, not structured bindings: lambdas below capture them
    auto& rx = ends.second;
    std::thread sender = start_stalled_send(tx, rx);

    // try_recv in a helper thread, so that a wrong (waiting) try_recv fails
    // the test instead of hanging it.
    std::atomic<bool> done{false};
    std::optional<mpmc::TryRecvError> err;
    std::thread receiver([&] {
      auto r = rx.try_recv();
      if (r.is_err()) err = r.unwrap_err();
      done = true;
    });
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (!done && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
    EXPECT_TRUE(done.load()) << "try_recv waited for the stalled sender";
    Stall::go = true;  // unblock in any case
    receiver.join();
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(*err, mpmc::TryRecvError::Empty);

    sender.join();
    Stall::stop_at = 0;
    // The stalled message arrives once its sender finishes.
    EXPECT_EQ(rx.recv_timeout(5s).unwrap().v, 1);
    EXPECT_TRUE(rx.is_empty());
  }
}

TEST(MpmcTryRecv, UnboundedSkipsAStalledSlotToAWrittenOne) {
  auto ends = mpmc::unbounded<Stall>();
  auto& tx = ends.first;
  auto& rx = ends.second;
  std::thread sender = start_stalled_send(tx, rx);  // reserves slot 1, stalls filling it
  tx.send(Stall(2)).unwrap();  // slot 2, written
  // The written message behind the stalled one is delivered at once; the
  // stalled one is sent again by its sender when it resumes.
  EXPECT_EQ(rx.try_recv().unwrap().v, 2);
  EXPECT_EQ(rx.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
  Stall::go = true;
  sender.join();
  Stall::stop_at = 0;
  EXPECT_EQ(rx.try_recv().unwrap().v, 1);
  EXPECT_EQ(rx.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);
  EXPECT_EQ(rx.len(), 0u);
}

TEST(MpmcRecvTimeout, DoesNotWaitPastItsDeadlineForAStalledSender) {
  for (const bool unbounded : {true, false}) {
    SCOPED_TRACE(unbounded ? "unbounded" : "bounded(8)");
    auto ends = unbounded ? mpmc::unbounded<Stall>() : mpmc::bounded<Stall>(8);
    auto& tx = ends.first;
    auto& rx = ends.second;
    std::thread sender = start_stalled_send(tx, rx);

    std::atomic<int> phase{0};
    std::optional<mpmc::RecvTimeoutError> zero, short_wait;
    std::chrono::steady_clock::duration waited{};
    std::thread receiver([&] {
      auto r0 = rx.recv_timeout(0ms);  // a zero timeout acts as try_recv
      if (r0.is_err()) zero = r0.unwrap_err();
      phase = 1;
      const auto t0 = std::chrono::steady_clock::now();
      auto r1 = rx.recv_timeout(30ms);
      waited = std::chrono::steady_clock::now() - t0;
      if (r1.is_err()) short_wait = r1.unwrap_err();
      phase = 2;
    });
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (phase != 2 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(phase.load(), 2) << "recv_timeout waited for the stalled sender past its deadline";
    Stall::go = true;
    receiver.join();
    sender.join();
    Stall::stop_at = 0;
    ASSERT_TRUE(zero.has_value());
    EXPECT_EQ(*zero, mpmc::RecvTimeoutError::Timeout);
    ASSERT_TRUE(short_wait.has_value());
    EXPECT_EQ(*short_wait, mpmc::RecvTimeoutError::Timeout);
    EXPECT_GE(waited, 30ms);
    EXPECT_EQ(rx.recv_timeout(5s).unwrap().v, 1);
  }
}

// ---- a long unbounded queue: blocks from huge-page chunks ------------------

namespace {
namespace chan = fearless::detail::chan;
using WordList = chan::List<std::uint64_t>;

// After a short flow of messages the arena has stopped carving and every
// chunk it mapped for the channel is unmapped again.
void expect_chunks_back_to(mpmc::Sender<std::uint64_t>& tx, mpmc::Receiver<std::uint64_t>& rx, std::size_t before) {
  for (std::uint64_t i = 0; i < 3 * WordList::kSlotsPerBlock; ++i) {
    tx.send(i).unwrap();
    EXPECT_EQ(rx.recv().unwrap(), i);
  }
  EXPECT_EQ(chan::arena_chunks_mapped.load(), before);
}
}  // namespace

TEST(MpmcUnbounded, LongQueueTakesChunksAndGivesThemBackWhenDrained) {
  const std::size_t before = chan::arena_chunks_mapped.load();
  auto [tx, rx] = mpmc::unbounded<std::uint64_t>();
  const std::size_t n = WordList::kLongQueueMessages + 2 * WordList::kMessagesPerChunk + 1000;
  for (std::uint64_t i = 0; i < n; ++i) tx.send(i).unwrap();
  EXPECT_EQ(rx.len(), n);
  if (chan::kBlockArenaEnabled) {
    EXPECT_GE(chan::arena_chunks_mapped.load(), before + 2);
    EXPECT_LE(chan::arena_chunks_mapped.load(), before + 3);
  }
  for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(rx.recv().unwrap(), i);
  EXPECT_TRUE(rx.is_empty());
  expect_chunks_back_to(tx, rx, before);
  // A second growth maps chunks again and is drained in order again.
  for (std::uint64_t i = 0; i < n; ++i) tx.send(i).unwrap();
  for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(rx.recv().unwrap(), i);
  expect_chunks_back_to(tx, rx, before);
}

TEST(MpmcUnbounded, DroppingALongQueueDestroysEveryMessageOnceAndUnmapsItsChunks) {
  const std::size_t before = chan::arena_chunks_mapped.load();
  Tracked::reset();
  const std::size_t n = chan::List<Tracked>::kLongQueueMessages + chan::List<Tracked>::kMessagesPerChunk;
  {
    auto [tx, rx] = mpmc::unbounded<Tracked>();
    for (std::size_t i = 0; i < n; ++i) tx.send(Tracked(static_cast<int>(i))).unwrap();
    EXPECT_EQ(Tracked::live.load(), static_cast<long>(n));
    if (chan::kBlockArenaEnabled) {
      EXPECT_GT(chan::arena_chunks_mapped.load(), before);
    }
    // Half read, then the receiver goes: the rest are destroyed at once.
    for (std::size_t i = 0; i < n / 2; ++i) ASSERT_EQ(rx.recv().unwrap().v, static_cast<int>(i));
    Tracked::destroyed = 0;
    {
      auto gone = std::move(rx);
    }
    EXPECT_EQ(Tracked::live.load(), 0);
    EXPECT_EQ(Tracked::destroyed.load(), static_cast<long>(n - n / 2));
    EXPECT_TRUE(tx.send(Tracked(-1)).is_err());
  }
  EXPECT_EQ(chan::arena_chunks_mapped.load(), before);
}

TEST(MpmcUnbounded, ManySendersGrowALongQueueManyReceiversDrainIt) {
  // Four senders race to allocate blocks (the queue passes the arena's
  // threshold while they do), then four receivers race to free them: every
  // message arrives once, each sender's in order, and every chunk goes back.
  constexpr int kSenders = 4;
  constexpr std::size_t per = (WordList::kLongQueueMessages + WordList::kMessagesPerChunk) / kSenders + 1;
  const std::size_t before = chan::arena_chunks_mapped.load();
  auto [tx, rx] = mpmc::unbounded<std::uint64_t>();
  {
    std::vector<fearless::thread::JoinHandle<void>> hs;
    for (int s = 0; s < kSenders; ++s)
      hs.push_back(fearless::thread::spawn([tx = tx, s] {
        for (std::uint64_t i = 0; i < per; ++i) tx.send((static_cast<std::uint64_t>(s) << 32) | i).unwrap();
      }));
    for (auto& h : hs) h.join().unwrap();
  }
  EXPECT_EQ(rx.len(), per * kSenders);
  std::vector<fearless::thread::JoinHandle<std::vector<std::uint64_t>>> rs;
  for (int r = 0; r < 4; ++r)
    rs.push_back(fearless::thread::spawn([rx = rx] {
      std::vector<std::uint64_t> got;
      for (auto r = rx.try_recv(); r.is_ok(); r = rx.try_recv()) got.push_back(r.unwrap());
      return got;
    }));
  std::vector<std::size_t> count(kSenders, 0);
  for (auto& h : rs) {
    std::vector<std::uint64_t> next_seen(kSenders, 0);
    for (std::uint64_t v : h.join().unwrap()) {
      const auto s = static_cast<std::size_t>(v >> 32);
      const std::uint64_t i = v & 0xffffffffu;
      ASSERT_LT(s, static_cast<std::size_t>(kSenders));
      ASSERT_GE(i, next_seen[s]) << "one receiver saw sender " << s << " out of order";
      next_seen[s] = i + 1;
      ++count[s];
    }
  }
  for (int s = 0; s < kSenders; ++s) EXPECT_EQ(count[static_cast<std::size_t>(s)], per) << "sender " << s;
  EXPECT_TRUE(rx.is_empty());
  expect_chunks_back_to(tx, rx, before);
}

// ---- Receiver::new_sender ---------------------------------------------------

namespace {
std::pair<mpmc::Sender<int>, mpmc::Receiver<int>> make_flavour(int cap) {
  return cap < 0 ? mpmc::unbounded<int>() : mpmc::bounded<int>(static_cast<std::size_t>(cap));
}
}  // namespace

// As crossbeam: a sender made from a receiver revives a channel whose senders
// all left, in every flavour; messages sent before still come first.
TEST(MpmcNewSender, RevivesADisconnectedChannelInEveryFlavour) {
  for (const int cap : {-1, 0, 1, 4}) {
    SCOPED_TRACE(cap);
    auto ch = make_flavour(cap);
    auto& tx = ch.first;
    auto& rx = ch.second;
    if (cap != 0) {
      tx.send(1).unwrap();
    }
    { auto drop_tx = std::move(tx); }
    if (cap != 0) {
      EXPECT_EQ(rx.recv().unwrap(), 1);
    }
    EXPECT_EQ(rx.recv().unwrap_err(), RecvError{});
    EXPECT_EQ(rx.try_recv().unwrap_err(), TryRecvError::Disconnected);

    auto revived = rx.new_sender();
    EXPECT_TRUE(rx.try_recv().is_err());
    EXPECT_EQ(rx.try_recv().unwrap_err(), TryRecvError::Empty);
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      s.spawn([&] { revived.send(2).unwrap(); });
      EXPECT_EQ(rx.recv().unwrap(), 2);
    });
    // And it disconnects again when the revived sender goes.
    { auto drop_revived = std::move(revived); }
    EXPECT_EQ(rx.recv().unwrap_err(), RecvError{});
  }
}

// A new sender while senders are alive is just another sender.
TEST(MpmcNewSender, WithSendersAliveIsAnotherSender) {
  auto [tx, rx] = mpmc::bounded<int>(2);
  auto tx2 = rx.new_sender();
  EXPECT_TRUE(tx2.same_channel(tx));
  { auto drop_tx = std::move(tx); }
  tx2.send(7).unwrap();
  EXPECT_EQ(rx.recv().unwrap(), 7);
  { auto drop_tx2 = std::move(tx2); }
  EXPECT_EQ(rx.recv().unwrap_err(), RecvError{});
}

// Timer receivers have nothing to send on; moved-from receivers none either.
TEST(MpmcNewSender, PanicsOnATimerOrAMovedFromReceiver) {
  auto timer = mpmc::after(std::chrono::hours(1));
  EXPECT_THROW((void)timer.new_sender(), fearless::Panic);
  auto [tx, rx] = mpmc::unbounded<int>();
  auto moved = std::move(rx);
  EXPECT_THROW((void)rx.new_sender(), fearless::Panic);  // NOLINT(bugprone-use-after-move)
  (void)moved;
}

// Senders leave and come back through new_sender from several threads at
// once while a receiver counts: every message arrives exactly once, and the
// channel ends disconnected once the last of them has gone.
TEST(MpmcNewSender, ConcurrentRevivalsLoseNoMessage) {
  for (const int cap : {-1, 0, 1}) {
    SCOPED_TRACE(cap);
    auto ch = make_flavour(cap);
    auto& rx = ch.second;
    { auto drop_tx = std::move(ch.first); }
    constexpr int kThreads = 3;
    constexpr int kRounds = 200;
    std::atomic<long> sum{0};
    long count = 0;
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      // Each round: a fresh sender from the receiver, one message, then gone.
      // The receiving thread holds a clone of rx for the whole time.
      for (int t = 0; t < kThreads; ++t) {
        s.spawn([&, t] {
          for (int i = 0; i < kRounds; ++i) {
            auto each = rx.new_sender();
            each.send(t * kRounds + i).unwrap();
          }
        });
      }
      s.spawn([&] {
        for (int got = 0; got < kThreads * kRounds;) {
          auto r = rx.recv_timeout(std::chrono::milliseconds(20));
          if (r.is_ok()) {
            sum += r.unwrap();
            ++got;
            ++count;
          }
        }
      });
    });
    EXPECT_EQ(count, kThreads * kRounds);
    const long n = kThreads * kRounds;
    EXPECT_EQ(sum.load(), n * (n - 1) / 2);
    EXPECT_EQ(rx.try_recv().unwrap_err(), TryRecvError::Disconnected);
  }
}
