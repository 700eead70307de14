// Internal: waiting lists of blocked channel operations.
//
// `Waker` is a plain list (callers lock it); `SyncWaker` adds a small lock and
// an `is_empty` flag so that the common case — nobody waiting — costs one
// atomic load and no lock on the channel's fast path.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/backoff.hpp"
#include "fearless/detail/chan/context.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/futex.hpp"

namespace fearless::detail::chan {

// A tiny lock for waiting lists: held for a handful of instructions, so it
// spins (and yields) before it sleeps on the futex.
class FEARLESS_CAPABILITY("mutex") WaitLock {
 public:
  void lock() noexcept FEARLESS_ACQUIRE() {
    std::uint32_t expected = 0;
    // acquire: pairs with unlock()'s release, entering the critical section.
    if (FEARLESS_LIKELY(state_.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                                       std::memory_order_relaxed)))
      return;
    lock_slow();
  }
  void unlock() noexcept FEARLESS_RELEASE() {
    // release: publishes the critical section to the next owner.
    if (state_.exchange(0, std::memory_order_release) == 2) futex_wake(state_, 1);
  }

 private:
  FEARLESS_COLD void lock_slow() noexcept {
    // The holder runs a few instructions: poll it steadily, then yield, and
    // sleep only if it was descheduled for longer.
    const bool got = spin_then_yield(
        [&] {
          std::uint32_t expected = 0;
          // relaxed load: a cheap pre-check; acquire CAS: as in lock().
          return state_.load(std::memory_order_relaxed) == 0 &&
                 state_.compare_exchange_weak(expected, 1, std::memory_order_acquire, std::memory_order_relaxed);
        },
        kSpinNs, kPreYieldNs);
    if (got) return;
    // 2 = locked with (possible) sleepers. acquire: as in lock().
    while (state_.exchange(2, std::memory_order_acquire) != 0) futex_wait(state_, 2);
  }
  Atomic<std::uint32_t> state_{0};
};

class FEARLESS_SCOPED_CAPABILITY WaitGuard {
 public:
  explicit WaitGuard(WaitLock& l) noexcept FEARLESS_ACQUIRE(l) : l_(l) { l_.lock(); }
  ~WaitGuard() FEARLESS_RELEASE() { l_.unlock(); }
  WaitGuard(const WaitGuard&) = delete;
  WaitGuard& operator=(const WaitGuard&) = delete;

 private:
  WaitLock& l_;
};

// One blocked operation: which operation, its hand-off packet (zero-capacity
// channels only) and the thread's context. `quick`: whoever selects it can
// finish at once; false for a selecting send on a rendezvous channel, whose
// packet stays empty until its thread has woken and written the message.
struct Entry {
  Operation oper;
  void* packet;
  ContextRef cx;
  bool quick = true;
};

// The threads blocked on one side of a channel. Not thread-safe by itself.
class Waker {
 public:
  void register_op(Operation oper, Context& cx) { register_with_packet(oper, nullptr, cx); }
  void register_with_packet(Operation oper, void* packet, Context& cx, bool quick = true) {
    selectors_.push_back(Entry{oper, packet, ContextRef(cx), quick});
  }
  std::optional<Entry> unregister(Operation oper) {
    for (auto it = selectors_.begin(); it != selectors_.end(); ++it) {
      if (it->oper == oper) {
        Entry e = std::move(*it);
        selectors_.erase(it);
        return e;
      }
    }
    return std::nullopt;
  }

  // Selects one waiting operation of another thread, hands it its packet and
  // wakes it; returns that entry (removed from the list). The earliest
  // registered wins, except that, when the caller will wait for the entry's
  // thread (`quick` false), one that can finish at once or whose thread is on
  // a CPU now comes first: on a machine with more runnable threads than
  // CPUs, picking one that sits in the run queue between sched_yield()s makes
  // the picker yield too, often several times, until it runs. (4 selecting
  // senders and 4 selecting receivers on 2 CPUs, rendezvous channels, 1M
  // messages: median 3.90 s against 4.18 s when always taking the earliest.)
  // `wake` false: the caller unparks the entry's thread itself.
  std::optional<Entry> try_select(bool wake = true) {
    const std::uintptr_t me = current_thread_id();
    auto take = [&](auto it) {
      it->cx->store_packet(it->packet);
      if (wake) it->cx->unpark();
      Entry e = std::move(*it);
      selectors_.erase(it);
      return e;
    };
    auto first_slow = selectors_.end();
    for (auto it = selectors_.begin(); it != selectors_.end(); ++it) {
      if (it->cx->thread_id() == me) continue;
      if (!it->quick && !it->cx->on_cpu()) {
        if (first_slow == selectors_.end() && it->cx->selected() == kWaiting) first_slow = it;
        continue;
      }
      if (it->cx->try_select(it->oper)) return take(it);
    }
    for (auto it = first_slow; it != selectors_.end(); ++it) {
      if (it->quick || it->cx->thread_id() == me) continue;  // quick ones were all tried above
      if (it->cx->try_select(it->oper)) return take(it);
    }
    return std::nullopt;
  }

