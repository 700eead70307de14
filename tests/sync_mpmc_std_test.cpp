// The behaviour that Rust's own std::sync::mpmc tests check
// (library/std/tests/sync/mpmc.rs, all on channel()), plus the examples in
// std::sync::mpmc's documentation (library/std/src/sync/mpmc/mod.rs: len,
// is_empty, is_full, capacity, same_channel, send_timeout, ...), checked
// against fearless::sync::mpmc. A Rust panic in a spawned thread is an
// exception escaping a fearless::thread::spawn closure: join() returns it as
// the error. Upstream detaches most of its threads; here every thread is
// joined, so that each test ends with nothing left running.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/mpmc.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace mpmc = fearless::sync::mpmc;
using namespace std::chrono_literals;
using fearless::Err;
using fearless::Ok;
using fearless::thread::spawn;
using mpmc::RecvError;
using mpmc::RecvTimeoutError;
using mpmc::SendError;
using mpmc::SendTimeoutError;
using mpmc::TryRecvError;
using mpmc::TrySendError;
using sync_test::Tracked;

namespace {

using Clock = std::chrono::steady_clock;

// Destroys an endpoint now (Rust's drop(x)).
template <class E>
  requires(!std::is_const_v<E>)
void drop(E& e) {
  E gone = std::move(e);
  (void)gone;
}

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

// Each link sends (or receives) message i, hands its endpoint to a new thread
// for i + 1 and waits for it.
constexpr int kChain = 10;

fearless::thread::JoinHandle<void> send_chain(mpmc::Sender<std::unique_ptr<int>> tx, int i) {
  return spawn([tx = std::move(tx), i]() mutable {
    tx.send(std::make_unique<int>(i)).unwrap();
    if (i + 1 < kChain) send_chain(std::move(tx), i + 1).join().unwrap();
  });
}

fearless::thread::JoinHandle<void> recv_chain(mpmc::Receiver<std::unique_ptr<int>> rx, int i) {
  return spawn([rx = std::move(rx), i]() mutable {
    if (*rx.recv().unwrap() != i) fearless::panic("message out of order");
    if (i + 1 < kChain) recv_chain(std::move(rx), i + 1).join().unwrap();
  });
}

// Receives with recv_timeout(timeout) until disconnection; counts the
// messages (each must be 1) and whether any call timed out.
struct TimedDrain {
  int received = 0;
  bool timed_out = false;
  bool all_ones = true;
};
template <class Rep, class Period>
TimedDrain drain_with_timeouts(const mpmc::Receiver<int>& rx, std::chrono::duration<Rep, Period> timeout) {
  TimedDrain d;
  for (;;) {
    auto r = rx.recv_timeout(timeout);
    if (r.is_ok()) {
      d.all_ones = d.all_ones && std::move(r).unwrap() == 1;
      ++d.received;
    } else if (r.unwrap_err() == RecvTimeoutError::Timeout) {
      d.timed_out = true;
    } else {
      break;
    }
  }
  return d;
}

}  // namespace

// ============================ library/std/tests/sync/mpmc.rs =================

// mpmc.rs: smoke, oneshot_single_thread_try_recv_open
TEST(StdMpmc, SendThenRecvGetsTheSameValue) {
  auto [tx, rx] = mpmc::channel<int>();
  tx.send(1).unwrap();
  EXPECT_TRUE(rx.recv() == Ok(1));
  tx.send(10).unwrap();
  EXPECT_TRUE(rx.recv() == Ok(10));
}

// mpmc.rs: drop_full, drop_full_shared
TEST(StdMpmc, QueuedMessageIsDestroyedWithTheChannelAfterSenderClonesCameAndWent) {
  const long before = Tracked::live.load();
  {
    auto [tx, rx] = mpmc::channel<Tracked>();
    { auto c1 = tx.clone(); }
    { auto c2 = tx.clone(); }
    tx.send(Tracked(1)).unwrap();
    EXPECT_EQ(Tracked::live.load(), before + 1);
  }
  EXPECT_EQ(Tracked::live.load(), before);
  {
    // Boxed message left in the channel: ASan would report it if leaked.
    auto [tx, rx] = mpmc::channel<std::unique_ptr<long>>();
    tx.send(std::make_unique<long>(1)).unwrap();
  }
}

// mpmc.rs: smoke_shared
TEST(StdMpmc, ClonedSenderSendsOnTheSameChannel) {
  auto [tx, rx] = mpmc::channel<int>();
  tx.send(1).unwrap();
  EXPECT_TRUE(rx.recv() == Ok(1));
  const auto tx2 = tx.clone();
  tx2.send(2).unwrap();
  EXPECT_TRUE(rx.recv() == Ok(2));
}

// mpmc.rs: smoke_threads
TEST(StdMpmc, SenderThreadAndReceiverThreadKeepOrder) {
  auto [tx, rx] = mpmc::channel<int>();
  auto t1 = spawn([tx = std::move(tx)] {
    for (int i = 0; i < 2; ++i) tx.send(i).unwrap();
  });
  auto t2 = spawn([rx = std::move(rx)] {
    const int a = rx.recv().unwrap();
    const int b = rx.recv().unwrap();
    return a == 0 && b == 1;
  });
  t1.join().unwrap();
  EXPECT_TRUE(t2.join().unwrap());
}

// mpmc.rs: smoke_port_gone, smoke_shared_port_gone, smoke_shared_port_gone2,
// oneshot_single_thread_send_port_close, oneshot_single_thread_try_send_closed
TEST(StdMpmc, SendFailsWithTheValueOnceTheReceiverIsGone) {
  auto [tx, rx] = mpmc::channel<std::unique_ptr<int>>();
  drop(rx);
  auto r = tx.send(std::make_unique<int>(7));
  ASSERT_TRUE(r.is_err());
  auto back = std::move(r).unwrap_err().into_inner();
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(*back, 7);
  auto tx2 = tx.clone();
  drop(tx);
  EXPECT_TRUE(tx2.send(std::make_unique<int>(8)).is_err());
}

// mpmc.rs: smoke_receiver_clone
TEST(StdMpmc, ReceiverCloneKeepsTheChannelOpenAfterTheOriginalIsDropped) {
  auto [tx, rx] = mpmc::channel<int>();
  auto rx2 = rx.clone();
  drop(rx);
  EXPECT_TRUE(tx.send(1) == Ok());
  EXPECT_TRUE(rx2.recv() == Ok(1));
}

