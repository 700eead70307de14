// Faults in channels: a message type whose moves throw (every k-th move, from
// any thread). A send that throws has not sent (the message is destroyed by
// the caller's unwinding, never delivered); a receive that throws leaves the
// message in the channel, first in line. Accounting: the messages received
// are exactly those whose send returned Ok, each once; every value is
// destroyed exactly once; the channel keeps working. Covers every flavour,
// blocking/try/timeout operations and Select.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <new>
#include <optional>
#include <random>
#include <vector>

#include "fearless/sync/mpmc.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/thread.hpp"
#include "stress_common.hpp"

namespace {

namespace mpmc = fearless::sync::mpmc;
namespace mpsc = fearless::sync::mpsc;
using fearless_stress::InjectedFault;
using fearless_stress::Ledger;
using fearless_stress::scaled;
using fearless_stress::Tracked;
using std::chrono::microseconds;

struct Outcome {
  std::vector<std::atomic<std::uint8_t>> sent_ok;
  std::atomic<std::uint64_t> send_faults{0}, recv_faults{0}, fifo{0};
  explicit Outcome(std::size_t n) : sent_ok(n) {}
};

// Sends message `id` once (retrying Full and Timeout with the value handed
// back). False if disconnected. Throws InjectedFault if a move threw: then the
// message was not sent, and it is destroyed exactly once on the way out.
template <class Tx>
bool send_once(const Tx& tx, Ledger& L, std::uint32_t p, std::uint32_t s, std::uint32_t id, unsigned how,
               Outcome& out) {
  Tracked msg(&L, p, s, id);
  try {
    if constexpr (requires { tx.try_send(Tracked()); }) {
      if (how == 1) {
        for (;;) {
          auto r = tx.try_send(std::move(msg));
          if (r.is_ok()) return true;
          if (r.unwrap_err().is_disconnected()) return false;
          msg = std::move(r).unwrap_err().into_inner();
          fearless::thread::yield_now();
        }
      }
      if (how == 2) {
        for (;;) {
          auto r = tx.send_timeout(std::move(msg), microseconds(50));
          if (r.is_ok()) return true;
          if (r.unwrap_err().is_disconnected()) return false;
          msg = std::move(r).unwrap_err().into_inner();
        }
      }
    }
    return tx.send(std::move(msg)).is_ok();
  } catch (const InjectedFault&) {
    out.send_faults.fetch_add(1, std::memory_order_relaxed);
    throw;
  }
}

template <class Tx>
void producer(const Tx& tx, Ledger& L, std::uint32_t p, std::size_t per, Outcome& out, std::vector<char>& created) {
  std::mt19937 rng(p);
  for (std::size_t s = 0; s < per; ++s) {
    const auto id = static_cast<std::uint32_t>(p * per + s);
    created[id] = 1;
    bool ok = false;
    try {
      ok = send_once(tx, L, p, static_cast<std::uint32_t>(s), id, rng() % 3, out);
    } catch (const InjectedFault&) {
      continue;  // not sent; the value was destroyed by the unwinding
    }
    if (!ok) return;
    out.sent_ok[id].store(1, std::memory_order_relaxed);
  }
}

// Receives until disconnected, retrying receives that throw. A received
// message is inspected in place (no further move that could throw and lose it).
template <class Rx>
void consumer(const Rx& rx, std::size_t producers, Outcome& out, bool check_fifo) {
  std::vector<std::int64_t> last(producers, -1);
  std::mt19937 rng(77);
  auto take = [&](const Tracked& m) {
    if (check_fifo) {
      auto& l = last[m.producer()];
      if (static_cast<std::int64_t>(m.seq()) <= l) out.fifo.fetch_add(1);
      l = m.seq();
    }
    m.mark_received();
  };
  for (;;) {
    try {
      const unsigned how = rng() % 3;
      if (how == 0) {
        auto r = rx.recv();
        if (r.is_err()) return;
        take(r.unwrap());
      } else if (how == 1) {
        auto r = rx.try_recv();
        if (r.is_ok()) {
          take(r.unwrap());
        } else if (r.unwrap_err().is_disconnected()) {
          return;
        } else {
          fearless::thread::yield_now();
        }
      } else {
        auto r = rx.recv_timeout(microseconds(100));
        if (r.is_ok()) {
          take(r.unwrap());
        } else if (r.unwrap_err().is_disconnected()) {
          return;
        }
      }
    } catch (const InjectedFault&) {
      out.recv_faults.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void verify(const Ledger& L, const Outcome& out, const std::vector<char>& created, bool fifo_checked) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < created.size(); ++i) {
    const auto d = L.destroyed[i].load();
    const auto r = L.received[i].load();
    const bool ok = out.sent_ok[i].load() != 0;
    if ((d != (created[i] ? 1u : 0u) || r != (ok ? 1u : 0u)) && bad++ < 5) {
      ADD_FAILURE() << "value " << i << ": created " << int(created[i]) << ", send ok " << ok << ", received " << r
                    << ", destroyed " << d;
    }
  }
  EXPECT_EQ(bad, 0u);
  EXPECT_EQ(L.live.load(), 0);
  if (fifo_checked) {
    EXPECT_EQ(out.fifo.load(), 0u);
  }
  EXPECT_GT(out.send_faults.load() + out.recv_faults.load(), 0u) << "no fault was injected";
}

template <class Make>
void mpmc_faults(Make make, std::uint64_t every) {
  const std::size_t producers = 3, consumers = 2, per = scaled(10000, 50), total = producers * per;
  Ledger L(total);
  L.fail_every.store(every);
  Outcome out(total);
  std::vector<char> created(total, 0);
  {
    auto ends = make();  // not a structured binding: clang 14 cannot capture those
    auto& tx = ends.first;
    auto& rx = ends.second;
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      for (std::size_t p = 0; p < producers; ++p)
        s.spawn([&, p, t = tx.clone()] { producer(t, L, static_cast<std::uint32_t>(p), per, out, created); });
      for (std::size_t c = 0; c < consumers; ++c) s.spawn([&, r = rx.clone()] { consumer(r, producers, out, false); });
      { auto x = std::move(tx); }
      { auto x = std::move(rx); }
    });
  }
  verify(L, out, created, false);
}

