// Internal: the mapped lock guards (Rust's MappedMutexGuard,
// MappedRwLockReadGuard and MappedRwLockWriteGuard, and their nonpoison
// twins), which MutexGuard::map / filter_map and the RwLock guards' map /
// filter_map return. Users name them through the aliases in mutex.hpp,
// rwlock.hpp and nonpoison.hpp.
//
// A mapped guard keeps the lock its original guard held and points into the
// protected value: a member, an element, a variant's alternative. It forgets
// the lock's T, so one type serves every T: it keeps the raw lock (and, for a
// poisoning RwLock, its poison flag) and a U*.
//
// There is deliberately no way from a mapped guard to a Condvar: a wait
// unlocks, and while it is unlocked another thread may change the value so
// that the U* no longer points at anything (a vector reallocated, a variant
// switched). Condvar::wait takes only a MutexGuard<T>.
#pragma once
#include <concepts>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/guard_access.hpp"
#include "fearless/detail/lock_order.hpp"
#include "fearless/detail/raw_mutex.hpp"
#include "fearless/detail/raw_rwlock.hpp"
#include "fearless/detail/unwinding.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"

namespace fearless::detail {

// The unwinding record of a guard that never poisons: nothing to record.
struct NoPoison {
  [[nodiscard]] static constexpr bool unwinding() noexcept { return false; }
};

// How each kind of mapped guard holds its lock and lets go of it. `kShared`:
// the guard gives const access only (a read lock).
struct MappedMutexRelease {  // sync::Mutex: poisons when dropped by unwinding
  using Handle = RawMutex*;
  using Unwind = PoisonOnUnwind;
  static constexpr bool kShared = false;
  static constexpr const char* kMovedFrom = "MappedMutexGuard: dereferenced a moved-from guard";
  static void release(Handle h, Unwind unwind) noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    if (FEARLESS_UNLIKELY(unwind.unwinding())) h->set_poisoned();
    lock_order::on_unlock(h);
    h->unlock();
  }
};
struct MappedNonpoisonMutexRelease {  // nonpoison::Mutex
  using Handle = RawMutex*;
  using Unwind = NoPoison;
  static constexpr bool kShared = false;
  static constexpr const char* kMovedFrom = "MappedMutexGuard: dereferenced a moved-from guard";
  static void release(Handle h, Unwind) noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    lock_order::on_unlock(h);
    h->unlock();
  }
};
// A read lock never poisons, in either family; `Poisoning` only keeps the
// two families' types apart, as Rust's are.
template <bool Poisoning>
struct MappedReadRelease {
  using Handle = RawRwLock*;
  using Unwind = NoPoison;
  static constexpr bool kShared = true;
  static constexpr const char* kMovedFrom = "MappedRwLockReadGuard: dereferenced a moved-from guard";
  static void release(Handle h, Unwind) noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    lock_order::on_unlock(h);
    h->unlock_shared();
  }
};
struct MappedWriteRelease {  // sync::RwLock's write lock: poisons when dropped by unwinding
  struct Handle {
    RawRwLock* raw;
    Atomic<bool>* poisoned;  // the RwLock's flag (RwLock::set_poisoned)
  };
  using Unwind = PoisonOnUnwind;
  static constexpr bool kShared = false;
  static constexpr const char* kMovedFrom = "MappedRwLockWriteGuard: dereferenced a moved-from guard";
  static void release(Handle h, Unwind unwind) noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    // relaxed: ordered before the write unlock's release, as RwLock::set_poisoned.
    if (FEARLESS_UNLIKELY(unwind.unwinding())) h.poisoned->store(true, std::memory_order_relaxed);
    lock_order::on_unlock(h.raw);
    h.raw->unlock();
  }
};
struct MappedNonpoisonWriteRelease {  // nonpoison::RwLock's write lock
  using Handle = RawRwLock*;
  using Unwind = NoPoison;
  static constexpr bool kShared = false;
  static constexpr const char* kMovedFrom = "MappedRwLockWriteGuard: dereferenced a moved-from guard";
  static void release(Handle h, Unwind) noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    lock_order::on_unlock(h);
    h->unlock();
  }
};

// f(x) for a guard whose value is an X&: what it must return. map's f gives
// an lvalue reference into the value; filter_map's f a pointer into it, or
// nullptr for "no such part" (Rust's Option<&mut U>).
template <class F, class X>
concept MapProjection = std::invocable<F, X&> && std::is_lvalue_reference_v<std::invoke_result_t<F, X&>>;
template <class F, class X>
concept FilterMapProjection = std::invocable<F, X&> && std::is_pointer_v<std::invoke_result_t<F, X&>>;

// The value type of the guard that map / filter_map make with f (const
// behind a read lock, whatever f returned: a reader must not write).
template <class R, class V>
using MappedValue = std::conditional_t<R::kShared, const V, V>;
template <class R, class F, class X>
using MapTarget = MappedValue<R, std::remove_reference_t<std::invoke_result_t<F, X&>>>;
template <class R, class F, class X>
using FilterMapTarget = MappedValue<R, std::remove_pointer_t<std::invoke_result_t<F, X&>>>;

template <class U, class R>
class MappedGuard;

