// The behaviour that Rust's own std::sync::mpsc test suites check
// (library/std/src/sync/mpsc/tests.rs for channel(), sync_tests.rs for
// sync_channel()), checked against fearless::sync::mpsc. A Rust panic in a
// spawned thread is an exception escaping a fearless::thread::spawn closure:
// join() returns it as the error. Bodies that upstream repeats for both
// flavours are written once as templates and run for each.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace mpsc = fearless::sync::mpsc;
using namespace std::chrono_literals;
using fearless::Err;
using fearless::Ok;
using fearless::thread::spawn;
using mpsc::RecvError;
using mpsc::RecvTimeoutError;
using mpsc::SendError;
using mpsc::SendTimeoutError;
using mpsc::TryRecvError;
using mpsc::TrySendError;
using sync_test::Tracked;

namespace {

// channel<T>()
struct Unbounded {
  template <class T>
  static auto make() {
    return mpsc::channel<T>();
  }
};

// sync_channel<T>(N)
template <std::size_t N>
struct Bounded {
  template <class T>
  static auto make() {
    return mpsc::sync_channel<T>(N);
  }
};

// Destroys an endpoint now (Rust's drop(x)). A const endpoint would only be
// copied, so it is rejected.
template <class E>
  requires(!std::is_const_v<E>)
void drop(E& e) {
  E gone = std::move(e);
  (void)gone;
}

template <class S>
constexpr bool has_try_send = requires(const S& s) { s.try_send(0); };

// Keeps the default panic hook quiet while threads panic on purpose.
class QuietPanics {
 public:
  QuietPanics() : prev_(fearless::take_panic_hook()) {
    fearless::set_panic_hook([](const fearless::PanicInfo&) {});
  }
  ~QuietPanics() { fearless::set_panic_hook(std::move(prev_)); }
  QuietPanics(const QuietPanics&) = delete;
  QuietPanics& operator=(const QuietPanics&) = delete;

