// fearless/sync/mutex.hpp — Mutex<T>: the data lives inside the lock (Rust's
// std::sync::Mutex).
//
//   fearless::sync::Mutex<int> m(0);
//   {
//     auto g = m.lock().unwrap();   // blocks; Err(PoisonError) if poisoned
//     *g += 1;
//   }                               // unlocked here
//
// The only way to the T is through a guard, so it cannot be touched unlocked.
// sizeof(Mutex<int>) == 8: a 4-byte futex word (which also holds the poison
// flag) plus the int. See docs/shared_state.md.
#pragma once
#include <concepts>
#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

#include "fearless/detail/config.hpp"
#include "fearless/detail/guard_access.hpp"
#include "fearless/detail/lock_order.hpp"
#include "fearless/detail/mapped_guard.hpp"
#include "fearless/detail/raw_mutex.hpp"
#include "fearless/detail/site.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/poison.hpp"

namespace fearless::sync {

template <class T>
class Mutex;

// A MutexGuard narrowed to part of the value by MutexGuard::map / filter_map
// (Rust's MappedMutexGuard): `*g`, `g->` reach that part; destroying it
// unlocks the Mutex, poisoning it first if an exception is unwinding past it.
// Has map / filter_map itself; cannot be used with a Condvar. Move-only.
template <class U>
using MappedMutexGuard = fearless::detail::MappedGuard<U, fearless::detail::MappedMutexRelease>;

// Proof that the Mutex is locked, and the way to its data (`*g`, `g->`).
// Move-only. Destroying it unlocks; destroying it while an exception unwinds
// past it (one thrown after it was created) poisons the mutex first.
// A moved-from guard holds nothing; dereferencing one panics.
template <class T>
class [[nodiscard]] FEARLESS_SCOPED_CAPABILITY MutexGuard {
 public:
  // Internal: adopts the lock the caller already holds on `m`.
  MutexGuard(fearless::detail::AdoptLock, const Mutex<T>& m) noexcept : m_(&m) {}

  // Takes over o's lock; o is left holding nothing. O(1), never blocks.
  MutexGuard(MutexGuard&& o) noexcept : m_(std::exchange(o.m_, nullptr)), unwind_(o.unwind_) {}
  // Releases the lock this guard holds (if any), then takes over o's.
  MutexGuard& operator=(MutexGuard&& o) noexcept {
    if (this != &o) {
      release();
      m_ = std::exchange(o.m_, nullptr);
      unwind_ = o.unwind_;
    }
    return *this;
  }
  MutexGuard(const MutexGuard&) = delete;
  MutexGuard& operator=(const MutexGuard&) = delete;
  // Always inlined, with the unlock taking the guard's fields by value: an
  // out-of-line destructor (g++ leaves them out of line in exception cleanups)
  // would take the guard's address and keep every guard, and the LockResult
  // around it, in memory instead of registers.
  FEARLESS_ALWAYS_INLINE ~MutexGuard() {
    if (m_ != nullptr) unlock(m_, unwind_);
  }

  // The protected value (mutable through a mutable guard). O(1), never blocks;
  // panics (fearless::Panic) on a moved-from guard.
  [[nodiscard]] T& operator*() FEARLESS_LIFETIMEBOUND { return data(); }
  [[nodiscard]] const T& operator*() const FEARLESS_LIFETIMEBOUND { return data(); }
  [[nodiscard]] T* operator->() FEARLESS_LIFETIMEBOUND { return &data(); }
  [[nodiscard]] const T* operator->() const FEARLESS_LIFETIMEBOUND { return &data(); }

 private:
  using Mapping = fearless::detail::MappedMutexRelease;  // how mapped guards release this lock

 public:
  // Narrows the guard to part of the value (Rust's MutexGuard::map): f(*g)
  // returns a reference into it (a member, an element, a variant's
  // alternative), and the MappedMutexGuard<U> that comes back guards just that,
  // under the same lock, until it is destroyed. Consumes g: call it as
  // `MutexGuard<T>::map(std::move(g), f)`. If f throws, g is destroyed by the
  // unwinding: the lock is released, and the mutex is poisoned. A mapped guard
  // cannot be given to a Condvar. O(1) plus f; never blocks; panics on a
  // moved-from guard.
  template <class F>
    requires fearless::detail::MapProjection<F, T>
  [[nodiscard]] static auto map(MutexGuard g, F f) {
    return fearless::detail::map_part<Mapping>(g.data(), std::move(f), [&g] { return g.give_up(); });
  }
  // As map, for a part that may be absent (Rust's MutexGuard::filter_map):
  // f(*g) returns a pointer into the value, or nullptr, and then g comes back
  // unchanged as the error. Throwing f: as for map.
  template <class F>
    requires fearless::detail::FilterMapProjection<F, T>
  [[nodiscard]] static auto filter_map(MutexGuard g, F f) {
    return fearless::detail::filter_map_part<Mapping>(g, g.data(), std::move(f), [&g] { return g.give_up(); });
  }