template <class Make>
void mpsc_faults(Make make, std::uint64_t every) {
  const std::size_t producers = 3, per = scaled(10000, 50), total = producers * per;
  Ledger L(total);
  L.fail_every.store(every);
  Outcome out(total);
  std::vector<char> created(total, 0);
  {
    auto ends = make();  // not a structured binding: clang 14 cannot capture those
    auto& tx = ends.first;
    auto& rx = ends.second;
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      for (std::size_t p = 0; p < producers; ++p)
        s.spawn([&, p, t = tx.clone()] { producer(t, L, static_cast<std::uint32_t>(p), per, out, created); });
      s.spawn([&, r = std::move(rx)] { consumer(r, producers, out, true); });
      { auto x = std::move(tx); }
    });
  }
  verify(L, out, created, true);
}

TEST(ChannelFaults, ThrowingMovesMpmcUnbounded) { mpmc_faults([] { return mpmc::unbounded<Tracked>(); }, 7); }
TEST(ChannelFaults, ThrowingMovesMpmcBounded) {
  mpmc_faults([] { return mpmc::bounded<Tracked>(2); }, 5);
  mpmc_faults([] { return mpmc::bounded<Tracked>(64); }, 11);
}
TEST(ChannelFaults, ThrowingMovesMpmcRendezvous) { mpmc_faults([] { return mpmc::bounded<Tracked>(0); }, 6); }
TEST(ChannelFaults, ThrowingMovesMpscAllFlavours) {
  mpsc_faults([] { return mpsc::channel<Tracked>(); }, 7);
  mpsc_faults([] { return mpsc::sync_channel<Tracked>(3); }, 5);
  mpsc_faults([] { return mpsc::sync_channel<Tracked>(0); }, 9);
}

// A receive that throws leaves its message first in line: single-threaded,
// exact order.
TEST(ChannelFaults, FailedReceiveKeepsTheMessageFirst) {
  for (int flavour = 0; flavour < 2; ++flavour) {
    Ledger L(8);
    auto [tx, rx] = flavour == 0 ? mpmc::unbounded<Tracked>() : mpmc::bounded<Tracked>(8);
    for (std::uint32_t i = 0; i < 8; ++i) ASSERT_TRUE(tx.send(Tracked(&L, 0, i, i)).is_ok());
    L.fail_every.store(1);  // every move throws now
    L.moves.store(0);
    EXPECT_THROW((void)rx.recv(), InjectedFault);
    EXPECT_THROW((void)rx.try_recv(), InjectedFault);
    EXPECT_EQ(rx.len(), 8u);
    L.fail_every.store(0);
    for (std::uint32_t i = 0; i < 8; ++i) {
      auto r = rx.try_recv();
      ASSERT_TRUE(r.is_ok());
      EXPECT_EQ(r.unwrap().seq(), i);
    }
    EXPECT_TRUE(rx.try_recv().is_err());
  }
}

// Select: the receive of a selected operation throws; the message stays.
TEST(ChannelFaults, SelectedReceiveThatThrows) {
  Ledger L(4);
  auto [t1, r1] = mpmc::unbounded<Tracked>();
  auto [t2, r2] = mpmc::bounded<Tracked>(2);
  ASSERT_TRUE(t1.send(Tracked(&L, 0, 0, 0)).is_ok());
  ASSERT_TRUE(t2.send(Tracked(&L, 1, 0, 1)).is_ok());
  L.fail_every.store(1);
  for (int round = 0; round < 2; ++round) {
    mpmc::Select sel;
    const auto i1 = sel.recv(r1);
    const auto i2 = sel.recv(r2);
    auto op = sel.select();
    EXPECT_THROW((void)(op.index() == i1 ? op.recv(r1) : op.recv(r2)), InjectedFault);
    (void)i2;
  }
  L.fail_every.store(0);
  EXPECT_EQ(r1.recv().unwrap().id(), 0u);
  EXPECT_EQ(r2.recv().unwrap().id(), 1u);
  { auto x = std::move(t1); }
  { auto x = std::move(t2); }
  EXPECT_TRUE(r1.recv().is_err());
  EXPECT_EQ(L.live.load(), 0);
}