 private:
  fearless::PanicHook prev_;
};

// Rounds for the upstream tests that loop stress_factor() times.
constexpr int kRaces = 20;

// ---- bodies shared by both flavours ------------------------------------------

template <class F>
void smoke() {
  auto [tx, rx] = F::template make<int>();
  tx.send(1).unwrap();
  EXPECT_TRUE(rx.recv() == Ok(1));
}

template <class F>
void send_then_recv_boxed() {
  auto [tx, rx] = F::template make<std::unique_ptr<int>>();
  tx.send(std::make_unique<int>(10)).unwrap();
  auto got = rx.recv().unwrap();
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(*got, 10);
}

template <class F>
void unreceived_messages_die_with_receiver() {
  const long before = Tracked::live.load();
  {
    auto [tx, rx] = F::template make<Tracked>();
    { auto extra = tx.clone(); }
    { auto extra = tx.clone(); }
    tx.send(Tracked(1)).unwrap();
    EXPECT_EQ(Tracked::live.load(), before + 1);
    drop(rx);
    // Destroyed as the receiver goes, while a sender is still alive.
    EXPECT_EQ(Tracked::live.load(), before);
  }
  EXPECT_EQ(Tracked::live.load(), before);
  {
    // Still queued when both ends go: destroyed exactly once.
    auto [tx, rx] = F::template make<Tracked>();
    tx.send(Tracked(2)).unwrap();
  }
  EXPECT_EQ(Tracked::live.load(), before);
}

template <class F>
void smoke_shared() {
  auto [tx, rx] = F::template make<int>();
  tx.send(1).unwrap();
  EXPECT_EQ(rx.recv().unwrap(), 1);
  auto tx2 = tx.clone();
  tx2.send(2).unwrap();
  EXPECT_EQ(rx.recv().unwrap(), 2);
}

template <class F>
void smoke_threads() {
  auto ch = F::template make<int>();
  auto h = spawn([tx = std::move(ch.first)] { tx.send(1).unwrap(); });
  EXPECT_EQ(ch.second.recv().unwrap(), 1);
  h.join().unwrap();
}

template <class F>
void send_fails_once_receiver_is_gone() {
  auto [tx, rx] = F::template make<std::unique_ptr<int>>();
  drop(rx);
  auto r = tx.send(std::make_unique<int>(7));
  ASSERT_TRUE(r.is_err());
  auto back = std::move(r).unwrap_err().into_inner();
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(*back, 7);
  auto tx2 = tx.clone();
  drop(tx);
  EXPECT_TRUE(tx2.send(std::make_unique<int>(8)).is_err());
  if constexpr (has_try_send<decltype(tx2)>) {
    auto [itx, irx] = F::template make<int>();
    drop(irx);
    EXPECT_TRUE(itx.try_send(10) == Err(TrySendError<int>(TrySendError<int>::Disconnected, 10)));
  }
}

template <class F>
void sending_until_receiver_thread_leaves_ends() {
  {
    auto ch = F::template make<int>();
    auto h = spawn([rx = std::move(ch.second)] { (void)rx.recv().unwrap(); });
    while (ch.first.send(1).is_ok()) {
    }
    h.join().unwrap();
  }
  {
    auto ch = F::template make<int>();
    auto tx2 = ch.first.clone();
    auto h = spawn([rx = std::move(ch.second)] { (void)rx.recv().unwrap(); });
    while (ch.first.send(1).is_ok() && tx2.send(1).is_ok()) {
    }
    h.join().unwrap();
  }
}

template <class F>
void recv_fails_once_senders_are_gone() {
  {
    auto [tx, rx] = F::template make<int>();
    drop(tx);
    EXPECT_TRUE(rx.recv() == Err(RecvError{}));
  }
  {
    auto [tx, rx] = F::template make<int>();
    auto tx2 = tx.clone();
    drop(tx);
    drop(tx2);
    EXPECT_TRUE(rx.recv().is_err());
    EXPECT_TRUE(rx.try_recv() == Err(TryRecvError::Disconnected));
    EXPECT_TRUE(rx.try_recv() == Err(TryRecvError::Disconnected));
  }
}

template <class F>
void receiving_until_sender_thread_leaves_ends() {
  auto ch = F::template make<int>();
  auto h = spawn([tx = std::move(ch.first)] {
    tx.send(1).unwrap();
    tx.send(1).unwrap();
  });
  int got = 0;
  while (ch.second.recv().is_ok()) ++got;
  EXPECT_EQ(got, 2);
  h.join().unwrap();
}

template <class F>
void stress_one_sender(int count) {
  auto ch = F::template make<int>();
  auto h = spawn([tx = std::move(ch.first), count] {
    for (int i = 0; i < count; ++i) tx.send(1).unwrap();
  });
  for (int i = 0; i < count; ++i) ASSERT_EQ(ch.second.recv().unwrap(), 1);
  h.join().unwrap();
}

template <class F>
void stress_many_senders() {
  constexpr int kAmt = 100;
  constexpr int kThreads = 8;
  auto ch = F::template make<int>();
  auto receiver = spawn([rx = std::move(ch.second)] {
    int ones = 0;
    for (int i = 0; i < kAmt * kThreads; ++i) ones += rx.recv().unwrap() == 1 ? 1 : 0;
    return ones == kAmt * kThreads && rx.try_recv().is_err();
  });
  std::vector<fearless::thread::JoinHandle<void>> senders;
  for (int t = 0; t < kThreads; ++t)
    senders.push_back(spawn([tx = ch.first.clone()] {
      for (int i = 0; i < kAmt; ++i) tx.send(1).unwrap();
    }));
  drop(ch.first);
  EXPECT_TRUE(receiver.join().unwrap());
  for (auto& s : senders) s.join().unwrap();
}

template <class F>
void closing_without_sending() {
  {
    auto [tx, rx] = F::template make<int>();
    drop(rx);
    drop(tx);
  }
  {
    auto [tx, rx] = F::template make<int>();
    drop(tx);
    drop(rx);
  }
}

template <class F>
void unwrapping_recv_on_closed_channel_panics_the_thread() {
  QuietPanics quiet;
  auto res = spawn([] {
               auto [tx, rx] = F::template make<int>();
               drop(tx);
               (void)rx.recv().unwrap();
             }).join();
  ASSERT_TRUE(res.is_err());
  EXPECT_TRUE(res.unwrap_err().template is<fearless::Panic>());
}

template <class F>
void try_recv_sees_data_once_sent() {
  auto [tx, rx] = F::template make<int>();
  EXPECT_TRUE(rx.try_recv() == Err(TryRecvError::Empty));
  tx.send(10).unwrap();
  EXPECT_TRUE(rx.try_recv() == Ok(10));
}

template <class F>
void recv_in_thread_then_send() {
  auto ch = F::template make<std::unique_ptr<int>>();
  auto h = spawn([rx = std::move(ch.second)] { return *rx.recv().unwrap(); });
  ch.first.send(std::make_unique<int>(10)).unwrap();
  EXPECT_EQ(h.join().unwrap(), 10);
}

template <class F>
void recv_in_thread_when_sender_closes_elsewhere_panics() {
  QuietPanics quiet;
  auto ch = F::template make<std::unique_ptr<int>>();
  auto closer = spawn([tx = std::move(ch.first)]() mutable { drop(tx); });
  auto res = spawn([rx = std::move(ch.second)] {
               if (*rx.recv().unwrap() != 10) fearless::panic("wrong value");
             }).join();
  EXPECT_TRUE(res.is_err());
  closer.join().unwrap();
}

template <class F>
void close_race() {
  for (int i = 0; i < kRaces; ++i) {
    auto ch = F::template make<int>();
    auto h = spawn([rx = std::move(ch.second)]() mutable { drop(rx); });
    drop(ch.first);
    h.join().unwrap();
  }
}

template <class F>
void send_close_race() {
  QuietPanics quiet;
  for (int i = 0; i < kRaces; ++i) {
    auto ch = F::template make<int>();
    auto closer = spawn([rx = std::move(ch.second)]() mutable { drop(rx); });
    // Either outcome is fine: only that the send ends and nothing breaks.
    (void)spawn([tx = std::move(ch.first)] { tx.send(1).unwrap(); }).join();
    closer.join().unwrap();
  }
}

template <class F>
void recv_close_race() {
  QuietPanics quiet;
  for (int i = 0; i < kRaces; ++i) {
    auto ch = F::template make<int>();
    auto receiver = spawn([rx = std::move(ch.second)]() mutable {
      return spawn([rx = std::move(rx)] { (void)rx.recv().unwrap(); }).join().is_err();
    });
    auto closer = spawn([tx = std::move(ch.first)]() mutable {
      spawn([tx = std::move(tx)]() mutable { drop(tx); }).join().unwrap();
    });
    EXPECT_TRUE(receiver.join().unwrap());
    closer.join().unwrap();
  }
}

template <class F>
void send_recv_race() {
  for (int i = 0; i < kRaces; ++i) {
    auto ch = F::template make<std::unique_ptr<int>>();
    auto h = spawn([tx = std::move(ch.first)] { tx.send(std::make_unique<int>(10)).unwrap(); });
    EXPECT_EQ(*ch.second.recv().unwrap(), 10);
    h.join().unwrap();
  }
}

// Each link sends (or receives) message i, hands its endpoint to a new thread
// for i + 1 and waits for it.
constexpr int kChain = 10;

template <class S>
fearless::thread::JoinHandle<void> send_chain(S tx, int i) {
  return spawn([tx = std::move(tx), i]() mutable {
    tx.send(std::make_unique<int>(i)).unwrap();
    if (i + 1 < kChain) send_chain(std::move(tx), i + 1).join().unwrap();
  });
}

template <class R>
fearless::thread::JoinHandle<void> recv_chain(R rx, int i) {
  return spawn([rx = std::move(rx), i]() mutable {
    if (*rx.recv().unwrap() != i) fearless::panic("message out of order");
    if (i + 1 < kChain) recv_chain(std::move(rx), i + 1).join().unwrap();
  });
}

template <class F>
void stream_through_thread_chains() {
  for (int round = 0; round < 2; ++round) {
    auto ch = F::template make<std::unique_ptr<int>>();
    auto s = send_chain(std::move(ch.first), 0);
    auto r = recv_chain(std::move(ch.second), 0);
    s.join().unwrap();
    r.join().unwrap();
  }
}

template <class F>
void recv_timeout_then_message() {
  auto [tx, rx] = F::template make<int>();
  EXPECT_TRUE(rx.recv_timeout(1ms) == Err(RecvTimeoutError::Timeout));
  tx.send(1).unwrap();
  EXPECT_TRUE(rx.recv_timeout(1ms) == Ok(1));
  EXPECT_TRUE(rx.recv_timeout(1ms) == Err(RecvTimeoutError::Timeout));
  tx.send(2).unwrap();
  EXPECT_TRUE(rx.recv_timeout(1ms) == Ok(2));
}

template <class F>
void many_one_shot_senders(int total) {
  auto ch = F::template make<int>();
  std::vector<fearless::thread::JoinHandle<void>> hs;
  for (int i = 0; i < total; ++i) hs.push_back(spawn([tx = ch.first.clone()] { tx.send(0).unwrap(); }));
  for (int i = 0; i < total; ++i) (void)ch.second.recv().unwrap();
  for (auto& h : hs) h.join().unwrap();
}

template <class F>
void iterating_in_thread_sums_until_disconnect() {
  auto ch = F::template make<int>();
  auto total = F::template make<int>();
  auto h = spawn([rx = std::move(ch.second), ttx = std::move(total.first)] {
    int acc = 0;
    for (int x : rx.iter()) acc += x;
    ttx.send(acc).unwrap();
  });
  ch.first.send(3).unwrap();
  ch.first.send(1).unwrap();
  ch.first.send(2).unwrap();
  drop(ch.first);
  EXPECT_EQ(total.second.recv().unwrap(), 6);
  h.join().unwrap();
}

template <class F>
void breaking_out_of_iteration() {
  auto ch = F::template make<int>();
  auto count = F::template make<int>();
  auto h = spawn([rx = std::move(ch.second), ctx = std::move(count.first)] {
    int n = 0;
    for (int x : rx) {
      if (n >= 3) break;
      n += x;
    }
    ctx.send(n).unwrap();
  });
  auto& tx = ch.first;
  tx.send(2).unwrap();
  tx.send(2).unwrap();
  tx.send(2).unwrap();
  // The receiver may be gone by now (and a rendezvous send would wait for it).
  if constexpr (has_try_send<std::remove_reference_t<decltype(tx)>>)
    (void)tx.try_send(2);
  else
    (void)tx.send(2);
  drop(tx);
  EXPECT_EQ(count.second.recv().unwrap(), 4);
  h.join().unwrap();
}

template <class F>
void try_recv_walks_through_empty_data_disconnected() {
  auto c1 = F::template make<int>();
  auto c2 = F::template make<int>();
  auto c3 = F::template make<int>();
  auto h = spawn([tx1 = std::move(c1.first), rx2 = std::move(c2.second), tx3 = std::move(c3.first)]() mutable {
    (void)rx2.recv().unwrap();
    tx1.send(1).unwrap();
    tx3.send(0).unwrap();
    (void)rx2.recv().unwrap();
    drop(tx1);
    tx3.send(0).unwrap();
  });
  const auto& rx1 = c1.second;
  EXPECT_TRUE(rx1.try_recv() == Err(TryRecvError::Empty));
  c2.first.send(0).unwrap();
  (void)c3.second.recv().unwrap();
  EXPECT_TRUE(rx1.try_recv() == Ok(1));
  EXPECT_TRUE(rx1.try_recv() == Err(TryRecvError::Empty));
  c2.first.send(0).unwrap();
  (void)c3.second.recv().unwrap();
  EXPECT_TRUE(rx1.try_recv() == Err(TryRecvError::Disconnected));
  h.join().unwrap();
}

template <class F>
void receiver_dropped_after_recv_while_sender_clone_lives() {
  auto c = F::template make<int>();
  auto done = F::template make<int>();
  auto h = spawn([rx = std::move(c.second), tx2 = std::move(done.first)]() mutable {
    (void)rx.recv().unwrap();
    drop(rx);
    tx2.send(0).unwrap();
  });
  fearless::thread::sleep(10ms);  // let it block in recv
  auto t = c.first.clone();
  drop(c.first);
  t.send(0).unwrap();
  (void)done.second.recv().unwrap();
  h.join().unwrap();
}

}  // namespace

