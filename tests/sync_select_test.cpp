// Tests for Select and the handler form in fearless/sync/mpmc.hpp.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fearless/detail/chan/waker.hpp"
#include "fearless/sync/mpmc.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/thread.hpp"

namespace mpmc = fearless::sync::mpmc;
namespace mpsc = fearless::sync::mpsc;
using namespace std::chrono_literals;

namespace {
auto make(int cap) { return cap < 0 ? mpmc::unbounded<int>() : mpmc::bounded<int>(static_cast<std::size_t>(cap)); }
}  // namespace

TEST(Select, RecvReadyOperation) {
  for (int cap : {-1, 1, 4}) {
    auto [tx1, rx1] = make(cap);
    auto [tx2, rx2] = make(cap);
    tx2.send(5).unwrap();
    mpmc::Select sel;
    const auto i1 = sel.recv(rx1);
    const auto i2 = sel.recv(rx2);
    EXPECT_EQ(i1, 0u);
    EXPECT_EQ(i2, 1u);
    auto op = sel.select();
    ASSERT_EQ(op.index(), i2);
    EXPECT_EQ(op.recv(rx2).unwrap(), 5);
  }
}

TEST(Select, BlocksUntilAPeerSends) {
  for (int cap : {-1, 0, 1}) {
    auto [tx1, rx1] = make(cap);
    auto [tx2, rx2] = make(cap);
    auto h = fearless::thread::spawn([tx = tx2] {
      fearless::thread::sleep(20ms);
      tx.send(7).unwrap();
    });
    mpmc::Select sel;
    sel.recv(rx1);
    const auto i2 = sel.recv(rx2);
    auto op = sel.select();
    ASSERT_EQ(op.index(), i2);
    EXPECT_EQ(op.recv(rx2).unwrap(), 7);
    h.join().unwrap();
  }
}

TEST(Select, SendOperations) {
  for (int cap : {-1, 0, 1}) {
    auto [tx, rx] = make(cap);
    auto h = fearless::thread::spawn([rx = rx] { return rx.recv().unwrap(); });
    mpmc::Select sel;
    const auto i = sel.send(tx);
    auto op = sel.select();
    ASSERT_EQ(op.index(), i);
    op.send(tx, 11).unwrap();
    EXPECT_EQ(h.join().unwrap(), 11);
  }
}

TEST(Select, RendezvousSendAndRecvInOneSelectPairWithPeers) {
  auto [tx, rx] = mpmc::bounded<int>(0);
  auto [tx2, rx2] = mpmc::bounded<int>(0);
  auto h = fearless::thread::spawn([rx2 = rx2] { return rx2.recv().unwrap(); });
  mpmc::Select sel;
  sel.recv(rx);  // nobody sends here
  const auto s = sel.send(tx2);
  auto op = sel.select();
  ASSERT_EQ(op.index(), s);
  op.send(tx2, 3).unwrap();
  EXPECT_EQ(h.join().unwrap(), 3);
}

TEST(Select, TrySelectAndTimeouts) {
  auto [tx, rx] = make(1);
  mpmc::Select sel;
  sel.recv(rx);
  auto r = sel.try_select();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err(), mpmc::TrySelectError{});
  const auto t0 = std::chrono::steady_clock::now();
  auto r2 = sel.select_timeout(30ms);
  EXPECT_TRUE(r2.is_err());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 25ms);
  EXPECT_TRUE(sel.select_timeout(0s).is_err());
  EXPECT_TRUE(sel.select_timeout(-1s).is_err());
  EXPECT_TRUE(sel.select_deadline(std::chrono::system_clock::now() - 1s).is_err());
  tx.send(1).unwrap();
  auto r3 = sel.select_timeout(std::chrono::hours::max());
  ASSERT_TRUE(r3.is_ok());
  auto op = std::move(r3).unwrap();
  EXPECT_EQ(op.recv(rx).unwrap(), 1);
  tx.send(2).unwrap();
  auto op2 = sel.try_select().unwrap();
  EXPECT_EQ(op2.recv(rx).unwrap(), 2);
}

