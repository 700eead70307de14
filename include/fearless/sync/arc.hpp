// fearless/sync/arc.hpp — Arc<T> and Weak<T>: atomically reference-counted
// shared ownership (Rust's std::sync::{Arc, Weak}).
//
//   auto counter = fearless::sync::Arc<fearless::sync::Mutex<int>>::make(0);
//   auto c2 = counter.clone();            // or a copy, or Arc<...>::clone(counter)
//   *c2->lock().unwrap() += 1;            // shared data changes only through a lock
//
// One allocation holds both counts and the value; sizeof(Arc<T>) is one
// pointer. Access is const: an Arc is shared, so the value is changed only
// through something built for sharing (Mutex, RwLock, atomics). That is the
// rule that makes data races impossible. get_mut/make_mut give mutable access
// only while this Arc is the sole owner.
//
// C++ difference: a moved-from Arc is empty (Rust's moves leave nothing
// behind). Dereferencing an empty Arc panics; copying one gives another empty
// one; its counts read 0. Nothing else makes an empty Arc: `Arc<T> a;`
// allocates a T{} (Rust's Default).
//
// Like Rust's Arc: `==`, `<=>`, std::hash and `<<` act on the values (use
// ptr_eq for identity); into_raw/from_raw and increment/decrement_strong_count
// pass an owning reference through a `const T*`.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <compare>
#include <concepts>
#include <functional>
#include <iosfwd>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/backoff.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/send_checks.hpp"
#include "fearless/detail/single_threaded.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"

namespace fearless::sync {

template <class T>
class Arc;
template <class T>
class Weak;

}  // namespace fearless::sync

namespace fearless::detail {

// More references than this abort the process (Rust: isize::MAX), long before
// the count could wrap and free a live value.
inline constexpr std::size_t kMaxRefcount = static_cast<std::size_t>(PTRDIFF_MAX);

[[noreturn]] FEARLESS_COLD inline void refcount_overflow() noexcept {
  std::fputs("fearless: Arc/Weak reference count overflow; aborting\n", stderr);
  std::abort();
}

struct ArcNoValue {
  explicit ArcNoValue() = default;
};
inline constexpr ArcNoValue arc_no_value{};

template <class T>
struct ArcInner {
  // strong: the number of Arcs. weak: the number of Weaks, plus one shared by
  // all Arcs together (dropped when the last Arc goes), or SIZE_MAX while an
  // is_unique check holds it "locked". The counts come first, as in Rust's
  // ArcInner: with the block 16-byte aligned, a small value then lies on the
  // counts' cache line or on the next one, never in front of them; placing the
  // value first measurably slowed contended clone+drop with reads of the value
  // (the benchmark suite's arc_clone_drop, 4 threads: 0.14 s -> 0.19 s).
  Atomic<std::size_t> strong{1};
  Atomic<std::size_t> weak{1};
  union {
    T value;
  };

  template <class... A>
  explicit ArcInner(std::in_place_t, A&&... a) : value(std::forward<A>(a)...) {}
  // No value yet and no strong reference (Arc::new_cyclic).
  explicit ArcInner(ArcNoValue) noexcept : strong(0) {}
  ArcInner(const ArcInner&) = delete;
  ArcInner& operator=(const ArcInner&) = delete;
  ~ArcInner() {}  // the value is destroyed by whoever drops the last Arc

  // The block whose `value` is at `v` (a pointer that &value produced), for
  // Arc::from_raw / Weak::from_raw: the value's address minus its offset in
  // the block. offsetof is exact for a standard-layout ArcInner; when T is
  // not standard-layout neither is ArcInner, and offsetof is then
  // conditionally-supported: g++ and clang give the real offset for any class
  // without virtual bases (ArcInner has none), and warn, hence the pragma.
  static ArcInner* from_value(const T* v) noexcept {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
    constexpr std::size_t offset = offsetof(ArcInner, value);
#pragma GCC diagnostic pop
    auto* bytes = reinterpret_cast<unsigned char*>(const_cast<std::remove_cv_t<T>*>(v));
    return std::launder(reinterpret_cast<ArcInner*>(bytes - offset));
  }
};

}  // namespace fearless::detail