// mpmc.rs: smoke_receiver_clone, in the bounded and rendezvous flavours too
TEST(StdMpmc, ReceiverCloneKeepsEveryFlavourOpen) {
  for (std::size_t cap : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
    auto [tx, rx] = mpmc::sync_channel<int>(cap);
    auto rx2 = rx.clone();
    drop(rx);
    auto h = spawn([tx = std::move(tx)] { return tx.send(5).is_ok(); });
    EXPECT_TRUE(rx2.recv() == Ok(5)) << "capacity " << cap;
    EXPECT_TRUE(h.join().unwrap());
    EXPECT_TRUE(rx2.recv() == Err(RecvError{}));
  }
}

// mpmc.rs: smoke_receiver_clone_port_gone
TEST(StdMpmc, SendFailsOnlyOnceEveryReceiverCloneIsGone) {
  auto [tx, rx] = mpmc::channel<int>();
  auto rx2 = rx.clone();
  drop(rx);
  EXPECT_TRUE(tx.send(1).is_ok());
  drop(rx2);
  EXPECT_TRUE(tx.send(2) == Err(SendError<int>(2)));
  EXPECT_TRUE(tx.try_send(3) == Err(TrySendError<int>(TrySendError<int>::Disconnected, 3)));
  EXPECT_TRUE(tx.send_timeout(4, 1ms) == Err(SendTimeoutError<int>(SendTimeoutError<int>::Disconnected, 4)));
}

// mpmc.rs: port_gone_concurrent
TEST(StdMpmc, SendingUntilTheReceiverThreadLeavesEnds) {
  auto [tx, rx] = mpmc::channel<int>();
  auto h = spawn([rx = std::move(rx)] { (void)rx.recv().unwrap(); });
  while (tx.send(1).is_ok()) {
  }
  h.join().unwrap();
}

// mpmc.rs: port_gone_concurrent_shared
TEST(StdMpmc, SendingOnTwoSendersUntilTheReceiverThreadLeavesEnds) {
  auto [tx, rx] = mpmc::channel<int>();
  const auto tx2 = tx.clone();
  auto h = spawn([rx = std::move(rx)] { (void)rx.recv().unwrap(); });
  while (tx.send(1).is_ok() && tx2.send(1).is_ok()) {
  }
  h.join().unwrap();
}

// mpmc.rs: port_gone_concurrent, with the receiver cloned into two threads:
// the sends keep succeeding until the second of them has left too.
TEST(StdMpmc, SendingUntilEveryReceiverCloneThreadLeavesEnds) {
  auto [tx, rx] = mpmc::channel<int>();
  auto [go_tx, go_rx] = mpmc::channel<int>();
  auto first = spawn([rx = rx.clone()] { (void)rx.recv().unwrap(); });
  auto second = spawn([rx = std::move(rx), go_rx = std::move(go_rx)] {
    (void)go_rx.recv().unwrap();
    (void)rx.recv().unwrap();
  });
  tx.send(1).unwrap();
  first.join().unwrap();
  // One receiver is gone, the other is waiting for its go: still connected.
  EXPECT_TRUE(tx.send(1).is_ok());
  go_tx.send(0).unwrap();
  while (tx.send(1).is_ok()) {
  }
  second.join().unwrap();
}

// mpmc.rs: smoke_chan_gone, smoke_chan_gone_shared, oneshot_single_thread_try_recv_closed,
// oneshot_single_thread_peek_close
TEST(StdMpmc, RecvFailsOnceEverySenderIsGone) {
  {
    auto [tx, rx] = mpmc::channel<int>();
    drop(tx);
    EXPECT_TRUE(rx.recv() == Err(RecvError{}));
  }
  {
    auto [tx, rx] = mpmc::channel<int>();
    auto tx2 = tx.clone();
    drop(tx);
    drop(tx2);
    EXPECT_TRUE(rx.recv().is_err());
    EXPECT_TRUE(rx.try_recv() == Err(TryRecvError::Disconnected));
    EXPECT_TRUE(rx.try_recv() == Err(TryRecvError::Disconnected));
    // Every receiver clone sees it.
    const auto rx2 = rx.clone();
    EXPECT_TRUE(rx2.recv() == Err(RecvError{}));
    EXPECT_TRUE(rx2.try_recv() == Err(TryRecvError::Disconnected));
  }
}

// mpmc.rs: chan_gone_concurrent
TEST(StdMpmc, ReceivingUntilTheSenderThreadLeavesEnds) {
  auto [tx, rx] = mpmc::channel<int>();
  auto h = spawn([tx = std::move(tx)] {
    tx.send(1).unwrap();
    tx.send(1).unwrap();
  });
  int got = 0;
  while (rx.recv().is_ok()) ++got;
  EXPECT_EQ(got, 2);
  h.join().unwrap();
}

// mpmc.rs: receiver_cloning
TEST(StdMpmc, ReceiverClonesTakeMessagesInChannelOrder) {
  auto [tx, rx] = mpmc::channel<int>();
  const auto rx2 = rx.clone();
  tx.send(1).unwrap();
  tx.send(2).unwrap();
  EXPECT_TRUE(rx2.recv() == Ok(1));
  EXPECT_TRUE(rx.recv() == Ok(2));
  EXPECT_TRUE(rx.try_recv() == Err(TryRecvError::Empty));
  EXPECT_TRUE(rx2.try_recv() == Err(TryRecvError::Empty));
}

// mpmc.rs: receiver_cloning, on a bounded channel
TEST(StdMpmc, BoundedReceiverClonesTakeMessagesInChannelOrder) {
  auto [tx, rx] = mpmc::sync_channel<int>(2);
  const auto rx2 = rx.clone();
  tx.send(1).unwrap();
  tx.send(2).unwrap();
  EXPECT_TRUE(rx2.recv() == Ok(1));
  EXPECT_TRUE(rx.recv() == Ok(2));
}

// mpmc.rs: stress (10,000 messages upstream)
TEST(StdMpmc, StressOneSenderThread) {
  const int count = static_cast<int>(sync_test::scaled(1000));
  auto [tx, rx] = mpmc::channel<int>();
  auto h = spawn([tx = std::move(tx), count] {
    for (int i = 0; i < count; ++i) tx.send(1).unwrap();
  });
  for (int i = 0; i < count; ++i) ASSERT_EQ(rx.recv().unwrap(), 1);
  h.join().unwrap();
}

