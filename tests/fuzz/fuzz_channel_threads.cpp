// Fuzz target, multi-threaded: the input picks a flavour (mpmc unbounded /
// bounded / rendezvous, mpsc channel / sync_channel), 1-3 producers and 1-3
// consumers, how many messages each producer sends, which operation each
// message uses (blocking, try with fallback, timeout with retry), and when
// consumers leave early. Checked: no message received twice, FIFO per
// producer per consumer, every message sent while a receiver existed is
// received unless the receivers left, values handed back by failed sends are
// the ones sent, and every value is destroyed exactly once.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "fearless/sync/mpmc.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/thread.hpp"
#include "fuzz_input.hpp"
#include "fuzz_model.hpp"

namespace {

namespace mpmc = fearless::sync::mpmc;
namespace mpsc = fearless::sync::mpsc;
using fearless_fuzz::check;
using fearless_fuzz::Input;

// Thread-safe destruction ledger for a fixed number of ids.
struct Ledger {
  explicit Ledger(std::size_t n) : destroyed(n), received(n) {}
  std::vector<std::atomic<std::uint8_t>> destroyed, received;
  std::atomic<long> live{0};
};

class Msg {
 public:
  Msg() = default;
  Msg(Ledger* l, std::uint32_t p, std::uint32_t seq, std::uint32_t id) : l_(l), p_(p), seq_(seq), id_(id) {
    l_->live.fetch_add(1);
  }
  Msg(Msg&& o) noexcept : l_(std::exchange(o.l_, nullptr)), p_(o.p_), seq_(o.seq_), id_(o.id_) {}
  Msg& operator=(Msg&& o) noexcept {
    if (this != &o) {
      reset();
      l_ = std::exchange(o.l_, nullptr);
      p_ = o.p_, seq_ = o.seq_, id_ = o.id_;
    }
    return *this;
  }
  ~Msg() { reset(); }
  std::uint32_t p() const { return p_; }
  std::uint32_t seq() const { return seq_; }
  std::uint32_t id() const { return id_; }
  bool valid() const { return l_ != nullptr; }