  // True if some waiting operation of another thread could be selected now.
  bool can_select() const noexcept {
    if (selectors_.empty()) return false;
    const std::uintptr_t me = current_thread_id();
    for (const Entry& e : selectors_)
      if (e.cx->thread_id() != me && e.cx->selected() == kWaiting) return true;
    return false;
  }

  // Observers (Select::ready) only want to hear that something changed.
  void watch(Operation oper, Context& cx) { observers_.push_back(Entry{oper, nullptr, ContextRef(cx)}); }
  void unwatch(Operation oper) {
    for (auto it = observers_.begin(); it != observers_.end(); ++it) {
      if (it->oper == oper) {
        observers_.erase(it);
        return;
      }
    }
  }
  void notify() {
    for (Entry& e : observers_)
      if (e.cx->try_select(e.oper)) e.cx->unpark();
    observers_.clear();
  }

  // Wakes everybody with "disconnected".
  void disconnect() {
    for (Entry& e : selectors_)
      if (e.cx->try_select(kDisconnected)) e.cx->unpark();
    notify();
  }

  // Wakes every waiting operation with "aborted", as a timeout would: each
  // retries from the top and sees what changed outside the channel (a
  // message put back into a receivers' stash).
  void abort_all() {
    for (Entry& e : selectors_)
      if (e.cx->try_select(kAborted)) e.cx->unpark();
    notify();
  }

  bool empty() const noexcept { return selectors_.empty() && observers_.empty(); }

 private:
  std::vector<Entry> selectors_;
  std::vector<Entry> observers_;
};

// A Waker behind its own lock, with a lock-free "anyone waiting?" check.
class SyncWaker {
 public:
  // Parks the calling thread on this list until a peer selects it, or
  // `deadline` passes. `ready()` is checked once after registering, closing
  // the race with a peer that acted just before; when it holds, the wait is
  // aborted at once. `token` names the operation, `packet` is left in the
  // entry for the peer that selects it. Returns how the wait ended: kAborted,
  // kDisconnected, or the operation (a peer selected it). The caller then
  // retries the operation, unless the packet says the peer completed it.
  template <class Tok, class Ready>
  std::uintptr_t wait_for_peer(Tok* token, Deadline deadline, Ready ready, void* packet = nullptr) {
    return Context::with([&](Context& cx) {
      const Operation oper = hook(token);
      register_with_packet(oper, packet, cx);
      if (ready()) cx.try_select(kAborted);
      const std::uintptr_t sel = cx.wait_until(deadline);
      if (sel == kAborted || sel == kDisconnected) unregister(oper);
      return sel;
    });
  }

  void register_op(Operation oper, Context& cx) { register_with_packet(oper, nullptr, cx); }
  void register_with_packet(Operation oper, void* packet, Context& cx) {
    WaitGuard g(lock_);
    inner_.register_with_packet(oper, packet, cx);
    sync_empty();
  }
  std::optional<Entry> unregister(Operation oper) {
    WaitGuard g(lock_);
    auto e = inner_.unregister(oper);
    sync_empty();
    return e;
  }
  void watch(Operation oper, Context& cx) {
    WaitGuard g(lock_);
    inner_.watch(oper, cx);
    sync_empty();
  }
  void unwatch(Operation oper) {
    WaitGuard g(lock_);
    inner_.unwatch(oper);
    sync_empty();
  }
  // Wakes one blocked operation and every observer. Lock-free when nobody waits.
  void notify() {
    if (FEARLESS_LIKELY(nobody_waiting())) return;
    if (auto e = notify_deferred()) e->cx->unpark();
  }
  // The lock-free check that notify() starts with: true when nobody waits.
  // seq_cst: orders the caller's preceding channel update before this check,
  // against the waiter's registration followed by its re-check of the channel.
  bool nobody_waiting() const noexcept { return is_empty_.load(std::memory_order_seq_cst); }
  // Like notify(), but the selected entry is returned instead of woken: the
  // caller finishes what the entry's packet asks for, then calls
  // `e->cx->unpark()`. Call it when nobody_waiting() was false.
  std::optional<Entry> notify_deferred() {
    WaitGuard g(lock_);
    std::optional<Entry> e;
    // relaxed: re-read under the lock, which orders it.
    if (!is_empty_.load(std::memory_order_relaxed)) {
      e = inner_.try_select(/*wake=*/false);
      inner_.notify();
      sync_empty();
    }
    return e;
  }
  void disconnect() {
    WaitGuard g(lock_);
    inner_.disconnect();
    sync_empty();
  }
  void abort_all() {
    if (nobody_waiting()) return;
    WaitGuard g(lock_);
    inner_.abort_all();
    sync_empty();
  }

 private:
  void sync_empty() FEARLESS_REQUIRES(lock_) {
    // seq_cst: pairs with notify()'s check (see there).
    is_empty_.store(inner_.empty(), std::memory_order_seq_cst);
  }
  WaitLock lock_;
  Waker inner_ FEARLESS_GUARDED_BY(lock_);
  Atomic<bool> is_empty_{true};
};

}  // namespace fearless::detail::chan
