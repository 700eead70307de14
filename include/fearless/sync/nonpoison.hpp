// fearless/sync/nonpoison.hpp — locks that never poison (Rust's
// std::sync::nonpoison::{Mutex, RwLock, Condvar}).
//
//   fearless::sync::nonpoison::Mutex<int> m(0);
//   *m.lock() += 1;                        // the guard itself, no Result
//
// Most code only ever `unwrap`s a PoisonError, so these locks drop poisoning:
// an exception unwinding past a guard simply unlocks. They share the futex
// implementation (detail::RawMutex, RawRwLock, RawCondvar) with the poisoning
// locks in mutex.hpp / rwlock.hpp / condvar.hpp, and cost the same.
#pragma once
#include <iosfwd>
#include <chrono>
#include <concepts>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "fearless/detail/config.hpp"
#include "fearless/detail/guard_access.hpp"
#include "fearless/detail/lock_order.hpp"
#include "fearless/detail/mapped_guard.hpp"
#include "fearless/detail/raw_condvar.hpp"
#include "fearless/detail/raw_mutex.hpp"
#include "fearless/detail/raw_rwlock.hpp"
#include "fearless/detail/site.hpp"
#include "fearless/detail/time.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/wait_timeout_result.hpp"

namespace fearless::sync::nonpoison {

// The error of a non-poisoning try_lock / try_read / try_write: the lock is held.
struct WouldBlock {
  // Rust's Display text. O(1).
  [[nodiscard]] const char* what() const noexcept { return "try_lock failed because the operation would block"; }
  // what() as a std::string.
  [[nodiscard]] std::string message() const { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const WouldBlock& e) {
    return os << e.what();
  }
  // All WouldBlock errors are equal.
  friend constexpr bool operator==(WouldBlock, WouldBlock) noexcept { return true; }
};

// What the non-poisoning try_* operations return.
template <class G>
using TryLockResult = Result<G, WouldBlock>;

template <class T>
class Mutex;
template <class T>
class RwLock;

// A MutexGuard narrowed to part of the value by MutexGuard::map / filter_map
// (Rust's nonpoison::MappedMutexGuard): `*g`, `g->` reach that part;
// destroying it unlocks (never poisons). Has map / filter_map itself; cannot
// be used with a Condvar. Move-only.
template <class U>
using MappedMutexGuard = fearless::detail::MappedGuard<U, fearless::detail::MappedNonpoisonMutexRelease>;
// A read guard narrowed to part of the value (Rust's
// nonpoison::MappedRwLockReadGuard): const access to that part. Move-only.
template <class U>
using MappedRwLockReadGuard = fearless::detail::MappedGuard<const U, fearless::detail::MappedReadRelease<false>>;
// A write guard narrowed to part of the value (Rust's
// nonpoison::MappedRwLockWriteGuard). Move-only; never poisons.
template <class U>
using MappedRwLockWriteGuard = fearless::detail::MappedGuard<U, fearless::detail::MappedNonpoisonWriteRelease>;

// Proof that a nonpoison::Mutex is locked, and the way to its data. Move-only;
// destroying it unlocks (also during unwinding, without poisoning).
// Dereferencing a moved-from guard panics.
template <class T>
class [[nodiscard]] FEARLESS_SCOPED_CAPABILITY MutexGuard {
 public:
  // Internal: adopts the lock the caller already holds on `m`.
  MutexGuard(detail::AdoptLock, const Mutex<T>& m) noexcept : m_(&m) {}
  MutexGuard(MutexGuard&& o) noexcept : m_(std::exchange(o.m_, nullptr)) {}
  MutexGuard& operator=(MutexGuard&& o) noexcept {
    if (this != &o) {
      release();
      m_ = std::exchange(o.m_, nullptr);
    }
    return *this;
  }
  MutexGuard(const MutexGuard&) = delete;
  MutexGuard& operator=(const MutexGuard&) = delete;
  ~MutexGuard() { release(); }

