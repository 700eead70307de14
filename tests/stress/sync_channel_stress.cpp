// Stress: every channel flavour (mpmc unbounded / bounded / rendezvous, mpsc
// channel / sync_channel / rendezvous sync_channel) with P producers x C
// consumers x M messages. Operations are drawn at random per message:
// blocking, try_* (falling back to blocking after a while, so rendezvous
// channels still meet) and *_timeout with random short timeouts. Counted with
// a Ledger: every message received exactly once, FIFO per producer as seen by
// each consumer, every value destroyed exactly once (messages left in a
// channel when its last receiver goes, and messages handed back by failed
// sends, included), nothing alive at the end. Variants drop endpoints while
// messages are in flight.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "fearless/sync/mpmc.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/thread.hpp"
#include "stress_common.hpp"

namespace {

namespace mpmc = fearless::sync::mpmc;
namespace mpsc = fearless::sync::mpsc;
using fearless_stress::Ledger;
using fearless_stress::scaled;
using fearless_stress::Tracked;
using Rng = std::mt19937_64;
using std::chrono::microseconds;

struct Counters {
  std::atomic<std::uint64_t> fifo_violations{0};
  std::atomic<std::uint64_t> wrong_value_back{0};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> handed_back{0};
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> timeouts{0};
};

// Sends `msg` with a randomly chosen operation. False if the channel is
// disconnected; the message handed back must be the one sent.
template <class Tx>
bool send_random(const Tx& tx, Tracked msg, Rng& rng, Counters& k) {
  const std::uint32_t id = msg.id();
  auto back = [&](Tracked&& v) {
    if (!v.valid() || v.id() != id) k.wrong_value_back.fetch_add(1);
    msg = std::move(v);
  };
  const unsigned how = static_cast<unsigned>(rng() % 3);
  if constexpr (requires { tx.try_send(std::move(msg)); }) {
    if (how == 1) {
      for (int i = 0; i < 64; ++i) {
        auto r = tx.try_send(std::move(msg));
        if (r.is_ok()) return true;
        auto e = std::move(r).unwrap_err();
        const bool disconnected = e.is_disconnected();
        back(std::move(e).into_inner());
        if (disconnected) {
          k.handed_back.fetch_add(1);
          return false;
        }
        fearless::thread::yield_now();
      }
    }
  }
  if constexpr (requires { tx.send_timeout(std::move(msg), microseconds(1)); }) {
    if (how == 2) {
      for (int i = 0; i < 16; ++i) {
        auto r = tx.send_timeout(std::move(msg), microseconds(rng() % 300));
        if (r.is_ok()) return true;
        auto e = std::move(r).unwrap_err();
        const bool disconnected = e.is_disconnected();
        back(std::move(e).into_inner());
        if (disconnected) {
          k.handed_back.fetch_add(1);
          return false;
        }
        k.timeouts.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }
  auto r = tx.send(std::move(msg));
  if (r.is_ok()) return true;
  back(std::move(r).unwrap_err().into_inner());
  k.handed_back.fetch_add(1);
  return false;
}

// Receives with a randomly chosen operation; nullopt once disconnected and empty.
template <class Rx>
std::optional<Tracked> recv_random(const Rx& rx, Rng& rng, Counters& k) {
  const unsigned how = static_cast<unsigned>(rng() % 3);
  if (how == 1) {
    for (int i = 0; i < 64; ++i) {
      auto r = rx.try_recv();
      if (r.is_ok()) return std::move(r).unwrap();
      if (r.unwrap_err().is_disconnected()) return std::nullopt;
      fearless::thread::yield_now();
    }
  } else if (how == 2) {
    for (int i = 0; i < 16; ++i) {
      auto r = rx.recv_timeout(microseconds(rng() % 300));
      if (r.is_ok()) return std::move(r).unwrap();
      if (r.unwrap_err().is_disconnected()) return std::nullopt;
      k.timeouts.fetch_add(1, std::memory_order_relaxed);
    }
  }
  auto r = rx.recv();
  if (r.is_ok()) return std::move(r).unwrap();
  return std::nullopt;
}

struct Plan {
  std::size_t producers;
  std::size_t consumers;
  std::size_t per_producer;
  bool drop_early;  // producers and consumers leave after a random number of messages
  std::uint64_t seed;
};

// Per consumer: the last sequence number seen from each producer.
struct FifoCheck {
  explicit FifoCheck(std::size_t producers) : last(producers, -1) {}
  std::vector<std::int64_t> last;
  void see(const Tracked& m, Counters& k) {
    auto& l = last[m.producer()];
    if (static_cast<std::int64_t>(m.seq()) <= l) k.fifo_violations.fetch_add(1);
    l = m.seq();
  }
};

// The producer loop: sends its messages in order; stops early if told to or
// if the channel is disconnected.
template <class Tx>
void produce(const Tx& tx, std::size_t p, const Plan& plan, Ledger& L, std::vector<char>& created, Counters& k) {
  Rng rng(plan.seed * 7919 + p);
  const std::size_t stop_at = plan.drop_early ? rng() % (plan.per_producer + 1) : plan.per_producer;
  for (std::size_t s = 0; s < stop_at; ++s) {
    const auto id = static_cast<std::uint32_t>(p * plan.per_producer + s);
    created[id] = 1;
    if (!send_random(tx, Tracked(&L, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(s), id), rng, k))
      return;
    k.sent.fetch_add(1, std::memory_order_relaxed);
  }
}

template <class Rx>
void consume(const Rx& rx, std::size_t c, const Plan& plan, Counters& k) {
  Rng rng(plan.seed * 104729 + c);
  FifoCheck fifo(plan.producers);
  const std::size_t total = plan.producers * plan.per_producer;
  const std::size_t budget = plan.drop_early ? rng() % (total / plan.consumers + 1) : SIZE_MAX;
  for (std::size_t n = 0; n < budget; ++n) {
    auto m = recv_random(rx, rng, k);
    if (!m) return;
    fifo.see(*m, k);
    m->mark_received();
    k.received.fetch_add(1, std::memory_order_relaxed);
  }
}

void verify(const Plan& plan, const Ledger& L, const std::vector<char>& created, const Counters& k) {
  const std::size_t total = plan.producers * plan.per_producer;
  EXPECT_EQ(k.fifo_violations.load(), 0u);
  EXPECT_EQ(k.wrong_value_back.load(), 0u);
  EXPECT_EQ(L.live.load(), 0) << "values leaked";
  std::size_t bad = 0, made = 0;
  for (std::size_t i = 0; i < total; ++i) {
    const bool c = created[i] != 0;
    made += c;
    const auto d = L.destroyed[i].load();
    const auto r = L.received[i].load();
    if ((d != (c ? 1u : 0u) || r > 1 || (!plan.drop_early && r != 1)) && bad++ < 5)
      ADD_FAILURE() << "value " << i << ": created " << c << ", destroyed " << d << " times, received " << r
                    << " times";
  }
  EXPECT_EQ(bad, 0u);
  EXPECT_EQ(k.received.load() + k.handed_back.load() <= made, true);
  if (!plan.drop_early) {
    EXPECT_EQ(k.received.load(), total);
    EXPECT_EQ(k.handed_back.load(), 0u);
  }
  fearless_stress::messages_total().fetch_add(k.received.load());
}

// mpmc: any number of consumers, each with its own Receiver clone.
template <class Make>
void run_mpmc(Make make, Plan plan) {
  const std::size_t total = plan.producers * plan.per_producer;
  Ledger L(total);
  std::vector<char> created(total, 0);
  Counters k;
  {
    auto ends = make();  // not a structured binding: clang 14 cannot capture those
    auto& tx = ends.first;
    auto& rx = ends.second;
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      for (std::size_t p = 0; p < plan.producers; ++p)
        s.spawn([&, p, t = tx.clone()] { produce(t, p, plan, L, created, k); });
      for (std::size_t c = 0; c < plan.consumers; ++c)
        s.spawn([&, c, r = rx.clone()] { consume(r, c, plan, k); });
      // Only the threads' endpoints remain: the last to leave disconnects.
      { auto drop_tx = std::move(tx); }
      { auto drop_rx = std::move(rx); }
    });
  }
  verify(plan, L, created, k);
}

// mpsc: one consumer owning the Receiver.
template <class Make>
void run_mpsc(Make make, Plan plan) {
  plan.consumers = 1;
  const std::size_t total = plan.producers * plan.per_producer;
  Ledger L(total);
  std::vector<char> created(total, 0);
  Counters k;
  {
    auto ends = make();  // not a structured binding: clang 14 cannot capture those
    auto& tx = ends.first;
    auto& rx = ends.second;
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      for (std::size_t p = 0; p < plan.producers; ++p)
        s.spawn([&, p, t = tx.clone()] { produce(t, p, plan, L, created, k); });
      s.spawn([&, r = std::move(rx)] { consume(r, 0, plan, k); });
      { auto drop_tx = std::move(tx); }
    });
  }
  verify(plan, L, created, k);
}