// Allocation failure in the unbounded channel (injected through
// detail::chan::inject_block_alloc_failures): the send reports an error and
// hands the value back, nothing is reserved, and the channel goes on working.
TEST(ChannelFaults, UnboundedAllocationFailureHandsTheValueBack) {
  auto& inject = fearless::detail::chan::inject_block_alloc_failures;
  const std::uint32_t n = 400;
  Ledger L(n);
  std::vector<std::uint32_t> sent;
  std::uint32_t failed = 0;
  {
    auto ends = mpmc::unbounded<Tracked>();
    auto& tx = ends.first;
    auto& rx = ends.second;
    // The very first send allocates the first block.
    inject.store(1);
    auto r = tx.send(Tracked(&L, 0, 0, 0));
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(std::move(r).unwrap_err().into_inner().id(), 0u);
    EXPECT_EQ(inject.load(), 0u);
    inject.store(1);
    auto t = tx.try_send(Tracked(&L, 0, 1, 1));
    ASSERT_TRUE(t.is_err());
    EXPECT_TRUE(t.unwrap_err().is_full());
    EXPECT_EQ(std::move(t).unwrap_err().into_inner().id(), 1u);
    inject.store(1);
    auto st = tx.send_timeout(Tracked(&L, 0, 2, 2), std::chrono::seconds(1));
    ASSERT_TRUE(st.is_err());
    EXPECT_TRUE(st.unwrap_err().is_timeout());
    EXPECT_EQ(std::move(st).unwrap_err().into_inner().id(), 2u);
    failed = 3;
    EXPECT_TRUE(rx.is_empty());
    // Later block boundaries: arm the failure now and then; each failed send
    // hands its message back and the next one succeeds.
    for (std::uint32_t id = 3; id < n; ++id) {
      if (id % 50 == 0) inject.store(1);
      auto s = tx.send(Tracked(&L, 0, id, id));
      if (s.is_ok()) {
        sent.push_back(id);
      } else {
        EXPECT_EQ(std::move(s).unwrap_err().into_inner().id(), id);
        ++failed;
      }
    }
    inject.store(0);
    EXPECT_GT(failed, 3u);
    EXPECT_EQ(rx.len(), sent.size());
    for (std::uint32_t id : sent) {
      auto v = rx.try_recv();
      ASSERT_TRUE(v.is_ok());
      EXPECT_EQ(v.unwrap().id(), id);
      v.unwrap().mark_received();
    }
    EXPECT_TRUE(rx.try_recv().is_err());
  }
  EXPECT_EQ(sent.size() + failed, n);
  L.expect_all_destroyed_once(n);
}

// A Select whose send operation is on an unbounded channel that cannot
// allocate its next block: select() throws std::bad_alloc having reserved
// nothing (the message is given only to op.send, so the caller still has it),
// and the same Select then works.
TEST(ChannelFaults, SelectSendThatCannotAllocateThrowsAndStaysUsable) {
  auto& inject = fearless::detail::chan::inject_block_alloc_failures;
  auto [tx, rx] = mpmc::unbounded<int>();
  mpmc::Select sel;
  sel.send(tx);
  inject.store(1);  // the first send allocates the first block
  EXPECT_THROW((void)sel.select(), std::bad_alloc);
  EXPECT_EQ(inject.load(), 0u);
  EXPECT_TRUE(rx.is_empty());
  auto op = sel.select();
  EXPECT_EQ(op.index(), 0u);
  EXPECT_TRUE(op.send(tx, 7).is_ok());
  EXPECT_EQ(rx.try_recv().unwrap(), 7);
  EXPECT_TRUE(rx.is_empty());
}

TEST(ChannelFaults, MpscChannelAllocationFailure) {
  auto& inject = fearless::detail::chan::inject_block_alloc_failures;
  Ledger L(100);
  auto ends = mpsc::channel<Tracked>();
  std::uint32_t ok = 0, back = 0;
  for (std::uint32_t id = 0; id < 100; ++id) {
    if (id % 20 == 0) inject.store(1);
    auto s = ends.first.send(Tracked(&L, 0, id, id));
    if (s.is_ok()) {
      ++ok;
    } else {
      EXPECT_EQ(std::move(s).unwrap_err().into_inner().id(), id);
      ++back;
    }
  }
  inject.store(0);
  EXPECT_GT(back, 0u);
  std::uint32_t got = 0;
  for (auto&& m : ends.second.try_iter()) {
    (void)m;
    ++got;
  }
  EXPECT_EQ(got, ok);
  EXPECT_EQ(ok + back, 100u);
}

}  // namespace