// mpmc.rs: stress_shared (8 x 10,000 upstream)
TEST(StdMpmc, StressEightSenderThreadsOneReceiverThread) {
  const int amt = static_cast<int>(sync_test::scaled(100));
  constexpr int kThreads = 8;
  auto [tx, rx] = mpmc::channel<int>();
  auto receiver = spawn([rx = std::move(rx), amt] {
    int ones = 0;
    for (int i = 0; i < amt * kThreads; ++i) ones += rx.recv().unwrap() == 1 ? 1 : 0;
    // Nothing more: Empty or Disconnected, never a message.
    return ones == amt * kThreads && rx.try_recv().is_err();
  });
  std::vector<fearless::thread::JoinHandle<void>> senders;
  for (int t = 0; t < kThreads; ++t)
    senders.push_back(spawn([tx = tx.clone(), amt] {
      for (int i = 0; i < amt; ++i) tx.send(1).unwrap();
    }));
  drop(tx);
  EXPECT_TRUE(receiver.join().unwrap());
  for (auto& s : senders) s.join().unwrap();
}

// mpmc.rs: send_from_outside_runtime
TEST(StdMpmc, ThreadSignalsReadyThenReceivesFromAnotherThread) {
  auto [tx1, rx1] = mpmc::channel<int>();
  auto [tx2, rx2] = mpmc::channel<int>();
  auto t1 = spawn([tx1 = std::move(tx1), rx2 = std::move(rx2)] {
    tx1.send(0).unwrap();
    int ones = 0;
    for (int i = 0; i < 40; ++i) ones += rx2.recv().unwrap() == 1 ? 1 : 0;
    return ones;
  });
  (void)rx1.recv().unwrap();
  auto t2 = spawn([tx2 = std::move(tx2)] {
    for (int i = 0; i < 40; ++i) tx2.send(1).unwrap();
  });
  EXPECT_EQ(t1.join().unwrap(), 40);
  t2.join().unwrap();
}

// mpmc.rs: recv_from_outside_runtime
TEST(StdMpmc, MainThreadFeedsAReceivingThread) {
  auto [tx, rx] = mpmc::channel<int>();
  auto t = spawn([rx = std::move(rx)] {
    int ones = 0;
    for (int i = 0; i < 40; ++i) ones += rx.recv().unwrap() == 1 ? 1 : 0;
    return ones;
  });
  for (int i = 0; i < 40; ++i) tx.send(1).unwrap();
  EXPECT_EQ(t.join().unwrap(), 40);
}

// mpmc.rs: no_runtime
TEST(StdMpmc, TwoThreadsExchangeOneMessageEachWay) {
  auto [tx1, rx1] = mpmc::channel<int>();
  auto [tx2, rx2] = mpmc::channel<int>();
  auto t1 = spawn([rx1 = std::move(rx1), tx2 = std::move(tx2)] {
    const int got = rx1.recv().unwrap();
    tx2.send(2).unwrap();
    return got;
  });
  auto t2 = spawn([tx1 = std::move(tx1), rx2 = std::move(rx2)] {
    tx1.send(1).unwrap();
    return rx2.recv().unwrap();
  });
  EXPECT_EQ(t1.join().unwrap(), 1);
  EXPECT_EQ(t2.join().unwrap(), 2);
}

// mpmc.rs: oneshot_single_thread_close_port_first, oneshot_single_thread_close_chan_first
TEST(StdMpmc, ClosingEitherEndFirstWithoutSendingIsFine) {
  {
    auto [tx, rx] = mpmc::channel<int>();
    drop(rx);
    EXPECT_FALSE(tx.is_full());
    drop(tx);
  }
  {
    auto [tx, rx] = mpmc::channel<int>();
    drop(tx);
    EXPECT_TRUE(rx.is_empty());
    drop(rx);
  }
}

// mpmc.rs: oneshot_single_thread_recv_chan_close
TEST(StdMpmc, UnwrappingRecvOnAClosedChannelPanicsTheThread) {
  QuietPanics quiet;
  auto res = spawn([] {
               auto [tx, rx] = mpmc::channel<int>();
               drop(tx);
               (void)rx.recv().unwrap();
             }).join();
  ASSERT_TRUE(res.is_err());
  EXPECT_TRUE(res.unwrap_err().is<fearless::Panic>());
}

// mpmc.rs: oneshot_single_thread_send_then_recv, oneshot_single_thread_try_send_open
TEST(StdMpmc, BoxedMessageSentThenReceived) {
  auto [tx, rx] = mpmc::channel<std::unique_ptr<int>>();
  EXPECT_TRUE(tx.send(std::make_unique<int>(10)).is_ok());
  auto got = rx.recv().unwrap();
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(*got, 10);
}

// mpmc.rs: oneshot_single_thread_try_recv_closed
TEST(StdMpmc, RecvAfterTheOnlySenderIsDroppedFails) {
  auto [tx, rx] = mpmc::channel<int>();
  drop(tx);
  EXPECT_TRUE(rx.recv().is_err());
}

// mpmc.rs: oneshot_single_thread_peek_data, oneshot_single_thread_peek_open
TEST(StdMpmc, TryRecvIsEmptyUntilAMessageIsSent) {
  auto [tx, rx] = mpmc::channel<int>();
  EXPECT_TRUE(rx.try_recv() == Err(TryRecvError::Empty));
  EXPECT_TRUE(rx.try_recv() == Err(TryRecvError::Empty));
  tx.send(10).unwrap();
  EXPECT_TRUE(rx.try_recv() == Ok(10));
  EXPECT_TRUE(rx.try_recv() == Err(TryRecvError::Empty));
}

// mpmc.rs: oneshot_multi_task_recv_then_send
TEST(StdMpmc, ThreadBlockedInRecvGetsTheBoxedMessage) {
  auto [tx, rx] = mpmc::channel<std::unique_ptr<int>>();
  auto h = spawn([rx = std::move(rx)] { return *rx.recv().unwrap(); });
  tx.send(std::make_unique<int>(10)).unwrap();
  EXPECT_EQ(h.join().unwrap(), 10);
}

// mpmc.rs: oneshot_multi_task_recv_then_close
TEST(StdMpmc, ThreadUnwrappingRecvPanicsWhenTheSenderIsDroppedElsewhere) {
  QuietPanics quiet;
  auto [tx, rx] = mpmc::channel<std::unique_ptr<int>>();
  auto closer = spawn([tx = std::move(tx)]() mutable { drop(tx); });
  auto res = spawn([rx = std::move(rx)] {
               if (*rx.recv().unwrap() != 10) fearless::panic("wrong value");
             }).join();
  EXPECT_TRUE(res.is_err());
  closer.join().unwrap();
}