std::size_t per(std::size_t n) { return scaled(n, 20); }

// ---- mpmc ------------------------------------------------------------------

TEST(ChannelStress, MpmcUnboundedExactlyOnce) {
  run_mpmc([] { return mpmc::unbounded<Tracked>(); }, {4, 3, per(200000), false, 1});
}
TEST(ChannelStress, MpmcBoundedExactlyOnce) {
  for (std::size_t cap : {1, 3, 64})
    run_mpmc([cap] { return mpmc::bounded<Tracked>(cap); }, {4, 3, per(60000), false, cap});
}
TEST(ChannelStress, MpmcRendezvousExactlyOnce) {
  run_mpmc([] { return mpmc::bounded<Tracked>(0); }, {3, 3, per(15000), false, 2});
}
TEST(ChannelStress, MpmcUnboundedDropMidFlight) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed)
    run_mpmc([] { return mpmc::unbounded<Tracked>(); }, {3, 3, per(30000), true, seed});
}
TEST(ChannelStress, MpmcBoundedDropMidFlight) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed)
    run_mpmc([seed] { return mpmc::bounded<Tracked>(seed % 3 == 0 ? 1 : 16); }, {3, 3, per(30000), true, seed});
}
TEST(ChannelStress, MpmcRendezvousDropMidFlight) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed)
    run_mpmc([] { return mpmc::bounded<Tracked>(0); }, {3, 2, per(2000), true, seed});
}