TEST(Select, DisconnectedOperandsAreReady) {
  for (int cap : {-1, 0, 2}) {
    auto [tx, rx] = make(cap);
    auto [tx2, rx2] = make(cap);
    { auto drop = std::move(tx); }
    mpmc::Select sel;
    const auto i = sel.recv(rx);
    sel.recv(rx2);
    auto op = sel.select_timeout(1s).unwrap();
    ASSERT_EQ(op.index(), i);
    EXPECT_EQ(op.recv(rx).unwrap_err(), mpmc::RecvError{});
    // A send whose receivers are gone completes with the value handed back.
    { auto drop = std::move(rx2); }
    mpmc::Select s2;
    s2.send(tx2);
    auto op2 = s2.select();
    EXPECT_EQ(op2.send(tx2, 4).unwrap_err().into_inner(), 4);
  }
}

TEST(Select, DisconnectWakesBlockedSelect) {
  auto [tx, rx] = make(0);
  auto h = fearless::thread::spawn([tx = std::move(tx)] { fearless::thread::sleep(20ms); });
  mpmc::Select sel;
  sel.recv(rx);
  auto op = sel.select();
  EXPECT_TRUE(op.recv(rx).is_err());
  h.join().unwrap();
}

TEST(Select, FairChoiceNoOperandStarves) {
  auto [tx1, rx1] = make(-1);
  auto [tx2, rx2] = make(-1);
  auto [tx3, rx3] = make(-1);
  constexpr int kRounds = 3000;
  for (int i = 0; i < kRounds; ++i) {
    tx1.send(1).unwrap();
    tx2.send(2).unwrap();
    tx3.send(3).unwrap();
  }
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < kRounds; ++i) {
    mpmc::Select sel;
    sel.recv(rx1);
    sel.recv(rx2);
    sel.recv(rx3);
    auto op = sel.select();
    const std::size_t k = op.index();
    const auto& rx = k == 0 ? rx1 : k == 1 ? rx2 : rx3;
    EXPECT_EQ(op.recv(rx).unwrap(), static_cast<int>(k) + 1);
    ++counts[k];
  }
  // Each of three always-ready operands gets about a third; none starves.
  for (int c : counts) {
    EXPECT_GT(c, kRounds / 3 - kRounds / 10);
    EXPECT_LT(c, kRounds / 3 + kRounds / 10);
  }
}

// Every ready operand is equally likely, wherever it sits: with two ready
// operands next to each other among idle ones, trying from a random starting
// point instead of in a random order would pick the first of them 3 times in 4.
// Run with a Select that is reused, at 4 operands (the permutation built as
// bytes) and at 20 (the operations shuffled in place).
static void expect_even_split_between_two_ready(std::size_t n_ops) {
  std::vector<mpmc::Sender<int>> txs;
  std::vector<mpmc::Receiver<int>> rxs;
  for (std::size_t i = 0; i < n_ops; ++i) {
    auto [tx, rx] = make(-1);
    txs.push_back(std::move(tx));
    rxs.push_back(std::move(rx));
  }
  constexpr int kRounds = 4000;
  for (int i = 0; i < kRounds; ++i) {
    txs[0].send(0).unwrap();
    txs[1].send(1).unwrap();
  }
  mpmc::Select sel;
  for (const auto& rx : rxs) sel.recv(rx);
  int counts[2] = {0, 0};
  for (int i = 0; i < kRounds; ++i) {
    auto op = sel.select();
    const std::size_t k = op.index();
    ASSERT_LT(k, 2u);
    EXPECT_EQ(op.recv(rxs[k]).unwrap(), static_cast<int>(k));
    ++counts[k];
    // Put the taken message back so both stay ready every round.
    txs[k].send(static_cast<int>(k)).unwrap();
  }
  // Binomial(4000, 1/2): standard deviation 32; allow about 6 of them.
  EXPECT_GT(counts[0], kRounds / 2 - 200) << n_ops << " operands";
  EXPECT_GT(counts[1], kRounds / 2 - 200) << n_ops << " operands";
}