  // The protected value (mutable through a mutable guard). O(1), never blocks;
  // panics (fearless::Panic) on a moved-from guard.
  [[nodiscard]] T& operator*() FEARLESS_LIFETIMEBOUND { return data(); }
  [[nodiscard]] const T& operator*() const FEARLESS_LIFETIMEBOUND { return data(); }
  [[nodiscard]] T* operator->() FEARLESS_LIFETIMEBOUND { return &data(); }
  [[nodiscard]] const T* operator->() const FEARLESS_LIFETIMEBOUND { return &data(); }

 private:
  using Mapping = fearless::detail::MappedNonpoisonMutexRelease;  // how mapped guards release this lock

 public:
  // Narrows the guard to part of the value (Rust's MutexGuard::map): f(*g)
  // returns a reference into it (a member, an element, a variant's
  // alternative), and the MappedMutexGuard<U> that comes back guards just that,
  // under the same lock, until it is destroyed. Consumes g: call it as
  // `MutexGuard<T>::map(std::move(g), f)`. If f throws, g is destroyed by the
  // unwinding: the lock is released (never poisoned). A mapped guard cannot be
  // given to a Condvar. O(1) plus f; never blocks; panics on a moved-from
  // guard.
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
    return {&m->raw_, fearless::detail::NoPoison{}};
  }
  friend struct fearless::detail::GuardAccess;
  [[nodiscard]] T& data() const {
    if (FEARLESS_UNLIKELY(m_ == nullptr)) panic("MutexGuard: dereferenced a moved-from guard");
    return m_->data_;
  }
  [[nodiscard]] fearless::detail::RawMutex& raw_lock() const noexcept { return m_->raw_; }
  [[nodiscard]] bool holds_lock() const noexcept { return m_ != nullptr; }
  void release() noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    if (m_ == nullptr) return;
    fearless::detail::lock_order::on_unlock(&m_->raw_);
    m_->raw_.unlock();
    m_ = nullptr;
  }
  const Mutex<T>* m_;
};

// A mutual-exclusion lock owning a T that never poisons. sizeof(Mutex<int>) == 8.
// Not copyable. Movable (when T is) only while no thread holds it, waits for
// it or can still reach it, as sync::Mutex: a move that finds the lock held
// panics instead of waiting; the moved-from Mutex stays a valid, unlocked
// Mutex holding a moved-from T. All other members thread-safe, locking
// callable through const&.
template <class T>
class FEARLESS_CAPABILITY("mutex") Mutex {
 public:
  using value_type = T;
  using guard_type = MutexGuard<T>;

  // An unlocked mutex holding T{} / T(args...); constexpr (constinit globals).
  constexpr Mutex() noexcept(std::is_nothrow_default_constructible_v<T>)
    requires std::default_initializable<T>
      : data_() {}
  template <class... A>
    requires(sizeof...(A) > 0 && std::constructible_from<T, A && ...> &&
             !(sizeof...(A) == 1 && (std::same_as<std::remove_cvref_t<A>, Mutex> && ...)))
  constexpr explicit Mutex(A&&... a) noexcept(std::is_nothrow_constructible_v<T, A&&...>) : data_(std::forward<A>(a)...) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;
  // Moves o's value into a new, unlocked Mutex; o keeps a moved-from T. Never
  // blocks: panics (fearless::Panic) if o is locked. Not noexcept, since it
  // may panic; if T's move throws, that propagates and o is left unlocked.
  Mutex(Mutex&& o)
    requires std::move_constructible<T>
      : Mutex(MoveLock(o.raw_, kMovedWhileLocked), o) {}
  // Move-assigns o's value into this Mutex; o keeps a moved-from T.
  // Self-assignment does nothing. Never blocks: panics if either is locked.
  // If T's move assignment throws, both are left unlocked.
  Mutex& operator=(Mutex&& o)
    requires std::is_move_assignable_v<T>
  {
    if (this == &o) return *this;
    const MoveLock mine(raw_, kAssignedWhileLocked);
    const MoveLock theirs(o.raw_, kMovedWhileLocked);
    data_ = std::move(o.data_);
    return *this;
  }
  // Destroys the value. No thread may hold or wait for the lock.
  ~Mutex() { fearless::detail::lock_order::on_destroy(&raw_); }

