// Internal: detail::Atomic and the futex calls of the interleaving-exploration
// build (FEARLESS_INTERLEAVE). Never included by a normal build.
//
// Every operation on an Atomic is a scheduling point: before it runs, the
// controlling scheduler (tests/interleave/scheduler.hpp) may suspend the
// calling thread and let another one run. Only one scheduled thread runs at a
// time, so the explored executions are the sequentially consistent
// interleavings of the scenario; weak-memory reorderings are left to TSan.
// futex_wait blocks the thread in the scheduler (not in the kernel) until a
// futex_wake on the same word, or until the scheduler decides that its
// deadline passes. Threads that no scheduler controls (the test's own main
// thread while it sets a scenario up) run straight through, with real futexes.
#pragma once
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "fearless/detail/time.hpp"

namespace fearless::detail {

namespace interleave {

// What a scheduling point is about to do (for traces).
enum class Access : std::uint8_t { kLoad, kStore, kRmw, kCas, kFutexWait, kFutexWake, kSleep, kYield };

// The controlling scheduler, as seen from the library. One instance drives one
// execution of a scenario; `current` (and `virtual_clock`, to the same
// object) is set on every thread it controls.
class Scheduler : public VirtualClock {
 public:
  // Called before every atomic operation: may hand the CPU to another thread
  // and return only when this thread is scheduled again.
  virtual void point(const void* addr, Access access) noexcept = 0;
  // Called after an operation that changed memory (spinning threads are made
  // to yield until somebody writes).
  virtual void wrote(const void* addr) noexcept = 0;
  // Blocks while `word` holds `expected` until woken or timed out (false).
  virtual bool futex_wait(const void* addr, const std::atomic<std::uint32_t>& word, std::uint32_t expected,
                          Deadline deadline) noexcept = 0;
  // Makes up to `n` threads blocked on `addr` runnable.
  virtual int futex_wake(const void* addr, int n) noexcept = 0;  // how many it woke
  // thread::sleep / sleep_until: blocks until the scheduler lets `deadline`
  // pass (the virtual time moves to it; no real time is spent). Nothing else
  // ends it; kNoDeadline never ends.
  virtual void sleep_until(Deadline deadline) noexcept = 0;
  // thread::yield_now: a scheduling point that changes nothing, so a loop
  // that yields while it waits for another thread lets that thread run.
  virtual void yield() noexcept = 0;
  // The random numbers of Select's fair choice: drawn from the exploration's
  // own seeded generator, so a replayed schedule chooses the same.
  virtual std::uint64_t random() noexcept = 0;

 protected:
  ~Scheduler() = default;
};

// The scheduler controlling the calling thread, or nullptr.
inline thread_local Scheduler* current = nullptr;

}  // namespace interleave

// std::atomic's interface; each member is one scheduling point.
template <class T>
class Atomic {
  using order = std::memory_order;
  static constexpr order sc = std::memory_order_seq_cst;
  static constexpr bool kArith = (std::is_integral_v<T> && !std::is_same_v<T, bool>) || std::is_pointer_v<T>;
  static constexpr bool kBits = std::is_integral_v<T> && !std::is_same_v<T, bool>;
  using diff_t = std::conditional_t<std::is_pointer_v<T>, std::ptrdiff_t, T>;

 public:
  using value_type = T;
  static constexpr bool is_always_lock_free = std::atomic<T>::is_always_lock_free;

  constexpr Atomic() noexcept(std::is_nothrow_default_constructible_v<T>) : v_() {}
  constexpr Atomic(T v) noexcept : v_(v) {}  // NOLINT(google-explicit-constructor): as std::atomic
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  [[nodiscard]] bool is_lock_free() const noexcept { return v_.is_lock_free(); }

  T load(order o = sc) const noexcept {
    at(interleave::Access::kLoad);
    return v_.load(o);
  }
  operator T() const noexcept { return load(); }  // NOLINT(google-explicit-constructor)

  void store(T v, order o = sc) noexcept {
    at(interleave::Access::kStore);
    v_.store(v, o);
    changed();
  }
  T operator=(T v) noexcept {
    store(v);
    return v;
  }

  T exchange(T v, order o = sc) noexcept {
    at(interleave::Access::kRmw);
    T r = v_.exchange(v, o);
    changed();
    return r;
  }

