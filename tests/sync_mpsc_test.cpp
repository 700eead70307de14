// Tests for fearless/sync/mpsc.hpp: Rust's std::sync::mpsc API on each flavour
// (channel = unbounded; sync_channel(n); sync_channel(0) = rendezvous).
#include "fearless/sync/mpsc.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "fearless/thread.hpp"

namespace mpsc = fearless::sync::mpsc;
using namespace std::chrono_literals;
using mpsc::RecvError;
using mpsc::RecvTimeoutError;
using mpsc::SendError;
using mpsc::TryRecvError;
using mpsc::TrySendError;

static_assert(!std::is_copy_constructible_v<mpsc::Receiver<int>>, "one consumer");
static_assert(std::is_move_constructible_v<mpsc::Receiver<int>>);
static_assert(std::is_copy_constructible_v<mpsc::Sender<int>>);
static_assert(std::is_copy_constructible_v<mpsc::SyncSender<int>>);

namespace {
struct Counted {
  static inline std::atomic<long> live{0};
  int v;
  explicit Counted(int x) : v(x) { ++live; }
  Counted(Counted&& o) noexcept : v(o.v) { ++live; }
  Counted(const Counted& o) : v(o.v) { ++live; }
  ~Counted() { --live; }
};
}  // namespace

TEST(Mpsc, SeedProgram) {
  auto [tx, rx] = mpsc::channel<std::string>();
  auto h = fearless::thread::spawn([tx = std::move(tx)] {
    std::string val = "Hello from another thread";
    tx.send(val).unwrap();
  });
  EXPECT_EQ(rx.recv().unwrap(), "Hello from another thread");
  h.join().unwrap();
}

TEST(Mpsc, ChannelIsUnbounded) {
  auto [tx, rx] = mpsc::channel<int>();
  for (int i = 0; i < 10000; ++i) tx.send(i).unwrap();
  EXPECT_EQ(tx.len(), 10000u);
  EXPECT_EQ(rx.capacity(), std::nullopt);
  EXPECT_EQ(tx.capacity(), std::nullopt);
  EXPECT_FALSE(tx.is_full());
  for (int i = 0; i < 10000; ++i) EXPECT_EQ(rx.recv().unwrap(), i);
  EXPECT_TRUE(rx.is_empty());
}

TEST(Mpsc, FifoPerSenderManySenders) {
  auto [tx, rx] = mpsc::channel<std::pair<int, int>>();
  std::vector<fearless::thread::JoinHandle<void>> hs;
  for (int s = 0; s < 4; ++s)
    hs.push_back(fearless::thread::spawn([tx = tx.clone(), s] {
      for (int i = 0; i < 2000; ++i) tx.send({s, i}).unwrap();
    }));
  { auto drop = std::move(tx); }
  std::vector<int> next(4, 0);
  int total = 0;
  for (auto [s, i] : rx) {
    EXPECT_EQ(i, next[s]);
    next[s] = i + 1;
    ++total;
  }
  EXPECT_EQ(total, 8000);
  for (auto& h : hs) h.join().unwrap();
}

TEST(Mpsc, RecvAfterSendersGone) {
  auto [tx, rx] = mpsc::channel<int>();
  tx.send(1).unwrap();
  tx.send(2).unwrap();
  { auto drop = std::move(tx); }
  EXPECT_EQ(rx.recv().unwrap(), 1);
  EXPECT_EQ(rx.try_recv().unwrap(), 2);
  EXPECT_EQ(rx.recv().unwrap_err(), RecvError{});
  EXPECT_EQ(rx.try_recv().unwrap_err(), TryRecvError::Disconnected);
  EXPECT_EQ(rx.recv_timeout(1s).unwrap_err(), RecvTimeoutError::Disconnected);
}