  // Blocks until the lock is acquired. Not reentrant (a second lock from the
  // holding thread deadlocks). Uncontended: one atomic operation.
  MutexGuard<T> lock(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    fearless::detail::lock_order::before_lock(&raw_, site);
    raw_.lock();
    fearless::detail::lock_order::on_locked(&raw_, site);
    return MutexGuard<T>(fearless::detail::adopt_lock, *this);
  }

  // The guard if the lock is free right now, else Err(WouldBlock). Never blocks.
  TryLockResult<MutexGuard<T>> try_lock(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    if (!raw_.try_lock()) return TryLockResult<MutexGuard<T>>(std::in_place_index<1>);
    fearless::detail::lock_order::on_locked(&raw_, site);
    return TryLockResult<MutexGuard<T>>(std::in_place_index<0>, fearless::detail::adopt_lock, *this);
  }

  // Rust's value accessors (unstable `lock_value_accessors`), each one
  // lock()/unlock around the value; they block as lock() does.
  // A copy of the value.
  [[nodiscard]] T get_cloned() const
    requires std::copy_constructible<T>
  {
    const auto g = lock();
    return *g;
  }
  // Stores `value`, destroying the old one after unlocking.
  void set(T value) const
    requires std::is_move_assignable_v<T>
  {
    (void)replace(std::move(value));  // the old value, destroyed here: after unlocking
  }
  // Stores `value` and returns the old one.
  T replace(T value) const
    requires std::is_move_assignable_v<T>
  {
    auto g = lock();
    return std::exchange(*g, std::move(value));
  }
  // Runs `f(value)` under the lock and returns its result (Rust's
  // `with_mut`). Blocks as lock(); an exception from `f` unlocks and passes.
  template <class F>
    requires std::invocable<F&&, T&>
  decltype(auto) with_mut(F&& f) const {
    auto g = lock();
    return std::invoke(std::forward<F>(f), *g);
  }

  // Access through a non-const Mutex, without locking.
  [[nodiscard]] T& get_mut() noexcept { return data_; }
  // Moves the value out: `std::move(m).into_inner()`.
  [[nodiscard]] T into_inner() && { return std::move(data_); }

 private:
  friend class MutexGuard<T>;
  using MoveLock = fearless::detail::MoveLock<fearless::detail::RawMutex>;
  static constexpr const char* kMovedWhileLocked = fearless::detail::kMutexMovePanics.moved;
  static constexpr const char* kAssignedWhileLocked = fearless::detail::kMutexMovePanics.assigned;

  // The move constructor's body; the MoveLock temporary keeps o locked until
  // it has finished or unwound (see sync::Mutex).
  Mutex(const MoveLock& /*held*/, Mutex& o) noexcept(std::is_nothrow_move_constructible_v<T>)
      : data_(std::move(o.data_)) {}

  mutable fearless::detail::RawMutex raw_;
  mutable T data_;
};

// `nonpoison::Mutex m(0);` is a nonpoison::Mutex<int>.
template <class T>
Mutex(T) -> Mutex<T>;

// Shared, const access to a nonpoison::RwLock. Move-only.
template <class T>
class [[nodiscard]] FEARLESS_SCOPED_CAPABILITY RwLockReadGuard {
 public:
  // Internal: adopts a read lock the caller holds. Guards move (the source is
  // left empty) and release their lock when destroyed, also during unwinding.
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
  ~RwLockReadGuard() { release(); }

  // The protected value, read-only. O(1), never blocks; panics on a moved-from guard.
  [[nodiscard]] const T& operator*() const FEARLESS_LIFETIMEBOUND { return data(); }
  [[nodiscard]] const T* operator->() const FEARLESS_LIFETIMEBOUND { return &data(); }

 private:
  using Mapping = fearless::detail::MappedReadRelease<false>;  // how mapped guards release this lock

 public:
  // Narrows the guard to part of the value (Rust's RwLockReadGuard::map): f(*g)
  // returns a reference into it (a member, an element, a variant's
  // alternative), and the MappedRwLockReadGuard<U> that comes back guards just
  // that, under the same lock, until it is destroyed. Consumes g: call it as
  // `RwLockReadGuard<T>::map(std::move(g), f)`. If f throws, g is destroyed by
  // the unwinding: the lock is released (never poisoned). O(1) plus f; never
  // blocks; panics on a moved-from guard.
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
  void release() noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    if (l_ == nullptr) return;
    fearless::detail::lock_order::on_unlock(&l_->raw_);
    l_->raw_.unlock_shared();
    l_ = nullptr;
  }
  const RwLock<T>* l_;
};