// ============================ channel() ======================================

// tests.rs: smoke, oneshot_single_thread_try_recv_open
TEST(StdChannel, SendThenRecv) { smoke<Unbounded>(); }

// tests.rs: oneshot_single_thread_send_then_recv, oneshot_single_thread_try_send_open
TEST(StdChannel, SendThenRecvBoxed) { send_then_recv_boxed<Unbounded>(); }

// tests.rs: drop_full, drop_full_shared
TEST(StdChannel, UnreceivedMessagesDestroyedWithReceiver) { unreceived_messages_die_with_receiver<Unbounded>(); }

// tests.rs: smoke_shared
TEST(StdChannel, ClonedSenderSends) { smoke_shared<Unbounded>(); }

// tests.rs: smoke_threads
TEST(StdChannel, SendFromSpawnedThread) { smoke_threads<Unbounded>(); }

// tests.rs: smoke_port_gone, smoke_shared_port_gone, smoke_shared_port_gone2,
// oneshot_single_thread_send_port_close, oneshot_single_thread_try_send_closed
TEST(StdChannel, SendFailsOnceReceiverIsGone) { send_fails_once_receiver_is_gone<Unbounded>(); }

// tests.rs: port_gone_concurrent, port_gone_concurrent_shared
TEST(StdChannel, SendingUntilReceiverThreadLeavesEnds) { sending_until_receiver_thread_leaves_ends<Unbounded>(); }