// mpmc.rs: oneshot_multi_thread_close_stress
TEST(StdMpmc, RaceDroppingBothEnds) {
  for (int i = 0; i < kRaces; ++i) {
    auto [tx, rx] = mpmc::channel<int>();
    auto h = spawn([rx = std::move(rx)]() mutable { drop(rx); });
    drop(tx);
    h.join().unwrap();
  }
}

// mpmc.rs: oneshot_multi_thread_send_close_stress
TEST(StdMpmc, RaceSendingAgainstDroppingTheReceiver) {
  QuietPanics quiet;
  for (int i = 0; i < kRaces; ++i) {
    auto [tx, rx] = mpmc::channel<int>();
    auto closer = spawn([rx = std::move(rx)]() mutable { drop(rx); });
    // Either outcome is allowed; the send must end and nothing may break.
    (void)spawn([tx = std::move(tx)] { tx.send(1).unwrap(); }).join();
    closer.join().unwrap();
  }
}

// mpmc.rs: oneshot_multi_thread_recv_close_stress
TEST(StdMpmc, RaceReceivingAgainstDroppingTheSenderInNestedThreads) {
  QuietPanics quiet;
  for (int i = 0; i < kRaces; ++i) {
    auto [tx, rx] = mpmc::channel<int>();
    auto receiver = spawn([rx = std::move(rx)]() mutable {
      return spawn([rx = std::move(rx)] { (void)rx.recv().unwrap(); }).join().is_err();
    });
    auto closer = spawn([tx = std::move(tx)]() mutable {
      spawn([tx = std::move(tx)]() mutable { drop(tx); }).join().unwrap();
    });
    EXPECT_TRUE(receiver.join().unwrap());
    closer.join().unwrap();
  }
}

// mpmc.rs: oneshot_multi_thread_send_recv_stress
TEST(StdMpmc, RaceSendingFromAThreadAgainstReceiving) {
  for (int i = 0; i < kRaces; ++i) {
    auto [tx, rx] = mpmc::channel<std::unique_ptr<long>>();
    auto h = spawn([tx = std::move(tx)] { tx.send(std::make_unique<long>(10)).unwrap(); });
    EXPECT_EQ(*rx.recv().unwrap(), 10);
    h.join().unwrap();
  }
}

// mpmc.rs: stream_send_recv_stress
TEST(StdMpmc, EndpointsPassedDownChainsOfThreadsKeepOrder) {
  for (int round = 0; round < 2; ++round) {
    auto [tx, rx] = mpmc::channel<std::unique_ptr<int>>();
    auto s = send_chain(std::move(tx), 0);
    auto r = recv_chain(std::move(rx), 0);
    s.join().unwrap();
    r.join().unwrap();
  }
}

// mpmc.rs: oneshot_single_thread_recv_timeout
TEST(StdMpmc, RecvTimeoutGetsAQueuedMessageElseTimesOut) {
  auto [tx, rx] = mpmc::channel<int>();
  tx.send(1).unwrap();
  EXPECT_TRUE(rx.recv_timeout(1ms) == Ok(1));
  EXPECT_TRUE(rx.recv_timeout(1ms) == Err(RecvTimeoutError::Timeout));
  tx.send(2).unwrap();
  EXPECT_TRUE(rx.recv_timeout(1ms) == Ok(2));
}

// mpmc.rs: stress_recv_timeout_two_threads (51 messages, 10 ms timeout,
// 40 ms pauses upstream)
TEST(StdMpmc, RecvTimeoutLoopGetsEveryMessageOfAPausingSenderAndTimesOutMeanwhile) {
  constexpr int kCount = 8;
  static constexpr auto kTimeout = 5ms;
  auto [tx, rx] = mpmc::channel<int>();
  auto h = spawn([tx = std::move(tx)] {
    for (int i = 0; i < kCount; ++i) {
      if (i % 2 == 0) fearless::thread::sleep(kTimeout * 4);
      tx.send(1).unwrap();
    }
  });
  const TimedDrain d = drain_with_timeouts(rx, kTimeout);
  EXPECT_EQ(d.received, kCount);
  EXPECT_TRUE(d.all_ones);
  EXPECT_TRUE(d.timed_out);
  h.join().unwrap();
}

// mpmc.rs: recv_timeout_upgrade
TEST(StdMpmc, RecvTimeoutWithAClonedSenderWaitsAtLeastTheTimeout) {
  auto [tx, rx] = mpmc::channel<int>();
  const auto tx_clone = tx.clone();
  const auto start = Clock::now();
  EXPECT_TRUE(rx.recv_timeout(10ms) == Err(RecvTimeoutError::Timeout));
  EXPECT_GE(Clock::now() - start, 10ms);
}

// mpmc.rs: stress_recv_timeout_shared (101 senders 10 ms apart upstream)
TEST(StdMpmc, RecvTimeoutLoopGetsEveryMessageOfStaggeredSenderThreads) {
  constexpr int kSenders = 20;
  auto [tx, rx] = mpmc::channel<int>();
  std::vector<fearless::thread::JoinHandle<void>> hs;
  for (int i = 0; i < kSenders; ++i)
    hs.push_back(spawn([tx = tx.clone(), i] {
      fearless::thread::sleep(std::chrono::milliseconds(2 * i));
      tx.send(1).unwrap();
    }));
  drop(tx);
  const TimedDrain d = drain_with_timeouts(rx, 2ms);
  EXPECT_EQ(d.received, kSenders);
  EXPECT_TRUE(d.all_ones);
  for (auto& h : hs) h.join().unwrap();
}

// mpmc.rs: very_long_recv_timeout_wont_panic (Duration::from_secs(u64::MAX))
TEST(StdMpmc, RecvTimeoutOfU64MaxSecondsWaitsForTheMessage) {
  auto [tx, rx] = mpmc::channel<int>();
  auto h = spawn([rx = std::move(rx)] {
    return rx.recv_timeout(std::chrono::duration<std::uint64_t>(std::numeric_limits<std::uint64_t>::max()));
  });
  fearless::thread::sleep(50ms);
  EXPECT_TRUE(tx.send(5).is_ok());
  EXPECT_TRUE(h.join().unwrap() == Ok(5));
}

// mpmc.rs: recv_a_lot
TEST(StdMpmc, TenThousandQueuedMessagesAreReceived) {
  auto [tx, rx] = mpmc::channel<int>();
  for (int i = 0; i < 10000; ++i) tx.send(i).unwrap();
  EXPECT_EQ(rx.len(), 10000u);
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(rx.recv().unwrap(), i);
  EXPECT_TRUE(rx.is_empty());
}