// Exclusive access to a nonpoison::RwLock. Move-only.
template <class T>
class [[nodiscard]] FEARLESS_SCOPED_CAPABILITY RwLockWriteGuard {
 public:
  // Internal: adopts the write lock the caller holds. Move and destruction as
  // for the read guard; never poisons.
  RwLockWriteGuard(fearless::detail::AdoptLock, const RwLock<T>& l) noexcept : l_(&l) {}
  RwLockWriteGuard(RwLockWriteGuard&& o) noexcept : l_(std::exchange(o.l_, nullptr)) {}
  RwLockWriteGuard& operator=(RwLockWriteGuard&& o) noexcept {
    if (this != &o) {
      release();
      l_ = std::exchange(o.l_, nullptr);
    }
    return *this;
  }
  RwLockWriteGuard(const RwLockWriteGuard&) = delete;
  RwLockWriteGuard& operator=(const RwLockWriteGuard&) = delete;
  ~RwLockWriteGuard() { release(); }

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
  using Mapping = fearless::detail::MappedNonpoisonWriteRelease;  // how mapped guards release this lock

 public:
  // Narrows the guard to part of the value (Rust's RwLockWriteGuard::map):
  // f(*g) returns a reference into it (a member, an element, a variant's
  // alternative), and the MappedRwLockWriteGuard<U> that comes back guards just
  // that, under the same lock, until it is destroyed. Consumes g: call it as
  // `RwLockWriteGuard<T>::map(std::move(g), f)`. If f throws, g is destroyed by
  // the unwinding: the lock is released (never poisoned). O(1) plus f; never
  // blocks; panics on a moved-from guard.
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
    return {&m->raw_, fearless::detail::NoPoison{}};
  }
  [[nodiscard]] T& data() const {
    if (FEARLESS_UNLIKELY(l_ == nullptr)) panic("RwLockWriteGuard: dereferenced a moved-from guard");
    return l_->data_;
  }
  void release() noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    if (l_ == nullptr) return;
    fearless::detail::lock_order::on_unlock(&l_->raw_);
    l_->raw_.unlock();
    l_ = nullptr;
  }
  const RwLock<T>* l_;
};

// A reader-writer lock owning a T that never poisons; writer-preferring like
// sync::RwLock. Not copyable. Movable (when T is) only while no thread holds
// it, waits for it or can still reach it, as sync::RwLock: a move that finds
// it read- or write-locked panics instead of waiting; the moved-from RwLock
// stays a valid, unlocked RwLock holding a moved-from T.
template <class T>
class FEARLESS_CAPABILITY("mutex") RwLock {
 public:
  using value_type = T;

  // An unlocked RwLock holding T{} / T(args...); constexpr (constinit globals).
  constexpr RwLock() noexcept(std::is_nothrow_default_constructible_v<T>)
    requires std::default_initializable<T>
      : data_() {}
  template <class... A>
    requires(sizeof...(A) > 0 && std::constructible_from<T, A && ...> &&
             !(sizeof...(A) == 1 && (std::same_as<std::remove_cvref_t<A>, RwLock> && ...)))
  constexpr explicit RwLock(A&&... a) noexcept(std::is_nothrow_constructible_v<T, A&&...>) : data_(std::forward<A>(a)...) {}
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;
  // Moves o's value into a new, unlocked RwLock; o keeps a moved-from T.
  // Never blocks: panics (fearless::Panic) if o is read- or write-locked. Not
  // noexcept, since it may panic; if T's move throws, o is left unlocked.
  RwLock(RwLock&& o)
    requires std::move_constructible<T>
      : RwLock(MoveLock(o.raw_, kMovedWhileLocked), o) {}
  // Move-assigns o's value into this RwLock; o keeps a moved-from T.
  // Self-assignment does nothing. Never blocks: panics if either is locked.
  // If T's move assignment throws, both are left unlocked.
  RwLock& operator=(RwLock&& o)
    requires std::is_move_assignable_v<T>
  {
    if (this == &o) return *this;
    const MoveLock mine(raw_, kAssignedWhileLocked);
    const MoveLock theirs(o.raw_, kMovedWhileLocked);
    data_ = std::move(o.data_);
    return *this;
  }
  // Destroys the value. No thread may hold or wait for the lock.
  ~RwLock() { fearless::detail::lock_order::on_destroy(&raw_); }

