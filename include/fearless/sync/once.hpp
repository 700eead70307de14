// fearless/sync/once.hpp — Once: run a piece of initialisation exactly once
// (Rust's std::sync::{Once, OnceState}).
//
//   static fearless::sync::Once init;
//   init.call_once([] { setup(); });   // every caller returns after setup() finished
//
// Poisoning, as in Rust: if the function throws, the exception propagates to
// its caller and the Once becomes *poisoned*: is_completed() stays false,
// later call_once calls (and threads already waiting) panic with
// "Once instance has previously been poisoned", while call_once_force runs its
// function again, telling it through OnceState::is_poisoned().
//
// Movable, as Rust's Once is: a move carries the state over (incomplete,
// complete or poisoned). Like any C++ move it needs exclusive use; a run or a
// waiter still in progress is detected and panics instead of being lost.
#pragma once
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/futex.hpp"
#include "fearless/panic.hpp"

namespace fearless::detail {

// A Once whose function this thread is running; the frames form a per-thread
// stack (innermost first), so a call that would wait for its own thread's run
// is recognised and panics instead of deadlocking.
struct OnceRun {
  const void* once;
  const OnceRun* outer;
};
inline constinit thread_local const OnceRun* t_once_runs = nullptr;

// True if this thread is inside the function of the Once at `once`. O(depth).
[[nodiscard]] inline bool running_once_here(const void* once) noexcept {
  for (const OnceRun* r = t_once_runs; r != nullptr; r = r->outer)
    if (r->once == once) return true;
  return false;
}

}  // namespace fearless::detail

namespace fearless::sync {

// What call_once_force tells its function.
class OnceState {
 public:
  // True if an earlier call's function threw (the Once was poisoned).
  [[nodiscard]] bool is_poisoned() const noexcept { return poisoned_; }

 private:
  friend class Once;
  explicit OnceState(bool poisoned) noexcept : poisoned_(poisoned) {}
  bool poisoned_;
};

// 4 bytes; completed-state check is one acquire load. Movable, not copyable.
class Once {
 public:
  // An incomplete Once. constexpr (Rust: const fn new).
  constexpr Once() noexcept = default;
  Once(const Once&) = delete;
  Once& operator=(const Once&) = delete;

  // Move contract (Rust moves a Once freely; C++ needs the same exclusive use
  // as for moving any object): the new Once is incomplete, complete or
  // poisoned exactly as `o` was, and `o` keeps that state too, still usable.
  // A function that another thread (or this one, from inside it) is running
  // for `o` would finish the old object and the move would miss its outcome,
  // so that panics with "cannot move a Once while it is being initialized";
  // a thread asleep in o.wait()/wait_force() panics the move with "cannot
  // move a Once while a thread is waiting for it". Never blocks.
  Once(Once&& o) : state_(static_cast<std::uint32_t>(o.outcome_for_move("cannot move a Once"))) {}
  // As the move constructor; this Once must be unused as well ("cannot assign
  // to a Once while ..." otherwise). Self-assignment does nothing.
  Once& operator=(Once&& o) {
    if (this != &o) {
      const Outcome from = o.outcome_for_move("cannot move a Once");
      (void)outcome_for_move("cannot assign to a Once");
      set_unshared(from);
    }
    return *this;
  }

  // Runs `f()` if no call has completed yet; exactly one caller runs it, the
  // others block until it has finished. When it returns, its effects are
  // visible to every caller. Panics if the Once is poisoned. Reentrant use
  // (call_once, call_once_force or wait on the same Once from inside `f`)
  // panics with "Once instance is being initialized reentrantly" instead of
  // deadlocking (Rust allows either), which then poisons the Once.
  // Complexity: one acquire load once completed.
  template <class F>
  void call_once(F&& f) const {
    if (FEARLESS_LIKELY(is_completed())) return;
    call_inner(false, [&](const OnceState&) {
      std::forward<F>(f)();
      return true;
    });
  }

  // Like call_once, but runs even on a poisoned Once; `f(const OnceState&)`
  // can see whether it is. If f returns normally the Once completes. Blocks
  // while another thread runs a function; reentrant use panics as in call_once.
  template <class F>
  void call_once_force(F&& f) const {
    if (FEARLESS_LIKELY(is_completed())) return;
    call_inner(true, [&](const OnceState& st) {
      std::forward<F>(f)(st);
      return true;
    });
  }

  // True once a call has completed successfully (then its effects are visible).
  [[nodiscard]] bool is_completed() const noexcept {
    // acquire: pairs with the release that marks completion, publishing f's effects.
    return state_.load(std::memory_order_acquire) == kComplete;
  }

  // Blocks until the Once completes. Panics if it is or becomes poisoned, or
  // if called from inside this Once's own function (it would never return).
  void wait() const { wait_inner(false); }
  // Blocks until the Once completes, ignoring poisoning. Panics if called from
  // inside this Once's own function.
  void wait_force() const { wait_inner(true); }