  // The weak form never fails spuriously here: a spurious failure is just a
  // retry, which the schedules of the strong form already cover.
  bool compare_exchange_strong(T& expected, T desired, order s, order f) noexcept {
    at(interleave::Access::kCas);
    const bool ok = v_.compare_exchange_strong(expected, desired, s, f);
    if (ok) changed();
    return ok;
  }
  bool compare_exchange_strong(T& expected, T desired, order o = sc) noexcept {
    at(interleave::Access::kCas);
    const bool ok = v_.compare_exchange_strong(expected, desired, o);
    if (ok) changed();
    return ok;
  }
  bool compare_exchange_weak(T& expected, T desired, order s, order f) noexcept {
    return compare_exchange_strong(expected, desired, s, f);
  }
  bool compare_exchange_weak(T& expected, T desired, order o = sc) noexcept {
    return compare_exchange_strong(expected, desired, o);
  }

  T fetch_add(diff_t d, order o = sc) noexcept
    requires kArith
  {
    return rmw([&] { return v_.fetch_add(d, o); });
  }
  T fetch_sub(diff_t d, order o = sc) noexcept
    requires kArith
  {
    return rmw([&] { return v_.fetch_sub(d, o); });
  }
  T fetch_and(T d, order o = sc) noexcept
    requires kBits
  {
    return rmw([&] { return v_.fetch_and(d, o); });
  }
  T fetch_or(T d, order o = sc) noexcept
    requires kBits
  {
    return rmw([&] { return v_.fetch_or(d, o); });
  }
  T fetch_xor(T d, order o = sc) noexcept
    requires kBits
  {
    return rmw([&] { return v_.fetch_xor(d, o); });
  }

  T operator++() noexcept
    requires kArith
  {
    return fetch_add(1) + 1;
  }
  T operator++(int) noexcept
    requires kArith
  {
    return fetch_add(1);
  }
  T operator--() noexcept
    requires kArith
  {
    return fetch_sub(1) - 1;
  }
  T operator--(int) noexcept
    requires kArith
  {
    return fetch_sub(1);
  }
  T operator+=(diff_t d) noexcept
    requires kArith
  {
    return fetch_add(d) + d;
  }
  T operator-=(diff_t d) noexcept
    requires kArith
  {
    return fetch_sub(d) - d;
  }
  T operator&=(T d) noexcept
    requires kBits
  {
    return fetch_and(d) & d;
  }
  T operator|=(T d) noexcept
    requires kBits
  {
    return fetch_or(d) | d;
  }
  T operator^=(T d) noexcept
    requires kBits
  {
    return fetch_xor(d) ^ d;
  }

  // The underlying object, without a scheduling point (for the scheduler).
  [[nodiscard]] const std::atomic<T>& raw() const noexcept { return v_; }

 private:
  void at(interleave::Access a) const noexcept {
    if (interleave::Scheduler* s = interleave::current) s->point(this, a);
  }
  void changed() const noexcept {
    if (interleave::Scheduler* s = interleave::current) s->wrote(this);
  }
  template <class F>
  T rmw(F f) noexcept {
    at(interleave::Access::kRmw);
    T r = f();
    changed();
    return r;
  }

  std::atomic<T> v_;
};

// The scheduler-controlled futex (see the file comment). Same contract as the
// real one in detail/futex.hpp: false only on time-out, spurious returns allowed.
inline bool futex_wait(const Atomic<std::uint32_t>& word, std::uint32_t expected,
                       Deadline deadline = kNoDeadline) noexcept {
  if (interleave::Scheduler* s = interleave::current) return s->futex_wait(&word, word.raw(), expected, deadline);
  timespec ts{};
  const timespec* tsp = nullptr;
  if (deadline != kNoDeadline) {
    ts = to_timespec(deadline);
    tsp = &ts;
  }
  const long r = ::syscall(SYS_futex, reinterpret_cast<const std::uint32_t*>(&word.raw()),
                           FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, tsp, nullptr, FUTEX_BITSET_MATCH_ANY);
  return !(r == -1 && errno == ETIMEDOUT);
}

inline int futex_wake(const Atomic<std::uint32_t>& word, int n = 1) noexcept {
  int woken = 0;
  if (interleave::Scheduler* s = interleave::current) woken = s->futex_wake(&word, n);
  // Also wake real waiters: a thread outside the scheduler may sleep on it.
  const long r = ::syscall(SYS_futex, reinterpret_cast<const std::uint32_t*>(&word.raw()),
                           FUTEX_WAKE | FUTEX_PRIVATE_FLAG, n, nullptr, nullptr, 0);
  return woken + (r > 0 ? static_cast<int>(r) : 0);
}

inline void futex_wake_all(const Atomic<std::uint32_t>& word) noexcept { futex_wake(word, INT_MAX); }

}  // namespace fearless::detail