TEST(Select, AdjacentReadyOperandsAreEquallyLikely) {
  expect_even_split_between_two_ready(4);
  expect_even_split_between_two_ready(20);
}

TEST(Select, ReadyReportsAdjacentReadyOperandsEquallyOften) {
  auto [tx0, rx0] = make(-1);
  auto [tx1, rx1] = make(-1);
  auto [tx2, rx2] = make(-1);
  auto [tx3, rx3] = make(-1);
  tx0.send(0).unwrap();
  tx1.send(1).unwrap();
  mpmc::Select sel;
  sel.recv(rx0);
  sel.recv(rx1);
  sel.recv(rx2);
  sel.recv(rx3);
  int counts[2] = {0, 0};
  constexpr int kRounds = 4000;
  for (int i = 0; i < kRounds; ++i) {
    const std::size_t k = sel.ready();  // reserves nothing: both stay ready
    ASSERT_LT(k, 2u);
    ++counts[k];
  }
  EXPECT_GT(counts[0], kRounds / 2 - 200);
  EXPECT_GT(counts[1], kRounds / 2 - 200);
}

TEST(Select, BiasedPrefersFirst) {
  auto [tx1, rx1] = make(-1);
  auto [tx2, rx2] = make(-1);
  for (int i = 0; i < 100; ++i) {
    tx1.send(1).unwrap();
    tx2.send(2).unwrap();
  }
  for (int i = 0; i < 100; ++i) {
    auto sel = mpmc::Select::biased();
    sel.recv(rx1);
    sel.recv(rx2);
    auto op = sel.select();
    ASSERT_EQ(op.index(), 0u);
    EXPECT_EQ(op.recv(rx1).unwrap(), 1);
  }
}

TEST(Select, ReadyVariants) {
  auto [tx, rx] = make(1);
  auto [tx2, rx2] = make(1);
  mpmc::Select sel;
  sel.recv(rx);
  const auto s = sel.send(tx2);
  // The send is ready (room in the ring).
  EXPECT_EQ(sel.ready(), s);
  tx2.send(0).unwrap();
  EXPECT_EQ(sel.try_ready().unwrap_err(), mpmc::TryReadyError{});
  EXPECT_TRUE(sel.ready_timeout(20ms).is_err());
  EXPECT_STREQ(mpmc::ReadyTimeoutError::what(), "timed out waiting on ready");
  auto h = fearless::thread::spawn([tx = tx] {
    fearless::thread::sleep(20ms);
    tx.send(1).unwrap();
  });
  EXPECT_EQ(sel.ready_timeout(10s).unwrap(), 0u);
  EXPECT_EQ(rx.recv().unwrap(), 1);
  h.join().unwrap();
}

TEST(Select, RemoveAndEmptySelect) {
  auto [tx, rx] = make(-1);
  auto [tx2, rx2] = make(-1);
  tx.send(1).unwrap();
  mpmc::Select sel;
  const auto a = sel.recv(rx);
  const auto b = sel.recv(rx2);
  sel.remove(a);
  EXPECT_TRUE(sel.try_select().is_err());
  EXPECT_THROW(sel.remove(a), fearless::Panic);
  sel.remove(b);
  EXPECT_TRUE(sel.try_select().is_err());
  EXPECT_TRUE(sel.select_timeout(10ms).is_err());
  EXPECT_TRUE(sel.ready_timeout(10ms).is_err());
  // Forever with nothing to wait for: a panic, not a thread asleep for good.
  EXPECT_THROW((void)sel.select(), fearless::Panic);
  EXPECT_THROW((void)sel.ready(), fearless::Panic);
  EXPECT_THROW((void)sel.select_timeout(std::chrono::hours::max()), fearless::Panic);
  EXPECT_THROW((void)sel.ready_timeout(std::chrono::nanoseconds::max()), fearless::Panic);
  EXPECT_THROW((void)sel.select_deadline(std::chrono::steady_clock::time_point::max()), fearless::Panic);
  EXPECT_THROW((void)sel.ready_deadline(std::chrono::system_clock::time_point::max()), fearless::Panic);
}