TEST(Mpsc, SendAfterReceiverGoneHandsBack) {
  auto [tx, rx] = mpsc::channel<std::string>();
  { auto drop = std::move(rx); }
  auto e = tx.send("x").unwrap_err();
  EXPECT_EQ(std::move(e).into_inner(), "x");
  auto [stx, srx] = mpsc::sync_channel<std::string>(2);
  { auto drop = std::move(srx); }
  EXPECT_EQ(stx.try_send("y").unwrap_err().kind(), TrySendError<std::string>::Disconnected);
  EXPECT_EQ(stx.send_timeout("z", 1s).unwrap_err().into_inner(), "z");
}

TEST(Mpsc, DroppingReceiverDestroysQueuedMessages) {
  Counted::live = 0;
  auto [tx, rx] = mpsc::channel<Counted>();
  auto [stx, srx] = mpsc::sync_channel<Counted>(8);
  for (int i = 0; i < 50; ++i) tx.send(Counted(i)).unwrap();
  for (int i = 0; i < 8; ++i) stx.send(Counted(i)).unwrap();
  EXPECT_EQ(Counted::live.load(), 58);
  { auto drop = std::move(rx); }
  EXPECT_EQ(Counted::live.load(), 8);
  { auto drop = std::move(srx); }
  EXPECT_EQ(Counted::live.load(), 0);
}

TEST(Mpsc, SyncChannelBoundAndTrySend) {
  auto [tx, rx] = mpsc::sync_channel<int>(2);
  EXPECT_EQ(tx.capacity(), std::optional<std::size_t>(2));
  tx.try_send(1).unwrap();
  tx.try_send(2).unwrap();
  auto e = tx.try_send(3).unwrap_err();
  EXPECT_TRUE(e.is_full());
  EXPECT_EQ(std::move(e).into_inner(), 3);
  EXPECT_TRUE(tx.send_timeout(3, 10ms).unwrap_err().is_timeout());
  EXPECT_EQ(rx.recv().unwrap(), 1);
  tx.send(3).unwrap();
  EXPECT_EQ(rx.recv().unwrap(), 2);
  EXPECT_EQ(rx.recv().unwrap(), 3);
}

TEST(Mpsc, SyncChannelBlocksWhenFullUntilReceived) {
  auto [tx, rx] = mpsc::sync_channel<int>(1);
  tx.send(1).unwrap();
  std::atomic<bool> done{false};
  auto h = fearless::thread::spawn([&, tx = tx.clone()] {
    tx.send(2).unwrap();
    done = true;
  });
  fearless::thread::sleep(30ms);
  EXPECT_FALSE(done.load());
  EXPECT_EQ(rx.recv().unwrap(), 1);
  EXPECT_EQ(rx.recv().unwrap(), 2);
  h.join().unwrap();
  EXPECT_TRUE(done.load());
}

TEST(Mpsc, RendezvousHandsOffDirectly) {
  auto [tx, rx] = mpsc::sync_channel<int>(0);
  EXPECT_EQ(tx.capacity(), std::optional<std::size_t>(0));
  EXPECT_TRUE(tx.try_send(1).unwrap_err().is_full());
  auto h = fearless::thread::spawn([tx = tx.clone()] {
    for (int i = 0; i < 100; ++i) tx.send(i).unwrap();
  });
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rx.recv().unwrap(), i);
  h.join().unwrap();
  EXPECT_EQ(rx.recv_timeout(5ms).unwrap_err(), RecvTimeoutError::Timeout);
}

TEST(Mpsc, BlockedRecvWokenWhenLastSenderDropped) {
  for (int bound : {-1, 0, 3}) {
    std::optional<mpsc::Receiver<int>> rx;
    std::optional<fearless::thread::JoinHandle<bool>> h;
    if (bound < 0) {
      auto [tx, r] = mpsc::channel<int>();
      rx.emplace(std::move(r));
      h.emplace(fearless::thread::spawn([tx = std::move(tx)] { fearless::thread::sleep(20ms); return true; }));
    } else {
      auto [tx, r] = mpsc::sync_channel<int>(static_cast<std::size_t>(bound));
      rx.emplace(std::move(r));
      h.emplace(fearless::thread::spawn([tx = std::move(tx)] { fearless::thread::sleep(20ms); return true; }));
    }
    EXPECT_EQ(rx->recv().unwrap_err(), RecvError{});
    EXPECT_TRUE(h->join().unwrap());
  }
}