// tests.rs: smoke_chan_gone, smoke_chan_gone_shared, oneshot_single_thread_try_recv_closed,
// oneshot_single_thread_peek_close
TEST(StdChannel, RecvFailsOnceSendersAreGone) { recv_fails_once_senders_are_gone<Unbounded>(); }

// tests.rs: chan_gone_concurrent
TEST(StdChannel, ReceivingUntilSenderThreadLeavesEnds) { receiving_until_sender_thread_leaves_ends<Unbounded>(); }

// tests.rs: stress (10,000 messages upstream)
TEST(StdChannel, StressOneSender) { stress_one_sender<Unbounded>(1000); }

// tests.rs: stress_shared (8 x 10,000 upstream)
TEST(StdChannel, StressManySenders) { stress_many_senders<Unbounded>(); }

// tests.rs: send_from_outside_runtime
TEST(StdChannel, ThreadSignalsThenReceivesFromAnother) {
  auto c1 = mpsc::channel<int>();
  auto c2 = mpsc::channel<int>();
  auto t1 = spawn([tx1 = std::move(c1.first), rx2 = std::move(c2.second)] {
    tx1.send(0).unwrap();
    for (int i = 0; i < 40; ++i)
      if (rx2.recv().unwrap() != 1) fearless::panic("unexpected message");
  });
  (void)c1.second.recv().unwrap();
  auto t2 = spawn([tx2 = std::move(c2.first)] {
    for (int i = 0; i < 40; ++i) tx2.send(1).unwrap();
  });
  t1.join().unwrap();
  t2.join().unwrap();
}

// tests.rs: recv_from_outside_runtime
TEST(StdChannel, MainThreadFeedsReceivingThread) {
  auto ch = mpsc::channel<int>();
  auto t = spawn([rx = std::move(ch.second)] {
    int ones = 0;
    for (int i = 0; i < 40; ++i) ones += rx.recv().unwrap() == 1 ? 1 : 0;
    return ones;
  });
  for (int i = 0; i < 40; ++i) ch.first.send(1).unwrap();
  EXPECT_EQ(t.join().unwrap(), 40);
}

// tests.rs: no_runtime
TEST(StdChannel, TwoThreadsPingPong) {
  auto c1 = mpsc::channel<int>();
  auto c2 = mpsc::channel<int>();
  auto t1 = spawn([rx1 = std::move(c1.second), tx2 = std::move(c2.first)] {
    const int got = rx1.recv().unwrap();
    tx2.send(2).unwrap();
    return got;
  });
  auto t2 = spawn([tx1 = std::move(c1.first), rx2 = std::move(c2.second)] {
    tx1.send(1).unwrap();
    return rx2.recv().unwrap();
  });
  EXPECT_EQ(t1.join().unwrap(), 1);
  EXPECT_EQ(t2.join().unwrap(), 2);
}

// tests.rs: oneshot_single_thread_close_port_first, oneshot_single_thread_close_chan_first
TEST(StdChannel, ClosingWithoutSending) { closing_without_sending<Unbounded>(); }

// tests.rs: oneshot_single_thread_recv_chan_close
TEST(StdChannel, UnwrappingRecvOnClosedChannelPanicsTheThread) {
  unwrapping_recv_on_closed_channel_panics_the_thread<Unbounded>();
}

// tests.rs: oneshot_single_thread_peek_data, oneshot_single_thread_peek_open
TEST(StdChannel, TryRecvEmptyThenData) { try_recv_sees_data_once_sent<Unbounded>(); }

// tests.rs: oneshot_multi_task_recv_then_send
TEST(StdChannel, RecvInThreadThenSend) { recv_in_thread_then_send<Unbounded>(); }