// mpmc.rs: shared_recv_timeout
TEST(StdMpmc, RecvTimeoutAfterFiveSenderThreadsDelivered) {
  auto [tx, rx] = mpmc::channel<int>();
  std::vector<fearless::thread::JoinHandle<void>> hs;
  for (int i = 0; i < 5; ++i) hs.push_back(spawn([tx = tx.clone()] { tx.send(0).unwrap(); }));
  for (int i = 0; i < 5; ++i) (void)rx.recv().unwrap();
  EXPECT_TRUE(rx.recv_timeout(1ms) == Err(RecvTimeoutError::Timeout));
  tx.send(0).unwrap();
  EXPECT_TRUE(rx.recv_timeout(1ms) == Ok(0));
  for (auto& h : hs) h.join().unwrap();
}

// mpmc.rs: shared_chan_stress (101 sender threads upstream)
TEST(StdMpmc, ManyOneShotSenderThreads) {
  constexpr int kTotal = 30;
  auto [tx, rx] = mpmc::channel<int>();
  std::vector<fearless::thread::JoinHandle<void>> hs;
  for (int i = 0; i < kTotal; ++i) hs.push_back(spawn([tx = tx.clone()] { tx.send(0).unwrap(); }));
  for (int i = 0; i < kTotal; ++i) (void)rx.recv().unwrap();
  for (auto& h : hs) h.join().unwrap();
}

// mpmc.rs: test_nested_recv_iter
TEST(StdMpmc, IterInAThreadSumsUntilTheSenderIsDropped) {
  auto [tx, rx] = mpmc::channel<int>();
  auto [total_tx, total_rx] = mpmc::channel<int>();
  auto h = spawn([rx = std::move(rx), total_tx = std::move(total_tx)] {
    int acc = 0;
    for (int x : rx.iter()) acc += x;
    total_tx.send(acc).unwrap();
  });
  tx.send(3).unwrap();
  tx.send(1).unwrap();
  tx.send(2).unwrap();
  drop(tx);
  EXPECT_TRUE(total_rx.recv() == Ok(6));
  h.join().unwrap();
}

// mpmc.rs: test_recv_iter_break
TEST(StdMpmc, BreakingOutOfIterStopsReceiving) {
  auto [tx, rx] = mpmc::channel<int>();
  auto [count_tx, count_rx] = mpmc::channel<int>();
  auto h = spawn([rx = std::move(rx), count_tx = std::move(count_tx)] {
    int count = 0;
    for (int x : rx.iter()) {
      if (count >= 3) break;
      count += x;
    }
    count_tx.send(count).unwrap();
  });
  tx.send(2).unwrap();
  tx.send(2).unwrap();
  tx.send(2).unwrap();
  (void)tx.send(2);  // the receiver may be gone by now
  drop(tx);
  EXPECT_TRUE(count_rx.recv() == Ok(4));
  h.join().unwrap();
}

// mpmc.rs: test_recv_try_iter
TEST(StdMpmc, TryIterRequestsUntilItHasSix) {
  auto [request_tx, request_rx] = mpmc::channel<int>();
  auto [response_tx, response_rx] = mpmc::channel<int>();
  auto t = spawn([request_tx = std::move(request_tx), response_rx = std::move(response_rx)] {
    int count = 0;
    for (;;) {
      for (int x : response_rx.try_iter()) {
        count += x;
        if (count == 6) return count;
      }
      request_tx.send(0).unwrap();
    }
  });
  for (int r : request_rx.iter()) {
    (void)r;
    if (response_tx.send(2).is_err()) break;
  }
  EXPECT_EQ(t.join().unwrap(), 6);
}

// mpmc.rs: test_recv_into_iter_owned
TEST(StdMpmc, OwningIterDrainsAfterTheSenderScopeEnds) {
  auto it = [] {
    auto [tx, rx] = mpmc::channel<int>();
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    return std::move(rx).into_iter();
  }();
  EXPECT_EQ(it.next(), std::optional<int>(1));
  EXPECT_EQ(it.next(), std::optional<int>(2));
  EXPECT_EQ(it.next(), std::nullopt);
}

// mpmc.rs: test_recv_into_iter_borrowed
TEST(StdMpmc, BorrowedIterDrainsThenEnds) {
  auto [tx, rx] = mpmc::channel<int>();
  tx.send(1).unwrap();
  tx.send(2).unwrap();
  drop(tx);
  auto it = rx.iter();
  EXPECT_EQ(it.next(), std::optional<int>(1));
  EXPECT_EQ(it.next(), std::optional<int>(2));
  EXPECT_EQ(it.next(), std::nullopt);
}

// mpmc.rs: try_recv_states
TEST(StdMpmc, TryRecvWalksThroughEmptyDataEmptyDisconnected) {
  auto [tx1, rx1] = mpmc::channel<int>();
  auto [tx2, rx2] = mpmc::channel<int>();
  auto [tx3, rx3] = mpmc::channel<int>();
  auto h = spawn([tx1 = std::move(tx1), rx2 = std::move(rx2), tx3 = std::move(tx3)]() mutable {
    (void)rx2.recv().unwrap();
    tx1.send(1).unwrap();
    tx3.send(0).unwrap();
    (void)rx2.recv().unwrap();
    drop(tx1);
    tx3.send(0).unwrap();
  });
  EXPECT_TRUE(rx1.try_recv() == Err(TryRecvError::Empty));
  tx2.send(0).unwrap();
  (void)rx3.recv().unwrap();
  EXPECT_TRUE(rx1.try_recv() == Ok(1));
  EXPECT_TRUE(rx1.try_recv() == Err(TryRecvError::Empty));
  tx2.send(0).unwrap();
  (void)rx3.recv().unwrap();
  EXPECT_TRUE(rx1.try_recv() == Err(TryRecvError::Disconnected));
  h.join().unwrap();
}

// mpmc.rs: destroy_upgraded_shared_port_when_sender_still_active
TEST(StdMpmc, ReceiverDroppedAfterRecvWhileASenderCloneLives) {
  auto [tx, rx] = mpmc::channel<int>();
  auto [done_tx, done_rx] = mpmc::channel<int>();
  auto h = spawn([rx = std::move(rx), done_tx = std::move(done_tx)]() mutable {
    (void)rx.recv().unwrap();
    drop(rx);
    done_tx.send(0).unwrap();
  });
  // Give it time to block in recv (upstream yields 5,000 times).
  for (int i = 0; i < 500; ++i) fearless::thread::yield_now();
  auto t = tx.clone();
  drop(tx);
  t.send(0).unwrap();
  EXPECT_TRUE(done_rx.recv() == Ok(0));
  h.join().unwrap();
  // The receiver is gone now, the sender clone still here.
  EXPECT_TRUE(t.send(1) == Err(SendError<int>(1)));
}