// A moved-from Select is empty, like a new one. With more operations than
// live inline, its count pointed past its inline array (the heap part had
// moved away): its selects read beyond the object.
TEST(Select, AMovedFromSelectIsEmptyAndTheNewOneHasEveryOperation) {
  std::vector<std::pair<mpmc::Sender<int>, mpmc::Receiver<int>>> chans;
  for (int i = 0; i < 6; ++i) chans.push_back(make(-1));
  mpmc::Select sel;
  for (auto& c : chans) sel.recv(c.second);
  chans[5].first.send(5).unwrap();
  mpmc::Select moved = std::move(sel);
  EXPECT_TRUE(sel.try_select().is_err());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(sel.try_ready().is_err());
  EXPECT_EQ(sel.recv(chans[0].second), 0u);  // indices start again at 0
  {
    auto op = moved.try_select().unwrap();
    EXPECT_EQ(op.index(), 5u);
    EXPECT_EQ(op.recv(chans[5].second).unwrap(), 5);
  }
  // A copy has the same operations and indices.
  mpmc::Select copy = moved;
  chans[2].first.send(2).unwrap();
  {
    auto op = copy.try_select().unwrap();
    EXPECT_EQ(op.index(), 2u);
    EXPECT_EQ(op.recv(chans[2].second).unwrap(), 2);
  }
  // Move assignment likewise leaves the source empty.
  mpmc::Select target;
  target = std::move(copy);
  EXPECT_TRUE(copy.try_select().is_err());  // NOLINT(bugprone-use-after-move)
  chans[4].first.send(4).unwrap();
  {
    auto op = target.try_select().unwrap();
    EXPECT_EQ(op.index(), 4u);
    EXPECT_EQ(op.recv(chans[4].second).unwrap(), 4);
  }
}

TEST(Select, WrongEndpointPanics) {
  auto [tx, rx] = make(-1);
  auto [tx2, rx2] = make(-1);
  tx.send(1).unwrap();
  mpmc::Select sel;
  sel.recv(rx);
  auto op = sel.select();
  EXPECT_THROW((void)op.recv(rx2), fearless::Panic);
  EXPECT_EQ(op.recv(rx).unwrap(), 1);
}

// As crossbeam (since its #1096): completion names the channel, not the
// endpoint object, so a clone of the added endpoint, or the endpoint it was
// moved into, completes the operation; another channel's endpoint panics.
TEST(Select, CompletingThroughACloneOrAMovedEndpointWorks) {
  auto [tx, rx] = make(-1);
  auto [other_tx, other_rx] = make(-1);
  tx.send(1).unwrap();
  tx.send(2).unwrap();
  const auto rx_clone = rx;
  mpmc::Select sel;
  sel.recv(rx);
  auto op = sel.select();
  try {
    (void)op.recv(other_rx);
    ADD_FAILURE() << "no panic";
  } catch (const fearless::Panic& p) {
    EXPECT_NE(std::string(p.what()).find("does not match the selected operation"), std::string::npos) << p.what();
  }
  EXPECT_EQ(op.recv(rx_clone).unwrap(), 1);

  auto op2 = sel.select();
  const auto moved_rx = std::move(rx);
  EXPECT_EQ(op2.recv(moved_rx).unwrap(), 2);

  const auto tx_clone = tx;
  mpmc::Select sends;
  sends.send(tx);
  auto sop = sends.select();
  EXPECT_THROW((void)sop.send(other_tx, 3), fearless::Panic);
  sop.send(tx_clone, 3).unwrap();
  EXPECT_EQ(moved_rx.recv().unwrap(), 3);
}

