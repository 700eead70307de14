// Side-by-side harness: fearless, the C++ standard library's primitives (the
// baselines needing no package) and the machine's floors.
//
//   fearless_bench <impl> <case> <flavor> <threads> <n>      (protocol: common.hpp)
//
// impl: fearless | fearless_mpsc | mutex_deque               channels
//       fearless_Mutex | fearless_nonpoison_Mutex | fearless_RwLock_write |
//       std_mutex | std_shared_mutex_write                   locks (counter, uncontended)
//       fearless_Arc | std_shared_ptr                        arc_clone_drop
//       fearless_thread | std_thread                         spawn_join
//       floor                                                seq (plain ring), spsc bounded1/rendezvous (cache-line
//                                                            round trips), cacheline_rtt, futex_rtt
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.hpp"
#include "fearless/sync/arc.hpp"
#include "fearless/sync/mpmc.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/sync/nonpoison.hpp"
#include "fearless/sync/rwlock.hpp"
#include "fearless/thread.hpp"

using bench::Args;
using bench::Flavor;
using u64 = std::uint64_t;

namespace {

// ---- fearless channels ------------------------------------------------------

namespace mpmc = fearless::sync::mpmc;

struct FearlessMpmc {
  mpmc::Sender<u64> s;
  mpmc::Receiver<u64> r;
  struct Tx {
    mpmc::Sender<u64> s;
    void send(u64 v) { s.send(v).unwrap(); }
  };
  struct Rx {
    mpmc::Receiver<u64> r;
    u64 recv() { return r.recv().unwrap(); }
  };
  Tx tx() { return Tx{s.clone()}; }
  Rx rx() { return Rx{r.clone()}; }
};

FearlessMpmc make_fearless(const Args& a) {
  if (a.flavor == Flavor::unbounded) {
    auto [s, r] = mpmc::unbounded<u64>();
    return {std::move(s), std::move(r)};
  }
  auto [s, r] = mpmc::bounded<u64>(bench::capacity(a.flavor, a.n));
  return {std::move(s), std::move(r)};
}

// std::sync::mpsc's spelling: one receiver, so only seq/spsc/mpsc.
namespace mpsc = fearless::sync::mpsc;
template <class S>
struct FearlessMpsc {
  S s;
  std::shared_ptr<mpsc::Receiver<u64>> r;  // one receiver, used by one thread
  struct Tx {
    S s;
    void send(u64 v) { s.send(v).unwrap(); }
  };
  struct Rx {
    mpsc::Receiver<u64>* r;
    u64 recv() { return r->recv().unwrap(); }
  };
  Tx tx() { return Tx{s.clone()}; }
  Rx rx() { return Rx{r.get()}; }
};

template <class Sel>
u64 select_recv_loop(const std::vector<mpmc::Receiver<u64>>& rxs, std::size_t count) {
  Sel sel;
  for (const auto& rx : rxs) sel.recv(rx);
  u64 sum = 0;
  for (std::size_t i = 0; i < count; ++i) {
    auto op = sel.select();
    const std::size_t k = op.index();
    sum += op.recv(rxs[k]).unwrap();
  }
  return sum;
}

template <class Sel>
void select_send_loop(const std::vector<mpmc::Sender<u64>>& txs, std::size_t per) {
  Sel sel;
  for (const auto& tx : txs) sel.send(tx);
  for (u64 v = 1; v <= per; ++v) {
    auto op = sel.select();
    const std::size_t k = op.index();
    op.send(txs[k], v).unwrap();
  }
}

// select_rx / select_both exactly as crossbeam's suite shapes them: `threads`
// channels; every sender stays alive until the end so no operand becomes ready
// by disconnection.
double run_fearless_select(const Args& a) {
  const std::size_t t = static_cast<std::size_t>(a.threads), per = a.n / t;
  const auto t0 = bench::Clock::now();
  std::vector<mpmc::Sender<u64>> txs;
  std::vector<mpmc::Receiver<u64>> rxs;
  for (std::size_t i = 0; i < t; ++i) {
    FearlessMpmc c = make_fearless(a);
    txs.push_back(std::move(c.s));
    rxs.push_back(std::move(c.r));
  }
  u64 sum = 0;
  std::vector<std::thread> ps, cs;
  if (a.kase == "select_rx") {
    for (std::size_t i = 0; i < t; ++i)
      ps.emplace_back([tx = txs[i], per] {
        for (u64 v = 1; v <= per; ++v) tx.send(v).unwrap();
      });
    sum = select_recv_loop<mpmc::Select>(rxs, per * t);
  } else {
    std::vector<u64> sums(t * 16, 0);
    for (std::size_t i = 0; i < t; ++i) ps.emplace_back([&txs, per] { select_send_loop<mpmc::Select>(txs, per); });
    for (std::size_t i = 0; i < t; ++i)
      cs.emplace_back([&rxs, per, out = &sums[i * 16]] { *out = select_recv_loop<mpmc::Select>(rxs, per); });
    for (auto& th : cs) th.join();
    for (std::size_t i = 0; i < t; ++i) sum += sums[i * 16];
  }
  for (auto& th : ps) th.join();
  const double secs = bench::since(t0);
  bench::check(sum, bench::tri(per) * t);
  return secs;
}

// ---- std::mutex + condition_variable + deque queue ---------------------------

// The queue most C++ code starts with. Capacity 0 is a rendezvous: a send
// returns only after a receiver has taken its value.
class MutexDeque {
 public:
  MutexDeque(std::size_t cap, bool bounded) : cap_(cap), bounded_(bounded) {}
  void send(u64 v) {
    std::unique_lock lk(m_);
    if (bounded_) not_full_.wait(lk, [&] { return q_.size() < (cap_ == 0 ? 1 : cap_); });
    q_.push_back(v);
    const u64 ticket = ++pushed_;
    not_empty_.notify_one();
    if (bounded_ && cap_ == 0) not_full_.wait(lk, [&] { return popped_ >= ticket; });
  }
  u64 recv() {
    std::unique_lock lk(m_);
    not_empty_.wait(lk, [&] { return !q_.empty(); });
    const u64 v = q_.front();
    q_.pop_front();
    ++popped_;
    if (bounded_) {
      // A rendezvous sender waits on the same condition for its ticket.
      if (cap_ == 0)
        not_full_.notify_all();
      else
        not_full_.notify_one();
    }
    return v;
  }