// ---- mpsc ------------------------------------------------------------------

TEST(ChannelStress, MpscChannelExactlyOnce) {
  run_mpsc([] { return mpsc::channel<Tracked>(); }, {4, 1, per(200000), false, 3});
}
TEST(ChannelStress, MpscSyncChannelExactlyOnce) {
  for (std::size_t cap : {1, 8, 128})
    run_mpsc([cap] { return mpsc::sync_channel<Tracked>(cap); }, {4, 1, per(60000), false, cap + 5});
}
TEST(ChannelStress, MpscRendezvousExactlyOnce) {
  run_mpsc([] { return mpsc::sync_channel<Tracked>(0); }, {3, 1, per(15000), false, 4});
}
TEST(ChannelStress, MpscDropMidFlight) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    run_mpsc([] { return mpsc::channel<Tracked>(); }, {3, 1, per(6000), true, seed});
    run_mpsc([seed] { return mpsc::sync_channel<Tracked>(seed % 2 == 0 ? 0 : 4); }, {3, 1, per(3000), true, seed});
  }
}

// ---- select over mixed flavours --------------------------------------------

// Producers feed an unbounded, a bounded(4) and a rendezvous channel, each
// choosing the channel per message with a send-side Select; consumers drain
// all three with a receive-side Select (removing channels as they
// disconnect) or with plain recv on one of them.
TEST(ChannelStress, SelectMixingFlavours) {
  const std::size_t producers = 3, per_producer = per(40000), total = producers * per_producer;
  Ledger L(total);
  Counters k;
  std::vector<std::atomic<std::uint32_t>> got_on(total);
  std::atomic<std::uint64_t> mismatched{0};
  {
    auto c0 = mpmc::unbounded<Tracked>();
    auto c1 = mpmc::bounded<Tracked>(4);
    auto c2 = mpmc::bounded<Tracked>(0);
    auto &t0 = c0.first, &t1 = c1.first, &t2 = c2.first;
    auto &r0 = c0.second, &r1 = c1.second, &r2 = c2.second;
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      for (std::size_t p = 0; p < producers; ++p) {
        s.spawn([&, p, a = t0.clone(), b = t1.clone(), c = t2.clone()] {
          Rng rng(p + 11);
          for (std::size_t q = 0; q < per_producer; ++q) {
            const auto id = static_cast<std::uint32_t>(p * per_producer + q);
            Tracked m(&L, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(q), id);
            mpmc::Select sel;
            const std::size_t i0 = sel.send(a), i1 = sel.send(b), i2 = sel.send(c);
            std::optional<mpmc::SelectedOperation> op;
            if (rng() % 4 == 0) {
              auto r = sel.select_timeout(microseconds(rng() % 200));
              if (r.is_err()) {
                k.timeouts.fetch_add(1, std::memory_order_relaxed);
                op.emplace(sel.select());
              } else {
                op.emplace(std::move(r).unwrap());
              }
            } else {
              op.emplace(sel.select());
            }
            const std::size_t i = op->index();
            fearless::Result<void, mpmc::SendError<Tracked>> r =
                i == i0 ? op->send(a, std::move(m)) : i == i1 ? op->send(b, std::move(m)) : op->send(c, std::move(m));
            if (i != i0 && i != i1 && i != i2) mismatched.fetch_add(1);
            EXPECT_TRUE(r.is_ok());
            k.sent.fetch_add(1, std::memory_order_relaxed);
          }
        });
      }
      for (std::size_t c = 0; c < 3; ++c) {
        s.spawn([&, c, a = r0.clone(), b = r1.clone(), d = r2.clone()] {
          Rng rng(c + 101);
          FifoCheck fifo0(producers), fifo1(producers), fifo2(producers);
          FifoCheck* fifos[3] = {&fifo0, &fifo1, &fifo2};
          const mpmc::Receiver<Tracked>* rxs[3] = {&a, &b, &d};
          bool open[3] = {true, true, true};
          while (open[0] || open[1] || open[2]) {
            mpmc::Select sel;
            std::size_t idx[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
            for (int j = 0; j < 3; ++j)
              if (open[j]) idx[j] = sel.recv(*rxs[j]);
            auto op = sel.select();
            int j = 0;
            while (j < 3 && idx[j] != op.index()) ++j;
            if (j == 3) {
              mismatched.fetch_add(1);
              std::abort();  // cannot complete an unknown operation
            }
            auto r = op.recv(*rxs[j]);
            if (r.is_err()) {
              open[j] = false;
              continue;
            }
            Tracked m = std::move(r).unwrap();
            fifos[j]->see(m, k);
            m.mark_received();
            got_on[m.id()].fetch_add(1u << (8 * j));
            k.received.fetch_add(1, std::memory_order_relaxed);
          }
        });
      }
      { auto x = std::move(t0); }
      { auto x = std::move(t1); }
      { auto x = std::move(t2); }
      { auto x = std::move(r0); }
      { auto x = std::move(r1); }
      { auto x = std::move(r2); }
    });
  }
  EXPECT_EQ(mismatched.load(), 0u);
  EXPECT_EQ(k.fifo_violations.load(), 0u);
  EXPECT_EQ(k.received.load(), total);
  L.expect_received_once(total);
  L.expect_all_destroyed_once(total);
  std::size_t per_channel[3] = {0, 0, 0};
  for (std::size_t i = 0; i < total; ++i)
    for (int j = 0; j < 3; ++j) per_channel[j] += (got_on[i].load() >> (8 * j)) & 0xff;
  EXPECT_EQ(per_channel[0] + per_channel[1] + per_channel[2], total);
  fearless_stress::messages_total().fetch_add(k.received.load());
}

