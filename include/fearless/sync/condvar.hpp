// fearless/sync/condvar.hpp — Condvar: block until another thread signals a
// change to data behind a Mutex (Rust's std::sync::Condvar).
//
//   fearless::sync::Mutex<bool> ready(false);
//   fearless::sync::Condvar cv;
//   // waiter:
//   auto g = cv.wait_while(ready.lock().unwrap(), [](bool& r) { return !r; }).unwrap();
//   // notifier:
//   *ready.lock().unwrap() = true;
//   cv.notify_one();
//
// The guard goes in and comes back out (inside a LockResult: Err if the mutex
// got poisoned while this thread slept — the guard is still in the error).
// For nonpoison::Mutex use nonpoison::Condvar (sync/nonpoison.hpp).
#pragma once
#include <chrono>
#include <utility>

#include "fearless/detail/guard_access.hpp"
#include "fearless/detail/raw_condvar.hpp"
#include "fearless/detail/site.hpp"
#include "fearless/detail/time.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/sync/poison.hpp"
#include "fearless/sync/wait_timeout_result.hpp"

namespace fearless::sync {

// A condition variable. 8 bytes, no heap; notify costs no system call when
// nobody waits. No lost wake-ups: a notify after a waiter has released the
// mutex always reaches it. wait/wait_timeout may wake spuriously (as in
// Rust); the *_while forms recheck and never return early on a spurious
// wake-up. Use one Condvar with one Mutex at a time. Not copyable. Movable
// only while no thread waits on it and no other thread can still reach it
// (Rust's borrow checker allows a move only then): moving one that a thread
// is waiting on panics; one racing with a thread about to wait is not
// detected. The new Condvar starts with no waiters; the moved-from one stays
// a valid Condvar with none.
class Condvar {
 public:
  // A condvar nobody waits on. constexpr (Rust: const fn new).
  constexpr Condvar() noexcept = default;
  Condvar(const Condvar&) = delete;
  Condvar& operator=(const Condvar&) = delete;
  // A fresh Condvar; nothing is carried over, as no thread waits on o.
  // Panics (fearless::Panic) if one does. Never blocks.
  Condvar(Condvar&& o) { o.raw_.panic_if_waited_on(); }
  // Panics if a thread waits on either Condvar, else does nothing: neither
  // has state worth carrying over. Never blocks.
  Condvar& operator=(Condvar&& o) {
    if (this != &o) {
      raw_.panic_if_waited_on();
      o.raw_.panic_if_waited_on();
    }
    return *this;
  }

  // Releases the guard's mutex, blocks until notified (or spuriously woken),
  // relocks and returns the guard: Err(PoisonError(guard)) if the mutex is
  // poisoned by then. Panics (fearless::Panic) on a moved-from guard.
  template <class T>
  LockResult<MutexGuard<T>> wait(MutexGuard<T> g, fearless::detail::Site site = fearless::detail::Site::current()) const {
    raw_.wait(raw_of(g), fearless::detail::kNoDeadline, site);
    return relocked(std::move(g));
  }

  // Waits while `condition(*g)` is true (it is called with the lock held, as
  // `condition(T&)`); returns the guard once it is false. The condition is
  // checked before the first wait. Err if the mutex is found poisoned after a wait.
  template <class T, class F>
  LockResult<MutexGuard<T>> wait_while(MutexGuard<T> g, F condition,
                                       fearless::detail::Site site = fearless::detail::Site::current()) const {
    while (condition(*g)) {
      auto r = wait(std::move(g), site);
      if (r.is_err()) return r;
      g = std::move(r).unwrap();
    }
    return LockResult<MutexGuard<T>>(std::in_place_index<0>, std::move(g));
  }

  // Like wait, but gives up after `timeout` (any std::chrono duration;
  // <= 0: does not sleep; huge: forever). The WaitTimeoutResult says whether
  // the time ran out. May return early on a notify or spuriously.
  template <class T, class Rep, class Period>
  LockResult<std::pair<MutexGuard<T>, WaitTimeoutResult>> wait_timeout(
      MutexGuard<T> g, std::chrono::duration<Rep, Period> timeout,
      fearless::detail::Site site = fearless::detail::Site::current()) const {
    const bool notified = raw_.wait(raw_of(g), fearless::detail::deadline_after(timeout), site);
    return relocked_pair(std::move(g), WaitTimeoutResult(!notified));
  }

  // Waits while `condition(*g)` is true, for at most `timeout` in total.
  // timed_out() is true only if the time ran out with the condition still true.
  template <class T, class Rep, class Period, class F>
  LockResult<std::pair<MutexGuard<T>, WaitTimeoutResult>> wait_timeout_while(
      MutexGuard<T> g, std::chrono::duration<Rep, Period> timeout, F condition,
      fearless::detail::Site site = fearless::detail::Site::current()) const {
    const auto deadline = fearless::detail::deadline_after(timeout);
    for (;;) {
      if (!condition(*g)) return relocked_pair(std::move(g), WaitTimeoutResult(false), /*check_poison=*/false);
      if (fearless::detail::Clock::now() >= deadline)
        return relocked_pair(std::move(g), WaitTimeoutResult(true), /*check_poison=*/false);
      const bool notified = raw_.wait(raw_of(g), deadline, site);
      if (fearless::detail::GuardAccess::raw(g).is_poisoned())
        return relocked_pair(std::move(g), WaitTimeoutResult(!notified));
    }
  }

  // Wakes one waiting thread, if any (a notify with no waiter is not stored).
  void notify_one() const noexcept { raw_.notify_one(); }
  // Wakes all waiting threads.
  void notify_all() const noexcept { raw_.notify_all(); }

 private:
  template <class G>
  static fearless::detail::RawMutex& raw_of(const G& g) {
    if (!fearless::detail::GuardAccess::holds_lock(g)) panic("Condvar: wait on a moved-from guard");
    return fearless::detail::GuardAccess::raw(g);
  }
  template <class T>
  static LockResult<MutexGuard<T>> relocked(MutexGuard<T> g) {
    const bool poisoned = fearless::detail::GuardAccess::raw(g).is_poisoned();
    return LockResult<MutexGuard<T>>(fearless::detail::shared_payload, poisoned, std::move(g));
  }
  template <class T>
  static LockResult<std::pair<MutexGuard<T>, WaitTimeoutResult>> relocked_pair(MutexGuard<T> g, WaitTimeoutResult w,
                                                                               bool check_poison = true) {
    using P = std::pair<MutexGuard<T>, WaitTimeoutResult>;
    if (check_poison && fearless::detail::GuardAccess::raw(g).is_poisoned())
      return LockResult<P>(std::in_place_index<1>, PoisonError<P>(P(std::move(g), w)));
    return LockResult<P>(std::in_place_index<0>, std::move(g), w);
  }
  mutable fearless::detail::RawCondvar raw_;
};

}  // namespace fearless::sync