 private:
  std::mutex m_;
  std::condition_variable not_empty_, not_full_;
  std::deque<u64> q_;
  u64 pushed_ = 0, popped_ = 0;
  std::size_t cap_;
  bool bounded_;
};

struct MutexDequeChan {
  std::unique_ptr<MutexDeque> q;
  bench::SharedEnd<MutexDeque> tx() { return {q.get()}; }
  bench::SharedEnd<MutexDeque> rx() { return {q.get()}; }
};

// ---- Arc / shared_ptr ---------------------------------------------------------------

template <class P, class Clone>
double arc_case(const Args& a, const P& root, Clone clone) {
  if (a.kase != "arc_clone_drop") bench::na("unknown case");
  const std::size_t per = a.n / static_cast<std::size_t>(a.threads);
  const auto t0 = bench::Clock::now();
  std::vector<std::thread> ts;
  std::vector<u64> sums(static_cast<std::size_t>(a.threads) * 16, 0);
  for (int i = 0; i < a.threads; ++i)
    ts.emplace_back([&, per, out = &sums[static_cast<std::size_t>(i) * 16]] {
      u64 s = 0;
      for (std::size_t k = 0; k < per; ++k) {
        auto c = clone(root);
        asm volatile("" : : "r"(&c) : "memory");
        s += *c;
      }
      *out = s;
    });
  for (auto& th : ts) th.join();
  const double secs = bench::since(t0);
  u64 sum = 0;
  for (int i = 0; i < a.threads; ++i) sum += sums[static_cast<std::size_t>(i) * 16];
  bench::check(sum, 7 * per * static_cast<std::size_t>(a.threads));
  return secs;
}

// ---- floors ---------------------------------------------------------------------------

// A plain single-threaded ring: what seq costs with no synchronisation at all.
double floor_seq(const Args& a) {
  const std::size_t cap = a.flavor == Flavor::bounded1 ? 1 : a.n;
  const auto t0 = bench::Clock::now();
  std::vector<u64> ring(cap);
  std::size_t head = 0, tail = 0;
  u64 sum = 0;
  auto push = [&](u64 v) {
    ring[tail] = v;
    tail = tail + 1 == cap ? 0 : tail + 1;
    asm volatile("" : : "r"(ring.data()) : "memory");
  };
  auto pop = [&] {
    const u64 v = ring[head];
    head = head + 1 == cap ? 0 : head + 1;
    asm volatile("" : : "r"(ring.data()) : "memory");
    return v;
  };
  if (cap == 1) {
    for (u64 i = 1; i <= a.n; ++i) {
      push(i);
      sum += pop();
    }
  } else {
    for (u64 i = 1; i <= a.n; ++i) push(i);
    for (std::size_t i = 0; i < a.n; ++i) sum += pop();
  }
  const double secs = bench::since(t0);
  bench::check(sum, bench::tri(a.n));
  return secs;
}

// n round trips of one cache line between two spinning threads.
double floor_cacheline(const Args& a) {
  alignas(128) std::atomic<u64> ball{0};
  const u64 n = a.n;
  const auto t0 = bench::Clock::now();
  std::thread other([&] {
    for (u64 i = 0; i < n; ++i) {
      while (ball.load(std::memory_order_acquire) != 2 * i + 1) {
      }
      ball.store(2 * i + 2, std::memory_order_release);
    }
  });
  for (u64 i = 0; i < n; ++i) {
    ball.store(2 * i + 1, std::memory_order_release);
    while (ball.load(std::memory_order_acquire) != 2 * i + 2) {
    }
  }
  other.join();
  const double secs = bench::since(t0);
  bench::check(ball.load(), 2 * n);
  return secs;
}

long futex(std::atomic<std::uint32_t>* w, int op, std::uint32_t v) {
  return syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(w), op | FUTEX_PRIVATE_FLAG, v, nullptr, nullptr, 0);
}