// select_both over rendezvous channels only: every producer offers each
// message to all three channels at once and every consumer takes from all
// three, so several selecting senders wait on every list and the receivers
// choose among them (preferring one whose thread is on a CPU). Each message
// arrives once, in order per producer, and is destroyed once.
TEST(ChannelStress, SelectBothOverRendezvousChannels) {
  const std::size_t producers = 4, consumers = 3, per_producer = per(20000), total = producers * per_producer;
  Ledger L(total);
  Counters k;
  std::atomic<std::uint64_t> mismatched{0};
  {
    std::vector<std::pair<mpmc::Sender<Tracked>, mpmc::Receiver<Tracked>>> cs;
    for (int i = 0; i < 3; ++i) cs.push_back(mpmc::bounded<Tracked>(0));
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      for (std::size_t p = 0; p < producers; ++p) {
        s.spawn([&, p, a = cs[0].first.clone(), b = cs[1].first.clone(), c = cs[2].first.clone()] {
          const mpmc::Sender<Tracked>* txs[3] = {&a, &b, &c};
          mpmc::Select sel;
          for (const auto* tx : txs) sel.send(*tx);
          for (std::size_t q = 0; q < per_producer; ++q) {
            const auto id = static_cast<std::uint32_t>(p * per_producer + q);
            auto op = sel.select();
            if (op.index() >= 3) {
              mismatched.fetch_add(1);
              std::abort();  // cannot complete an unknown operation
            }
            auto r = op.send(*txs[op.index()],
                             Tracked(&L, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(q), id));
            EXPECT_TRUE(r.is_ok());
            k.sent.fetch_add(1, std::memory_order_relaxed);
          }
        });
      }
      for (std::size_t c = 0; c < consumers; ++c) {
        s.spawn([&, a = cs[0].second.clone(), b = cs[1].second.clone(), d = cs[2].second.clone()] {
          FifoCheck fifo(producers);
          const mpmc::Receiver<Tracked>* rxs[3] = {&a, &b, &d};
          mpmc::Select sel;
          for (const auto* rx : rxs) sel.recv(*rx);
          for (;;) {
            auto op = sel.select();
            if (op.index() >= 3) {
              mismatched.fetch_add(1);
              std::abort();
            }
            auto r = op.recv(*rxs[op.index()]);
            if (r.is_err()) break;  // the producers are done: every channel is disconnected
            Tracked m = std::move(r).unwrap();
            fifo.see(m, k);
            m.mark_received();
            k.received.fetch_add(1, std::memory_order_relaxed);
          }
        });
      }
      for (auto& c : cs) {
        auto x = std::move(c.first);
      }
    });
  }
  EXPECT_EQ(mismatched.load(), 0u);
  EXPECT_EQ(k.fifo_violations.load(), 0u);
  EXPECT_EQ(k.sent.load(), total);
  EXPECT_EQ(k.received.load(), total);
  L.expect_received_once(total);
  L.expect_all_destroyed_once(total);
  fearless_stress::messages_total().fetch_add(k.received.load());
}

