// fearless/sync/rwlock.hpp — RwLock<T>: many readers or one writer (Rust's
// std::sync::RwLock).
//
//   fearless::sync::RwLock<std::vector<int>> v;
//   { auto r = v.read().unwrap();  use(r->size()); }   // shared, const access
//   { auto w = v.write().unwrap(); w->push_back(1); }  // exclusive
//
// Writers are preferred: once a writer waits, new readers wait behind it, so a
// steady stream of readers cannot starve writers. Only a write guard dropped
// during unwinding poisons (a reader cannot leave the data half-changed).
#pragma once
#include <concepts>
#include <type_traits>
#include <utility>
#include <variant>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/guard_access.hpp"
#include "fearless/detail/lock_order.hpp"
#include "fearless/detail/mapped_guard.hpp"
#include "fearless/detail/raw_mutex.hpp"
#include "fearless/detail/raw_rwlock.hpp"
#include "fearless/detail/site.hpp"
#include "fearless/detail/unwinding.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/poison.hpp"

namespace fearless::sync {

template <class T>
class RwLock;

// A read guard narrowed to part of the value by RwLockReadGuard::map /
// filter_map (Rust's MappedRwLockReadGuard): `*g`, `g->` give const access to
// that part; destroying it releases the read lock (never poisons). Has map /
// filter_map itself. Move-only.
template <class U>
using MappedRwLockReadGuard = fearless::detail::MappedGuard<const U, fearless::detail::MappedReadRelease<true>>;
// A write guard narrowed to part of the value by RwLockWriteGuard::map /
// filter_map (Rust's MappedRwLockWriteGuard): `*g`, `g->` reach that part;
// destroying it releases the write lock, poisoning it first if an exception
// is unwinding past it. Has map / filter_map itself. Move-only.
template <class U>
using MappedRwLockWriteGuard = fearless::detail::MappedGuard<U, fearless::detail::MappedWriteRelease>;

// Shared read access (`*g`, `g->`: const T). Move-only; destroying it
// releases the read lock. Never poisons. Dereferencing a moved-from guard panics.
template <class T>
class [[nodiscard]] FEARLESS_SCOPED_CAPABILITY RwLockReadGuard {
 public:
  // Internal: adopts a read lock the caller already holds on `l`.
  RwLockReadGuard(fearless::detail::AdoptLock, const RwLock<T>& l) noexcept : l_(&l) {}
  RwLockReadGuard(RwLockReadGuard&& o) noexcept : l_(std::exchange(o.l_, nullptr)) {}
  RwLockReadGuard& operator=(RwLockReadGuard&& o) noexcept {
    if (this != &o) {
      release();
      l_ = std::exchange(o.l_, nullptr);
    }
    return *this;
  }
  RwLockReadGuard(const RwLockReadGuard&) = delete;
  RwLockReadGuard& operator=(const RwLockReadGuard&) = delete;
  // Always inlined, unlocking through a by-value pointer: see ~MutexGuard.
  FEARLESS_ALWAYS_INLINE ~RwLockReadGuard() {
    if (l_ != nullptr) unlock(l_);
  }

  // The protected value, read-only. O(1), never blocks; panics on a moved-from guard.
  [[nodiscard]] const T& operator*() const FEARLESS_LIFETIMEBOUND { return data(); }
  [[nodiscard]] const T* operator->() const FEARLESS_LIFETIMEBOUND { return &data(); }

 private:
  using Mapping = fearless::detail::MappedReadRelease<true>;  // how mapped guards release this lock

 public:
  // Narrows the guard to part of the value (Rust's RwLockReadGuard::map): f(*g)
  // returns a reference into it (a member, an element, a variant's
  // alternative), and the MappedRwLockReadGuard<U> that comes back guards just
  // that, under the same lock, until it is destroyed. Consumes g: call it as
  // `RwLockReadGuard<T>::map(std::move(g), f)`. If f throws, g is destroyed by
  // the unwinding: the lock is released; a read lock is never poisoned. O(1)
  // plus f; never blocks; panics on a moved-from guard.
  template <class F>
    requires fearless::detail::MapProjection<F, const T>
  [[nodiscard]] static auto map(RwLockReadGuard g, F f) {
    return fearless::detail::map_part<Mapping>(g.data(), std::move(f), [&g] { return g.give_up(); });
  }
  // As map, for a part that may be absent (Rust's RwLockReadGuard::filter_map):
  // f(*g) returns a pointer into the value, or nullptr, and then g comes back
  // unchanged as the error. Throwing f: as for map.
  template <class F>
    requires fearless::detail::FilterMapProjection<F, const T>
  [[nodiscard]] static auto filter_map(RwLockReadGuard g, F f) {
    return fearless::detail::filter_map_part<Mapping>(g, g.data(), std::move(f), [&g] { return g.give_up(); });
  }