// mpmc.rs: issue_32114
TEST(StdMpmc, EverySendAfterTheReceiverIsGoneFailsWithItsValue) {
  auto [tx, rx] = mpmc::channel<int>();
  drop(rx);
  (void)tx.send(123);
  EXPECT_TRUE(tx.send(123) == Err(SendError<int>(123)));
}

// mpmc.rs: issue_39364 (300 ms / 500 ms upstream)
TEST(StdMpmc, CloningTheSenderDuringARecvTimeoutDisturbsNothing) {
  auto [tx, rx] = mpmc::channel<int>();
  auto t = spawn([tx = std::move(tx)] {
    fearless::thread::sleep(30ms);
    { auto c = tx.clone(); }
    return tx;  // handed back, not dropped
  });
  // No message is ever sent and a sender lives throughout: both time out.
  EXPECT_TRUE(rx.recv_timeout(50ms) == Err(RecvTimeoutError::Timeout));
  auto kept = t.join().unwrap();
  EXPECT_TRUE(rx.recv_timeout(20ms) == Err(RecvTimeoutError::Timeout));
  drop(kept);
  EXPECT_TRUE(rx.recv_timeout(20ms) == Err(RecvTimeoutError::Disconnected));
}

// ============================ std::sync::mpmc documentation ==================

// mod.rs: module docs, "Shared usage" (ten senders, ten receiver clones)
TEST(StdMpmc, TenSenderClonesAndTenReceiverClonesInScopedThreads) {
  std::atomic<int> in_range{0};
  std::atomic<int> sum{0};
  fearless::thread::scope([&](fearless::thread::Scope& s) {
    auto [tx, rx] = mpmc::channel<int>();
    for (int i = 0; i < 10; ++i) s.spawn([tx = tx.clone(), i] { tx.send(i).unwrap(); });
    for (int i = 0; i < 5; ++i) {
      auto take = [&](mpmc::Receiver<int> r) {
        const int j = r.recv().unwrap();
        if (0 <= j && j < 10) in_range.fetch_add(1);
        sum.fetch_add(j);
      };
      s.spawn([take, rx1 = rx.clone()]() mutable { take(std::move(rx1)); });
      s.spawn([take, rx2 = rx.clone()]() mutable { take(std::move(rx2)); });
    }
  });
  EXPECT_EQ(in_range.load(), 10);
  EXPECT_EQ(sum.load(), 45);  // each message went to exactly one receiver
}

// mod.rs: module docs, "Propagating panics"; channel() docs
TEST(StdMpmc, ValueComputedInAThreadIsReceived) {
  auto [tx, rx] = mpmc::channel<int>();
  auto h = spawn([tx = std::move(tx)] { tx.send(10).unwrap(); });
  EXPECT_TRUE(rx.recv() == Ok(10));
  h.join().unwrap();
}

// mod.rs: sync_channel docs
TEST(StdMpmc, SyncChannelOfOneBlocksTheSecondSendUntilTheFirstIsReceived) {
  auto [tx, rx] = mpmc::sync_channel<int>(1);
  tx.send(1).unwrap();  // returns at once
  std::atomic<bool> second_sent{false};
  auto h = spawn([tx = std::move(tx), &second_sent] {
    tx.send(2).unwrap();
    second_sent.store(true);
  });
  fearless::thread::sleep(20ms);
  EXPECT_FALSE(second_sent.load());  // the channel is full: still blocked
  EXPECT_TRUE(rx.is_full());
  EXPECT_TRUE(rx.recv() == Ok(1));
  EXPECT_TRUE(rx.recv() == Ok(2));
  h.join().unwrap();
  EXPECT_TRUE(second_sent.load());
}

// mod.rs: Sender docs (two senders in two threads)
TEST(StdMpmc, TwoSenderThreadsMessagesSumToThree) {
  auto [tx, rx] = mpmc::channel<int>();
  auto tx2 = tx.clone();
  auto a = spawn([tx = std::move(tx)] { tx.send(1).unwrap(); });
  auto b = spawn([tx2 = std::move(tx2)] { tx2.send(2).unwrap(); });
  const int m1 = rx.recv().unwrap();
  const int m2 = rx.recv().unwrap();
  EXPECT_EQ(m1 + m2, 3);
  a.join().unwrap();
  b.join().unwrap();
}

// mod.rs: Receiver docs (two receiver clones, one message now, one later)
TEST(StdMpmc, TwoReceiverClonesEachGetOneOfTwoMessagesSentApart) {
  auto [tx, rx] = mpmc::channel<std::string>();
  auto sender = spawn([tx = std::move(tx)] {
    tx.send("Hello world!").unwrap();
    fearless::thread::sleep(20ms);
    tx.send("Delayed for 20 ms").unwrap();
  });
  auto r1 = spawn([rx1 = rx.clone()] { return rx1.recv().unwrap(); });
  auto r2 = spawn([rx2 = rx.clone()] { return rx2.recv().unwrap(); });
  sender.join().unwrap();
  const std::string a = r1.join().unwrap();
  const std::string b = r2.join().unwrap();
  EXPECT_NE(a, b);
  EXPECT_TRUE(a == "Hello world!" || b == "Hello world!");
  EXPECT_TRUE(a == "Delayed for 20 ms" || b == "Delayed for 20 ms");
  EXPECT_TRUE(rx.recv() == Err(RecvError{}));
}

// mod.rs: Sender::try_send docs
TEST(StdMpmc, TrySendOnAnUnboundedChannelSucceeds) {
  auto [tx, rx] = mpmc::channel<int>();
  EXPECT_TRUE(tx.try_send(1).is_ok());
  EXPECT_TRUE(rx.try_recv() == Ok(1));
}

// mod.rs: Sender::send docs
TEST(StdMpmc, SendSucceedsThenFailsOnceTheReceiverIsDropped) {
  auto [tx, rx] = mpmc::channel<int>();
  tx.send(1).unwrap();
  drop(rx);
  EXPECT_TRUE(tx.send(1).is_err());
}

// mod.rs: Sender::send_timeout, Sender::send_deadline docs
TEST(StdMpmc, SendTimeoutAndSendDeadlineOnAnUnboundedChannelSucceed) {
  auto [tx, rx] = mpmc::channel<int>();
  EXPECT_TRUE(tx.send_timeout(1, 400ms) == Ok());
  EXPECT_TRUE(tx.send_deadline(2, Clock::now() + 400ms) == Ok());
  // Zero and past: still sent, an unbounded channel has room.
  EXPECT_TRUE(tx.send_timeout(3, 0ms) == Ok());
  EXPECT_TRUE(tx.send_deadline(4, Clock::now() - 1s) == Ok());
  for (int i = 1; i <= 4; ++i) EXPECT_TRUE(rx.recv() == Ok(i));
}