// tests.rs: oneshot_multi_task_recv_then_close
TEST(StdChannel, RecvInThreadPanicsWhenSenderClosesElsewhere) {
  recv_in_thread_when_sender_closes_elsewhere_panics<Unbounded>();
}

// tests.rs: oneshot_multi_thread_close_stress
TEST(StdChannel, CloseRace) { close_race<Unbounded>(); }

// tests.rs: oneshot_multi_thread_send_close_stress
TEST(StdChannel, SendCloseRace) { send_close_race<Unbounded>(); }

// tests.rs: oneshot_multi_thread_recv_close_stress
TEST(StdChannel, RecvCloseRace) { recv_close_race<Unbounded>(); }

// tests.rs: oneshot_multi_thread_send_recv_stress
TEST(StdChannel, SendRecvRace) { send_recv_race<Unbounded>(); }

// tests.rs: stream_send_recv_stress
TEST(StdChannel, StreamThroughChainsOfThreads) { stream_through_thread_chains<Unbounded>(); }

// tests.rs: oneshot_single_thread_recv_timeout
TEST(StdChannel, RecvTimeoutReturnsQueuedMessageOrTimesOut) { recv_timeout_then_message<Unbounded>(); }

// tests.rs: stress_recv_timeout_two_threads (101 messages, 100 ms timeouts upstream)
TEST(StdChannel, RecvTimeoutLoopGetsEveryMessageOfASlowSender) {
  constexpr int kCount = 10;
  static constexpr auto kTimeout = 10ms;
  auto ch = mpsc::channel<int>();
  auto h = spawn([tx = std::move(ch.first)] {
    for (int i = 0; i < kCount; ++i) {
      if (i % 2 == 0) fearless::thread::sleep(kTimeout * 2);
      tx.send(1).unwrap();
    }
  });
  int received = 0;
  for (;;) {
    auto r = ch.second.recv_timeout(kTimeout);
    if (r.is_ok()) {
      EXPECT_EQ(r.unwrap(), 1);
      ++received;
    } else if (r.unwrap_err() == RecvTimeoutError::Disconnected) {
      break;
    }
  }
  EXPECT_EQ(received, kCount);
  h.join().unwrap();
}

// tests.rs: recv_timeout_upgrade
TEST(StdChannel, RecvTimeoutWithClonedSenderWaitsAtLeastTheTimeout) {
  auto [tx, rx] = mpsc::channel<int>();
  auto tx2 = tx.clone();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(rx.recv_timeout(10ms) == Err(RecvTimeoutError::Timeout));
  EXPECT_GE(std::chrono::steady_clock::now(), start + 10ms);
}

// tests.rs: stress_recv_timeout_shared (101 senders, 10 ms apart upstream)
TEST(StdChannel, RecvTimeoutLoopGetsEveryMessageOfStaggeredSenders) {
  constexpr int kSenders = 20;
  auto ch = mpsc::channel<int>();
  std::vector<fearless::thread::JoinHandle<void>> hs;
  for (int i = 0; i < kSenders; ++i)
    hs.push_back(spawn([tx = ch.first.clone(), i] {
      fearless::thread::sleep(std::chrono::milliseconds(2 * i));
      tx.send(1).unwrap();
    }));
  drop(ch.first);
  int received = 0;
  for (;;) {
    auto r = ch.second.recv_timeout(2ms);
    if (r.is_ok()) {
      EXPECT_EQ(r.unwrap(), 1);
      ++received;
    } else if (r.unwrap_err() == RecvTimeoutError::Disconnected) {
      break;
    }
  }
  EXPECT_EQ(received, kSenders);
  for (auto& h : hs) h.join().unwrap();
}

// tests.rs: very_long_recv_timeout_wont_panic (Duration::from_secs(u64::MAX))
TEST(StdChannel, HugeRecvTimeoutInThreadStillGetsTheMessage) {
  auto ch = mpsc::channel<int>();
  auto h = spawn([rx = std::move(ch.second)] { return rx.recv_timeout(std::chrono::seconds::max()); });
  fearless::thread::sleep(50ms);
  EXPECT_TRUE(ch.first.send(5).is_ok());
  EXPECT_TRUE(h.join().unwrap() == Ok(5));
}

// tests.rs: recv_a_lot
TEST(StdChannel, TenThousandQueuedThenReceived) {
  auto [tx, rx] = mpsc::channel<int>();
  for (int i = 0; i < 10000; ++i) tx.send(i).unwrap();
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(rx.recv().unwrap(), i);
}

// tests.rs: shared_recv_timeout
TEST(StdChannel, RecvTimeoutAfterManySendersDelivered) {
  auto ch = mpsc::channel<int>();
  auto& tx = ch.first;
  auto& rx = ch.second;
  std::vector<fearless::thread::JoinHandle<void>> hs;
  for (int i = 0; i < 5; ++i) hs.push_back(spawn([tx = tx.clone()] { tx.send(0).unwrap(); }));
  for (int i = 0; i < 5; ++i) (void)rx.recv().unwrap();
  EXPECT_TRUE(rx.recv_timeout(1ms) == Err(RecvTimeoutError::Timeout));
  tx.send(0).unwrap();
  EXPECT_TRUE(rx.recv_timeout(1ms) == Ok(0));
  for (auto& h : hs) h.join().unwrap();
}

// tests.rs: shared_chan_stress (101 senders upstream)
TEST(StdChannel, ManyOneShotSenderThreads) { many_one_shot_senders<Unbounded>(30); }