 private:
  // Hands the lock to a mapped guard: this guard then holds nothing.
  std::pair<Mapping::Handle, Mapping::Unwind> give_up() noexcept {
    const auto* m = std::exchange(m_, nullptr);
    return {&m->raw_, unwind_};
  }
  friend struct fearless::detail::GuardAccess;
  [[nodiscard]] T& data() const {
    if (FEARLESS_UNLIKELY(m_ == nullptr)) moved_from();
    return m_->data_;
  }
  [[noreturn]] FEARLESS_COLD static void moved_from() { panic("MutexGuard: dereferenced a moved-from guard"); }
  [[nodiscard]] fearless::detail::RawMutex& raw_lock() const noexcept { return m_->raw_; }
  [[nodiscard]] bool holds_lock() const noexcept { return m_ != nullptr; }
  void release() noexcept {
    if (m_ == nullptr) return;
    unlock(m_, unwind_);
    m_ = nullptr;
  }
  static void unlock(const Mutex<T>* m, fearless::detail::PoisonOnUnwind unwind) noexcept
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    if (FEARLESS_UNLIKELY(unwind.unwinding())) m->raw_.set_poisoned();
    fearless::detail::lock_order::on_unlock(&m->raw_);
    m->raw_.unlock();
  }

  const Mutex<T>* m_;
  fearless::detail::PoisonOnUnwind unwind_;
};

// A mutual-exclusion lock owning a T. Not copyable. Movable (when T is) only
// while no thread holds it, waits for it or can still reach it — the only
// time Rust's borrow checker lets `let m2 = m;` through; so a Mutex can live
// in a std::vector or be handed to Arc by value. A move that finds the lock
// held (a guard alive, or another thread inside) panics instead of waiting;
// one racing with a thread that is about to lock it is not detected. The
// moved-from Mutex stays a valid, unlocked Mutex holding a moved-from T, its
// poison flag unchanged. `into_inner` moves the value out of an rvalue Mutex.
// All other members are thread-safe; lock() and friends are callable through
// a const Mutex& (so through an Arc).
template <class T>
class FEARLESS_CAPABILITY("mutex") Mutex {
 public:
  using value_type = T;
  using guard_type = MutexGuard<T>;

  // An unlocked mutex holding T{} / T(args...). constexpr (Rust: const fn new),
  // so a global one can be constinit. Throws only what T's constructor throws.
  constexpr Mutex() noexcept(std::is_nothrow_default_constructible_v<T>)
    requires std::default_initializable<T>
      : data_() {}
  template <class... A>
    requires(sizeof...(A) > 0 && std::constructible_from<T, A && ...> &&
             !(sizeof...(A) == 1 && (std::same_as<std::remove_cvref_t<A>, Mutex> && ...)))
  constexpr explicit Mutex(A&&... a) noexcept(std::is_nothrow_constructible_v<T, A&&...>) : data_(std::forward<A>(a)...) {}

  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // Moves o's value into a new, unlocked Mutex that is poisoned if o is. o
  // keeps its poison flag and a moved-from T. Never blocks: panics
  // (fearless::Panic) if o is locked. Not noexcept, since it may panic; if
  // T's move throws, that propagates and o is left unlocked.
  Mutex(Mutex&& o)
    requires std::move_constructible<T>
      : Mutex(MoveLock(o.raw_, kMovedWhileLocked), o) {}
  // Move-assigns o's value into this Mutex and copies o's poison flag; o keeps
  // its flag and a moved-from T. Self-assignment does nothing. Never blocks:
  // panics if either Mutex is locked. If T's move assignment throws, both are
  // left unlocked with their flags unchanged.
  Mutex& operator=(Mutex&& o)
    requires std::is_move_assignable_v<T>
  {
    if (this == &o) return *this;
    const MoveLock mine(raw_, kAssignedWhileLocked);
    const MoveLock theirs(o.raw_, kMovedWhileLocked);
    data_ = std::move(o.data_);
    if (o.raw_.is_poisoned()) {
      raw_.set_poisoned();
    } else {
      raw_.clear_poison();
    }
    return *this;
  }

  // Destroys the value. No thread may hold or wait for the lock (no guard may outlive it).
  ~Mutex() { fearless::detail::lock_order::on_destroy(&raw_); }

  // Blocks until the lock is acquired; returns the guard, or Err(PoisonError
  // carrying the guard) if a holder unwound by exception. Not reentrant: a
  // thread locking a mutex it holds deadlocks. Uncontended: one atomic op.
  LockResult<MutexGuard<T>> lock(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    fearless::detail::lock_order::before_lock(&raw_, site);
    const bool poisoned = raw_.lock_poisoned();
    fearless::detail::lock_order::on_locked(&raw_, site);
    return LockResult<MutexGuard<T>>(fearless::detail::shared_payload, poisoned, fearless::detail::adopt_lock, *this);
  }