  // Internal (OnceLock/LazyLock): runs `f(state)` under the Once protocol;
  // f returns true to complete, false to leave it poisoned (retriable by
  // forced calls) without an exception. Panics with `reentrant_message` if
  // this thread is already running this Once's function.
  template <class F>
  void call_inner(bool ignore_poison, F&& f, const char* poisoned_message = kPoisonedMessage,
                  const char* reentrant_message = kReentrantMessage) const {
    // acquire: pairs with the release that completes or poisons the Once.
    std::uint32_t s = state_.load(std::memory_order_acquire);
    for (;;) {
      switch (s & kStateMask) {
        case kComplete:
          return;
        case kPoisoned:
          if (!ignore_poison) panic(poisoned_message);
          [[fallthrough]];
        case kIncomplete: {
          // acquire: pairs with the release of a previous, poisoned run.
          if (!state_.compare_exchange_weak(s, kRunning | (s & kQueued), std::memory_order_acquire,
                                            std::memory_order_acquire))
            continue;
          const bool was_poisoned = (s & kStateMask) == kPoisoned;
          bool completed = false;
          struct Finish {
            const Once* self;
            const bool* completed;
            fearless::detail::OnceRun run;
            ~Finish() {
              fearless::detail::t_once_runs = run.outer;
              self->finish(*completed ? kComplete : kPoisoned);
            }
          } finish{this, &completed, {this, fearless::detail::t_once_runs}};
          fearless::detail::t_once_runs = &finish.run;
          completed = f(OnceState(was_poisoned));
          return;
        }
        default: {  // kRunning: wait for the runner
          if (fearless::detail::running_once_here(this)) panic(reentrant_message);
          if ((s & kQueued) == 0) {
            // acquire (failure too): the reloaded state may be kComplete, which must publish f.
            if (!state_.compare_exchange_weak(s, s | kQueued, std::memory_order_acquire, std::memory_order_acquire))
              continue;
            s |= kQueued;
          }
          fearless::detail::futex_wait(state_, s);
          s = state_.load(std::memory_order_acquire);  // acquire: as above
        }
      }
    }
  }

 private:
  static constexpr std::uint32_t kIncomplete = 0;
  static constexpr std::uint32_t kRunning = 1;
  static constexpr std::uint32_t kComplete = 2;
  static constexpr std::uint32_t kPoisoned = 3;
  static constexpr std::uint32_t kStateMask = 3;
  static constexpr std::uint32_t kQueued = 4;
  static constexpr std::uint32_t kMovedFrom = 8;  // only ever with kPoisoned: Outcome::moved_from
  static constexpr const char* kPoisonedMessage = "Once instance has previously been poisoned";
  static constexpr const char* kReentrantMessage = "Once instance is being initialized reentrantly";

  void finish(std::uint32_t to) const noexcept {
    // release: publishes f's effects (or the failed attempt) to every later acquire.
    const std::uint32_t old = state_.exchange(to, std::memory_order_release);
    if (old & kQueued) fearless::detail::futex_wake_all(state_);
  }

  void wait_inner(bool ignore_poison) const {
    std::uint32_t s = state_.load(std::memory_order_acquire);  // acquire: as is_completed
    for (;;) {
      if (s == kComplete) return;
      if ((s & kStateMask) == kPoisoned && !ignore_poison) panic(kPoisonedMessage);
      if ((s & kStateMask) == kRunning && fearless::detail::running_once_here(this)) panic(kReentrantMessage);
      if ((s & kQueued) == 0) {
        // acquire (failure too): the reloaded state may be kComplete.
        if (!state_.compare_exchange_weak(s, s | kQueued, std::memory_order_acquire, std::memory_order_acquire))
          continue;
        s |= kQueued;
      }
      fearless::detail::futex_wait(state_, s);
      s = state_.load(std::memory_order_acquire);  // acquire: as is_completed
    }
  }

 public:
  // Internal (LazyLock): true if the last run threw and nothing completed since.
  [[nodiscard]] bool is_poisoned_state() const noexcept {
    // acquire: as is_completed.
    return (state_.load(std::memory_order_acquire) & kStateMask) == kPoisoned;
  }

  // Internal (OnceLock::take / from-value construction): set the state of an
  // unshared Once.
  void reset_unshared(bool completed) noexcept {
    // relaxed: the caller has exclusive access.
    state_.store(completed ? kComplete : kIncomplete, std::memory_order_relaxed);
  }

  // Internal (moves of Once, OnceLock, LazyLock): where an unused Once stands.
  enum class Outcome : std::uint32_t {
    incomplete = kIncomplete,
    complete = kComplete,
    poisoned = kPoisoned,
    // A LazyLock whose contents were moved out: poisoned in every respect
    // here, marked only so that LazyLock can say so in its panic message.
    moved_from = kPoisoned | kMovedFrom,
  };

  // Internal: this Once's outcome, for a move that needs exclusive use.
  // Panics with "<action> while it is being initialized" if a function is
  // running, and "<action> while a thread is waiting for it" if a thread
  // sleeps in wait()/wait_force(): neither would ever learn of the move.
  [[nodiscard]] Outcome outcome_for_move(const char* action) const {
    // acquire: pairs with the release in finish(), so the mover sees what the
    // completed run wrote (OnceLock/LazyLock move that value next).
    const std::uint32_t s = state_.load(std::memory_order_acquire);
    if ((s & kStateMask) == kRunning) busy_panic(action, " while it is being initialized");
    if (s & kQueued) busy_panic(action, " while a thread is waiting for it");
    return static_cast<Outcome>(s);
  }

  // Internal (LazyLock): true if the state is Outcome::moved_from.
  [[nodiscard]] bool is_moved_from_state() const noexcept {
    // relaxed: only picks a panic message; the mark is stored by a move, which
    // (having exclusive use) is ordered before every later use of the LazyLock.
    return (state_.load(std::memory_order_relaxed) & ~kQueued) == (kPoisoned | kMovedFrom);
  }

  // Internal: gives an unshared Once the outcome `o` (from outcome_for_move).
  void set_unshared(Outcome o) noexcept {
    // relaxed: the caller has exclusive access; whoever uses this Once next
    // reaches it through whatever handed it over, which orders this store first.
    state_.store(static_cast<std::uint32_t>(o), std::memory_order_relaxed);
  }

 private:
  [[noreturn]] FEARLESS_COLD static void busy_panic(const char* action, const char* why) {
    panic(std::string(action) + why);
  }

  mutable fearless::detail::Atomic<std::uint32_t> state_{kIncomplete};
};

}  // namespace fearless::sync