  // Blocks while a writer holds or waits for the lock.
  RwLockReadGuard<T> read(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    fearless::detail::lock_order::before_lock(&raw_, site);
    raw_.lock_shared();
    fearless::detail::lock_order::on_locked(&raw_, site);
    return RwLockReadGuard<T>(fearless::detail::adopt_lock, *this);
  }
  // Never blocks; Err(WouldBlock) if a writer holds or waits for the lock.
  TryLockResult<RwLockReadGuard<T>> try_read(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    if (!raw_.try_lock_shared()) return TryLockResult<RwLockReadGuard<T>>(std::in_place_index<1>);
    fearless::detail::lock_order::on_locked(&raw_, site);
    return TryLockResult<RwLockReadGuard<T>>(std::in_place_index<0>, fearless::detail::adopt_lock, *this);
  }
  // Blocks until exclusive access is granted. Not reentrant.
  RwLockWriteGuard<T> write(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    fearless::detail::lock_order::before_lock(&raw_, site);
    raw_.lock();
    fearless::detail::lock_order::on_locked(&raw_, site);
    return RwLockWriteGuard<T>(fearless::detail::adopt_lock, *this);
  }
  // Never blocks; Err(WouldBlock) if the lock is held.
  TryLockResult<RwLockWriteGuard<T>> try_write(fearless::detail::Site site = fearless::detail::Site::current()) const
      FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    if (!raw_.try_lock()) return TryLockResult<RwLockWriteGuard<T>>(std::in_place_index<1>);
    fearless::detail::lock_order::on_locked(&raw_, site);
    return TryLockResult<RwLockWriteGuard<T>>(std::in_place_index<0>, fearless::detail::adopt_lock, *this);
  }

  // Rust's value accessors (unstable `lock_value_accessors`), each one
  // write()/unlock (read() for get_cloned) around the value; they block as those do.
  // A copy of the value.
  [[nodiscard]] T get_cloned() const
    requires std::copy_constructible<T>
  {
    const auto g = read();
    return *g;
  }
  // Stores `value`, destroying the old one after unlocking.
  void set(T value) const
    requires std::is_move_assignable_v<T>
  {
    (void)replace(std::move(value));  // the old value, destroyed here: after unlocking
  }
  // Stores `value` and returns the old one.
  T replace(T value) const
    requires std::is_move_assignable_v<T>
  {
    auto g = write();
    return std::exchange(*g, std::move(value));
  }
  // Runs `f(value)` under a read lock (`with`, `f` gets a const T&) or the
  // write lock (`with_mut`, a T&) and returns its result, as Rust's. Block as
  // read()/write(); an exception from `f` unlocks and passes.
  template <class F>
    requires std::invocable<F&&, const T&>
  decltype(auto) with(F&& f) const {
    auto g = read();
    return std::invoke(std::forward<F>(f), std::as_const(*g));
  }
  template <class F>
    requires std::invocable<F&&, T&>
  decltype(auto) with_mut(F&& f) const {
    auto g = write();
    return std::invoke(std::forward<F>(f), *g);
  }

  // Access through a non-const (unshared) RwLock, without locking. O(1).
  [[nodiscard]] T& get_mut() noexcept { return data_; }
  // Moves the value out: `std::move(l).into_inner()`. Throws only what T's move throws.
  [[nodiscard]] T into_inner() && { return std::move(data_); }

 private:
  friend class RwLockReadGuard<T>;
  friend class RwLockWriteGuard<T>;
  using MoveLock = fearless::detail::MoveLock<fearless::detail::RawRwLock>;
  static constexpr const char* kMovedWhileLocked = fearless::detail::kRwLockMovePanics.moved;
  static constexpr const char* kAssignedWhileLocked = fearless::detail::kRwLockMovePanics.assigned;

  // The move constructor's body; the MoveLock temporary keeps o write-locked
  // until it has finished or unwound (see sync::Mutex).
  RwLock(const MoveLock& /*held*/, RwLock& o) noexcept(std::is_nothrow_move_constructible_v<T>)
      : data_(std::move(o.data_)) {}

  mutable fearless::detail::RawRwLock raw_;
  mutable T data_;
};