// tests.rs: test_nested_recv_iter
TEST(StdChannel, IterInThreadEndsAtDisconnect) { iterating_in_thread_sums_until_disconnect<Unbounded>(); }

// tests.rs: test_recv_iter_break
TEST(StdChannel, BreakingOutOfIteration) { breaking_out_of_iteration<Unbounded>(); }

// tests.rs: test_recv_try_iter
TEST(StdChannel, TryIterRequestResponse) {
  auto req = mpsc::channel<int>();
  auto resp = mpsc::channel<int>();
  auto t = spawn([req_tx = std::move(req.first), resp_rx = std::move(resp.second)] {
    int count = 0;
    for (;;) {
      for (int x : resp_rx.try_iter()) {
        count += x;
        if (count == 6) return count;
      }
      req_tx.send(0).unwrap();
    }
  });
  for (int r : req.second) {
    (void)r;
    if (resp.first.send(2).is_err()) break;
  }
  EXPECT_EQ(t.join().unwrap(), 6);
}

// tests.rs: test_recv_into_iter_owned
TEST(StdChannel, OwningIterOutlivesTheSenderScope) {
  auto it = [] {
    auto [tx, rx] = mpsc::channel<int>();
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    return std::move(rx).into_iter();
  }();
  EXPECT_EQ(it.next(), std::optional<int>(1));
  EXPECT_EQ(it.next(), std::optional<int>(2));
  EXPECT_EQ(it.next(), std::nullopt);
}

// tests.rs: test_recv_into_iter_borrowed
TEST(StdChannel, BorrowingIterationDrainsThenEnds) {
  auto [tx, rx] = mpsc::channel<int>();
  tx.send(1).unwrap();
  tx.send(2).unwrap();
  drop(tx);
  std::vector<int> got;
  for (int v : rx) got.push_back(v);
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
  auto it = rx.iter();
  EXPECT_EQ(it.next(), std::nullopt);
}

// tests.rs: try_recv_states
TEST(StdChannel, TryRecvEmptyThenDataThenDisconnected) { try_recv_walks_through_empty_data_disconnected<Unbounded>(); }

// tests.rs: destroy_upgraded_shared_port_when_sender_still_active
TEST(StdChannel, ReceiverDroppedWhileClonedSenderLives) {
  receiver_dropped_after_recv_while_sender_clone_lives<Unbounded>();
}

// tests.rs: issue_32114
TEST(StdChannel, SendAfterFailedSendFailsWithValue) {
  auto [tx, rx] = mpsc::channel<int>();
  drop(rx);
  (void)tx.send(123);
  EXPECT_TRUE(tx.send(123) == Err(SendError<int>(123)));
}

// ============================ sync_channel() =================================

// sync_tests.rs: smoke, oneshot_single_thread_try_recv_open
TEST(StdSyncChannel, SendThenRecv) { smoke<Bounded<1>>(); }

// sync_tests.rs: oneshot_single_thread_send_then_recv
TEST(StdSyncChannel, SendThenRecvBoxed) { send_then_recv_boxed<Bounded<1>>(); }

// sync_tests.rs: drop_full, drop_unreceived
TEST(StdSyncChannel, UnreceivedMessagesDestroyedWithReceiver) { unreceived_messages_die_with_receiver<Bounded<1>>(); }

// sync_tests.rs: smoke_shared
TEST(StdSyncChannel, ClonedSenderSends) { smoke_shared<Bounded<1>>(); }

// sync_tests.rs: recv_timeout
TEST(StdSyncChannel, RecvTimeoutReturnsQueuedMessageOrTimesOut) { recv_timeout_then_message<Bounded<1>>(); }

// sync_tests.rs: send_timeout
TEST(StdSyncChannel, SendTimeoutOnFullChannelHandsValueBack) {
  auto [tx, rx] = mpsc::sync_channel<int>(1);
  EXPECT_TRUE(tx.send_timeout(1, 1ms) == Ok());
  EXPECT_TRUE(tx.send_timeout(1, 1ms) == Err(SendTimeoutError<int>(SendTimeoutError<int>::Timeout, 1)));
  EXPECT_EQ(rx.len(), 1u);
}

// sync_tests.rs: smoke_threads
TEST(StdSyncChannel, SendFromSpawnedThread) {
  smoke_threads<Bounded<0>>();
  smoke_threads<Bounded<1>>();
}

// sync_tests.rs: smoke_port_gone, smoke_shared_port_gone2, oneshot_single_thread_send_port_close,
// oneshot_single_thread_try_send_closed
TEST(StdSyncChannel, SendFailsOnceReceiverIsGone) {
  send_fails_once_receiver_is_gone<Bounded<0>>();
  send_fails_once_receiver_is_gone<Bounded<1>>();
}

// sync_tests.rs: port_gone_concurrent, port_gone_concurrent_shared
TEST(StdSyncChannel, SendingUntilReceiverThreadLeavesEnds) {
  sending_until_receiver_thread_leaves_ends<Bounded<0>>();
  sending_until_receiver_thread_leaves_ends<Bounded<1>>();
}

// sync_tests.rs: smoke_chan_gone, smoke_chan_gone_shared, oneshot_single_thread_try_recv_closed,
// oneshot_single_thread_peek_close
TEST(StdSyncChannel, RecvFailsOnceSendersAreGone) {
  recv_fails_once_senders_are_gone<Bounded<0>>();
  recv_fails_once_senders_are_gone<Bounded<1>>();
}

