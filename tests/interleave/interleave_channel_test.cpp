// Interleaving exploration of the channels: send/recv/disconnect on every
// flavour (unbounded, bounded, rendezvous) with blocking on both sides, and
// Select with two ready channels.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "fearless/sync/mpmc.hpp"
#include "scheduler.hpp"

namespace {

namespace mpmc = fearless::sync::mpmc;
using fearless_test::interleave::Execution;
using fearless_test::interleave::Explorer;
using fearless_test::interleave::Options;
using fearless_test::interleave::Report;
using fearless_test::interleave::show;

enum class Flavour { kUnbounded, kBounded1, kRendezvous };

std::pair<mpmc::Sender<int>, mpmc::Receiver<int>> make(Flavour f) {
  switch (f) {
    case Flavour::kUnbounded: return mpmc::unbounded<int>();
    case Flavour::kBounded1: return mpmc::bounded<int>(1);
    default: return mpmc::bounded<int>(0);
  }
}

// A producer sends 1, 2 and disconnects; a consumer receives until
// disconnected. Both sides block (full / empty / rendezvous).
void send_recv_disconnect(Execution& ex, Flavour f) {
  auto ends = make(f);
  std::optional<mpmc::Sender<int>> tx(std::move(ends.first));
  mpmc::Receiver<int> rx = std::move(ends.second);
  int got[3] = {0, 0, 0};
  int n = 0;
  bool send_failed = false;
  ex.spawn([&] {
    send_failed = tx->send(1).is_err() || tx->send(2).is_err();
    tx.reset();  // disconnect
  });
  ex.spawn([&] {
    for (;;) {
      auto r = rx.recv();
      if (r.is_err()) break;
      if (n < 3) got[n] = r.unwrap();
      ++n;
    }
  });
  if (!ex.run()) return;
  ex.check(!send_failed, "send failed with a receiver alive");
  ex.check(n == 2 && got[0] == 1 && got[1] == 2, "received in order exactly once, n=" + std::to_string(n));
}

// The receiver leaves while the sender may be blocked: the send fails and
// hands the value back, or it went through before.
void receiver_leaves(Execution& ex, Flavour f) {
  auto ends = make(f);
  mpmc::Sender<int> tx = std::move(ends.first);
  std::optional<mpmc::Receiver<int>> rx(std::move(ends.second));
  int sent = 0, back = 0, received = 0;
  ex.spawn([&] {
    for (int i = 1; i <= 2; ++i) {
      auto r = tx.send(i);
      if (r.is_ok()) {
        ++sent;
      } else {
        back += std::move(r).unwrap_err().into_inner() == i;
        break;
      }
    }
  });
  ex.spawn([&] {
    auto r = rx->try_recv();
    received += r.is_ok();
    rx.reset();
  });
  if (!ex.run()) return;
  ex.check(received <= sent, "received more than sent");
  ex.check(sent + back >= 1 && sent <= 2, "the first send either went through or came back: sent=" + std::to_string(sent) + " back=" + std::to_string(back) + " received=" + std::to_string(received));
  ex.check(f != Flavour::kRendezvous || sent == received, "rendezvous: a completed send was received");
}

Options bounded(int pb) {
  Options o;
  o.preemption_bound = pb;
  o.max_executions = 20000;
  return o;
}

TEST(InterleaveChannel, SendRecvDisconnectAllFlavours) {
  for (Flavour f : {Flavour::kUnbounded, Flavour::kBounded1, Flavour::kRendezvous}) {
    const Report r = Explorer::exhaustive([f](Execution& ex) { send_recv_disconnect(ex, f); }, bounded(2));
    const char* names[] = {"unbounded send/recv/disconnect, exhaustive pb=2", "bounded(1) send/recv/disconnect, exhaustive pb=2",
                           "rendezvous send/recv/disconnect, exhaustive pb=2"};
    show(names[static_cast<int>(f)], r);
    EXPECT_FALSE(r.failed) << r.failure;
    const Report rr = Explorer::random([f](Execution& ex) { send_recv_disconnect(ex, f); }, 17, 1000);
    EXPECT_FALSE(rr.failed) << rr.failure;
  }
}

TEST(InterleaveChannel, ReceiverLeavesAllFlavours) {
  for (Flavour f : {Flavour::kUnbounded, Flavour::kBounded1, Flavour::kRendezvous}) {
    const Report r = Explorer::exhaustive([f](Execution& ex) { receiver_leaves(ex, f); }, bounded(2));
    show("receiver leaves while sending, exhaustive pb=2", r);
    EXPECT_FALSE(r.failed) << r.failure;
  }
}

// Two senders on an unbounded channel; the receiver polls with try_recv
// (which gives up a slot whose sender has reserved but not yet filled it;
// that sender then sends its message again) and finishes with recv. Each
// message arrives exactly once, and the second message of a sender never
// before its first.
void try_recv_gives_up_slots(Execution& ex) {
  auto ends = mpmc::unbounded<int>();
  auto& tx = ends.first;
  auto& rx = ends.second;
  int got[4] = {0, 0, 0, 0};
  int n = 0, bad = 0;
  ex.spawn([&, tx = tx] {
    bad += tx.send(1).is_err();
    bad += tx.send(2).is_err();
  });
  ex.spawn([&, tx = tx] { bad += tx.send(3).is_err(); });
  ex.spawn([&] {
    for (int i = 0; i < 3 && n < 3; ++i) {
      auto r = rx.try_recv();
      if (r.is_ok()) got[n++] = r.unwrap();
    }
    while (n < 3) {
      auto r = rx.recv();
      if (r.is_err()) {
        ++bad;
        break;
      }
      got[n++] = r.unwrap();
    }
  });
  if (!ex.run()) return;
  int seen[4] = {0, 0, 0, 0};
  int pos1 = -1, pos2 = -1;
  for (int i = 0; i < n; ++i) {
    if (got[i] >= 1 && got[i] <= 3) ++seen[got[i]];
    if (got[i] == 1) pos1 = i;
    if (got[i] == 2) pos2 = i;
  }
  ex.check(bad == 0 && n == 3 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1, "each message exactly once");
  ex.check(pos1 < pos2, "a sender's messages in order");
}

TEST(InterleaveChannel, TryRecvGivesUpUnwrittenSlots) {
  const Report r = Explorer::exhaustive([](Execution& ex) { try_recv_gives_up_slots(ex); }, bounded(1));
  show("unbounded try_recv gives up unwritten slots, exhaustive pb=1", r);
  EXPECT_FALSE(r.failed) << r.failure;
  const Report rr = Explorer::random([](Execution& ex) { try_recv_gives_up_slots(ex); }, 23, 1000);
  EXPECT_FALSE(rr.failed) << rr.failure;
}

// Two senders and two receivers cross a block boundary of an unbounded
// channel: the set-up fills and drains all but the last two slots of the
// first block, so the four messages take those two slots and the first two of
// the next block. Explores installing the next block (by the sender of the
// last slot), moving the head to it (by the receiver of the last slot) and
// freeing the first block while another receiver may still be reading it.
// Every message arrives exactly once, each sender's in order.
void block_boundary(Execution& ex) {
  constexpr int kFill = static_cast<int>(fearless::detail::chan::List<int>::kSlotsPerBlock) - 2;
  auto ends = mpmc::unbounded<int>();
  auto& tx = ends.first;
  auto& rx = ends.second;
  for (int i = 0; i < kFill; ++i) (void)tx.send(-1);
  for (int i = 0; i < kFill; ++i) (void)rx.recv();
  int got[2][2] = {{0, 0}, {0, 0}};
  int bad = 0;
  ex.spawn([&, tx = tx] {
    bad += tx.send(1).is_err();
    bad += tx.send(2).is_err();
  });
  ex.spawn([&, tx = tx] {
    bad += tx.send(3).is_err();
    bad += tx.send(4).is_err();
  });
  for (int r = 0; r < 2; ++r) {
    ex.spawn([&, r, rx = rx] {
      for (int k = 0; k < 2; ++k) {
        auto m = rx.recv();
        if (m.is_err()) {
          ++bad;
          return;
        }
        got[r][k] = m.unwrap();
      }
    });
  }
  if (!ex.run()) return;
  int seen[5] = {0, 0, 0, 0, 0};
  for (auto& g : got)
    for (int v : g)
      if (v >= 1 && v <= 4) ++seen[v]; else ++bad;
  ex.check(bad == 0 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1 && seen[4] == 1, "each message exactly once");
  // A receiver that got both messages of one sender got them in order.
  for (auto& g : got) ex.check(!(g[0] == 2 && g[1] == 1) && !(g[0] == 4 && g[1] == 3), "a sender's messages in order");
  ex.check(rx.is_empty() && rx.len() == 0, "empty afterwards");
}

// Random schedules only: the exhaustive search has no fairness, so it
// enumerates schedules where two waiters spinning at the boundary take turns
// forever while the thread they wait for is never picked, and runs out of
// steps on them.
TEST(InterleaveChannel, UnboundedBlockBoundary) {
  Options o;
  o.max_steps = 100000;
  const Report r = Explorer::random([](Execution& ex) { block_boundary(ex); }, 29, 3000, o);
  show("unbounded 2+2 threads across a block boundary, random", r);
  EXPECT_FALSE(r.failed) << r.failure;
}

// Two producers on two channels, one consumer selecting over both until it
// has both messages; each message is received once, from its own channel.
// Select picks at random among ready operations (under the scheduler, from
// its seeded generator, so replays choose the same); the exhaustive search
// here takes Select::biased(), interleave_explorer_test the unbiased form.
void select_two_ready(Execution& ex, bool biased) {
  auto a = mpmc::bounded<int>(1);
  auto b = mpmc::unbounded<int>();
  int from_a = 0, from_b = 0, bad = 0;
  ex.spawn([&] { (void)a.first.send(10); });
  ex.spawn([&] { (void)b.first.send(20); });
  ex.spawn([&] {
    while (from_a + from_b < 2) {
      mpmc::Select sel = biased ? mpmc::Select::biased() : mpmc::Select();
      const auto ia = sel.recv(a.second);
      const auto ib = sel.recv(b.second);
      auto op = sel.select();
      if (op.index() == ia) {
        auto r = op.recv(a.second);
        if (r.is_ok() && r.unwrap() == 10) ++from_a; else ++bad;
      } else if (op.index() == ib) {
        auto r = op.recv(b.second);
        if (r.is_ok() && r.unwrap() == 20) ++from_b; else ++bad;
      } else {
        ++bad;
      }
    }
  });
  if (!ex.run()) return;
  ex.check(bad == 0 && from_a == 1 && from_b == 1, "each message once from its own channel");
}

TEST(InterleaveChannel, SelectTwoReadyChannels) {
  const Report r = Explorer::exhaustive([](Execution& ex) { select_two_ready(ex, true); }, bounded(1));
  show("biased select over two channels, exhaustive pb=1", r);
  EXPECT_FALSE(r.failed) << r.failure;
  const Report rr = Explorer::random([](Execution& ex) { select_two_ready(ex, false); }, 23, 1500);
  show("select over two channels, random", rr);
  EXPECT_FALSE(rr.failed) << rr.failure;
}

// recv_timeout racing a send (time-outs are a scheduler branch): the message
// is received by the timed receive or, if that timed out, is still there.
// And a timed send on a full/rendezvous channel either went through (and is
// received) or came back with Timeout.
void timed_ops(Execution& ex, Flavour f) {
  auto ends = make(f);
  mpmc::Sender<int> tx = std::move(ends.first);
  mpmc::Receiver<int> rx = std::move(ends.second);
  int got = 0, timed_out = 0, sent = 0, back = 0;
  ex.spawn([&] {
    auto r = tx.send_timeout(7, std::chrono::milliseconds(3));
    if (r.is_ok()) {
      ++sent;
    } else {
      back += r.unwrap_err().is_timeout() && std::move(r).unwrap_err().into_inner() == 7;
    }
  });
  ex.spawn([&] {
    auto r = rx.recv_timeout(std::chrono::milliseconds(3));
    if (r.is_ok()) got += r.unwrap() == 7;
    else timed_out += r.unwrap_err().is_timeout();
  });
  if (!ex.run()) return;
  ex.check(sent + back == 1, "the timed send went through or came back");
  ex.check(got + timed_out == 1, "the timed receive got the message or timed out");
  const int later = rx.try_recv().is_ok() ? 1 : 0;
  ex.check(got + later == sent, "every sent message received exactly once");
}

TEST(InterleaveChannel, TimedSendAndReceive) {
  for (Flavour f : {Flavour::kUnbounded, Flavour::kBounded1, Flavour::kRendezvous}) {
    const Report r = Explorer::exhaustive([f](Execution& ex) { timed_ops(ex, f); }, bounded(2));
    show("send_timeout vs recv_timeout, exhaustive pb=2 with time-outs", r);
    EXPECT_FALSE(r.failed) << r.failure;
  }
}

}  // namespace