// mod.rs: Sender::send_timeout (a timeout too large for an Instant is a plain send)
TEST(StdMpmc, SendTimeoutOfU64MaxSecondsWaitsForTheRendezvous) {
  auto [tx, rx] = mpmc::sync_channel<int>(0);
  auto h = spawn([tx = std::move(tx)] {
    return tx.send_timeout(7, std::chrono::duration<std::uint64_t>(std::numeric_limits<std::uint64_t>::max())).is_ok();
  });
  fearless::thread::sleep(20ms);
  EXPECT_TRUE(rx.recv() == Ok(7));
  EXPECT_TRUE(h.join().unwrap());
}

// mod.rs: Sender::send_timeout ("If the channel becomes disconnected, this call
// will wake up and return an error. The returned error contains the original
// message"): only the last receiver clone going away wakes it.
TEST(StdMpmc, BlockedSendTimeoutWakesWithItsValueWhenTheLastReceiverCloneIsDropped) {
  auto [tx, rx] = mpmc::sync_channel<int>(1);
  auto rx2 = rx.clone();
  tx.send(0).unwrap();
  drop(rx);
  // One receiver is left: a full channel times out.
  EXPECT_TRUE(tx.send_timeout(1, 10ms) == Err(SendTimeoutError<int>(SendTimeoutError<int>::Timeout, 1)));
  auto h = spawn([tx = std::move(tx)] { return tx.send_timeout(2, 10s); });
  fearless::thread::sleep(20ms);
  const auto start = Clock::now();
  drop(rx2);
  EXPECT_TRUE(h.join().unwrap() == Err(SendTimeoutError<int>(SendTimeoutError<int>::Disconnected, 2)));
  EXPECT_LT(Clock::now() - start, 5s);
}

// mod.rs: Sender::is_empty, Sender::len docs (through sender clones)
TEST(StdMpmc, SenderClonesSeeLenAndIsEmptyOfAnUnboundedChannel) {
  auto [send, recv] = mpmc::channel<std::uint8_t>();
  const auto tx1 = send.clone();
  auto tx2 = send.clone();
  EXPECT_TRUE(tx1.is_empty());
  EXPECT_EQ(tx1.len(), 0u);
  spawn([tx2 = std::move(tx2)] { tx2.send(1).unwrap(); }).join().unwrap();
  EXPECT_FALSE(tx1.is_empty());
  EXPECT_EQ(tx1.len(), 1u);
  EXPECT_FALSE(tx1.is_full());
  EXPECT_EQ(tx1.capacity(), std::nullopt);
}

// mod.rs: Sender::is_full docs
TEST(StdMpmc, SenderCloneSeesASyncChannelOfOneBecomeFull) {
  auto [send, recv] = mpmc::sync_channel<std::uint8_t>(1);
  const auto tx1 = send.clone();
  auto tx2 = send.clone();
  EXPECT_FALSE(tx1.is_full());
  spawn([tx2 = std::move(tx2)] { tx2.send(1).unwrap(); }).join().unwrap();
  EXPECT_TRUE(tx1.is_full());
  EXPECT_EQ(tx1.len(), 1u);
}

// mod.rs: Sender::capacity docs
TEST(StdMpmc, SenderCapacityOfASyncChannelStaysThree) {
  auto [send, recv] = mpmc::sync_channel<std::uint8_t>(3);
  const auto tx1 = send.clone();
  auto tx2 = send.clone();
  EXPECT_EQ(tx1.capacity(), std::optional<std::size_t>(3));
  spawn([tx2 = std::move(tx2)] { tx2.send(1).unwrap(); }).join().unwrap();
  EXPECT_EQ(tx1.capacity(), std::optional<std::size_t>(3));
  EXPECT_EQ(tx1.len(), 1u);
  EXPECT_FALSE(tx1.is_full());
}

// mod.rs: Sender::is_empty / is_full ("Zero-capacity channels are always
// empty" / "always full")
TEST(StdMpmc, RendezvousSenderAndReceiverAreAlwaysEmptyAndFull) {
  auto [tx, rx] = mpmc::sync_channel<int>(0);
  EXPECT_TRUE(tx.is_empty());
  EXPECT_TRUE(tx.is_full());
  EXPECT_TRUE(rx.is_empty());
  EXPECT_TRUE(rx.is_full());
  EXPECT_EQ(tx.capacity(), std::optional<std::size_t>(0));
  auto h = spawn([tx = tx.clone()] { tx.send(1).unwrap(); });
  fearless::thread::sleep(10ms);  // a sender blocked in send changes nothing
  EXPECT_TRUE(tx.is_empty());
  EXPECT_TRUE(rx.is_full());
  EXPECT_EQ(rx.len(), 0u);
  EXPECT_TRUE(rx.recv() == Ok(1));
  h.join().unwrap();
}

// mod.rs: Sender::same_channel docs
TEST(StdMpmc, SenderSameChannel) {
  auto [tx1, rx1] = mpmc::channel<int>();
  auto [tx2, rx2] = mpmc::channel<int>();
  EXPECT_TRUE(tx1.same_channel(tx1));
  EXPECT_FALSE(tx1.same_channel(tx2));
  EXPECT_TRUE(tx1.same_channel(tx1.clone()));
  EXPECT_TRUE(tx1.same_channel(rx1.new_sender()));
  // Channels of different flavours are never the same.
  auto [btx, brx] = mpmc::sync_channel<int>(1);
  auto [ztx, zrx] = mpmc::sync_channel<int>(0);
  EXPECT_FALSE(tx1.same_channel(btx));
  EXPECT_FALSE(btx.same_channel(ztx));
}

// mod.rs: Receiver::same_channel docs
TEST(StdMpmc, ReceiverSameChannel) {
  auto [tx1, rx1] = mpmc::channel<int>();
  auto [tx2, rx2] = mpmc::channel<int>();
  EXPECT_TRUE(rx1.same_channel(rx1));
  EXPECT_FALSE(rx1.same_channel(rx2));
  EXPECT_TRUE(rx1.same_channel(rx1.clone()));
  EXPECT_TRUE(rx1.clone().same_channel(rx1.clone()));
}