// The two sides of one channel are different operations: a chosen send
// completed with recv (or the reverse) panics before touching the channel,
// and the operation can still be completed the right way. Before, the check
// compared channels only, and the wrong side ran its protocol on the slot
// reserved for the other: a bounded(1) recv returned a value nobody sent, an
// unbounded one waited forever, a send lost the queued message. (crossbeam
// compares channel addresses too; its documentation promises the panic.)
TEST(Select, CompletingTheOtherSideOfTheChosenChannelPanics) {
  const auto expect_panic = [](auto&& f, const char* text) {
    try {
      f();
      ADD_FAILURE() << "no panic";
    } catch (const fearless::Panic& p) {
      EXPECT_NE(std::string(p.what()).find(text), std::string::npos) << p.what();
    }
  };
  for (int cap : {-1, 1, 2}) {  // unbounded, bounded(1), bounded(2)
    SCOPED_TRACE(cap);
    auto ends = make(cap);  // not a structured binding: clang 14 cannot capture one
    auto& tx = ends.first;
    auto& rx = ends.second;
    mpmc::Select sends;
    sends.send(tx);
    auto sop = sends.select();
    expect_panic([&] { (void)sop.recv(rx); }, "SelectedOperation::recv: the selected operation is a send on this channel");
    sop.send(tx, 7).unwrap();
    EXPECT_EQ(rx.len(), 1u);

    mpmc::Select recvs;
    recvs.recv(rx);
    auto rop = recvs.select();
    expect_panic([&] { (void)rop.send(tx, 99); }, "SelectedOperation::send: the selected operation is a receive on this channel");
    EXPECT_EQ(rop.recv(rx).unwrap(), 7);
    EXPECT_EQ(rx.try_recv().unwrap_err(), mpmc::TryRecvError::Empty);  // nothing sent by the refused send
  }
  // mpsc ends, through their own Select overloads.
  auto sends_ends = mpsc::sync_channel<int>(2);
  auto& stx = sends_ends.first;
  auto& srx = sends_ends.second;
  mpmc::Select s;
  s.send(stx);
  auto op = s.select();
  expect_panic([&] { (void)op.recv(srx); }, "is a send on this channel");
  op.send(stx, 5).unwrap();
  EXPECT_EQ(srx.len(), 1u);
  EXPECT_EQ(srx.recv().unwrap(), 5);
}

TEST(Select, NewBiasedIsBiased) {
  auto [tx1, rx1] = make(-1);
  auto [tx2, rx2] = make(-1);
  for (int i = 0; i < 50; ++i) {
    tx1.send(1).unwrap();
    tx2.send(2).unwrap();
  }
  for (int i = 0; i < 50; ++i) {
    auto sel = mpmc::Select::new_biased();
    sel.recv(rx2);
    sel.recv(rx1);
    auto op = sel.select();
    ASSERT_EQ(op.index(), 0u);
    EXPECT_EQ(op.recv(rx2).unwrap(), 2);
  }
}

TEST(Select, MpscEndpointsAndTimersMix) {
  auto [tx, rx] = mpsc::channel<int>();
  auto [stx, srx] = mpsc::sync_channel<int>(0);
  auto timeout = mpmc::after(30ms);
  mpmc::Select sel;
  sel.recv(rx);
  sel.send(stx);
  const auto t = sel.recv(timeout);
  auto op = sel.select();
  ASSERT_EQ(op.index(), t);
  EXPECT_TRUE(op.recv(timeout).is_ok());
  tx.send(5).unwrap();
  auto op2 = sel.select();
  ASSERT_EQ(op2.index(), 0u);
  EXPECT_EQ(op2.recv(rx).unwrap(), 5);
}