 private:
  // Hands the lock to a mapped guard: this guard then holds nothing.
  std::pair<Mapping::Handle, Mapping::Unwind> give_up() noexcept {
    const auto* m = std::exchange(l_, nullptr);
    return {&m->raw_, fearless::detail::NoPoison{}};
  }
  [[nodiscard]] const T& data() const {
    if (FEARLESS_UNLIKELY(l_ == nullptr)) panic("RwLockReadGuard: dereferenced a moved-from guard");
    return l_->data_;
  }
  void release() noexcept {
    if (l_ == nullptr) return;
    unlock(l_);
    l_ = nullptr;
  }
  static void unlock(const RwLock<T>* l) noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    fearless::detail::lock_order::on_unlock(&l->raw_);
    l->raw_.unlock_shared();
  }
  const RwLock<T>* l_;
};

// Exclusive write access (`*g`, `g->`). Move-only; destroying it releases the
// lock, and poisons it first if an exception is unwinding past the guard.
template <class T>
class [[nodiscard]] FEARLESS_SCOPED_CAPABILITY RwLockWriteGuard {
 public:
  // Internal: adopts the write lock the caller already holds on `l`.
  RwLockWriteGuard(fearless::detail::AdoptLock, const RwLock<T>& l) noexcept : l_(&l) {}
  RwLockWriteGuard(RwLockWriteGuard&& o) noexcept : l_(std::exchange(o.l_, nullptr)), unwind_(o.unwind_) {}
  RwLockWriteGuard& operator=(RwLockWriteGuard&& o) noexcept {
    if (this != &o) {
      release();
      l_ = std::exchange(o.l_, nullptr);
      unwind_ = o.unwind_;
    }
    return *this;
  }
  RwLockWriteGuard(const RwLockWriteGuard&) = delete;
  RwLockWriteGuard& operator=(const RwLockWriteGuard&) = delete;
  // Always inlined, unlocking through by-value fields: see ~MutexGuard.
  FEARLESS_ALWAYS_INLINE ~RwLockWriteGuard() {
    if (l_ != nullptr) unlock(l_, unwind_);
  }

  // Atomically turns this write lock into a read lock: no writer can get in
  // between, waiting readers may join. Consumes the guard (Rust's
  // RwLockWriteGuard::downgrade). Panics on a moved-from guard.
  [[nodiscard]] static RwLockReadGuard<T> downgrade(RwLockWriteGuard&& g) {
    if (g.l_ == nullptr) panic("RwLockWriteGuard::downgrade: moved-from guard");
    const RwLock<T>* l = std::exchange(g.l_, nullptr);
    l->raw_.downgrade();
    return RwLockReadGuard<T>(fearless::detail::adopt_lock, *l);
  }

  // The protected value (mutable through a mutable guard). O(1), never blocks;
  // panics (fearless::Panic) on a moved-from guard.
  [[nodiscard]] T& operator*() FEARLESS_LIFETIMEBOUND { return data(); }
  [[nodiscard]] const T& operator*() const FEARLESS_LIFETIMEBOUND { return data(); }
  [[nodiscard]] T* operator->() FEARLESS_LIFETIMEBOUND { return &data(); }
  [[nodiscard]] const T* operator->() const FEARLESS_LIFETIMEBOUND { return &data(); }

 private:
  using Mapping = fearless::detail::MappedWriteRelease;  // how mapped guards release this lock

 public:
  // Narrows the guard to part of the value (Rust's RwLockWriteGuard::map):
  // f(*g) returns a reference into it (a member, an element, a variant's
  // alternative), and the MappedRwLockWriteGuard<U> that comes back guards just
  // that, under the same lock, until it is destroyed. Consumes g: call it as
  // `RwLockWriteGuard<T>::map(std::move(g), f)`. If f throws, g is destroyed by
  // the unwinding: the lock is released, and the RwLock is poisoned. O(1) plus
  // f; never blocks; panics on a moved-from guard.
  template <class F>
    requires fearless::detail::MapProjection<F, T>
  [[nodiscard]] static auto map(RwLockWriteGuard g, F f) {
    return fearless::detail::map_part<Mapping>(g.data(), std::move(f), [&g] { return g.give_up(); });
  }
  // As map, for a part that may be absent (Rust's
  // RwLockWriteGuard::filter_map): f(*g) returns a pointer into the value, or
  // nullptr, and then g comes back unchanged as the error. Throwing f: as for
  // map.
  template <class F>
    requires fearless::detail::FilterMapProjection<F, T>
  [[nodiscard]] static auto filter_map(RwLockWriteGuard g, F f) {
    return fearless::detail::filter_map_part<Mapping>(g, g.data(), std::move(f), [&g] { return g.give_up(); });
  }

