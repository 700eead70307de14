// Shared pieces of the C++ side-by-side harnesses: the command line, the clock,
// the checksums and the channel shapes of crossbeam-channel's benchmark suite
// written once for every queue that exposes blocking send/recv.
//
// Protocol (all harness binaries, C++, Rust and Go alike):
//   <binary> <impl> <case> <flavor> <threads> <n>
// prints `OK <seconds>` for one measured run, or `NA <reason>` for a cell the
// implementation cannot express; a run whose received sum differs from the
// sent sum prints FAIL on stderr and exits 2, so it can never post a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace bench {

enum class Flavor { unbounded, bounded1, boundedN, rendezvous, none };

inline Flavor parse_flavor(std::string_view s) {
  if (s == "unbounded") return Flavor::unbounded;
  if (s == "bounded1") return Flavor::bounded1;
  if (s == "boundedN") return Flavor::boundedN;
  if (s == "rendezvous") return Flavor::rendezvous;
  return Flavor::none;
}

// Capacity of a bounded flavour: bounded(N) uses the message count, as
// crossbeam-channel's suite does.
inline std::size_t capacity(Flavor f, std::size_t n) {
  switch (f) {
    case Flavor::bounded1: return 1;
    case Flavor::boundedN: return n;
    default: return 0;
  }
}

struct Args {
  std::string impl, kase;
  Flavor flavor;
  int threads;
  std::size_t n;
};

inline Args parse(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s <impl> <case> <flavor> <threads> <n>\n", argv[0]);
    std::exit(64);
  }
  Args a{argv[1], argv[2], parse_flavor(argv[3]), std::atoi(argv[4]), std::strtoull(argv[5], nullptr, 10)};
  // Only "-" (no flavour: lock, arc, spawn and floor cases) may fail to
  // parse; a misspelt flavour would otherwise run as a rendezvous and hang.
  if (a.flavor == Flavor::none && std::string_view(argv[3]) != "-") {
    std::fprintf(stderr, "unknown flavor '%s' (unbounded, bounded1, boundedN, rendezvous or -)\n", argv[3]);
    std::exit(64);
  }
  if (a.threads < 1 || a.n < static_cast<std::size_t>(a.threads)) {
    std::fprintf(stderr, "bad threads/n\n");
    std::exit(64);
  }
  return a;
}

[[noreturn]] inline void na(const char* why) {
  std::printf("NA %s\n", why);
  std::exit(0);
}

inline void check(std::uint64_t got, std::uint64_t want) {
  if (got != want) {
    std::fprintf(stderr, "FAIL checksum %llu != %llu\n", static_cast<unsigned long long>(got),
                 static_cast<unsigned long long>(want));
    std::exit(2);
  }
}

inline std::uint64_t tri(std::uint64_t m) { return m * (m + 1) / 2; }

using Clock = std::chrono::steady_clock;
inline double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

[[noreturn]] inline void report(double secs) {
  std::printf("OK %.9f\n", secs);
  std::fflush(stdout);
  std::exit(0);
}

// A process that never had a second thread lets glibc skip atomics in places;
// every lock harness starts (and joins) one before timing.
inline void one_extra_thread() { std::thread([] {}).join(); }

