// Internal: the per-thread waiting context of a blocked channel operation.
//
// A thread that must block on one or more channel operations registers its
// Context with each channel's waiting list and parks. Whoever completes one of
// those operations for it first wins a compare-and-swap on `select_` (the
// operation word) and unparks it; every other party sees the word already
// taken. A zero-capacity hand-off also passes a packet pointer through here.
//
// Contexts are reference counted because a waker may still hold one for an
// instant after its owner has returned; each thread caches one to avoid an
// allocation per blocking call.
#pragma once
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/backoff.hpp"
#include "fearless/detail/parker.hpp"
#include "fearless/detail/time.hpp"

namespace fearless::detail::chan {

// An operation's identity: the address of something on the waiting thread's
// stack (so never 0, 1 or 2, which encode the states below).
using Operation = std::uintptr_t;
// The operation word's values besides an Operation.
inline constexpr std::uintptr_t kWaiting = 0;       // nothing selected yet
inline constexpr std::uintptr_t kAborted = 1;       // timed out / gave up
inline constexpr std::uintptr_t kDisconnected = 2;  // woken by a disconnection

template <class P>
Operation hook(P* p) noexcept {
  return reinterpret_cast<Operation>(p);
}

// A small per-thread identity, so that a thread never pairs with itself (a
// select with a send and a receive on the same rendezvous channel).
inline std::uintptr_t current_thread_id() noexcept {
  static thread_local char tag;
  return reinterpret_cast<std::uintptr_t>(&tag);
}

#ifndef FEARLESS_CHAN_SPIN_NS
#  define FEARLESS_CHAN_SPIN_NS 2000
#endif
#ifndef FEARLESS_CHAN_YIELD_NS
#  define FEARLESS_CHAN_YIELD_NS 50000
#endif
#ifndef FEARLESS_CHAN_PRE_YIELD_NS
#  define FEARLESS_CHAN_PRE_YIELD_NS 5000
#endif
// A blocked operation first polls for a moment (a running peer answers within
// a few hundred nanoseconds: a cache-line round trip), then keeps yielding the
// CPU for about as long as a futex sleep/wake round trip costs on a small
// virtual machine, and only then sleeps. A yield hands the core to any other
// runnable thread — often the very peer we wait for when threads outnumber
// cores — so the second phase takes nothing another thread could use.
inline constexpr long kSpinNs = FEARLESS_CHAN_SPIN_NS;
inline constexpr long kYieldNs = FEARLESS_CHAN_YIELD_NS;
// Before registering as a waiter (which makes the peer take a lock to wake
// us), an operation on a full/empty channel polls for a shorter while.
inline constexpr long kPreYieldNs = FEARLESS_CHAN_PRE_YIELD_NS;

// Polls done() at a steady short interval (not an exponential one: waiting on
// a flag, the poll is a local cache hit until the peer writes it) for about
// spin_ns, then between sched_yield()s until yield_ns have passed in all, or
// until `deadline`. True as soon as done() is.
// Spinning only helps when the peer can run meanwhile on another CPU; a
// process confined to one CPU (taskset, a one-CPU cpuset) goes straight to
// yielding. Checked once, at first use.
inline bool may_spin() noexcept {
  static const bool multi = [] {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof(set), &set) != 0) return true;
    return CPU_COUNT(&set) > 1;
  }();
  return multi;
}

// Per-thread record of whether spinning has been paying off: when the peer is
// seldom running at the same time (more runnable threads than CPUs), the spin
// phase is skipped, except for an occasional probe. A spin that succeeds earns
// two, one that runs out loses one: spinning stops only when fewer than one
// spin in three pays. A failed spin costs its ~2 us of CPU, while what it
// saves (sched_yield, 1-8 us of system call on a virtual machine, or a futex
// round trip of 17-95 us) costs more; with one for one, 4 selecting senders
// and 4 selecting receivers on 2 CPUs (select_both bounded(1)) stopped
// spinning and yielded for nearly every message: 128,000 context switches
// for 500,000 messages, 1.9x crossbeam-channel's time where this machine's
// cache-line round trip is ~500 ns, against 1.1-1.2x with two for one.
struct SpinCredit {
  int credit = 4;
  unsigned probe = 0;
};
inline SpinCredit& spin_credit() noexcept {
  static thread_local SpinCredit c;
  return c;
}

// Calls nothing around sched_yield(); see spin_then_yield_slow's `around_yield`.
struct NoYieldHook {
  void operator()(bool) const noexcept {}
};
template <class F, class H = NoYieldHook>
FEARLESS_NOINLINE bool spin_then_yield_slow(F& done, long spin_ns, long yield_ns, Deadline deadline,
                                            H around_yield = {}) noexcept;

