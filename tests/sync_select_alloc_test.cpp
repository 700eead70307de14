// Heap allocations made by blocking selects over rendezvous channels. A
// select that has to wait registers one heap packet per rendezvous operand;
// the packets are recycled through a per-thread cache, so a thread that
// keeps selecting reuses them instead of allocating again.
//
// fearless::detail::chan::packets_allocated counts, per thread, the packets
// that were allocated rather than taken from the cache.
#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

#include "fearless/sync/mpmc.hpp"
#include "fearless/thread.hpp"

namespace mpmc = fearless::sync::mpmc;
namespace thread = fearless::thread;

namespace {
using fearless::detail::chan::packets_allocated;
constexpr int kChannels = 4;
constexpr int kWarmup = 200;
constexpr int kMessages = 4000;

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
// receiver going round them. The packet a receiver takes ends in the
// receiver's cache, so the sender may allocate one packet per message, but
// the three it takes back from the other channels are reused.
TEST(SelectAllocations, WaitingSelectingSenderAllocatesAtMostOnePacketPerMessage) {
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
  EXPECT_LE(counted, static_cast<std::size_t>(kMessages));
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