// Consumers select over a data channel, a one-shot timer (after), a ticker and
// never(); producers send through a rendezvous and a bounded channel. Timer
// firings interleave with messages; every message still arrives exactly once.
TEST(ChannelStress, SelectWithTimers) {
  const std::size_t producers = 2, per_producer = per(5000), total = producers * per_producer;
  Ledger L(total);
  Counters k;
  std::atomic<std::uint64_t> timer_fired{0}, ticks{0};
  {
    auto c0 = mpmc::bounded<Tracked>(0);
    auto c1 = mpmc::bounded<Tracked>(2);
    auto& t0 = c0.first;
    auto& t1 = c1.first;
    auto& r0 = c0.second;
    auto& r1 = c1.second;
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      for (std::size_t p = 0; p < producers; ++p) {
        s.spawn([&, p, a = t0.clone(), b = t1.clone()] {
          for (std::size_t q = 0; q < per_producer; ++q) {
            const auto id = static_cast<std::uint32_t>(p * per_producer + q);
            // Per producer one channel, so FIFO per producer is checkable.
            auto r = (p == 0 ? a : b).send(Tracked(&L, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(q), id));
            EXPECT_TRUE(r.is_ok());
          }
        });
      }
      for (std::size_t c = 0; c < 2; ++c) {
        s.spawn([&, c, a = r0.clone(), b = r1.clone()] {
          Rng rng(c + 5);
          FifoCheck fifo(producers);
          auto ticker = mpmc::tick(microseconds(200 + 100 * c));
          auto nothing = mpmc::never<Tracked>();
          bool open[2] = {true, true};
          while (open[0] || open[1]) {
            auto timer = mpmc::after(microseconds(rng() % 300));
            mpmc::Select sel;
            const std::size_t ia = open[0] ? sel.recv(a) : SIZE_MAX;
            const std::size_t ib = open[1] ? sel.recv(b) : SIZE_MAX;
            const std::size_t it = sel.recv(timer), ik = sel.recv(ticker), in = sel.recv(nothing);
            auto op = sel.select();
            const std::size_t i = op.index();
            if (i == it) {
              EXPECT_TRUE(op.recv(timer).is_ok());
              timer_fired.fetch_add(1, std::memory_order_relaxed);
            } else if (i == ik) {
              EXPECT_TRUE(op.recv(ticker).is_ok());
              ticks.fetch_add(1, std::memory_order_relaxed);
            } else if (i == in) {
              ADD_FAILURE() << "never() became ready";
              (void)op.recv(nothing);
            } else {
              const bool is_a = i == ia;
              if (!is_a && i != ib) ADD_FAILURE() << "unknown operation index";
              auto r = op.recv(is_a ? a : b);
              if (r.is_err()) {
                open[is_a ? 0 : 1] = false;
                continue;
              }
              const Tracked& m = r.unwrap();
              fifo.see(m, k);
              m.mark_received();
              k.received.fetch_add(1, std::memory_order_relaxed);
            }
          }
        });
      }
      { auto x = std::move(t0); }
      { auto x = std::move(t1); }
      { auto x = std::move(r0); }
      { auto x = std::move(r1); }
    });
  }
  EXPECT_EQ(k.fifo_violations.load(), 0u);
  EXPECT_EQ(k.received.load(), total);
  L.expect_received_once(total);
  L.expect_all_destroyed_once(total);
  std::printf("[stress] select with timers: %llu one-shot timer firings, %llu ticks\n",
              static_cast<unsigned long long>(timer_fired.load()), static_cast<unsigned long long>(ticks.load()));
  fearless_stress::messages_total().fetch_add(k.received.load());
}

// Prints the total for the README figures.
class Totals : public ::testing::Environment {
 public:
  void TearDown() override {
    std::printf("[stress] channel messages received: %llu\n",
                static_cast<unsigned long long>(fearless_stress::messages_total().load()));
  }
};
const auto* const kTotals = ::testing::AddGlobalTestEnvironment(new Totals);

}  // namespace