// mod.rs: Receiver::is_empty, Receiver::len docs
TEST(StdMpmc, ReceiverSeesLenAndIsEmptyAfterASenderThreadFinished) {
  auto [send, recv] = mpmc::channel<std::uint8_t>();
  EXPECT_TRUE(recv.is_empty());
  EXPECT_EQ(recv.len(), 0u);
  spawn([send = std::move(send)] { send.send(1).unwrap(); }).join().unwrap();
  EXPECT_FALSE(recv.is_empty());
  EXPECT_EQ(recv.len(), 1u);
  const auto clone = recv.clone();
  EXPECT_EQ(clone.len(), 1u);
  EXPECT_TRUE(clone.recv() == Ok(std::uint8_t{1}));
  EXPECT_TRUE(recv.is_empty());
}

// mod.rs: Receiver::is_full docs
TEST(StdMpmc, ReceiverSeesASyncChannelOfOneBecomeFull) {
  auto [send, recv] = mpmc::sync_channel<std::uint8_t>(1);
  EXPECT_FALSE(recv.is_full());
  spawn([send = std::move(send)] { send.send(1).unwrap(); }).join().unwrap();
  EXPECT_TRUE(recv.is_full());
}

// mod.rs: Receiver::capacity docs
TEST(StdMpmc, ReceiverCapacityOfASyncChannelStaysThree) {
  auto [send, recv] = mpmc::sync_channel<std::uint8_t>(3);
  EXPECT_EQ(recv.capacity(), std::optional<std::size_t>(3));
  spawn([send = std::move(send)] { send.send(1).unwrap(); }).join().unwrap();
  EXPECT_EQ(recv.capacity(), std::optional<std::size_t>(3));
  EXPECT_EQ(mpmc::channel<int>().second.capacity(), std::nullopt);
}

// mod.rs: Receiver::try_recv docs
TEST(StdMpmc, TryRecvWithTheSenderDroppedAtOnceIsAnError) {
  auto [tx, rx] = mpmc::channel<int>();
  drop(tx);
  EXPECT_TRUE(rx.try_recv().is_err());
}

// mod.rs: Receiver::recv docs ("Buffering behavior")
TEST(StdMpmc, MessagesBufferedBeforeTheSenderLeftAreReceivedThenRecvError) {
  auto [send, recv] = mpmc::channel<std::uint8_t>();
  spawn([send = std::move(send)]() mutable {
    send.send(1).unwrap();
    send.send(2).unwrap();
    send.send(3).unwrap();
    drop(send);
  }).join().unwrap();
  EXPECT_TRUE(recv.recv() == Ok(std::uint8_t{1}));
  EXPECT_TRUE(recv.recv() == Ok(std::uint8_t{2}));
  EXPECT_TRUE(recv.recv() == Ok(std::uint8_t{3}));
  EXPECT_TRUE(recv.recv() == Err(RecvError{}));
}

// mod.rs: Receiver::recv_timeout, Receiver::recv_deadline docs (400 ms /
// 800 ms upstream)
TEST(StdMpmc, RecvTimeoutAndRecvDeadlineGetAPromptMessageAndTimeOutOnALateOne) {
  {
    auto [send, recv] = mpmc::channel<char>();
    auto h = spawn([send = std::move(send)] { send.send('a').unwrap(); });
    EXPECT_TRUE(recv.recv_timeout(2s) == Ok('a'));
    h.join().unwrap();
  }
  {
    auto [send, recv] = mpmc::channel<char>();
    auto h = spawn([send = std::move(send)] { send.send('a').unwrap(); });
    EXPECT_TRUE(recv.recv_deadline(Clock::now() + 2s) == Ok('a'));
    h.join().unwrap();
  }
  {
    auto [send, recv] = mpmc::channel<char>();
    auto [go_tx, go_rx] = mpmc::channel<int>();
    auto h = spawn([send = std::move(send), go_rx = std::move(go_rx)] {
      (void)go_rx.recv();  // released only after both timeouts
      send.send('a').unwrap();
    });
    EXPECT_TRUE(recv.recv_timeout(20ms) == Err(RecvTimeoutError::Timeout));
    EXPECT_TRUE(recv.recv_deadline(Clock::now() + 20ms) == Err(RecvTimeoutError::Timeout));
    go_tx.send(0).unwrap();
    EXPECT_TRUE(recv.recv() == Ok('a'));
    h.join().unwrap();
  }
}

// mod.rs: TryIter / Receiver::try_iter docs
TEST(StdMpmc, TryIterIsEmptyUntilTheMessagesArriveThenYieldsThemInOrder) {
  auto [sender, receiver] = mpmc::channel<int>();
  EXPECT_EQ(receiver.try_iter().next(), std::nullopt);
  auto [go_tx, go_rx] = mpmc::channel<int>();
  auto h = spawn([sender = std::move(sender), go_rx = std::move(go_rx)] {
    (void)go_rx.recv();
    sender.send(1).unwrap();
    sender.send(2).unwrap();
    sender.send(3).unwrap();
  });
  EXPECT_EQ(receiver.try_iter().next(), std::nullopt);
  go_tx.send(0).unwrap();
  h.join().unwrap();
  auto iter = receiver.try_iter();
  EXPECT_EQ(iter.next(), std::optional<int>(1));
  EXPECT_EQ(iter.next(), std::optional<int>(2));
  EXPECT_EQ(iter.next(), std::optional<int>(3));
  EXPECT_EQ(iter.next(), std::nullopt);
}

// mod.rs: Iter / Receiver::iter / IntoIter docs
TEST(StdMpmc, IterAndIntoIterYieldWhatAThreadSentThenEnd) {
  {
    auto [send, recv] = mpmc::channel<int>();
    auto h = spawn([send = std::move(send)] {
      send.send(1).unwrap();
      send.send(2).unwrap();
      send.send(3).unwrap();
    });
    auto iter = recv.iter();
    EXPECT_EQ(iter.next(), std::optional<int>(1));
    EXPECT_EQ(iter.next(), std::optional<int>(2));
    EXPECT_EQ(iter.next(), std::optional<int>(3));
    EXPECT_EQ(iter.next(), std::nullopt);
    h.join().unwrap();
  }
  {
    auto [send, recv] = mpmc::channel<std::uint8_t>();
    auto h = spawn([send = std::move(send)] {
      send.send(1).unwrap();
      send.send(2).unwrap();
      send.send(3).unwrap();
    });
    std::vector<int> got;
    for (std::uint8_t x : std::move(recv).into_iter()) got.push_back(x);
    EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
    h.join().unwrap();
  }
}