// n round trips in which each side sleeps in the kernel until the other wakes
// it: the cost of every design that parks per message.
double floor_futex(const Args& a) {
  alignas(128) std::atomic<std::uint32_t> word{0};
  const std::uint32_t n = static_cast<std::uint32_t>(a.n);
  auto wait_for = [&](std::uint32_t want) {
    for (std::uint32_t cur = word.load(); cur != want; cur = word.load()) futex(&word, FUTEX_WAIT, cur);
  };
  const auto t0 = bench::Clock::now();
  std::thread other([&] {
    for (std::uint32_t i = 0; i < n; ++i) {
      wait_for(2 * i + 1);
      word.store(2 * i + 2);
      futex(&word, FUTEX_WAKE, 1);
    }
  });
  for (std::uint32_t i = 0; i < n; ++i) {
    word.store(2 * i + 1);
    futex(&word, FUTEX_WAKE, 1);
    wait_for(2 * i + 2);
  }
  other.join();
  const double secs = bench::since(t0);
  bench::check(word.load(), 2 * static_cast<u64>(n));
  return secs;
}

double run(const Args& a) {
  const bool chan_case = a.kase == "seq" || a.kase == "spsc" || a.kase == "mpsc" || a.kase == "mpmc" ||
                         a.kase == "select_rx" || a.kase == "select_both";
  if (chan_case && a.kase == "seq" && a.flavor == Flavor::rendezvous) bench::na("seq needs a buffer");
  if (a.impl == "fearless") {
    if (a.kase == "select_rx" || a.kase == "select_both") return run_fearless_select(a);
    return bench::run_queue_case(a, [&] { return make_fearless(a); });
  }
  if (a.impl == "fearless_mpsc") {
    if (a.kase == "mpmc" || a.kase == "select_rx" || a.kase == "select_both")
      bench::na("mpsc has one receiver; select lives in mpmc");
    if (a.flavor == Flavor::unbounded)
      return bench::run_queue_case(a, [&] {
        auto [s, r] = mpsc::channel<u64>();
        return FearlessMpsc<mpsc::Sender<u64>>{std::move(s), std::make_shared<mpsc::Receiver<u64>>(std::move(r))};
      });
    return bench::run_queue_case(a, [&] {
      auto [s, r] = mpsc::sync_channel<u64>(bench::capacity(a.flavor, a.n));
      return FearlessMpsc<mpsc::SyncSender<u64>>{std::move(s), std::make_shared<mpsc::Receiver<u64>>(std::move(r))};
    });
  }
  if (a.impl == "mutex_deque") {
    if (a.kase == "select_rx" || a.kase == "select_both") bench::na("no select");
    return bench::run_queue_case(a, [&] {
      return MutexDequeChan{
          std::make_unique<MutexDeque>(bench::capacity(a.flavor, a.n), a.flavor != Flavor::unbounded)};
    });
  }
  if (a.impl == "fearless_Mutex") {
    auto box = bench::own_line<fearless::sync::Mutex<u64>>(u64{0});
    auto& m = box->v;
    return bench::lock_case(a, [&] { ++*m.lock().unwrap(); }, [&] { return *m.lock().unwrap(); });
  }
  if (a.impl == "fearless_nonpoison_Mutex") {
    auto box = bench::own_line<fearless::sync::nonpoison::Mutex<u64>>(u64{0});
    auto& m = box->v;
    return bench::lock_case(a, [&] { ++*m.lock(); }, [&] { return *m.lock(); });
  }
  if (a.impl == "fearless_RwLock_write") {
    auto box = bench::own_line<fearless::sync::RwLock<u64>>(u64{0});
    auto& m = box->v;
    return bench::lock_case(a, [&] { ++*m.write().unwrap(); }, [&] { return *m.read().unwrap(); });
  }
  if (a.impl == "std_mutex") return bench::guarded_counter_case<std::mutex, std::lock_guard>(a);
  if (a.impl == "std_shared_mutex_write")
    return bench::guarded_counter_case<std::shared_mutex, std::unique_lock, std::shared_lock>(a);
  if (a.impl == "fearless_Arc") {
    auto root = fearless::sync::Arc<u64>::make(u64{7});
    return arc_case(a, root, [](const fearless::sync::Arc<u64>& p) { return p.clone(); });
  }
  if (a.impl == "std_shared_ptr") {
    auto root = std::make_shared<u64>(7);
    return arc_case(a, root, [](const std::shared_ptr<u64>& p) { return p; });
  }
  if (a.impl == "fearless_thread" || a.impl == "std_thread") {
    if (a.kase != "spawn_join") bench::na("unknown case");
    const bool ours = a.impl == "fearless_thread";
    const auto t0 = bench::Clock::now();
    u64 sum = 0;
    for (u64 i = 0; i < a.n; ++i) {
      if (ours) {
        sum += fearless::thread::spawn([i] { return i; }).join().unwrap();
      } else {
        u64 out = 0;
        std::thread([i, &out] { out = i; }).join();
        sum += out;
      }
    }
    const double secs = bench::since(t0);
    bench::check(sum, bench::tri(a.n) - a.n);
    return secs;
  }
  if (a.impl == "floor") {
    if (a.kase == "seq") return floor_seq(a);
    // A bounded(1) or rendezvous hand-off between two threads on different
    // CPUs cannot finish before the other side has seen it: at least one
    // cache-line round trip per message.
    if (a.kase == "spsc" && (a.flavor == bench::Flavor::bounded1 || a.flavor == bench::Flavor::rendezvous))
      return floor_cacheline(a);
    if (a.kase == "cacheline_rtt") return floor_cacheline(a);
    if (a.kase == "futex_rtt") return floor_futex(a);
    bench::na("no floor for this case");
  }
  bench::na("unknown impl");
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = bench::parse(argc, argv);
  bench::report(run(a));
}