  // Acquires the lock only if it is free right now; never blocks.
  // Err(TryLockError) is WouldBlock, or Poisoned carrying the guard.
  TryLockResult<MutexGuard<T>> try_lock(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    using R = TryLockResult<MutexGuard<T>>;
    if (!raw_.try_lock()) return R(std::in_place_index<1>, TryLockError<MutexGuard<T>>::would_block());
    fearless::detail::lock_order::on_locked(&raw_, site);
    if (FEARLESS_UNLIKELY(raw_.is_poisoned())) return poisoned_result();
    return R(std::in_place_index<0>, fearless::detail::adopt_lock, *this);
  }

  // True if a holder unwound by exception and clear_poison() was not called
  // since. A snapshot: another thread may poison it right after.
  [[nodiscard]] bool is_poisoned() const noexcept { return raw_.is_poisoned(); }
  // Marks the mutex as recovered; later lock() calls return Ok. Never blocks
  // (callable while holding the guard from a PoisonError).
  void clear_poison() const noexcept { raw_.clear_poison(); }

  // Rust's value accessors (unstable `lock_value_accessors`), each one
  // lock()/unlock around the value; they block as lock() does.
  // A copy of the value; Err(PoisonError<std::monostate>) if poisoned (Rust's
  // PoisonError<()>: no value comes out).
  [[nodiscard]] Result<T, PoisonError<std::monostate>> get_cloned() const
    requires std::copy_constructible<T>
  {
    using R = Result<T, PoisonError<std::monostate>>;
    auto r = lock();
    if (r.is_err()) return R(std::in_place_index<1>, PoisonError<std::monostate>(std::monostate{}));
    const auto g = std::move(r).unwrap();
    return R(std::in_place_index<0>, *g);
  }
  // Stores `value`, destroying the old one after unlocking. Err hands `value`
  // back, the old one kept, if poisoned.
  Result<void, PoisonError<T>> set(T value) const
    requires std::is_move_assignable_v<T>
  {
    auto r = replace(std::move(value));
    if (r.is_err()) return Result<void, PoisonError<T>>(std::in_place_index<1>, std::move(r).unwrap_err());
    (void)std::move(r).unwrap();  // the old value, destroyed here: after unlocking
    return Ok();
  }
  // Stores `value` and returns the old one. Err hands `value` back, the old
  // one kept, if poisoned.
  LockResult<T> replace(T value) const
    requires std::is_move_assignable_v<T>
  {
    auto r = lock();
    if (r.is_err()) return LockResult<T>(std::in_place_index<1>, PoisonError<T>(std::move(value)));
    auto g = std::move(r).unwrap();
    T old = std::exchange(*g, std::move(value));
    return LockResult<T>(std::in_place_index<0>, std::move(old));
  }

  // Direct access through a non-const (so, in C++ terms, unshared) Mutex: no
  // locking. Err(PoisonError<T*>) if poisoned, still carrying the pointer.
  LockResult<T*> get_mut() noexcept {
    if (raw_.is_poisoned()) return LockResult<T*>(std::in_place_index<1>, PoisonError<T*>(&data_));
    return LockResult<T*>(std::in_place_index<0>, &data_);
  }

  // Moves the value out of the Mutex (`std::move(m).into_inner()`); Err
  // carries the value too if the mutex is poisoned.
  LockResult<T> into_inner() && {
    if (raw_.is_poisoned()) return LockResult<T>(std::in_place_index<1>, PoisonError<T>(std::move(data_)));
    return LockResult<T>(std::in_place_index<0>, std::move(data_));
  }

 private:
  friend class MutexGuard<T>;
  using MoveLock = fearless::detail::MoveLock<fearless::detail::RawMutex>;
  static constexpr const char* kMovedWhileLocked = fearless::detail::kMutexMovePanics.moved;
  static constexpr const char* kAssignedWhileLocked = fearless::detail::kMutexMovePanics.assigned;

  // The move constructor's body. The MoveLock keeps o locked until this
  // constructor has finished, also when T's move throws: it is a temporary of
  // the delegating call, destroyed only after this returns or unwinds.
  Mutex(const MoveLock& /*held*/, Mutex& o) noexcept(std::is_nothrow_move_constructible_v<T>)
      : raw_(fearless::detail::InitialPoison{o.raw_.is_poisoned()}), data_(std::move(o.data_)) {}

  // try_lock's Err(Poisoned), out of line and cold to keep try_lock small.
  FEARLESS_COLD TryLockResult<MutexGuard<T>> poisoned_result() const noexcept {
    return TryLockResult<MutexGuard<T>>(std::in_place_index<1>,
                                        PoisonError<MutexGuard<T>>(MutexGuard<T>(fearless::detail::adopt_lock, *this)));
  }

  mutable fearless::detail::RawMutex raw_;
  mutable T data_;
};

// `Mutex m(0);` is a Mutex<int>.
template <class T>
Mutex(T) -> Mutex<T>;

}  // namespace fearless::sync