 private:
  // Hands the lock to a mapped guard: this guard then holds nothing.
  std::pair<Mapping::Handle, Mapping::Unwind> give_up() noexcept {
    const auto* m = std::exchange(l_, nullptr);
    return {Mapping::Handle{&m->raw_, &m->poisoned_}, unwind_};
  }
  [[nodiscard]] T& data() const {
    if (FEARLESS_UNLIKELY(l_ == nullptr)) panic("RwLockWriteGuard: dereferenced a moved-from guard");
    return l_->data_;
  }
  void release() noexcept {
    if (l_ == nullptr) return;
    unlock(l_, unwind_);
    l_ = nullptr;
  }
  static void unlock(const RwLock<T>* l, fearless::detail::PoisonOnUnwind unwind) noexcept
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    if (FEARLESS_UNLIKELY(unwind.unwinding())) l->set_poisoned();
    fearless::detail::lock_order::on_unlock(&l->raw_);
    l->raw_.unlock();
  }
  const RwLock<T>* l_;
  fearless::detail::PoisonOnUnwind unwind_;
};

// A reader-writer lock owning a T. Not copyable. Movable (when T is) only
// while no thread holds it (reading or writing), waits for it or can still
// reach it, as Rust's borrow checker allows a move only then. A move that
// finds the lock held (a guard alive, or another thread inside) panics
// instead of waiting; one racing with a thread that is about to lock it is
// not detected. The moved-from RwLock stays a valid, unlocked RwLock holding
// a moved-from T, its poison flag unchanged. `into_inner` moves the value out
// of an rvalue RwLock. All other members are thread-safe and the locking ones
// are callable through a const RwLock&.
// Size: 8 bytes of lock state + 1 poison byte + T (padded).
template <class T>
class FEARLESS_CAPABILITY("mutex") RwLock {
 public:
  using value_type = T;

  // An unlocked RwLock holding T{} / T(args...). constexpr (Rust: const fn new),
  // so a global one can be constinit. Throws only what T's constructor throws.
  constexpr RwLock() noexcept(std::is_nothrow_default_constructible_v<T>)
    requires std::default_initializable<T>
      : data_() {}
  template <class... A>
    requires(sizeof...(A) > 0 && std::constructible_from<T, A && ...> &&
             !(sizeof...(A) == 1 && (std::same_as<std::remove_cvref_t<A>, RwLock> && ...)))
  constexpr explicit RwLock(A&&... a) noexcept(std::is_nothrow_constructible_v<T, A&&...>) : data_(std::forward<A>(a)...) {}
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  // Moves o's value into a new, unlocked RwLock that is poisoned if o is. o
  // keeps its poison flag and a moved-from T. Never blocks: panics
  // (fearless::Panic) if o is read- or write-locked. Not noexcept, since it
  // may panic; if T's move throws, that propagates and o is left unlocked.
  RwLock(RwLock&& o)
    requires std::move_constructible<T>
      : RwLock(MoveLock(o.raw_, kMovedWhileLocked), o) {}
  // Move-assigns o's value into this RwLock and copies o's poison flag; o
  // keeps its flag and a moved-from T. Self-assignment does nothing. Never
  // blocks: panics if either RwLock is locked. If T's move assignment throws,
  // both are left unlocked with their flags unchanged.
  RwLock& operator=(RwLock&& o)
    requires std::is_move_assignable_v<T>
  {
    if (this == &o) return *this;
    const MoveLock mine(raw_, kAssignedWhileLocked);
    const MoveLock theirs(o.raw_, kMovedWhileLocked);
    data_ = std::move(o.data_);
    // relaxed: written under the write lock; its unlock's release publishes it.
    poisoned_.store(o.is_poisoned(), std::memory_order_relaxed);
    return *this;
  }

  // Destroys the value. No thread may hold or wait for the lock.
  ~RwLock() { fearless::detail::lock_order::on_destroy(&raw_); }

  // Blocks until shared access is granted (while a writer holds the lock or
  // waits for it). Err(PoisonError carrying the guard) if poisoned. A thread
  // that already holds a read lock may deadlock by taking another while a
  // writer waits. Panics if 2^30 - 2 read locks are held at once.
  LockResult<RwLockReadGuard<T>> read(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    fearless::detail::lock_order::before_lock(&raw_, site);
    raw_.lock_shared();
    fearless::detail::lock_order::on_locked(&raw_, site);
    return LockResult<RwLockReadGuard<T>>(fearless::detail::shared_payload, is_poisoned(), fearless::detail::adopt_lock,
                                          *this);
  }

  // Shared access if available right now (no writer holds or awaits it);
  // never blocks. Err is WouldBlock, or Poisoned carrying the guard.
  TryLockResult<RwLockReadGuard<T>> try_read(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    if (!raw_.try_lock_shared())
      return TryLockResult<RwLockReadGuard<T>>(std::in_place_index<1>,
                                               TryLockError<RwLockReadGuard<T>>::would_block());
    fearless::detail::lock_order::on_locked(&raw_, site);
    return wrap<RwLockReadGuard<T>, TryLockResult<RwLockReadGuard<T>>>();
  }

