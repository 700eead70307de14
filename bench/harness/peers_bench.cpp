// Side-by-side harness for the C++ peers from Debian's packages: moodycamel's
// BlockingConcurrentQueue and BlockingReaderWriterQueue, Boost.Fiber channels,
// asio's experimental::concurrent_channel and absl::Mutex.
//
//   peers_bench <impl> <case> <flavor> <threads> <n>         (protocol: common.hpp)
//
// impl: moodycamel_cq   BlockingConcurrentQueue with producer/consumer tokens
//                       (its documented fast path); unbounded only
//       moodycamel_rwq  single producer, single consumer: BlockingReaderWriterQueue
//                       (unbounded) / BlockingReaderWriterCircularBuffer (bounded)
//       boost_fiber     buffered_channel (capacity must be a power of two and holds
//                       one less: bounded(1) uses 2, bounded(N) the next power of
//                       two above N) / unbuffered_channel (rendezvous); no unbounded
//       asio_channel    concurrent_channel, each thread running its own io_context
//                       with one coroutine per role; capacity 0 is asio's
//                       unbuffered channel; no unbounded
//       absl_Mutex      locks (deadlock detection turned off: Debian builds it on)
#include <memory>

#include <absl/synchronization/mutex.h>
#include <asio.hpp>
#include <asio/experimental/concurrent_channel.hpp>
#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>
#include <concurrentqueue/blockingconcurrentqueue.h>
#include <readerwriterqueue/readerwritercircularbuffer.h>
#include <readerwriterqueue/readerwriterqueue.h>

#include "common.hpp"

using bench::Args;
using bench::Flavor;
using u64 = std::uint64_t;

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "FAIL %s\n", what);
  std::exit(2);
}

// ---- moodycamel -----------------------------------------------------------------

struct CqChan {
  using Q = moodycamel::BlockingConcurrentQueue<u64>;
  std::unique_ptr<Q> q = std::make_unique<Q>();
  struct Tx {
    Q* q;
    moodycamel::ProducerToken tok;
    void send(u64 v) {
      if (!q->enqueue(tok, v)) die("enqueue");
    }
  };
  struct Rx {
    Q* q;
    moodycamel::ConsumerToken tok;
    u64 recv() {
      u64 v = 0;
      q->wait_dequeue(tok, v);
      return v;
    }
  };
  Tx tx() { return Tx{q.get(), moodycamel::ProducerToken(*q)}; }
  Rx rx() { return Rx{q.get(), moodycamel::ConsumerToken(*q)}; }
};

struct RwqUnbounded {
  moodycamel::BlockingReaderWriterQueue<u64> q;
  void send(u64 v) {
    if (!q.enqueue(v)) die("enqueue");
  }
  u64 recv() {
    u64 v = 0;
    q.wait_dequeue(v);
    return v;
  }
};
struct RwqBounded {
  explicit RwqBounded(std::size_t cap) : q(cap) {}
  moodycamel::BlockingReaderWriterCircularBuffer<u64> q;
  void send(u64 v) { q.wait_enqueue(v); }
  u64 recv() {
    u64 v = 0;
    q.wait_dequeue(v);
    return v;
  }
};
template <class Q>
struct OwnedShared {
  std::unique_ptr<Q> q;
  bench::SharedEnd<Q> tx() { return {q.get()}; }
  bench::SharedEnd<Q> rx() { return {q.get()}; }
};

// ---- Boost.Fiber ---------------------------------------------------------------------

template <class C>
struct FiberQ {
  template <class... A>
  explicit FiberQ(A... a) : c(a...) {}
  C c;
  void send(u64 v) {
    if (c.push(v) != boost::fibers::channel_op_status::success) die("push");
  }
  u64 recv() {
    u64 v = 0;
    if (c.pop(v) != boost::fibers::channel_op_status::success) die("pop");
    return v;
  }
};

std::size_t pow2_above(std::size_t n) {
  std::size_t p = 2;
  while (p < n + 1) p *= 2;
  return p;
}

// ---- asio concurrent_channel -----------------------------------------------------

using AsioCh = asio::experimental::concurrent_channel<void(asio::error_code, u64)>;

asio::awaitable<void> asio_send(AsioCh& ch, u64 per) {
  for (u64 v = 1; v <= per; ++v) co_await ch.async_send(asio::error_code{}, v, asio::use_awaitable);
}
asio::awaitable<void> asio_recv(AsioCh& ch, u64 count, u64* sum) {
  u64 s = 0;
  for (u64 i = 0; i < count; ++i) s += co_await ch.async_receive(asio::use_awaitable);
  *sum = s;
}
asio::awaitable<void> asio_seq(AsioCh& ch, u64 n, bool interleave, u64* sum) {
  u64 s = 0;
  if (interleave) {
    for (u64 v = 1; v <= n; ++v) {
      co_await ch.async_send(asio::error_code{}, v, asio::use_awaitable);
      s += co_await ch.async_receive(asio::use_awaitable);
    }
  } else {
    for (u64 v = 1; v <= n; ++v) co_await ch.async_send(asio::error_code{}, v, asio::use_awaitable);
    for (u64 i = 0; i < n; ++i) s += co_await ch.async_receive(asio::use_awaitable);
  }
  *sum = s;
}