// The channel shapes seq, spsc, mpsc and mpmc. `make()` builds the channel
// (inside the timed region, as in crossbeam's suite); the channel object gives
// per-thread endpoints via tx()/rx(), each with send(u64) and recv() -> u64.
template <class Make>
double run_queue_case(const Args& a, Make make) {
  const int t = a.threads;
  const std::size_t n = a.n;
  const std::size_t per = n / static_cast<std::size_t>(t);
  const auto t0 = Clock::now();
  auto ch = make();
  std::uint64_t sum = 0, want = 0;
  if (a.kase == "seq") {
    auto tx = ch.tx();
    auto rx = ch.rx();
    if (a.flavor == Flavor::bounded1) {
      for (std::uint64_t i = 1; i <= n; ++i) {
        tx.send(i);
        sum += rx.recv();
      }
    } else {
      for (std::uint64_t i = 1; i <= n; ++i) tx.send(i);
      for (std::size_t i = 0; i < n; ++i) sum += rx.recv();
    }
    want = tri(n);
  } else if (a.kase == "spsc") {
    std::thread p([tx = ch.tx(), n]() mutable {
      for (std::uint64_t i = 1; i <= n; ++i) tx.send(i);
    });
    auto rx = ch.rx();
    for (std::size_t i = 0; i < n; ++i) sum += rx.recv();
    p.join();
    want = tri(n);
  } else if (a.kase == "mpsc" || a.kase == "mpmc") {
    const bool many = a.kase == "mpmc";
    std::vector<std::thread> ps, cs;
    std::vector<std::uint64_t> sums(static_cast<std::size_t>(t) * 16, 0);
    for (int p = 0; p < t; ++p)
      ps.emplace_back([tx = ch.tx(), per]() mutable {
        for (std::uint64_t i = 1; i <= per; ++i) tx.send(i);
      });
    if (many) {
      for (int c = 0; c < t; ++c)
        cs.emplace_back([rx = ch.rx(), per, out = &sums[static_cast<std::size_t>(c) * 16]]() mutable {
          std::uint64_t s = 0;
          for (std::size_t i = 0; i < per; ++i) s += rx.recv();
          *out = s;
        });
    } else {
      auto rx = ch.rx();
      for (std::size_t i = 0; i < per * static_cast<std::size_t>(t); ++i) sum += rx.recv();
    }
    for (auto& th : ps) th.join();
    for (auto& th : cs) th.join();
    for (int c = 0; c < t; ++c) sum += sums[static_cast<std::size_t>(c) * 16];
    want = tri(per) * static_cast<std::uint64_t>(t);
  } else {
    na("case not supported by this implementation");
  }
  const double secs = since(t0);
  check(sum, want);
  return secs;
}

// Endpoint for queues that are one shared object used from every thread.
template <class Q>
struct SharedEnd {
  Q* q;
  void send(std::uint64_t v) { q->send(v); }
  std::uint64_t recv() { return q->recv(); }
};

// A lock and its data on cache lines of their own, on the heap (as Rust's
// harness has them inside an Arc), so that nothing else the threads touch,
// such as the loop's own captures on the main thread's stack, shares a line
// with the contended word.
template <class T>
struct alignas(128) OwnLine {
  T v;
};
template <class T, class... A>
std::unique_ptr<OwnLine<T>> own_line(A&&... a) {
  return std::unique_ptr<OwnLine<T>>(new OwnLine<T>{T(std::forward<A>(a)...)});
}

// A lock beside the counter it guards, for locks that do not own their data.
template <class M>
struct LockedCounter {
  M m;
  std::uint64_t c = 0;
};

// Locks: `counter` runs `threads` threads each doing n/threads increments of one
// shared counter under the lock; `uncontended` does n lock+increment+unlock on
// one thread after one other thread has existed.

template <class Incr, class Get>
double lock_case(const Args& a, Incr incr, Get get) {
  if (a.kase == "counter") {
    const std::size_t per = a.n / static_cast<std::size_t>(a.threads);
    const auto t0 = Clock::now();
    std::vector<std::thread> ts;
    for (int i = 0; i < a.threads; ++i)
      ts.emplace_back([&, per] {
        for (std::size_t k = 0; k < per; ++k) incr();
      });
    for (auto& th : ts) th.join();
    const double secs = since(t0);
    check(get(), per * static_cast<std::size_t>(a.threads));
    return secs;
  }
  if (a.kase == "uncontended") {
    one_extra_thread();
    const auto t0 = Clock::now();
    for (std::size_t k = 0; k < a.n; ++k) incr();
    const double secs = since(t0);
    check(get(), a.n);
    return secs;
  }
  na("unknown lock case");
}

// lock_case for a LockedCounter<M> on cache lines of its own: each increment
// holds a Hold<M> (std::lock_guard, std::unique_lock, ...), the final read a Read<M>.
template <class M, template <class> class Hold, template <class> class Read = Hold>
double guarded_counter_case(const Args& a) {
  auto box = own_line<LockedCounter<M>>();
  auto& l = box->v;
  return lock_case(
      a,
      [&] {
        Hold<M> g(l.m);
        ++l.c;
      },
      [&] {
        Read<M> g(l.m);
        return l.c;
      });
}

}  // namespace bench
