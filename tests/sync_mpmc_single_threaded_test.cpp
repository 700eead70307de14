// Tests for the channels' single-threaded path: while the process has only
// one thread, the bounded and unbounded flavours replace their
// read-modify-writes and fences with plain loads and stores
// (detail/single_threaded.hpp). Each test starts in a process of its own
// under ctest (so with one thread, except under ThreadSanitizer, whose runtime
// starts a thread of its own), uses a channel alone, then starts a second
// thread and goes on with the same channel: the messages written the cheap
// way must reach the new thread, and the channel must keep its state across
// the switch.
#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

#include "fearless/detail/single_threaded.hpp"
#include "fearless/sync/mpmc.hpp"
#include "sync_test_util.hpp"

namespace mpmc = fearless::sync::mpmc;
using sync_test::Tracked;

namespace {

// Whether this test ran its first part on the single-threaded path (it does
// when started as a process of its own, as ctest runs it).
void note_mode(bool alone) {
  if (!alone) std::printf("note: the process already had several threads; the atomic path was tested\n");
}

}  // namespace

TEST(MpmcSingleThreaded, UnboundedKeepsOrderAcrossBlocksAndTheFirstThreadStart) {
  const bool alone = fearless::detail::process_single_threaded();
  note_mode(alone);
  Tracked::live = 0;
  {
    auto [tx, rx] = mpmc::unbounded<Tracked>();
    // 100 messages span two blocks of 63 slots (150 in all: three).
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(tx.send(Tracked(i)).is_ok());
    EXPECT_EQ(tx.len(), 100u);
    for (int i = 0; i < 40; ++i) ASSERT_EQ(rx.recv().unwrap().value, i);
    EXPECT_EQ(rx.try_recv().unwrap().value, 40);
    EXPECT_EQ(rx.recv_timeout(std::chrono::seconds(0)).unwrap().value, 41);
    EXPECT_EQ(rx.len(), 58u);
    EXPECT_EQ(fearless::detail::process_single_threaded(), alone);

    // A second thread takes the rest, written before it existed, then what
    // is sent after it started.
    std::vector<int> got;
    std::thread t([&got, rx = rx] {
      for (int i = 0; i < 58 + 50; ++i) got.push_back(rx.recv().unwrap().value);
    });
    EXPECT_FALSE(fearless::detail::process_single_threaded());
    for (int i = 100; i < 150; ++i) ASSERT_TRUE(tx.send(Tracked(i)).is_ok());
    t.join();
    ASSERT_EQ(got.size(), 108u);
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], static_cast<int>(i) + 42);
    EXPECT_TRUE(rx.is_empty());

    // Messages left behind are destroyed once the last receiver goes.
    for (int i = 0; i < 70; ++i) ASSERT_TRUE(tx.send(Tracked(i)).is_ok());
    EXPECT_EQ(Tracked::live.load(), 70);
  }
  EXPECT_EQ(Tracked::live.load(), 0);
}

TEST(MpmcSingleThreaded, BoundedWrapsLapsReportsFullAndHandsOverToANewThread) {
  const bool alone = fearless::detail::process_single_threaded();
  note_mode(alone);
  auto [tx, rx] = mpmc::bounded<int>(5);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(tx.try_send(i).is_ok());
  EXPECT_TRUE(tx.is_full());
  auto full = tx.try_send(99);
  ASSERT_TRUE(full.is_err());
  EXPECT_TRUE(full.unwrap_err().is_full());
  EXPECT_EQ(std::move(full).unwrap_err().into_inner(), 99);
  // Many laps round the ring, so the stamps' lap bits are exercised.
  int next_in = 5, next_out = 0;
  for (int round = 0; round < 1000; ++round) {
    ASSERT_EQ(rx.recv().unwrap(), next_out++);
    ASSERT_EQ(rx.try_recv().unwrap(), next_out++);
    ASSERT_TRUE(tx.send(next_in++).is_ok());
    ASSERT_TRUE(tx.send_timeout(next_in++, std::chrono::seconds(0)).is_ok());
  }
  EXPECT_EQ(rx.len(), 5u);
  EXPECT_EQ(fearless::detail::process_single_threaded(), alone);

  std::vector<int> got;
  std::thread t([&got, rx = rx] {
    for (;;) {
      auto r = rx.recv();
      if (r.is_err()) return;
      got.push_back(r.unwrap());
    }
  });
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(tx.send(next_in++).is_ok());
  { auto gone = std::move(tx); }
  t.join();
  ASSERT_EQ(got.size(), 505u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], next_out + static_cast<int>(i));
}

TEST(MpmcSingleThreaded, BoundedOneAlternatesAndDisconnects) {
  note_mode(fearless::detail::process_single_threaded());
  auto [tx, rx] = mpmc::bounded<int>(1);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(tx.send(i).is_ok());
    ASSERT_TRUE(tx.try_send(-1).unwrap_err().is_full());
    ASSERT_EQ(rx.recv().unwrap(), i);
    ASSERT_TRUE(rx.try_recv().unwrap_err().is_empty());
  }
  ASSERT_TRUE(tx.send(7).is_ok());
  { auto gone = std::move(tx); }
  EXPECT_EQ(rx.recv().unwrap(), 7);
  EXPECT_TRUE(rx.try_recv().unwrap_err().is_disconnected());
  EXPECT_TRUE(rx.recv().is_err());
}

TEST(MpmcSingleThreaded, SendAfterTheLastReceiverLeftHandsTheValueBack) {
  note_mode(fearless::detail::process_single_threaded());
  Tracked::live = 0;
  {
    auto [tx, rx] = mpmc::unbounded<Tracked>();
    auto [btx, brx] = mpmc::bounded<Tracked>(3);
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(tx.send(Tracked(i)).is_ok());
    ASSERT_TRUE(btx.send(Tracked(1)).is_ok());
    { auto gone = std::move(rx); }
    { auto gone = std::move(brx); }
    EXPECT_EQ(Tracked::live.load(), 0);  // what was inside is destroyed at once
    auto e = tx.send(Tracked(5));
    ASSERT_TRUE(e.is_err());
    EXPECT_EQ(std::move(e).unwrap_err().into_inner().value, 5);
    auto be = btx.try_send(Tracked(6));
    ASSERT_TRUE(be.is_err());
    EXPECT_TRUE(be.unwrap_err().is_disconnected());
  }
  EXPECT_EQ(Tracked::live.load(), 0);
}