// The bodies of every guard's map / filter_map. f(value) picks the part; only
// then is the guard consumed: `give_up()` leaves it empty and returns its lock
// handle and unwinding record. So a throwing f leaves the guard whole, to be
// destroyed by the unwinding (releasing, and poisoning where it poisons).
template <class R, class X, class F, class GiveUp>
MappedGuard<MapTarget<R, F, X>, R> map_part(X& value, F&& f, GiveUp give_up) {
  auto& part = std::invoke(std::forward<F>(f), value);
  auto [handle, unwind] = give_up();
  return MappedGuard<MapTarget<R, F, X>, R>(adopt_lock, handle, std::addressof(part), unwind);
}
// On nullptr from f, `g` itself comes back as the error, still holding its lock.
template <class R, class G, class X, class F, class GiveUp>
Result<MappedGuard<FilterMapTarget<R, F, X>, R>, G> filter_map_part(G& g, X& value, F&& f, GiveUp give_up) {
  using Out = Result<MappedGuard<FilterMapTarget<R, F, X>, R>, G>;
  auto* part = std::invoke(std::forward<F>(f), value);
  if (part == nullptr) return Out(std::in_place_index<1>, std::move(g));
  auto [handle, unwind] = give_up();
  return Out(std::in_place_index<0>, adopt_lock, handle, part, unwind);
}

// A lock guard projected onto part of the protected value. Move-only;
// destroying it releases the lock as the original guard would have (a
// poisoning write lock is poisoned first if an exception is unwinding past
// the guard that was mapped). Dereferencing a moved-from guard panics.
template <class U, class R>
class [[nodiscard]] FEARLESS_SCOPED_CAPABILITY MappedGuard {
 public:
  using value_type = U;

  // Internal: adopts the lock `h` that the caller holds, and points at `data`.
  MappedGuard(AdoptLock, typename R::Handle h, U* data, typename R::Unwind unwind) noexcept
      : h_(h), data_(data), unwind_(unwind) {}

  // Takes over o's lock; o is left holding nothing. O(1), never blocks.
  MappedGuard(MappedGuard&& o) noexcept : h_(o.h_), data_(std::exchange(o.data_, nullptr)), unwind_(o.unwind_) {}
  // Releases the lock this guard holds (if any), then takes over o's.
  MappedGuard& operator=(MappedGuard&& o) noexcept {
    if (this != &o) {
      release();
      h_ = o.h_;
      data_ = std::exchange(o.data_, nullptr);
      unwind_ = o.unwind_;
    }
    return *this;
  }
  MappedGuard(const MappedGuard&) = delete;
  MappedGuard& operator=(const MappedGuard&) = delete;
  ~MappedGuard() { release(); }

  // The part of the value this guard points at (const behind a read lock).
  // O(1), never blocks; panics (fearless::Panic) on a moved-from guard.
  [[nodiscard]] U& operator*() FEARLESS_LIFETIMEBOUND { return data(); }
  [[nodiscard]] const U& operator*() const FEARLESS_LIFETIMEBOUND { return data(); }
  [[nodiscard]] U* operator->() FEARLESS_LIFETIMEBOUND { return &data(); }
  [[nodiscard]] const U* operator->() const FEARLESS_LIFETIMEBOUND { return &data(); }

  // Narrows the guard further: f(*g) returns a reference into the value, and
  // the result guards that, under the same lock. Consumes g (call it as
  // `Mapped...Guard<U>::map(std::move(g), f)`, as in Rust). If f throws, g is
  // destroyed by the unwinding: the lock is released, and a Mutex or an
  // RwLock's write lock is poisoned. O(1) plus f; never blocks; panics on a
  // moved-from guard.
  template <class F>
    requires MapProjection<F, U>
  [[nodiscard]] static MappedGuard<MapTarget<R, F, U>, R> map(MappedGuard g, F f) {
    return map_part<R>(g.data(), std::move(f), [&g] { return g.give_up(); });
  }

  // As map, for a part that may be absent: f(*g) returns a pointer into the
  // value, or nullptr, and then g comes back unchanged as the error (Rust's
  // filter_map, whose closure returns an Option). Throwing f: as for map.
  template <class F>
    requires FilterMapProjection<F, U>
  [[nodiscard]] static Result<MappedGuard<FilterMapTarget<R, F, U>, R>, MappedGuard> filter_map(MappedGuard g, F f) {
    return filter_map_part<R>(g, g.data(), std::move(f), [&g] { return g.give_up(); });
  }

 private:
  template <class, class>
  friend class MappedGuard;

  [[nodiscard]] U& data() const {
    if (FEARLESS_UNLIKELY(data_ == nullptr)) panic(R::kMovedFrom);
    return *data_;
  }
  // Hands the lock to a new guard: this one then holds nothing.
  std::pair<typename R::Handle, typename R::Unwind> give_up() noexcept {
    data_ = nullptr;
    return {h_, unwind_};
  }
  void release() noexcept {
    if (data_ == nullptr) return;
    data_ = nullptr;
    R::release(h_, unwind_);
  }

  typename R::Handle h_;
  U* data_;  // null: moved from (holds no lock)
  [[no_unique_address]] typename R::Unwind unwind_;
};

}  // namespace fearless::detail
