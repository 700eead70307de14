// Heap allocations made by blocking selects over rendezvous channels. A
// select that has to wait registers one heap packet per rendezvous operand;
// the packets are recycled through a per-thread cache (a packet read on
// another thread is lent and handed back), so a thread that keeps selecting
// reuses them instead of allocating again.
//
// fearless::detail::chan::packets_allocated counts, per thread, the packets
// that were allocated rather than taken from the cache. The last test counts
// every operator new of its thread instead (not in sanitizer builds, which
// bring their own operator new).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

#include "fearless/sync/mpmc.hpp"
#include "fearless/thread.hpp"
#include "heap_sanitized.hpp"

namespace mpmc = fearless::sync::mpmc;
namespace thread = fearless::thread;

namespace {
// Calls of the (unaligned) allocation functions made by this thread.
constinit thread_local long t_news = 0;
}  // namespace

#if !FEARLESS_TEST_HEAP_SANITIZED
// malloc-based, as the default ones: the default operator delete (free)
// still matches them.
void* operator new(std::size_t n) {
  ++t_news;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  ++t_news;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
#endif

namespace {
using fearless::detail::chan::packets_allocated;
constexpr int kChannels = 4;
constexpr int kWarmup = 200;
constexpr int kMessages = 4000;
constexpr int kPer = 1500;  // messages per thread pair in the select_both shape

struct Rendezvous {
  std::vector<mpmc::Sender<int>> tx;
  std::vector<mpmc::Receiver<int>> rx;
  Rendezvous() {
    for (int i = 0; i < kChannels; ++i) {
      auto [s, r] = mpmc::bounded<int>(0);
      tx.push_back(std::move(s));
      rx.push_back(std::move(r));
    }
  }
};
}  // namespace

// One plain sender goes round the four channels; the receiver selects over
// all four. The sender is usually between sends when the receiver selects, so
// most selects wait, registering four packets each. Before packets were
// recycled that was four allocations per message.
TEST(SelectAllocations, WaitingSelectingReceiverAllocatesNothingOnceWarm) {
  Rendezvous ch;
  auto sender = thread::spawn([tx = ch.tx] {
    for (int i = 0; i < kWarmup + kMessages; ++i) tx[static_cast<std::size_t>(i % kChannels)].send(i).unwrap();
  });
  mpmc::Select sel;
  for (auto& r : ch.rx) (void)sel.recv(r);
  long long sum = 0;
  std::size_t before = 0;
  for (int i = 0; i < kWarmup + kMessages; ++i) {
    if (i == kWarmup) before = packets_allocated;
    auto op = sel.select();
    const std::size_t k = op.index();
    const int v = op.recv(ch.rx[k]).unwrap();
    EXPECT_EQ(static_cast<std::size_t>(v % kChannels), k);
    sum += v;
  }
  const std::size_t counted = packets_allocated - before;
  sender.join().unwrap();
  const long long n = kWarmup + kMessages;
  EXPECT_EQ(sum, n * (n - 1) / 2);
  EXPECT_EQ(counted, 0u);
}

// The mirror image: a selecting sender over four channels, one plain
// receiver going round them. The packet the receiver reads is lent to it and
// handed back, so the sender reuses it (before loans it stayed with the
// receiver, and the sender allocated one packet per message).
TEST(SelectAllocations, WaitingSelectingSenderAllocatesNothingOnceWarm) {
  Rendezvous ch;
  auto receiver = thread::spawn([rx = ch.rx] {
    long long sum = 0;
    for (int i = 0; i < kWarmup + kMessages; ++i) sum += rx[static_cast<std::size_t>(i % kChannels)].recv().unwrap();
    return sum;
  });
  mpmc::Select sel;
  for (auto& s : ch.tx) (void)sel.send(s);
  std::size_t before = 0;
  for (int i = 0; i < kWarmup + kMessages; ++i) {
    if (i == kWarmup) before = packets_allocated;
    auto op = sel.select();
    const std::size_t k = op.index();
    // The receiver waits on channel i % 4, so that is the only one ready.
    EXPECT_EQ(k, static_cast<std::size_t>(i % kChannels));
    op.send(ch.tx[k], i).unwrap();
  }
  const std::size_t counted = packets_allocated - before;
  const long long n = kWarmup + kMessages;
  EXPECT_EQ(receiver.join().unwrap(), n * (n - 1) / 2);
  // Now and then a loan is still out when the sender needs its fourth
  // packet: it allocates one more, once (before loans: about one per message).
  EXPECT_LE(counted, 4u);
}

// Four selecting senders and four selecting receivers over the same four
// channels (the benchmark's select_both): packets flow both ways and none
// of the eight threads keeps allocating.
TEST(SelectAllocations, SelectingSendersAndReceiversTogetherAllocateNothingOnceWarm) {
  Rendezvous ch;
  std::vector<thread::JoinHandle<std::size_t>> senders, receivers;
  for (int t = 0; t < kChannels; ++t) {
    senders.push_back(thread::spawn([tx = ch.tx] {
      mpmc::Select sel;
      for (auto& s : tx) (void)sel.send(s);
      std::size_t before = 0;
      for (int i = 0; i < kPer; ++i) {
        if (i == kPer / 2) before = packets_allocated;
        auto op = sel.select();
        op.send(tx[op.index()], 1).unwrap();
      }
      return packets_allocated - before;
    }));
    receivers.push_back(thread::spawn([rx = ch.rx] {
      mpmc::Select sel;
      for (auto& r : rx) (void)sel.recv(r);
      std::size_t before = 0;
      int got = 0;
      for (int i = 0; i < kPer; ++i) {
        if (i == kPer / 2) before = packets_allocated;
        auto op = sel.select();
        got += op.recv(rx[op.index()]).unwrap();
      }
      EXPECT_EQ(got, kPer);
      return packets_allocated - before;
    }));
  }
  std::size_t allocated = 0;
  for (auto& h : senders) allocated += std::move(h).join().unwrap();
  for (auto& h : receivers) allocated += std::move(h).join().unwrap();
  // The second half of 6,000 messages: a handful of packets at most (a
  // loan still out when its owner needs one more), not one per message.
  EXPECT_LE(allocated, 64u);
}

// A selecting sender that exits right after its last send: its last packets
// may still be in a receiver's hands. Whichever of the two lets go last
// frees them (LeakSanitizer in the ASan build sees a packet left behind, and
// ASan a packet freed twice or used after its free).
TEST(SelectAllocations, LentPacketsAreFreedWhenTheirOwnerExits) {
  for (int round = 0; round < 20; ++round) {
    Rendezvous ch;
    auto receiver = thread::spawn([rx = ch.rx] {
      long long sum = 0;
      for (int i = 0; i < 50; ++i) sum += rx[static_cast<std::size_t>(i % kChannels)].recv().unwrap();
      return sum;
    });
    auto sender = thread::spawn([tx = ch.tx] {
      mpmc::Select sel;
      for (auto& s : tx) (void)sel.send(s);
      for (int i = 0; i < 50; ++i) {
        auto op = sel.select();
        op.send(tx[op.index()], i).unwrap();
      }
    });
    sender.join().unwrap();
    EXPECT_EQ(receiver.join().unwrap(), 50 * 49 / 2);
  }
}

// Packets cached by a thread are freed when it exits. Only the ASan build's
// LeakSanitizer can see a packet left behind: elsewhere this test checks
// just that every message arrives across three rounds of fresh threads.
TEST(SelectAllocations, CachedPacketsAreFreedAtThreadExit) {
  for (int round = 0; round < 3; ++round) {
    Rendezvous ch;
    auto sender = thread::spawn([tx = ch.tx] {
      for (int i = 0; i < 100; ++i) tx[static_cast<std::size_t>(i % kChannels)].send(i).unwrap();
    });
    auto receiver = thread::spawn([rx = ch.rx] {
      mpmc::Select sel;
      for (auto& r : rx) (void)sel.recv(r);
      int got = 0;
      for (int i = 0; i < 100; ++i) {
        auto op = sel.select();
        got += op.recv(rx[op.index()]).is_ok() ? 1 : 0;
      }
      return got;
    });
    sender.join().unwrap();
    EXPECT_EQ(receiver.join().unwrap(), 100);
  }
}

// Select over buffered channels, completed with SelectedOperation::send/recv
// and through the handler form: once warm, no heap allocation at all (the
// operations live inline in the Select; completing one checks its endpoint
// without building the panic message). The completion check used to build
// its "SelectedOperation::recv" string on every call: one allocation per
// completed operation.
TEST(SelectAllocations, SelectingOnBufferedChannelsAllocatesNothing) {
  if (FEARLESS_TEST_HEAP_SANITIZED) GTEST_SKIP() << "the sanitizer's own operator new is not counted";
  auto c1 = mpmc::bounded<int>(4);  // not structured bindings: clang 14 cannot capture them
  auto c2 = mpmc::bounded<int>(4);
  auto& tx1 = c1.first;
  auto& rx1 = c1.second;
  auto& tx2 = c2.first;
  auto& rx2 = c2.second;
  long long sent = 0, got = 0;
  const auto round = [&](int i) {
    {
      mpmc::Select sel;
      const std::size_t a = sel.send(tx1);
      const std::size_t b = sel.send(tx2);
      auto op = sel.select();
      if (op.index() == a) op.send(tx1, i).unwrap();
      if (op.index() == b) op.send(tx2, i).unwrap();
      sent += i;
    }
    {
      mpmc::Select sel;
      const std::size_t a = sel.recv(rx1);
      const std::size_t b = sel.recv(rx2);
      auto op = sel.select();
      if (op.index() == a) got += op.recv(rx1).unwrap();
      if (op.index() == b) got += op.recv(rx2).unwrap();
    }
    sent += i;
    got += mpmc::select(mpmc::on_send(tx1, i, [](auto r) { return r.is_ok() ? 0 : 1; }),
                        mpmc::on_send(tx2, i, [](auto r) { return r.is_ok() ? 0 : 1; }));
    got += mpmc::select(mpmc::on_recv(rx1, [](auto r) { return r.unwrap(); }),
                        mpmc::on_recv(rx2, [](auto r) { return r.unwrap(); }));
  };
  for (int i = 0; i < 100; ++i) round(i);
  const long before = t_news;
  for (int i = 0; i < 1000; ++i) round(i);
  EXPECT_EQ(t_news - before, 0);
  EXPECT_EQ(got, sent);
  EXPECT_TRUE(rx1.is_empty() && rx2.is_empty());
}
