// fearless/lock_order.hpp — reports of the opt-in lock-order checker.
//
// Compile every translation unit with FEARLESS_LOCK_ORDER=1 (e.g. CMake's
// -DFEARLESS_LOCK_ORDER=ON for fearless's own tests, or
// target_compile_definitions(app PRIVATE FEARLESS_LOCK_ORDER=1)) and every
// fearless Mutex, RwLock and Condvar wait records the order in which each
// thread takes locks. The first time two locks are taken in opposite orders —
// A then B on one thread, B then A on another (or a longer cycle, A->B, B->C,
// C->A) — it reports a potential deadlock, naming both acquisition sites of
// every edge of the cycle and the threads that took them, even if this run
// happened not to deadlock.
//
//   fearless::lock_order::set_handler([](const fearless::lock_order::Report& r) {
//     log_error(r.message());      // instead of the default: print and abort
//   });
//
// Without FEARLESS_LOCK_ORDER the hooks are empty inline functions (zero cost)
// and the handler is never called. Mixing translation units compiled with and
// without it is not supported (the lock types would differ between them).
#pragma once
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace fearless::lock_order {

// One edge of the lock-order graph: while holding `held` (taken at
// held_file:held_line), thread `thread` acquired `acquired` at
// acquired_file:acquired_line.
struct Edge {
  const void* held = nullptr;
  const char* held_file = "";
  unsigned held_line = 0;
  const void* acquired = nullptr;
  const char* acquired_file = "";
  unsigned acquired_line = 0;
  std::string thread;
};

// A potential deadlock: `cycle[0]` is the acquisition being made now (it
// closes the cycle); the following edges are earlier acquisitions, in the
// order that leads from cycle[0].acquired back to cycle[0].held.
struct Report {
  std::vector<Edge> cycle;

  // Human-readable, multi-line description (what the default handler prints).
  [[nodiscard]] std::string message() const {
    std::string out = "fearless: potential deadlock: locks taken in inconsistent order (a cycle of " +
                      std::to_string(cycle.size()) + " locks)\n";
    for (std::size_t i = 0; i < cycle.size(); ++i) {
      const Edge& e = cycle[i];
      char held[32];
      char acq[32];
      std::snprintf(held, sizeof held, "%p", e.held);
      std::snprintf(acq, sizeof acq, "%p", e.acquired);
      out += i == 0 ? "  now:     thread '" : "  earlier: thread '";
      out += e.thread + "' acquires lock " + acq + " at " + e.acquired_file + ":" + std::to_string(e.acquired_line) +
             "\n           while holding lock " + held + " (acquired at " + e.held_file + ":" +
             std::to_string(e.held_line) + ")\n";
    }
    return out;
  }
};

// Called once per distinct potential deadlock. If it returns, the program goes
// on: the lock is acquired as usual and the same pair is not reported again.
using Handler = std::function<void(const Report&)>;

namespace detail {
struct HandlerSlot {
  std::mutex m;
  Handler h;
};
inline HandlerSlot& handler_slot() {
  static HandlerSlot* slot = new HandlerSlot();  // never destroyed: usable during exit
  return *slot;
}
}  // namespace detail

// Installs `h` as the reporter and returns the previous one. An empty handler
// restores the default, which prints Report::message() to stderr and aborts.
// Thread-safe; the handler may itself take fearless locks.
inline Handler set_handler(Handler h) {
  auto& s = detail::handler_slot();
  std::lock_guard<std::mutex> g(s.m);
  return std::exchange(s.h, std::move(h));
}

// Delivers `r` to the installed handler (or the default).
inline void report(const Report& r) {
  Handler h;
  {
    auto& s = detail::handler_slot();
    std::lock_guard<std::mutex> g(s.m);
    h = s.h;
  }
  if (h) {
    h(r);
    return;
  }
  const std::string msg = r.message();
  std::fputs(msg.c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

// True when this build records lock order (FEARLESS_LOCK_ORDER=1).
inline constexpr bool enabled =
#if defined(FEARLESS_LOCK_ORDER) && FEARLESS_LOCK_ORDER
    true;
#else
    false;
#endif

}  // namespace fearless::lock_order