TEST(Mpsc, BlockedSendWokenWhenReceiverDropped) {
  auto [tx, rx] = mpsc::sync_channel<int>(0);
  auto h = fearless::thread::spawn([tx = tx.clone()] { return tx.send(9).unwrap_err().into_inner(); });
  fearless::thread::sleep(30ms);
  { auto drop = std::move(rx); }
  EXPECT_EQ(h.join().unwrap(), 9);
}

TEST(Mpsc, IteratorsAndIntoIter) {
  auto [tx, rx] = mpsc::channel<int>();
  for (int i = 0; i < 5; ++i) tx.send(i).unwrap();
  std::vector<int> got;
  for (int v : rx.try_iter()) got.push_back(v);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4}));
  tx.send(7).unwrap();
  { auto drop = std::move(tx); }
  got.clear();
  for (int v : std::move(rx).into_iter()) got.push_back(v);
  EXPECT_EQ(got, std::vector<int>{7});
}

TEST(Mpsc, TimeoutsAndDeadlines) {
  auto [tx, rx] = mpsc::channel<int>();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(rx.recv_timeout(20ms).unwrap_err().is_timeout());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 15ms);
  EXPECT_TRUE(rx.recv_deadline(std::chrono::steady_clock::now() + 5ms).unwrap_err().is_timeout());
  EXPECT_TRUE(rx.recv_timeout(std::chrono::duration<double>(-1.0)).unwrap_err().is_timeout());
  tx.send(1).unwrap();
  EXPECT_EQ(rx.recv_timeout(0s).unwrap(), 1);
  tx.send(2).unwrap();
  EXPECT_EQ(rx.recv_timeout(std::chrono::seconds::max()).unwrap(), 2);
}

TEST(Mpsc, SameChannel) {
  auto [tx, rx] = mpsc::channel<int>();
  auto [tx2, rx2] = mpsc::channel<int>();
  EXPECT_TRUE(tx.same_channel(tx.clone()));
  EXPECT_FALSE(tx.same_channel(tx2));
  EXPECT_FALSE(rx.same_channel(rx2));
  EXPECT_TRUE(rx.same_channel(rx));
}

TEST(Mpsc, IsDisconnected) {
  auto [tx, rx] = mpsc::channel<int>();
  auto [stx, srx] = mpsc::sync_channel<int>(1);
  EXPECT_FALSE(tx.is_disconnected() || rx.is_disconnected() || stx.is_disconnected() || srx.is_disconnected());
  { auto gone = std::move(tx); }
  { auto gone = std::move(srx); }
  EXPECT_TRUE(rx.is_disconnected());
  EXPECT_TRUE(stx.is_disconnected());
}

TEST(Mpsc, MovedFromPanics) {
  auto [tx, rx] = mpsc::channel<int>();
  auto rx2 = std::move(rx);
  auto tx2 = std::move(tx);
  EXPECT_THROW((void)rx.recv(), fearless::Panic);
  EXPECT_THROW((void)rx.try_recv(), fearless::Panic);
  EXPECT_THROW((void)tx.send(1), fearless::Panic);
}

TEST(Mpsc, MoveOnlyMessages) {
  auto [tx, rx] = mpsc::sync_channel<std::unique_ptr<int>>(1);
  tx.send(std::make_unique<int>(5)).unwrap();
  auto e = tx.try_send(std::make_unique<int>(6)).unwrap_err();
  EXPECT_EQ(*std::move(e).into_inner(), 6);
  EXPECT_EQ(*rx.recv().unwrap(), 5);
}