// `nonpoison::RwLock l(0);` is a nonpoison::RwLock<int>.
template <class T>
RwLock(T) -> RwLock<T>;

// A condition variable for nonpoison::Mutex guards (Rust's nonpoison::Condvar:
// the guard is passed by reference and stays locked on return). 8 bytes.
// Every wait releases the mutex while asleep and holds it again on return.
// wait/wait_timeout may return spuriously; the *_while forms never do.
// Use one Condvar with one Mutex at a time. Not copyable. Movable only while
// no thread waits on it and no other thread can still reach it, as
// sync::Condvar: moving one that a thread is waiting on panics; the new
// Condvar starts with no waiters and the moved-from one stays a valid
// Condvar with none.
class Condvar {
 public:
  // A condition variable with no waiters. No allocation.
  constexpr Condvar() noexcept = default;
  Condvar(const Condvar&) = delete;
  Condvar& operator=(const Condvar&) = delete;
  // A fresh Condvar. Panics (fearless::Panic) if a thread waits on o. Never blocks.
  Condvar(Condvar&& o) { o.raw_.panic_if_waited_on(); }
  // Panics if a thread waits on either Condvar, else does nothing. Never blocks.
  Condvar& operator=(Condvar&& o) {
    if (this != &o) {
      raw_.panic_if_waited_on();
      o.raw_.panic_if_waited_on();
    }
    return *this;
  }

  // Blocks until notified (or spuriously woken). Panics on a moved-from guard.
  template <class T>
  void wait(MutexGuard<T>& g, fearless::detail::Site site = fearless::detail::Site::current()) const {
    raw_.wait(raw_of(g), fearless::detail::kNoDeadline, site);
  }

  // Waits until `condition(*g)` is false; returns with it false and the lock held.
  template <class T, class F>
  void wait_while(MutexGuard<T>& g, F condition, fearless::detail::Site site = fearless::detail::Site::current()) const {
    while (condition(*g)) wait(g, site);
  }

  // Waits at most `timeout` (any duration; <= 0 does not sleep but still
  // releases and retakes the lock). May return early (notified or spuriously).
  template <class T, class Rep, class Period>
  WaitTimeoutResult wait_timeout(MutexGuard<T>& g, std::chrono::duration<Rep, Period> timeout,
                                 fearless::detail::Site site = fearless::detail::Site::current()) const {
    return WaitTimeoutResult(!raw_.wait(raw_of(g), fearless::detail::deadline_after(timeout), site));
  }

  // Waits while `condition(*g)` holds, at most `timeout` in total. timed_out()
  // is true only if the time ran out with the condition still true.
  template <class T, class Rep, class Period, class F>
  WaitTimeoutResult wait_timeout_while(MutexGuard<T>& g, std::chrono::duration<Rep, Period> timeout, F condition,
                                       fearless::detail::Site site = fearless::detail::Site::current()) const {
    const auto deadline = fearless::detail::deadline_after(timeout);
    while (condition(*g)) {
      if (fearless::detail::Clock::now() >= deadline) return WaitTimeoutResult(true);
      raw_.wait(raw_of(g), deadline, site);
    }
    return WaitTimeoutResult(false);
  }

  // Wakes one waiting thread (none if nobody waits: notifications are not stored).
  void notify_one() const noexcept { raw_.notify_one(); }
  // Wakes every waiting thread.
  void notify_all() const noexcept { raw_.notify_all(); }

 private:
  template <class G>
  static fearless::detail::RawMutex& raw_of(const G& g) {
    if (!fearless::detail::GuardAccess::holds_lock(g)) panic("Condvar: wait on a moved-from guard");
    return fearless::detail::GuardAccess::raw(g);
  }
  mutable fearless::detail::RawCondvar raw_;
};

}  // namespace fearless::sync::nonpoison