// sync_tests.rs: chan_gone_concurrent
TEST(StdSyncChannel, ReceivingUntilSenderThreadLeavesEnds) {
  receiving_until_sender_thread_leaves_ends<Bounded<0>>();
  receiving_until_sender_thread_leaves_ends<Bounded<1>>();
}

// sync_tests.rs: stress (10,000 rendezvous messages upstream)
TEST(StdSyncChannel, StressOneSender) { stress_one_sender<Bounded<0>>(1000); }

// sync_tests.rs: stress_recv_timeout_two_threads (10,000 messages upstream)
TEST(StdSyncChannel, RecvTimeoutLoopGetsEveryRendezvousMessage) {
  constexpr int kCount = 500;
  auto ch = mpsc::sync_channel<int>(0);
  auto h = spawn([tx = std::move(ch.first)] {
    for (int i = 0; i < kCount; ++i) tx.send(1).unwrap();
  });
  int received = 0;
  for (;;) {
    auto r = ch.second.recv_timeout(1ms);
    if (r.is_ok()) {
      EXPECT_EQ(r.unwrap(), 1);
      ++received;
    } else if (r.unwrap_err() == RecvTimeoutError::Disconnected) {
      break;
    }
  }
  EXPECT_EQ(received, kCount);
  h.join().unwrap();
}

// sync_tests.rs: stress_recv_timeout_shared (8 x 1,000 upstream)
TEST(StdSyncChannel, RecvTimeoutLoopInThreadGetsEveryMessageOfManySenders) {
  constexpr int kAmt = 50;
  constexpr int kThreads = 8;
  auto ch = mpsc::sync_channel<int>(0);
  auto done = mpsc::sync_channel<int>(0);
  auto receiver = spawn([rx = std::move(ch.second), dtx = std::move(done.first)] {
    int received = 0;
    for (;;) {
      auto r = rx.recv_timeout(10ms);
      if (r.is_ok()) {
        if (r.unwrap() != 1) fearless::panic("unexpected message");
        ++received;
      } else if (r.unwrap_err() == RecvTimeoutError::Disconnected) {
        break;
      }
    }
    const bool drained = rx.try_recv().is_err();
    dtx.send(0).unwrap();
    return received == kAmt * kThreads && drained;
  });
  std::vector<fearless::thread::JoinHandle<void>> senders;
  for (int t = 0; t < kThreads; ++t)
    senders.push_back(spawn([tx = ch.first.clone()] {
      for (int i = 0; i < kAmt; ++i) tx.send(1).unwrap();
    }));
  drop(ch.first);
  (void)done.second.recv().unwrap();
  EXPECT_TRUE(receiver.join().unwrap());
  for (auto& s : senders) s.join().unwrap();
}

// sync_tests.rs: stress_shared (8 x 1,000 upstream)
TEST(StdSyncChannel, StressManySenders) {
  stress_many_senders<Bounded<0>>();
  stress_many_senders<Bounded<1>>();
}

// sync_tests.rs: oneshot_single_thread_close_port_first, oneshot_single_thread_close_chan_first
TEST(StdSyncChannel, ClosingWithoutSending) {
  closing_without_sending<Bounded<0>>();
  closing_without_sending<Bounded<1>>();
}

// sync_tests.rs: oneshot_single_thread_recv_chan_close
TEST(StdSyncChannel, UnwrappingRecvOnClosedChannelPanicsTheThread) {
  unwrapping_recv_on_closed_channel_panics_the_thread<Bounded<0>>();
}

// sync_tests.rs: oneshot_single_thread_try_send_open
TEST(StdSyncChannel, TrySendWithRoomSucceeds) {
  auto [tx, rx] = mpsc::sync_channel<int>(1);
  EXPECT_TRUE(tx.try_send(10) == Ok());
  EXPECT_EQ(rx.recv().unwrap(), 10);
}

// sync_tests.rs: oneshot_single_thread_try_send_closed2 and try_send1 (a
// rendezvous try_send with no receiver waiting is Full(v)) are asserted by
// MpscRust.RendezvousTrySendFullUnlessReceiverWaiting; oneshot_single_thread_
// try_recv_closed_with_data by MpscRust.MessagesBeforeDisconnectStillDeliveredThenDisconnected.

// sync_tests.rs: oneshot_single_thread_peek_data, oneshot_single_thread_peek_open
TEST(StdSyncChannel, TryRecvEmptyThenData) { try_recv_sees_data_once_sent<Bounded<1>>(); }

// sync_tests.rs: oneshot_multi_task_recv_then_send
TEST(StdSyncChannel, RecvInThreadThenSend) {
  recv_in_thread_then_send<Bounded<0>>();
  recv_in_thread_then_send<Bounded<1>>();
}

// sync_tests.rs: oneshot_multi_task_recv_then_close
TEST(StdSyncChannel, RecvInThreadPanicsWhenSenderClosesElsewhere) {
  recv_in_thread_when_sender_closes_elsewhere_panics<Bounded<0>>();
}

// sync_tests.rs: oneshot_multi_thread_close_stress
TEST(StdSyncChannel, CloseRace) { close_race<Bounded<0>>(); }

// sync_tests.rs: oneshot_multi_thread_send_close_stress
TEST(StdSyncChannel, SendCloseRace) {
  send_close_race<Bounded<0>>();
  send_close_race<Bounded<1>>();
}

