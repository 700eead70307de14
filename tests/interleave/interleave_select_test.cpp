// Interleaving exploration of Select where it waits: selects on both ends of
// rendezvous channels (the selecting sender's packet lent to the receiver and
// handed back), a select that times out while a sender arrives, and selecting
// senders whose receiver leaves. The unbiased Select draws its choices from
// the exploration's seeded generator, so the exhaustive searches replay them.
#include <gtest/gtest.h>

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

Options bounded(int pb) {
  Options o;
  o.preemption_bound = pb;
  o.max_executions = 50000;
  return o;
}

// Two threads select over the two ends of two rendezvous channels, crossed:
// the first may send on `a` or receive on `b`, the second may receive on `a`
// or send on `b`. They must meet on exactly one channel, the value passing
// once; neither may wait for ever.
void crossed_rendezvous(Execution& ex) {
  auto a = mpmc::bounded<int>(0);
  auto b = mpmc::bounded<int>(0);
  int first_got = 0, second_got = 0, first_sent = 0, second_sent = 0, bad = 0;
  ex.spawn([&] {
    mpmc::Select sel;
    const std::size_t send_a = sel.send(a.first);
    const std::size_t recv_b = sel.recv(b.second);
    auto op = sel.select();
    if (op.index() == send_a) {
      first_sent += op.send(a.first, 1).is_ok();
    } else if (op.index() == recv_b) {
      auto r = op.recv(b.second);
      if (r.is_ok()) first_got = r.unwrap(); else ++bad;
    }
  });
  ex.spawn([&] {
    mpmc::Select sel;
    const std::size_t recv_a = sel.recv(a.second);
    const std::size_t send_b = sel.send(b.first);
    auto op = sel.select();
    if (op.index() == recv_a) {
      auto r = op.recv(a.second);
      if (r.is_ok()) second_got = r.unwrap(); else ++bad;
    } else if (op.index() == send_b) {
      second_sent += op.send(b.first, 2).is_ok();
    }
  });
  if (!ex.run()) return;
  ex.check(bad == 0, "no receive failed");
  const bool met_on_a = first_sent == 1 && second_got == 1 && second_sent == 0 && first_got == 0;
  const bool met_on_b = second_sent == 1 && first_got == 2 && first_sent == 0 && second_got == 0;
  ex.check(met_on_a != met_on_b, "the two selects met on exactly one channel: sent " + std::to_string(first_sent) +
                                     "/" + std::to_string(second_sent) + ", got " + std::to_string(first_got) + "/" +
                                     std::to_string(second_got));
}

TEST(InterleaveSelect, CrossedRendezvousSelectsMeetOnce) {
  const Report r = Explorer::exhaustive(crossed_rendezvous, bounded(2));
  show("crossed selects on two rendezvous channels, exhaustive pb=2", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
  const Report rr = Explorer::random(crossed_rendezvous, 31, 2000);
  show("crossed selects on two rendezvous channels, random", rr);
  EXPECT_FALSE(rr.failed) << rr.failure;
}

// A select with a timeout over a rendezvous and a bounded(1) channel, while
// a timed sender offers on the rendezvous and a plain sender fills the
// bounded one. Whatever the select took was sent exactly once; what it did
// not take is still in the bounded channel or came back to the timed sender.
void select_timeout_vs_senders(Execution& ex) {
  auto z = mpmc::bounded<int>(0);
  auto q = mpmc::bounded<int>(1);
  int got_z = 0, got_q = 0, timed_out = 0, bad = 0, z_sent = 0, z_back = 0;
  ex.spawn([&] {
    mpmc::Select sel;
    const std::size_t iz = sel.recv(z.second);
    const std::size_t iq = sel.recv(q.second);
    auto res = sel.select_timeout(std::chrono::milliseconds(1));
    if (res.is_err()) {
      ++timed_out;
      return;
    }
    auto op = std::move(res).unwrap();
    if (op.index() == iz) {
      auto r = op.recv(z.second);
      if (r.is_ok() && r.unwrap() == 10) ++got_z; else ++bad;
    } else if (op.index() == iq) {
      auto r = op.recv(q.second);
      if (r.is_ok() && r.unwrap() == 20) ++got_q; else ++bad;
    }
  });
  ex.spawn([&] {
    auto r = z.first.send_timeout(10, std::chrono::milliseconds(1));
    if (r.is_ok()) {
      ++z_sent;
    } else {
      z_back += r.unwrap_err().is_timeout() && std::move(r).unwrap_err().into_inner() == 10;
    }
  });
  ex.spawn([&] { bad += q.first.send(20).is_err(); });
  if (!ex.run()) return;
  const int q_left = q.second.try_recv().is_ok() ? 1 : 0;
  ex.check(bad == 0, "no wrong value and no failed operation");
  ex.check(got_z + got_q + timed_out == 1, "the select took one message or timed out");
  ex.check(z_sent + z_back == 1, "the timed send went through or came back with its value");
  ex.check(got_z == z_sent, "a rendezvous send completed exactly when the select took it");
  ex.check(got_q + q_left == 1, "the bounded channel's message was taken or is still there");
}

TEST(InterleaveSelect, SelectTimeoutAgainstTimedAndPlainSenders) {
  const Report r = Explorer::exhaustive(select_timeout_vs_senders, bounded(1));
  show("select_timeout vs a timed rendezvous sender and a bounded sender, exhaustive pb=1 with time-outs", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
  const Report rr = Explorer::random(select_timeout_vs_senders, 37, 2000);
  show("select_timeout vs a timed rendezvous sender and a bounded sender, random", rr);
  EXPECT_FALSE(rr.failed) << rr.failure;
}

// Two selecting senders on one rendezvous channel; the receiver takes one
// message and leaves. One send completes and is received; the other comes
// back with Disconnected (its select wakes up, it is not left waiting).
void selecting_senders_receiver_leaves(Execution& ex) {
  auto ends = mpmc::bounded<int>(0);
  auto& tx = ends.first;
  std::optional<mpmc::Receiver<int>> rx(std::move(ends.second));
  int sent = 0, back = 0, got = 0, bad = 0;
  for (int v = 1; v <= 2; ++v) {
    ex.spawn([&, v, tx = tx] {
      mpmc::Select sel;
      sel.send(tx);
      auto op = sel.select();
      auto r = op.send(tx, v);
      if (r.is_ok()) ++sent; else back += std::move(r).unwrap_err().into_inner() == v;
    });
  }
  ex.spawn([&] {
    auto r = rx->recv();
    if (r.is_ok() && (r.unwrap() == 1 || r.unwrap() == 2)) ++got; else ++bad;
    rx.reset();
  });
  if (!ex.run()) return;
  ex.check(bad == 0 && got == 1, "the receiver got one of the two values");
  ex.check(sent == 1 && back == 1, "one send completed, the other came back: sent " + std::to_string(sent) +
                                       ", back " + std::to_string(back));
}

TEST(InterleaveSelect, SelectingSendersWhenTheReceiverLeaves) {
  const Report r = Explorer::exhaustive(selecting_senders_receiver_leaves, bounded(1));
  show("two selecting senders, receiver takes one and leaves, exhaustive pb=1", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
  const Report rr = Explorer::random(selecting_senders_receiver_leaves, 41, 2000);
  show("two selecting senders, receiver takes one and leaves, random", rr);
  EXPECT_FALSE(rr.failed) << rr.failure;
}

}  // namespace