template <class F>
void on_own_context(F make_coro) {
  asio::io_context ctx;
  asio::co_spawn(ctx, make_coro(), [](std::exception_ptr e) {
    if (e) die("asio coroutine threw");
  });
  ctx.run();
}

double run_asio(const Args& a) {
  if (a.flavor == Flavor::unbounded) bench::na("asio's channels are bounded");
  const std::size_t t = static_cast<std::size_t>(a.threads), n = a.n, per = n / t;
  const auto t0 = bench::Clock::now();
  asio::io_context owner;  // the channel's default executor; handlers run on each thread's own context
  AsioCh ch(owner.get_executor(), bench::capacity(a.flavor, n));
  u64 sum = 0, want = 0;
  std::vector<std::thread> ts;
  std::vector<u64> sums(t * 16, 0);
  if (a.kase == "seq") {
    on_own_context([&] { return asio_seq(ch, n, a.flavor == Flavor::bounded1, &sum); });
    want = bench::tri(n);
  } else if (a.kase == "spsc") {
    ts.emplace_back([&] { on_own_context([&] { return asio_send(ch, n); }); });
    on_own_context([&] { return asio_recv(ch, n, &sum); });
    want = bench::tri(n);
  } else if (a.kase == "mpsc" || a.kase == "mpmc") {
    for (std::size_t p = 0; p < t; ++p) ts.emplace_back([&] { on_own_context([&] { return asio_send(ch, per); }); });
    if (a.kase == "mpmc") {
      for (std::size_t c = 0; c < t; ++c)
        ts.emplace_back([&, c] { on_own_context([&] { return asio_recv(ch, per, &sums[c * 16]); }); });
    } else {
      on_own_context([&] { return asio_recv(ch, per * t, &sum); });
    }
    want = bench::tri(per) * t;
  } else {
    bench::na("no select over asio channels");
  }
  for (auto& th : ts) th.join();
  for (std::size_t c = 0; c < t; ++c) sum += sums[c * 16];
  const double secs = bench::since(t0);
  bench::check(sum, want);
  return secs;
}

double run(const Args& a) {
  const bool select = a.kase == "select_rx" || a.kase == "select_both";
  if (a.kase == "seq" && a.flavor == Flavor::rendezvous) bench::na("seq needs a buffer");
  if (a.impl == "moodycamel_cq") {
    if (select) bench::na("no select");
    if (a.flavor != Flavor::unbounded) bench::na("no blocking bounded mode");
    return bench::run_queue_case(a, [] { return CqChan{}; });
  }
  if (a.impl == "moodycamel_rwq") {
    if (a.kase != "seq" && a.kase != "spsc") bench::na("single producer, single consumer");
    if (a.flavor == Flavor::rendezvous) bench::na("no rendezvous");
    if (a.flavor == Flavor::unbounded)
      return bench::run_queue_case(a, [] { return OwnedShared<RwqUnbounded>{std::make_unique<RwqUnbounded>()}; });
    return bench::run_queue_case(a, [&] {
      return OwnedShared<RwqBounded>{std::make_unique<RwqBounded>(bench::capacity(a.flavor, a.n))};
    });
  }
  if (a.impl == "boost_fiber") {
    if (select) bench::na("no select");
    if (a.flavor == Flavor::unbounded) bench::na("no unbounded channel");
    if (a.flavor == Flavor::rendezvous) {
      using Q = FiberQ<boost::fibers::unbuffered_channel<u64>>;
      return bench::run_queue_case(a, [] { return OwnedShared<Q>{std::make_unique<Q>()}; });
    }
    using Q = FiberQ<boost::fibers::buffered_channel<u64>>;
    return bench::run_queue_case(
        a, [&] { return OwnedShared<Q>{std::make_unique<Q>(pow2_above(bench::capacity(a.flavor, a.n)))}; });
  }
  if (a.impl == "asio_channel") return run_asio(a);
  if (a.impl == "absl_Mutex") {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
    auto box = bench::own_line<bench::LockedCounter<absl::Mutex>>();
    auto& l = box->v;
    return bench::lock_case(
        a,
        [&] {
          absl::MutexLock g(&l.m);
          ++l.c;
        },
        [&] {
          absl::MutexLock g(&l.m);
          return l.c;
        });
  }
  bench::na("unknown impl");
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = bench::parse(argc, argv);
  bench::report(run(a));
}