// sync_tests.rs: oneshot_multi_thread_recv_close_stress
TEST(StdSyncChannel, RecvCloseRace) { recv_close_race<Bounded<0>>(); }

// sync_tests.rs: oneshot_multi_thread_send_recv_stress
TEST(StdSyncChannel, SendRecvRace) { send_recv_race<Bounded<0>>(); }

// sync_tests.rs: stream_send_recv_stress
TEST(StdSyncChannel, StreamThroughChainsOfThreads) {
  stream_through_thread_chains<Bounded<0>>();
  stream_through_thread_chains<Bounded<1>>();
}

// sync_tests.rs: recv_a_lot
TEST(StdSyncChannel, FillTenThousandSlotsThenDrain) {
  constexpr int kCount = 10000;
  auto [tx, rx] = mpsc::sync_channel<int>(kCount);
  for (int i = 0; i < kCount; ++i) tx.send(i).unwrap();
  EXPECT_TRUE(tx.is_full());
  for (int i = 0; i < kCount; ++i) ASSERT_EQ(rx.recv().unwrap(), i);
}

// sync_tests.rs: shared_chan_stress (101 senders upstream)
TEST(StdSyncChannel, ManyOneShotSenderThreads) { many_one_shot_senders<Bounded<0>>(30); }

// sync_tests.rs: test_nested_recv_iter
TEST(StdSyncChannel, IterInThreadEndsAtDisconnect) { iterating_in_thread_sums_until_disconnect<Bounded<0>>(); }

// sync_tests.rs: test_recv_iter_break
TEST(StdSyncChannel, BreakingOutOfIteration) {
  breaking_out_of_iteration<Bounded<0>>();
  breaking_out_of_iteration<Bounded<1>>();
}

// sync_tests.rs: try_recv_states
TEST(StdSyncChannel, TryRecvEmptyThenDataThenDisconnected) {
  try_recv_walks_through_empty_data_disconnected<Bounded<1>>();
}

// sync_tests.rs: destroy_upgraded_shared_port_when_sender_still_active
TEST(StdSyncChannel, ReceiverDroppedWhileClonedSenderLives) {
  receiver_dropped_after_recv_while_sender_clone_lives<Bounded<0>>();
}

// sync_tests.rs: send1
TEST(StdSyncChannel, RendezvousSendCompletesWhenThreadReceives) {
  auto ch = mpsc::sync_channel<int>(0);
  auto h = spawn([rx = std::move(ch.second)] { return rx.recv().unwrap(); });
  EXPECT_TRUE(ch.first.send(1) == Ok());
  EXPECT_EQ(h.join().unwrap(), 1);
}

// sync_tests.rs: send2
TEST(StdSyncChannel, RendezvousSendFailsWhenReceiverThreadDrops) {
  auto ch = mpsc::sync_channel<int>(0);
  auto h = spawn([rx = std::move(ch.second)]() mutable { drop(rx); });
  EXPECT_TRUE(ch.first.send(1) == Err(SendError<int>(1)));
  h.join().unwrap();
}

// sync_tests.rs: send3
TEST(StdSyncChannel, SendOnFullFailsWhenReceiverThreadDrops) {
  auto ch = mpsc::sync_channel<int>(1);
  EXPECT_TRUE(ch.first.send(1) == Ok());
  auto h = spawn([rx = std::move(ch.second)]() mutable { drop(rx); });
  EXPECT_TRUE(ch.first.send(2) == Err(SendError<int>(2)));
  h.join().unwrap();
}

// sync_tests.rs: send4
TEST(StdSyncChannel, TwoBlockedRendezvousSendersFailWhenReceiverDrops) {
  auto ch = mpsc::sync_channel<int>(0);
  auto done = mpsc::channel<int>();
  auto a = spawn([tx = ch.first.clone(), d = done.first.clone()] {
    const bool failed = tx.send(1).is_err();
    d.send(0).unwrap();
    return failed;
  });
  auto b = spawn([tx = ch.first.clone(), d = done.first.clone()] {
    const bool failed = tx.send(2).is_err();
    d.send(0).unwrap();
    return failed;
  });
  drop(ch.second);
  (void)done.second.recv().unwrap();
  (void)done.second.recv().unwrap();
  EXPECT_TRUE(a.join().unwrap());
  EXPECT_TRUE(b.join().unwrap());
}

// sync_tests.rs: try_send2, try_send3
TEST(StdSyncChannel, TrySendOkThenFullThenDisconnected) {
  auto [tx, rx] = mpsc::sync_channel<int>(1);
  EXPECT_TRUE(tx.try_send(1) == Ok());
  EXPECT_TRUE(tx.try_send(1) == Err(TrySendError<int>(TrySendError<int>::Full, 1)));
  drop(rx);
  EXPECT_TRUE(tx.try_send(1) == Err(TrySendError<int>(TrySendError<int>::Disconnected, 1)));
}

// sync_tests.rs: issue_15761
TEST(StdSyncChannel, TrySendPingPongWithBoundThree) {
  for (int i = 0; i < 100; ++i) {
    auto c1 = mpsc::sync_channel<int>(3);
    auto c2 = mpsc::sync_channel<int>(3);
    auto h = spawn([rx1 = std::move(c1.second), tx2 = std::move(c2.first)] {
      (void)rx1.recv().unwrap();
      tx2.try_send(0).unwrap();
    });
    c1.first.try_send(0).unwrap();
    (void)c2.second.recv().unwrap();
    h.join().unwrap();
  }
}