TEST(SelectForm, HandlersAndDefault) {
  auto [tx1, rx1] = make(-1);
  auto [tx2, rx2] = make(-1);
  int r = mpmc::select(mpmc::on_recv(rx1, [](auto v) { return v.unwrap(); }),
                       mpmc::on_recv(rx2, [](auto v) { return v.unwrap() * 10; }),
                       mpmc::on_default([] { return -1; }));
  EXPECT_EQ(r, -1);
  tx2.send(4).unwrap();
  r = mpmc::select(mpmc::on_recv(rx1, [](auto v) { return v.unwrap(); }),
                   mpmc::on_recv(rx2, [](auto v) { return v.unwrap() * 10; }));
  EXPECT_EQ(r, 40);
  std::string which;
  mpmc::select(mpmc::on_recv(rx1, [&](auto) { which = "rx1"; }),
               mpmc::on_timeout(20ms, [&] { which = "timeout"; }));
  EXPECT_EQ(which, "timeout");
  auto [tx3, rx3] = make(1);
  mpmc::select(mpmc::on_send(tx3, 9, [&](auto res) { which = res.is_ok() ? "sent" : "failed"; }),
               mpmc::on_recv(rx1, [&](auto) { which = "rx1"; }));
  EXPECT_EQ(which, "sent");
  EXPECT_EQ(rx3.recv().unwrap(), 9);
  // biased form picks the first ready arm
  tx1.send(1).unwrap();
  tx2.send(2).unwrap();
  r = mpmc::select_biased(mpmc::on_recv(rx1, [](auto v) { return v.unwrap(); }),
                          mpmc::on_recv(rx2, [](auto v) { return v.unwrap(); }));
  EXPECT_EQ(r, 1);
  r = mpmc::select(mpmc::on_recv(rx1, [](auto v) { return v.unwrap(); }),
                   mpmc::on_recv(rx2, [](auto v) { return v.unwrap(); }),
                   mpmc::on_deadline(std::chrono::steady_clock::now() + 1s, [] { return 0; }));
  EXPECT_EQ(r, 2);
}

TEST(SelectStress, ManySelectorsAgainstManySenders) {
  for (int cap : {-1, 0, 1, 8}) {
    auto [tx1, rx1] = make(cap);
    auto [tx2, rx2] = make(cap);
    constexpr int kPer = 2000;
    std::atomic<long> sum{0}, count{0};
    std::vector<fearless::thread::JoinHandle<void>> hs;
    for (int s = 0; s < 2; ++s) {
      hs.push_back(fearless::thread::spawn([tx = tx1] {
        for (int i = 0; i < kPer; ++i) tx.send(i).unwrap();
      }));
      hs.push_back(fearless::thread::spawn([tx = tx2] {
        for (int i = 0; i < kPer; ++i) tx.send(i).unwrap();
      }));
    }
    std::vector<fearless::thread::JoinHandle<void>> rs;
    for (int r = 0; r < 2; ++r)
      rs.push_back(fearless::thread::spawn([&, rx1 = rx1, rx2 = rx2] {
        bool d1 = false, d2 = false;
        while (!(d1 && d2)) {
          mpmc::Select sel;
          const auto a = d1 ? SIZE_MAX : sel.recv(rx1);
          const auto b = d2 ? SIZE_MAX : sel.recv(rx2);
          (void)b;
          auto op = sel.select();
          auto res = op.index() == a ? op.recv(rx1) : op.recv(rx2);
          if (res.is_ok()) {
            sum += res.unwrap();
            ++count;
          } else if (op.index() == a) {
            d1 = true;
          } else {
            d2 = true;
          }
        }
      }));
    for (auto& h : hs) h.join().unwrap();
    { auto d = std::move(tx1); }
    { auto d = std::move(tx2); }
    for (auto& h : rs) h.join().unwrap();
    EXPECT_EQ(count.load(), 4L * kPer);
    EXPECT_EQ(sum.load(), 4L * (kPer * (kPer - 1L) / 2));
  }
}

// ---- whom a waiting list hands to a peer -------------------------------------
//
// A receiver that takes a selecting sender off a rendezvous channel's list
// then waits until that sender's thread runs and writes the message, so the
// list prefers entries whose thread is polling on a CPU (Context::on_cpu)
// over ones that would have to be scheduled first; entries that can be
// completed at once keep their order of arrival.