 private:
  void reset() {
    if (!l_) return;
    check(l_->destroyed[id_].fetch_add(1) == 0, "value destroyed twice", id_);
    l_->live.fetch_sub(1);
    l_ = nullptr;
  }
  Ledger* l_ = nullptr;
  std::uint32_t p_ = 0, seq_ = 0, id_ = 0;
};

constexpr std::size_t kMaxPer = 48;

struct Plan {
  std::size_t producers = 1, consumers = 1;
  std::size_t count[3] = {0, 0, 0};
  std::uint8_t send_modes[3][kMaxPer] = {};
  std::uint8_t recv_mode[3] = {};
  std::size_t budget[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
};

template <class Tx>
bool send_one(const Tx& tx, Msg m, std::uint8_t mode) {
  const auto id = m.id();
  if constexpr (requires { tx.try_send(Msg()); }) {
    if (mode % 3 == 1) {
      for (int i = 0; i < 50; ++i) {
        auto r = tx.try_send(std::move(m));
        if (r.is_ok()) return true;
        const bool disc = r.unwrap_err().is_disconnected();
        m = std::move(r).unwrap_err().into_inner();
        check(m.valid() && m.id() == id, "try_send handed back a different value");
        if (disc) return false;
        fearless::thread::yield_now();
      }
    } else if (mode % 3 == 2) {
      for (int i = 0; i < 8; ++i) {
        auto r = tx.send_timeout(std::move(m), std::chrono::microseconds(mode * 3));
        if (r.is_ok()) return true;
        const bool disc = r.unwrap_err().is_disconnected();
        m = std::move(r).unwrap_err().into_inner();
        check(m.valid() && m.id() == id, "send_timeout handed back a different value");
        if (disc) return false;
      }
    }
  }
  auto r = tx.send(std::move(m));
  if (r.is_ok()) return true;
  check(std::move(r).unwrap_err().into_inner().id() == id, "send handed back a different value");
  return false;
}

template <class Rx>
void consume(const Rx& rx, const Plan& plan, std::size_t c, Ledger& L) {
  std::int64_t last[3] = {-1, -1, -1};
  for (std::size_t n = 0; n < plan.budget[c]; ++n) {
    std::optional<Msg> m;
    const std::uint8_t mode = plan.recv_mode[c];
    if (mode % 3 == 1) {
      for (int i = 0; i < 50 && !m; ++i) {
        auto r = rx.try_recv();
        if (r.is_ok()) m.emplace(std::move(r).unwrap());
        else if (r.unwrap_err().is_disconnected()) return;
        else fearless::thread::yield_now();
      }
    } else if (mode % 3 == 2) {
      for (int i = 0; i < 8 && !m; ++i) {
        auto r = rx.recv_timeout(std::chrono::microseconds(mode * 2));
        if (r.is_ok()) m.emplace(std::move(r).unwrap());
        else if (r.unwrap_err().is_disconnected()) return;
      }
    }
    if (!m) {
      auto r = rx.recv();
      if (r.is_err()) return;
      m.emplace(std::move(r).unwrap());
    }
    check(static_cast<std::int64_t>(m->seq()) > last[m->p()], "FIFO per producer broken", m->p(), m->seq());
    last[m->p()] = m->seq();
    check(L.received[m->id()].fetch_add(1) == 0, "message received twice", m->id());
  }
}

template <class Pair, bool Mpmc>
void run(Pair p, const Plan& plan) {
  const std::size_t total = plan.producers * kMaxPer;
  Ledger L(total);
  std::vector<std::uint8_t> created(total, 0), sent(total, 0);
  std::atomic<bool> early_exit{false};
  {
    auto& tx = p.first;  // not a structured binding: clang 14 cannot capture those
    auto& rx = p.second;
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      // Joined explicitly, so that each OS thread has fully exited (its TLS
      // destructors included) before libFuzzer's per-input leak check.
      std::vector<fearless::thread::ScopedJoinHandle<void>> hs;
      for (std::size_t i = 0; i < plan.producers; ++i) {
        hs.push_back(s.spawn([&, i, t = tx.clone()] {
          for (std::size_t q = 0; q < plan.count[i]; ++q) {
            const auto id = static_cast<std::uint32_t>(i * kMaxPer + q);
            created[id] = 1;
            if (!send_one(t, Msg(&L, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(q), id),
                          plan.send_modes[i][q]))
              return;
            sent[id] = 1;
          }
        }));
      }
      if constexpr (Mpmc) {
        for (std::size_t c = 0; c < plan.consumers; ++c)
          hs.push_back(s.spawn([&, c, r = rx.clone()] { consume(r, plan, c, L); }));
        { auto x = std::move(rx); }
      } else {
        hs.push_back(s.spawn([&, r = std::move(rx)] { consume(r, plan, 0, L); }));
      }
      { auto x = std::move(tx); }
      for (auto& h : hs) check(h.join().is_ok(), "a thread panicked");
    });
  }
  for (std::size_t c = 0; c < plan.consumers; ++c) early_exit = early_exit || plan.budget[c] != SIZE_MAX;
  for (std::size_t id = 0; id < total; ++id) {
    check(L.destroyed[id].load() == created[id], "value not destroyed exactly once", static_cast<long>(id));
    if (!early_exit) check(L.received[id].load() == sent[id], "sent message not received", static_cast<long>(id));
    if (L.received[id].load()) check(sent[id] == 1, "received a message whose send failed", static_cast<long>(id));
  }
  check(L.live.load() == 0, "values alive at the end", L.live.load());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  Plan plan;
  const std::size_t flavour = in.below(5);
  const std::size_t cap = in.below(5);
  plan.producers = 1 + in.below(3);
  plan.consumers = flavour >= 3 ? 1 : 1 + in.below(3);
  for (std::size_t i = 0; i < plan.producers; ++i) plan.count[i] = in.below(kMaxPer + 1);
  for (std::size_t c = 0; c < plan.consumers; ++c) {
    plan.recv_mode[c] = in.pick<std::uint8_t>();
    const std::uint8_t b = in.pick<std::uint8_t>();
    if (b < 32) plan.budget[c] = b;  // leaves early, dropping its receiver
  }
  for (std::size_t i = 0; i < plan.producers; ++i)
    for (std::size_t q = 0; q < plan.count[i]; ++q) plan.send_modes[i][q] = in.pick<std::uint8_t>();
  switch (flavour) {
    case 0: run<decltype(mpmc::unbounded<Msg>()), true>(mpmc::unbounded<Msg>(), plan); break;
    case 1: run<decltype(mpmc::bounded<Msg>(1)), true>(mpmc::bounded<Msg>(1 + cap), plan); break;
    case 2: run<decltype(mpmc::bounded<Msg>(0)), true>(mpmc::bounded<Msg>(0), plan); break;
    case 3: run<decltype(mpsc::channel<Msg>()), false>(mpsc::channel<Msg>(), plan); break;
    default: run<decltype(mpsc::sync_channel<Msg>(0)), false>(mpsc::sync_channel<Msg>(cap), plan); break;
  }
  return 0;
}