  // Blocks until exclusive access is granted. Err(PoisonError carrying the
  // guard) if poisoned. Not reentrant.
  LockResult<RwLockWriteGuard<T>> write(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    fearless::detail::lock_order::before_lock(&raw_, site);
    raw_.lock();
    fearless::detail::lock_order::on_locked(&raw_, site);
    return LockResult<RwLockWriteGuard<T>>(fearless::detail::shared_payload, is_poisoned(), fearless::detail::adopt_lock,
                                           *this);
  }

  // Exclusive access if the lock is free right now; never blocks.
  TryLockResult<RwLockWriteGuard<T>> try_write(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    if (!raw_.try_lock())
      return TryLockResult<RwLockWriteGuard<T>>(std::in_place_index<1>,
                                                TryLockError<RwLockWriteGuard<T>>::would_block());
    fearless::detail::lock_order::on_locked(&raw_, site);
    return wrap<RwLockWriteGuard<T>, TryLockResult<RwLockWriteGuard<T>>>();
  }

  // True if a writer unwound by exception (and no clear_poison since). Snapshot.
  [[nodiscard]] bool is_poisoned() const noexcept {
    // relaxed: read after an acquiring lock, or a snapshot.
    return poisoned_.load(std::memory_order_relaxed);
  }
  // Marks the lock recovered. Never blocks.
  void clear_poison() const noexcept {
    // relaxed: the flag guards no data of its own.
    poisoned_.store(false, std::memory_order_relaxed);
  }

  // Rust's value accessors (unstable `lock_value_accessors`), each one
  // write()/unlock (read() for get_cloned) around the value; they block as those do.
  // A copy of the value; Err(PoisonError<std::monostate>) if poisoned (Rust's
  // PoisonError<()>: no value comes out).
  [[nodiscard]] Result<T, PoisonError<std::monostate>> get_cloned() const
    requires std::copy_constructible<T>
  {
    using R = Result<T, PoisonError<std::monostate>>;
    auto r = read();
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
    auto r = write();
    if (r.is_err()) return LockResult<T>(std::in_place_index<1>, PoisonError<T>(std::move(value)));
    auto g = std::move(r).unwrap();
    T old = std::exchange(*g, std::move(value));
    return LockResult<T>(std::in_place_index<0>, std::move(old));
  }

  // Access through a non-const RwLock without locking; Err if poisoned.
  LockResult<T*> get_mut() noexcept {
    if (is_poisoned()) return LockResult<T*>(std::in_place_index<1>, PoisonError<T*>(&data_));
    return LockResult<T*>(std::in_place_index<0>, &data_);
  }
  // Moves the value out (`std::move(l).into_inner()`); Err carries it if poisoned.
  LockResult<T> into_inner() && {
    if (is_poisoned()) return LockResult<T>(std::in_place_index<1>, PoisonError<T>(std::move(data_)));
    return LockResult<T>(std::in_place_index<0>, std::move(data_));
  }

 private:
  friend class RwLockReadGuard<T>;
  friend class RwLockWriteGuard<T>;
  using MoveLock = fearless::detail::MoveLock<fearless::detail::RawRwLock>;
  static constexpr const char* kMovedWhileLocked = fearless::detail::kRwLockMovePanics.moved;
  static constexpr const char* kAssignedWhileLocked = fearless::detail::kRwLockMovePanics.assigned;

  // The move constructor's body. The MoveLock (write-locking o) keeps o locked
  // until this constructor has finished, also when T's move throws: it is a
  // temporary of the delegating call, destroyed only after this returns or unwinds.
  RwLock(const MoveLock& /*held*/, RwLock& o) noexcept(std::is_nothrow_move_constructible_v<T>)
      : poisoned_(o.is_poisoned()), data_(std::move(o.data_)) {}

  template <class G, class R>
  R wrap() const noexcept {
    if (FEARLESS_UNLIKELY(is_poisoned())) return R(std::in_place_index<1>, PoisonError<G>(G(fearless::detail::adopt_lock, *this)));
    return R(std::in_place_index<0>, fearless::detail::adopt_lock, *this);
  }
  void set_poisoned() const noexcept {
    // relaxed: ordered before the write unlock's release.
    poisoned_.store(true, std::memory_order_relaxed);
  }

  mutable fearless::detail::RawRwLock raw_;
  mutable fearless::detail::Atomic<bool> poisoned_{false};
  mutable T data_;
};

// `RwLock l(0);` is an RwLock<int>.
template <class T>
RwLock(T) -> RwLock<T>;

}  // namespace fearless::sync