// Polls done() until it holds (true) or the spin and yield phases are over
// (false). The first poll is inline: callers on a fast path usually succeed
// there and should pay nothing more.
template <class F>
inline bool spin_then_yield(F&& done, long spin_ns, long yield_ns, Deadline deadline = kNoDeadline) noexcept {
  if (done()) return true;
  return spin_then_yield_slow(done, spin_ns, yield_ns, deadline);
}

// `around_yield(false)` runs before each sched_yield(), `around_yield(true)` after it.
template <class F, class H>
FEARLESS_NOINLINE bool spin_then_yield_slow(F& done, long spin_ns, long yield_ns, Deadline deadline,
                                            H around_yield) noexcept {
  SpinCredit& sc = spin_credit();
  const bool spin = may_spin() && spin_ns > 0 && (sc.credit > 0 || (++sc.probe & 15) == 0);
  const Deadline start = Clock::now();
  const Deadline spin_end = start + std::chrono::nanoseconds(spin ? spin_ns : 0);
  const Deadline end = std::min(start + std::chrono::nanoseconds(yield_ns), deadline);
  for (;;) {
    for (int i = 0; i < 16; ++i) {
      cpu_relax();
      if (done()) {
        if (spin && sc.credit < 8) sc.credit += 2;
        return true;
      }
    }
    if (Clock::now() >= spin_end) break;
  }
  if (spin && sc.credit > -8) --sc.credit;
  for (;;) {
    if (Clock::now() >= end) return false;
    around_yield(false);
    ::sched_yield();
    around_yield(true);
    if (done()) return true;
  }
}

// Waits, without sleeping, for a peer that has already committed to an
// action and finishes it within moments once it runs (writing into a slot it
// reserved, storing the packet of the operation it selected). Each round ends
// with a sched_yield() even when the yield phase is configured away
// (FEARLESS_CHAN_YIELD_NS=0): on a CPU it shares with us, the peer may be
// the thread our spinning keeps off the core.
template <class F>
inline void wait_committed(F&& done) noexcept {
  while (!spin_then_yield(done, kSpinNs, kYieldNs)) ::sched_yield();
}

class Context {
 public:
  // Runs f(Context&) with this thread's cached context, or with a fresh one
  // when the cached one is busy (a nested blocking call from inside a move
  // constructor, say) or already destroyed (a blocking call from another
  // thread_local's destructor at thread exit: the fresh one is freed after).
  template <class F>
  static decltype(auto) with(F&& f) {
    Cache* c = cache_dead_ ? nullptr : &cache();
    Context* cx = c != nullptr ? std::exchange(c->cx, nullptr) : nullptr;
    if (cx == nullptr) cx = new Context();
    cx->reset();
    struct Restore {
      Cache* c;
      Context* cx;
      ~Restore() {
        if (c != nullptr && c->cx == nullptr) c->cx = cx;
        else cx->release();
      }
    } restore{c, cx};
    return f(*cx);
  }

  // Tries to claim the operation word: succeeds only if still waiting.
  // Returns the word's value: `sel` on success, the current value otherwise.
  bool try_select(std::uintptr_t sel) noexcept {
    std::uintptr_t expected = kWaiting;
    // acq_rel: acquire pairs with nothing earlier (word is fresh per wait);
    // release publishes the selector's writes (packet, message) to the woken thread.
    return select_.compare_exchange_strong(expected, sel, std::memory_order_acq_rel, std::memory_order_acquire);
  }
  // acquire: pairs with the release in try_select, so the selector's writes are visible.
  std::uintptr_t selected() const noexcept { return select_.load(std::memory_order_acquire); }

  // release: pairs with the acquire in wait_packet.
  void store_packet(void* p) noexcept {
    if (p != nullptr) packet_.store(p, std::memory_order_release);
  }
  // Waits for the packet of a selected zero-capacity operation (the selector
  // stores it right after selecting, so this is a short wait).
  void* wait_packet() const noexcept {
    void* p = nullptr;
    // acquire: pairs with store_packet's release.
    wait_committed([&] { return (p = packet_.load(std::memory_order_acquire)) != nullptr; });
    return p;
  }