namespace fearless::sync {

// Shared ownership of a T, thread-safe counts. Copying (or clone()) adds an
// owner in O(1) (one atomic increment); the last owner destroys the value and,
// once no Weak remains, frees the block. Not null except when moved-from.
template <class T>
class Arc {
  using Inner = fearless::detail::ArcInner<T>;

 public:
  using element_type = T;

  // Builds the value in place from `args` (one allocation). Rust's Arc::new.
  template <class... A>
    requires std::constructible_from<T, A&&...>
  [[nodiscard]] static Arc make(A&&... args) {
    return Arc(new Inner(std::in_place, std::forward<A>(args)...));
  }
  // Moves (or copies) `value` into a new Arc.
  [[nodiscard]] static Arc from(T value)
    requires std::move_constructible<T>
  {
    return make(std::move(value));
  }
  // Same as from(value).
  explicit Arc(T value)
    requires std::move_constructible<T>
      : p_(new Inner(std::in_place, std::move(value))) {}
  // An Arc owning a new T{} (Rust's `impl<T: Default> Default for Arc<T>`).
  // Allocates like make(): a default-constructed Arc is never empty.
  Arc()
    requires std::default_initializable<T>
      : p_(new Inner(std::in_place)) {}

  Arc(const Arc& o) noexcept : p_(o.p_) {
    if (p_) increment_strong();
  }
  Arc(Arc&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Arc& operator=(const Arc& o) noexcept {
    Arc(o).swap(*this);
    return *this;
  }
  Arc& operator=(Arc&& o) noexcept {
    Arc(std::move(o)).swap(*this);
    return *this;
  }
  ~Arc() {
    fearless::detail::send_checks::check_arc_payload<T>();
    release();
  }
  void swap(Arc& o) noexcept { std::swap(p_, o.p_); }

  // A new owner of the same value (Rust's Arc::clone(&a)): both forms.
  [[nodiscard]] Arc clone() const noexcept { return *this; }
  [[nodiscard]] static Arc clone(const Arc& a) noexcept { return a; }

  // Const access to the value. Panics on a moved-from Arc.
  [[nodiscard]] const T& operator*() const FEARLESS_LIFETIMEBOUND { return inner().value; }
  [[nodiscard]] const T* operator->() const FEARLESS_LIFETIMEBOUND { return &inner().value; }
  // The value's address (nullptr for a moved-from Arc). Rust's Arc::as_ptr.
  [[nodiscard]] const T* as_ptr() const noexcept { return p_ ? &p_->value : nullptr; }
  [[nodiscard]] static const T* as_ptr(const Arc& a) noexcept { return a.as_ptr(); }

  // Consumes `a` and returns the value's address (Rust's Arc::into_raw): the
  // strong reference `a` held is kept, not released, so the value stays alive
  // until the pointer is given back to from_raw or decrement_strong_count
  // (otherwise it leaks). `a` is left empty. An empty `a` gives nullptr.
  // O(1), touches no count.
  [[nodiscard]] static const T* into_raw(Arc&& a) noexcept {
    Inner* p = std::exchange(a.p_, nullptr);
    return p ? &p->value : nullptr;
  }
  // Takes back the strong reference that into_raw kept (Rust's
  // Arc::from_raw). Precondition: `p` came from Arc<T>::into_raw (same T, not
  // a base or derived type) and that reference has not been taken back yet:
  // each into_raw pointer is given to from_raw (or decrement_strong_count) at
  // most once per reference it stands for, or the value is destroyed twice.
  // A pointer from as_ptr or Weak::into_raw owns no strong reference and must
  // not be passed. Anything else is undefined behaviour (not checked). nullptr
  // gives an empty Arc (the round trip of an empty one). O(1), touches no count.
  [[nodiscard]] static Arc from_raw(const T* p) noexcept { return Arc(p ? Inner::from_value(p) : nullptr); }
  // Adds one strong reference to the value at `p` (Rust's
  // Arc::increment_strong_count), to be taken back later by one more from_raw
  // or decrement_strong_count. Precondition: `p` came from Arc<T>::into_raw
  // (or as_ptr) and the value is alive (strong count >= 1) for the whole call,
  // e.g. because the caller still holds the reference into_raw kept.
  // Undefined behaviour otherwise (not checked). O(1): one relaxed increment;
  // aborts on count overflow, as copying does.
  static void increment_strong_count(const T* p) noexcept { Arc(Inner::from_value(p)).increment_strong_forget(); }
  // Releases one strong reference to the value at `p` (Rust's
  // Arc::decrement_strong_count), as destroying an Arc does: the last one
  // destroys the value, and frees the block when no Weak remains.
  // Precondition: `p` came from Arc<T>::into_raw and the caller owns one
  // strong reference to it (from into_raw or increment_strong_count) that it
  // gives up here; the strong count is >= 1. Undefined behaviour otherwise,
  // e.g. calling it after the last reference is gone. O(1) plus T's
  // destructor when it is the last.
  static void decrement_strong_count(const T* p) noexcept { Arc dropped(Inner::from_value(p)); }

  // Number of Arcs sharing the value (a snapshot; 0 for a moved-from Arc).
  [[nodiscard]] std::size_t strong_count() const noexcept {
    // acquire: a caller that sees 1 may act on being the only owner; pairs
    // with the release decrement of dropped Arcs.
    return p_ ? p_->strong.load(std::memory_order_acquire) : 0;
  }
  [[nodiscard]] static std::size_t strong_count(const Arc& a) noexcept { return a.strong_count(); }
  // Number of Weaks pointing at the value (a snapshot).
  [[nodiscard]] std::size_t weak_count() const noexcept {
    if (!p_) return 0;
    // acquire: as strong_count.
    const std::size_t w = p_->weak.load(std::memory_order_acquire);
    // SIZE_MAX: an is_unique check holds the count, which was 1 (no Weaks).
    return w == SIZE_MAX ? 0 : w - 1;
  }
  [[nodiscard]] static std::size_t weak_count(const Arc& a) noexcept { return a.weak_count(); }

  // A Weak pointing at the same value. Panics on a moved-from Arc.
  [[nodiscard]] Weak<T> downgrade() const {
    Inner& in = inner();
    // relaxed: the first read of a CAS loop.
    std::size_t w = in.weak.load(std::memory_order_relaxed);
    for (;;) {
      if (w == SIZE_MAX) {  // an is_unique check is running: it finishes in a few instructions
        fearless::detail::cpu_relax();
        w = in.weak.load(std::memory_order_relaxed);  // relaxed: retried by the CAS
        continue;
      }
      if (w > fearless::detail::kMaxRefcount) fearless::detail::refcount_overflow();
      // acquire: pairs with is_unique's release of the weak "lock".
      if (in.weak.compare_exchange_weak(w, w + 1, std::memory_order_acquire, std::memory_order_relaxed))
        return Weak<T>(p_);
    }
  }
  [[nodiscard]] static Weak<T> downgrade(const Arc& a) { return a.downgrade(); }

  // Mutable access if this is the only Arc and no Weak exists, else nullptr.
  [[nodiscard]] T* get_mut() noexcept { return p_ && is_unique() ? &p_->value : nullptr; }
  [[nodiscard]] static T* get_mut(Arc& a) noexcept { return a.get_mut(); }

  // Clone-on-write: mutable access to a value only this Arc owns. If other
  // Arcs share it, the value is first copied into a fresh allocation for this
  // Arc; if only Weaks share it, it is moved to a fresh allocation and the
  // Weaks are disassociated (they no longer upgrade). Panics on a moved-from Arc.
  T& make_mut()
    requires std::copy_constructible<T>
  {
    Inner& in = inner();
    std::size_t one = 1;
    // acquire: pairs with the release decrements of other Arcs, so their reads
    // of the value happen before our writes.
    if (!in.strong.compare_exchange_strong(one, 0, std::memory_order_acquire, std::memory_order_relaxed)) {
      *this = make(std::as_const(in.value));
    } else if (in.weak.load(std::memory_order_relaxed) != 1) {
      // relaxed: we race with Weaks being dropped anyway; at worst we move needlessly.
      Inner* fresh;
      try {
        fresh = new Inner(std::in_place, std::move(in.value));
      } catch (...) {
        in.strong.store(1, std::memory_order_release);  // release: publishes nothing new; restores the count
        throw;
      }
      in.value.~T();
      Inner* old = std::exchange(p_, fresh);
      drop_weak(old);
    } else {
      // release: pairs with the acquire of Weak::upgrade / strong_count readers.
      in.strong.store(1, std::memory_order_release);
    }
    return p_->value;
  }
  static T& make_mut(Arc& a)
    requires std::copy_constructible<T>
  {
    return a.make_mut();
  }

  // The value, if `a` is the only Arc (Weaks may exist: they stop upgrading);
  // otherwise Err(a) hands the Arc back unchanged. Rust's Arc::try_unwrap.
  [[nodiscard]] static Result<T, Arc> try_unwrap(Arc&& a)
    requires std::move_constructible<T>
  {
    Inner& in = a.inner();
    std::size_t one = 1;
    // acquire: pairs with the release decrements of the other Arcs.
    if (!in.strong.compare_exchange_strong(one, 0, std::memory_order_acquire, std::memory_order_relaxed))
      return Result<T, Arc>(std::in_place_index<1>, std::move(a));
    Inner* p = std::exchange(a.p_, nullptr);
    Result<T, Arc> r(std::in_place_index<0>, std::move(p->value));
    p->value.~T();
    drop_weak(p);
    return r;
  }

  // The value if `a` was the last Arc, else nullopt (and `a` is released).
  // Unlike try_unwrap, racing callers on the last two Arcs cannot both fail.
  [[nodiscard]] static std::optional<T> into_inner(Arc&& a)
    requires std::move_constructible<T>
  {
    Inner* p = std::exchange(a.p_, nullptr);
    if (!p) return std::nullopt;
    // acq_rel: release publishes our use of the value; acquire (for the last
    // owner) makes every other owner's use happen before the move.
    if (p->strong.fetch_sub(1, std::memory_order_acq_rel) != 1) return std::nullopt;
    std::optional<T> v(std::in_place, std::move(p->value));
    p->value.~T();
    drop_weak(p);
    return v;
  }

  // The value: moved out if `a` is the only Arc, else copied (Rust's
  // Arc::unwrap_or_clone). `a` is released either way.
  [[nodiscard]] static T unwrap_or_clone(Arc&& a)
    requires std::copy_constructible<T>
  {
    Arc self = std::move(a);
    (void)self.inner();
    std::size_t one = 1;
    // acquire: pairs with the release decrements of the other Arcs.
    if (self.p_->strong.compare_exchange_strong(one, 0, std::memory_order_acquire, std::memory_order_relaxed)) {
      Inner* p = std::exchange(self.p_, nullptr);
      struct Finish {
        Inner* p;
        ~Finish() {
          p->value.~T();
          drop_weak(p);
        }
      } finish{p};
      return T(std::move(p->value));
    }
    return T(self.p_->value);
  }

  // Builds a value that holds a Weak to itself (Rust's Arc::new_cyclic):
  // `f(const Weak<T>&)` returns the T; during the call the Weak does not
  // upgrade yet. One allocation. If `f` throws, nothing leaks.
  template <class F>
    requires std::constructible_from<T, std::invoke_result_t<F&, const Weak<T>&>>
  [[nodiscard]] static Arc new_cyclic(F&& f) {
    // The block starts with no strong reference, so the Weak cannot upgrade
    // until the value exists.
    auto* p = new Inner(fearless::detail::arc_no_value);
    Weak<T> weak(p);  // owns the one weak reference for now
    ::new (static_cast<void*>(&p->value)) T(f(std::as_const(weak)));
    // The Arc shares the weak reference already counted; add one for `weak`,
    // which is released at the end of this scope.
    p->weak.fetch_add(1, std::memory_order_relaxed);  // relaxed: we hold a reference
    // release: publishes the constructed value to Weak::upgrade's acquire.
    p->strong.store(1, std::memory_order_release);
    return Arc(p);
  }

  // True if both point at the same allocation (Rust's Arc::ptr_eq).
  [[nodiscard]] static bool ptr_eq(const Arc& a, const Arc& b) noexcept { return a.p_ == b.p_; }
  [[nodiscard]] bool ptr_eq(const Arc& b) const noexcept { return p_ == b.p_; }

  // Compares the values, as Rust's Arc does.
  friend bool operator==(const Arc& a, const Arc& b)
    requires std::equality_comparable<T>
  {
    return *a == *b;
  }
  // Orders by the values, as Rust's PartialOrd/Ord for Arc: `<=>` where T has
  // it, otherwise a std::weak_ordering built from T's `<` (synth-three-way,
  // as std::pair compares). Panics on a moved-from Arc, as `*` does.
  friend auto operator<=>(const Arc& a, const Arc& b)
    requires fearless::detail::synth_three_way_comparable<T>
  {
    return fearless::detail::synth_three_way(*a, *b);
  }

  // Writes the value (Rust's Display for Arc forwards to T's). Panics on a
  // moved-from Arc.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const Arc& a)
    requires requires(std::basic_ostream<CharT, Traits>& o, const T& v) { o << v; }
  {
    os << *a;
    return os;
  }

 private:
  friend class Weak<T>;
  explicit Arc(Inner* p) noexcept : p_(p) {}

  // increment_strong_count: counts one more owner than there are Arc objects.
  void increment_strong_forget() noexcept {
    increment_strong();
    p_ = nullptr;
  }

  Inner& inner() const {
    if (FEARLESS_UNLIKELY(p_ == nullptr)) panic("Arc: used after being moved from");
    return *p_;
  }
  void increment_strong() const noexcept {
    std::size_t old;
    if (fearless::detail::process_single_threaded()) {
      // relaxed, no RMW: no other thread exists yet (see single_threaded.hpp),
      // as libstdc++'s shared_ptr does.
      old = p_->strong.load(std::memory_order_relaxed);
      p_->strong.store(old + 1, std::memory_order_relaxed);
    } else {
      // relaxed: a new owner is made from an existing one, which keeps the
      // value alive; nothing is published by the increment (as Rust, Boost).
      old = p_->strong.fetch_add(1, std::memory_order_relaxed);
    }
    if (FEARLESS_UNLIKELY(old > fearless::detail::kMaxRefcount)) fearless::detail::refcount_overflow();
  }
  void release() noexcept {
    if (!p_) return;
    if (fearless::detail::process_single_threaded()) {
      // relaxed, no RMW: no other thread exists yet.
      const std::size_t n = p_->strong.load(std::memory_order_relaxed);
      p_->strong.store(n - 1, std::memory_order_relaxed);
      if (n != 1) return;
    } else if (p_->strong.fetch_sub(1, std::memory_order_acq_rel) != 1) {
      // acq_rel: release publishes this owner's use of the value; acquire (for
      // the last owner) orders every other owner's use before the destruction.
      return;
    }
    p_->value.~T();
    drop_weak(p_);
  }
  static void drop_weak(Inner* p) noexcept {
    // acq_rel: the last holder frees the block after every other holder is done.
    if (p->weak.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p;
  }
  bool is_unique() noexcept {
    std::size_t one = 1;
    // Lock the weak count while reading the strong one, so no Weak can be
    // made (downgrade spins) and upgraded in between. acquire: pairs with the
    // release of dropped Weaks.
    if (!p_->weak.compare_exchange_strong(one, SIZE_MAX, std::memory_order_acquire, std::memory_order_relaxed))
      return false;
    // acquire: pairs with the release decrement of dropped Arcs.
    const bool unique = p_->strong.load(std::memory_order_acquire) == 1;
    p_->weak.store(1, std::memory_order_release);  // release: pairs with downgrade's acquire CAS
    return unique;
  }

  Inner* p_;
};

// A non-owning reference to an Arc's value: keeps the allocation, not the
// value, alive. upgrade() gives an Arc while any Arc still exists.
// A default-constructed Weak (Rust's Weak::new) never upgrades.
template <class T>
class Weak {
  using Inner = fearless::detail::ArcInner<T>;

 public:
  constexpr Weak() noexcept = default;
  Weak(const Weak& o) noexcept : p_(o.p_) {
    // relaxed: made from an existing Weak, which keeps the block alive.
    if (p_ && p_->weak.fetch_add(1, std::memory_order_relaxed) > fearless::detail::kMaxRefcount)
      fearless::detail::refcount_overflow();
  }
  Weak(Weak&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Weak& operator=(const Weak& o) noexcept {
    Weak(o).swap(*this);
    return *this;
  }
  Weak& operator=(Weak&& o) noexcept {
    Weak(std::move(o)).swap(*this);
    return *this;
  }
  ~Weak() {
    // acq_rel: the last holder frees the block after all others are done.
    if (p_ && p_->weak.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p_;
  }
  void swap(Weak& o) noexcept { std::swap(p_, o.p_); }
  [[nodiscard]] Weak clone() const noexcept { return *this; }

  // An Arc to the value, or nullopt if every Arc is gone. Lock-free.
  [[nodiscard]] std::optional<Arc<T>> upgrade() const noexcept {
    if (!p_) return std::nullopt;
    // relaxed: the first read of a CAS loop.
    std::size_t n = p_->strong.load(std::memory_order_relaxed);
    do {
      if (n == 0) return std::nullopt;
      if (n > fearless::detail::kMaxRefcount) fearless::detail::refcount_overflow();
      // acquire: pairs with the release in make_mut / the strong increments,
      // so the value we reach is fully built.
    } while (!p_->strong.compare_exchange_weak(n, n + 1, std::memory_order_acquire, std::memory_order_relaxed));
    return Arc<T>(p_);
  }

  // Number of Arcs (0 if none, or for a default-constructed Weak).
  [[nodiscard]] std::size_t strong_count() const noexcept {
    return p_ ? p_->strong.load(std::memory_order_acquire) : 0;  // acquire: as Arc::strong_count
  }
  // Number of Weaks to the value (0 once no Arc remains, as in Rust).
  [[nodiscard]] std::size_t weak_count() const noexcept {
    if (!p_) return 0;
    const std::size_t w = p_->weak.load(std::memory_order_acquire);    // acquire: as Arc::weak_count
    const std::size_t s = p_->strong.load(std::memory_order_acquire);  // acquire: as Arc::strong_count
    if (s == 0) return 0;
    return w == SIZE_MAX ? 0 : w - 1;
  }
  // True if both point at the same allocation (two default Weaks are equal).
  [[nodiscard]] static bool ptr_eq(const Weak& a, const Weak& b) noexcept { return a.p_ == b.p_; }
  [[nodiscard]] bool ptr_eq(const Weak& b) const noexcept { return p_ == b.p_; }

  // The value's address (Rust's Weak::as_ptr): equal to Arc::as_ptr of the
  // Arcs it was made from, and nullptr for a default-constructed Weak (Rust:
  // a dangling pointer). Dereferencing it is valid only while an Arc keeps
  // the value alive; once the last Arc is gone it points at destroyed
  // storage (still allocated while this Weak lives). O(1).
  [[nodiscard]] const T* as_ptr() const noexcept { return p_ ? &p_->value : nullptr; }
  // Consumes this Weak and returns as_ptr(), keeping the weak reference it
  // held (Rust's Weak::into_raw): the block stays allocated until the
  // pointer is given back to Weak::from_raw (otherwise it leaks). The Weak
  // is left empty. O(1), touches no count.
  [[nodiscard]] const T* into_raw() && noexcept {
    Inner* p = std::exchange(p_, nullptr);
    return p ? &p->value : nullptr;
  }
  [[nodiscard]] static const T* into_raw(Weak&& w) noexcept { return std::move(w).into_raw(); }
  // Takes back the weak reference that into_raw kept (Rust's Weak::from_raw);
  // upgrade() on the result works as on the original. nullptr (what a
  // default Weak gives) returns a default Weak. Precondition: `p` came from
  // Weak<T>::into_raw (same T) and is given back once; a pointer from
  // Arc::into_raw or as_ptr owns no weak reference and must not be passed.
  // Undefined behaviour otherwise (not checked). O(1), touches no count.
  [[nodiscard]] static Weak from_raw(const T* p) noexcept { return Weak(p ? Inner::from_value(p) : nullptr); }

 private:
  friend class Arc<T>;
  explicit Weak(Inner* p) noexcept : p_(p) {}
  Inner* p_ = nullptr;
};

}  // namespace fearless::sync

// Hashes the value (Rust's Hash for Arc hashes the inner value), so Arcs with
// equal values hash equal, and equal to std::hash<T> of the value. Enabled
// when std::hash<T> is. Panics on a moved-from Arc. O(1) plus T's hash.
namespace std {
template <class T>
  requires fearless::detail::hashable<T>
struct hash<fearless::sync::Arc<T>> {
  [[nodiscard]] std::size_t operator()(const fearless::sync::Arc<T>& a) const { return std::hash<T>{}(*a); }
};
}  // namespace std