namespace {
namespace chan = fearless::detail::chan;

// Puts an entry on `list` from a thread of its own (a list never hands an
// entry to the thread that made it), with the given hints, and keeps it
// registered until release().
class Waiter {
 public:
  Waiter(chan::Waker& list, std::mutex& m, bool quick, bool on_cpu)
      : th_([this, &list, &m, quick, on_cpu] {
          chan::Context::with([&](chan::Context& cx) {
            {
              std::lock_guard g(m);
              list.register_with_packet(oper(), nullptr, cx, quick);
            }
            cx.advertise(on_cpu);
            registered_.count_down();
            released_.wait();
            cx.advertise(false);
          });
        }) {
    registered_.wait();
  }
  ~Waiter() {
    release();
    th_.join();
  }
  chan::Operation oper() const noexcept { return chan::hook(&tag_); }
  void release() {
    if (!done_) released_.count_down();
    done_ = true;
  }

 private:
  char tag_ = 0;
  bool done_ = false;
  std::latch registered_{1};
  std::latch released_{1};
  std::thread th_;
};

// The operations `list` hands out, in order, until it has none left to hand.
std::vector<chan::Operation> drain(chan::Waker& list, std::mutex& m) {
  std::vector<chan::Operation> got;
  for (;;) {
    std::lock_guard g(m);
    auto e = list.try_select();
    if (!e) return got;
    EXPECT_EQ(e->cx->selected(), e->oper);  // the entry's context was selected for it
    got.push_back(e->oper);
  }
}
}  // namespace

TEST(SelectWaitingList, PrefersAWaiterThatIsOnACpuWhenThePickerMustWaitForIt) {
  chan::Waker list;
  std::mutex m;
  Waiter off(list, m, /*quick=*/false, /*on_cpu=*/false);
  Waiter on(list, m, /*quick=*/false, /*on_cpu=*/true);
  EXPECT_EQ(drain(list, m), (std::vector<chan::Operation>{on.oper(), off.oper()}));
}

TEST(SelectWaitingList, EntriesThatCompleteAtOnceKeepTheirOrderOfArrival) {
  chan::Waker list;
  std::mutex m;
  Waiter first(list, m, /*quick=*/true, /*on_cpu=*/false);
  Waiter slow_off(list, m, /*quick=*/false, /*on_cpu=*/false);
  Waiter slow_on(list, m, /*quick=*/false, /*on_cpu=*/true);
  Waiter second(list, m, /*quick=*/true, /*on_cpu=*/false);
  // Quick entries and on-CPU ones in list order, then the rest.
  EXPECT_EQ(drain(list, m),
            (std::vector<chan::Operation>{first.oper(), slow_on.oper(), second.oper(), slow_off.oper()}));
}

TEST(SelectWaitingList, AWaiterAlreadySelectedElsewhereIsPassedOver) {
  chan::Waker a, b;
  std::mutex m;
  // One thread, registered on two lists (as a select is): once list `a`
  // has handed it out, list `b` must not hand it out again.
  std::latch registered{1}, released{1};
  chan::Operation on_a = 0, on_b = 0;
  char ta = 0, tb = 0;
  std::thread th([&] {
    chan::Context::with([&](chan::Context& cx) {
      on_a = chan::hook(&ta);
      on_b = chan::hook(&tb);
      {
        std::lock_guard g(m);
        a.register_with_packet(on_a, nullptr, cx, false);
        b.register_with_packet(on_b, nullptr, cx, false);
      }
      registered.count_down();
      released.wait();
    });
  });
  registered.wait();
  Waiter other(b, m, /*quick=*/false, /*on_cpu=*/false);
  EXPECT_EQ(drain(a, m), (std::vector<chan::Operation>{on_a}));
  EXPECT_EQ(drain(b, m), (std::vector<chan::Operation>{other.oper()}));
  released.count_down();
  th.join();
  std::lock_guard g(m);
  EXPECT_TRUE(b.unregister(on_b).has_value());  // still listed until its owner takes it off
}