  // Waits until an operation is selected or `deadline` passes (then tries to
  // abort). Spins briefly first: on a small machine a futex round trip costs
  // far more than the typical wait for a running peer.
  std::uintptr_t wait_until(Deadline deadline) noexcept {
    std::uintptr_t sel = kWaiting;
    if (spin_then_yield([&] { return (sel = selected()) != kWaiting; }, kSpinNs, kYieldNs, deadline)) return sel;
    return park_until(deadline);
  }
  // wait_until, keeping on_cpu() up to date meanwhile: for a select whose
  // peer will wait on this thread once it has selected it (picker_waits).
  std::uintptr_t wait_until_advertised(Deadline deadline) noexcept {
    std::uintptr_t sel = kWaiting;
    auto done = [&] { return (sel = selected()) != kWaiting; };
    advertise(true);
    const bool got =
        done() || spin_then_yield_slow(done, kSpinNs, kYieldNs, deadline, [this](bool on) { advertise(on); });
    advertise(false);
    if (got) return sel;
    return park_until(deadline);
  }
  // The sleeping part of wait_until.
  std::uintptr_t park_until(Deadline deadline) noexcept {
    for (;;) {
      const std::uintptr_t s = selected();
      if (s != kWaiting) return s;
      if (deadline != kNoDeadline) {
        if (Clock::now() >= deadline) {
          if (try_select(kAborted)) return kAborted;
          return selected();
        }
        parker_.park_until(deadline);
      } else {
        parker_.park();
      }
    }
  }

  void unpark() noexcept { parker_.unpark(); }
  // A hint, kept only by wait_until_advertised: the owner was last seen
  // polling on a CPU (not between sched_yield()s, not parked), so it will
  // notice a selection within moments. relaxed: only a hint; the selection
  // itself goes through try_select.
  bool on_cpu() const noexcept { return on_cpu_.load(std::memory_order_relaxed); }
  // Sets the hint (the owner, from wait_until_advertised; tests).
  // relaxed: a hint for selectors; nothing is published by it.
  void advertise(bool on) noexcept { on_cpu_.store(on, std::memory_order_relaxed); }
  std::uintptr_t thread_id() const noexcept { return thread_id_; }

  void retain() noexcept {
    // relaxed: a new reference is made from an existing one; nothing to order.
    refs_.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept {
    // acq_rel: the last release must see every other holder's use.
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 private:
  struct Cache {
    Context* cx = nullptr;
    ~Cache() {
      cache_dead_ = true;
      if (cx != nullptr) std::exchange(cx, nullptr)->release();
    }
  };
  static Cache& cache() noexcept {
    static thread_local Cache c;
    return c;
  }
  // Set when this thread's Cache is destroyed. Trivially destructible, so it
  // stays readable in the thread_local destructors that run after ~Cache.
  static inline constinit thread_local bool cache_dead_ = false;

  Context() noexcept : thread_id_(current_thread_id()) {}

  void reset() noexcept {
    // relaxed: only the owner touches the context while no waker holds it.
    select_.store(kWaiting, std::memory_order_relaxed);
    packet_.store(nullptr, std::memory_order_relaxed);  // same
  }

  Atomic<std::uintptr_t> select_{kWaiting};
  Atomic<void*> packet_{nullptr};
  Atomic<bool> on_cpu_{false};
  Parker parker_;
  std::uintptr_t thread_id_;
  Atomic<std::uint32_t> refs_{1};
};

// A counted reference to a Context, as kept in waiting lists.
class ContextRef {
 public:
  explicit ContextRef(Context& cx) noexcept : cx_(&cx) { cx_->retain(); }
  ContextRef(const ContextRef& o) noexcept : cx_(o.cx_) { cx_->retain(); }
  ContextRef(ContextRef&& o) noexcept : cx_(std::exchange(o.cx_, nullptr)) {}
  ContextRef& operator=(ContextRef o) noexcept {
    std::swap(cx_, o.cx_);
    return *this;
  }
  ~ContextRef() {
    if (cx_ != nullptr) cx_->release();
  }
  Context* operator->() const noexcept { return cx_; }
  Context& operator*() const noexcept { return *cx_; }

 private:
  Context* cx_;
};

// Blocks the calling thread until `deadline` (forever for kNoDeadline) using
// only the futex: timers and selects with nothing to wait on sleep here.
inline void sleep_until(Deadline deadline) noexcept {
#if defined(FEARLESS_INTERLEAVE)
  // As thread::sleep_until: a sleep in virtual time that always ends at its deadline.
  if (interleave::Scheduler* s = interleave::current) return s->sleep_until(deadline);
#endif
  Atomic<std::uint32_t> word{0};
  while (deadline == kNoDeadline || Clock::now() < deadline) futex_wait(word, 0, deadline);
}

}  // namespace fearless::detail::chan
