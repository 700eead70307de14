// fearless/sync/arc.hpp — Arc<T> and Weak<T>: atomically reference-counted
// shared ownership (Rust's std::sync::{Arc, Weak}).
//
//   auto counter = fearless::sync::Arc<fearless::sync::Mutex<int>>::make(0);
//   auto c2 = counter.clone();            // or a copy, or Arc<...>::clone(counter)
//   *c2->lock().unwrap() += 1;            // shared data changes only through a lock
//
// One allocation holds both counts and the value. Access is const: an Arc
// is shared, so the value is changed only through something built for
// sharing (Mutex, RwLock, atomics). That is the rule that makes data races
// impossible. get_mut/make_mut give mutable access
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
//
// An Arc<Derived> converts to an Arc<Base> (Rust's Arc<dyn Trait>), and an
// Arc<T> to an Arc<const T>; Weak likewise. The block keeps what destroying
// the value needs, so the last owner destroys the Derived whole even when
// Base's destructor is not virtual. sizeof(Arc<T>) is two pointers (the
// block and the value), as a Rust Arc<dyn Trait> is. What needs the value's
// exact type (try_unwrap, into_inner, unwrap_or_clone, make_mut, into_raw)
// panics on an Arc converted from a derived type, where Rust would not
// compile it. downcast<Derived>() goes back (Rust's Arc<dyn Any>::downcast).
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
#include <string>
#include <type_traits>
#include <typeinfo>
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

// True when X is an Arc<U> that Arc<T>'s copy, move or converting
// constructors take (U* converts to T*; U may still be incomplete).
template <class X, class T>
inline constexpr bool kArcConvertsTo = false;
template <class U, class T>
inline constexpr bool kArcConvertsTo<sync::Arc<U>, T> = std::is_convertible_v<U*, T*>;
// S, named so that it depends on V: clang evaluates a member template's
// constraints that do not depend on its own parameters when the class is
// instantiated, where S may still be incomplete.
template <class V, class S>
struct DependentOn {
  using type = S;
};
// Requirements on S that a member template of Arc<S> checks only when used.
template <class V, class S>
concept LateMoveConstructible = std::move_constructible<typename DependentOn<V, S>::type>;
template <class V, class S>
concept LateCopyConstructible = std::copy_constructible<typename DependentOn<V, S>::type>;

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

struct ArcHeader;

// How to destroy the value and free the block, filled in by the block's own
// type: an Arc<Base> converted from an Arc<Derived> reaches Derived's.
struct ArcVTable {
  void (*destroy_value)(ArcHeader*) noexcept;
  void (*deallocate)(ArcHeader*) noexcept;
};

// The type-independent start of every Arc block. strong: the number of Arcs.
// weak: the number of Weaks, plus one shared by all Arcs together (dropped
// when the last Arc goes), or SIZE_MAX while an is_unique check holds it
// "locked". The counts come first, as in Rust's ArcInner: with the block
// 16-byte aligned, a small value then lies on the counts' cache line or on
// the next one, never in front of them; placing the value first measurably
// slowed contended clone+drop with reads of the value (the benchmark suite's
// arc_clone_drop, 4 threads: 0.14 s -> 0.19 s).
struct ArcHeader {
  Atomic<std::size_t> strong{1};
  Atomic<std::size_t> weak{1};
  const ArcVTable* vtable;

  explicit ArcHeader(const ArcVTable* vt) noexcept : vtable(vt) {}
  // No value yet and no strong reference (Arc::new_cyclic).
  ArcHeader(const ArcVTable* vt, ArcNoValue) noexcept : strong(0), vtable(vt) {}
  ArcHeader(const ArcHeader&) = delete;
  ArcHeader& operator=(const ArcHeader&) = delete;

  void destroy_value() noexcept { vtable->destroy_value(this); }
  // Drops one weak reference; the last frees the block.
  void drop_weak() noexcept {
    // acq_rel: the last holder frees the block after every other holder is done.
    if (weak.fetch_sub(1, std::memory_order_acq_rel) == 1) vtable->deallocate(this);
  }
};

// The block of an Arc whose value is a T (never cv-qualified: an
// Arc<const T> keeps a T and gives const access to it, as every Arc does).
template <class T>
struct ArcInner : ArcHeader {
  union {
    T value;
  };

  template <class... A>
  explicit ArcInner(std::in_place_t, A&&... a) : ArcHeader(&kVTable), value(std::forward<A>(a)...) {}
  explicit ArcInner(ArcNoValue) noexcept : ArcHeader(&kVTable, arc_no_value) {}
  ~ArcInner() {}  // the value is destroyed by whoever drops the last Arc

  static void destroy(ArcHeader* h) noexcept { static_cast<ArcInner*>(h)->value.~T(); }
  static void deallocate(ArcHeader* h) noexcept { delete static_cast<ArcInner*>(h); }
  static constexpr ArcVTable kVTable{&ArcInner::destroy, &ArcInner::deallocate};

  // The block whose `value` is at `v` (a pointer that &value produced), for
  // Arc::from_raw / Weak::from_raw: the value's address minus its offset in
  // the block. ArcInner has a base with data members (ArcHeader), so it is not
  // standard-layout and offsetof is conditionally-supported: g++ and clang
  // give the real offset for any class without virtual bases (ArcInner has
  // none), and warn, hence the pragma.
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
  using Stored = std::remove_cv_t<T>;
  using Inner = fearless::detail::ArcInner<Stored>;
  using Header = fearless::detail::ArcHeader;

 public:
  using element_type = T;

  // Builds the value in place from `args` (one allocation). Rust's Arc::new.
  template <class... A>
    requires std::constructible_from<Stored, A&&...>
  [[nodiscard]] static Arc make(A&&... args) {
    return Arc(new Inner(std::in_place, std::forward<A>(args)...));
  }
  // Moves (or copies) `value` into a new Arc. Needs a movable T. (Not
  // constrained: T may still be incomplete when Arc<T> is instantiated; see
  // the constructor below.)
  [[nodiscard]] static Arc from(Stored value) { return Arc(new Inner(std::in_place, std::move(value))); }
  // Same as from(value): `value` (or what converts to a T implicitly) is
  // moved into a new Arc. A template, so that copying an Arc never asks
  // whether a T can be made from it: T may still be incomplete there, as in
  // `struct Node { std::optional<Arc<Node>> next; };`. An Arc<Arc<X>> is
  // still made from an Arc<X>.
  template <class V>
    requires(!fearless::detail::kArcConvertsTo<std::remove_cvref_t<V>, T> && std::convertible_to<V, Stored> &&
             fearless::detail::LateMoveConstructible<V, Stored>)
  explicit Arc(V&& value) : Arc(new Inner(std::in_place, as_stored(std::forward<V>(value)))) {}
  // An Arc owning a new T{} (Rust's `impl<T: Default> Default for Arc<T>`).
  // Allocates like make(): a default-constructed Arc is never empty. Needs a
  // default-initializable T, checked when it is used: a requires-clause
  // would be checked by clang when Arc<T> is instantiated, where T may still
  // be incomplete (see the constructor above), so std::is_default_constructible
  // is true for every Arc<T>.
  Arc() : Arc(new Inner(std::in_place)) {
    static_assert(std::default_initializable<Stored>, "Arc<T>(): T has no default constructor; use Arc<T>::make(...)");
  }

  Arc(const Arc& o) noexcept : hb_(o.hb_), v_(o.v_) {
    if (hb_) increment_strong();
  }
  Arc(Arc&& o) noexcept : hb_(std::exchange(o.hb_, 0)), v_(std::exchange(o.v_, nullptr)) {}
  // Another owner of the same value, seen as its base class or as const
  // (Rust's unsized coercion to Arc<dyn Trait>): Arc<Base> b = derived_arc;
  // O(1), one atomic increment (none when moving). The counts stay shared
  // with `o`; the last owner of either type destroys the U whole. An empty
  // (moved-from) `o` gives an empty Arc.
  template <class U>
    requires(!std::same_as<U, T> && std::convertible_to<U*, T*>)
  Arc(const Arc<U>& o) noexcept  // NOLINT(google-explicit-constructor): as shared_ptr's
      : hb_(o.hb_ ? o.hb_ | converted_bit<U>() : 0), v_(o.v_) {
    fearless::detail::send_checks::check_arc_payload<U>();
    if (hb_) increment_strong();
  }
  template <class U>
    requires(!std::same_as<U, T> && std::convertible_to<U*, T*>)
  Arc(Arc<U>&& o) noexcept  // NOLINT(google-explicit-constructor): as shared_ptr's
      : hb_(o.hb_ ? o.hb_ | converted_bit<U>() : 0), v_(o.v_) {
    fearless::detail::send_checks::check_arc_payload<U>();
    o.hb_ = 0;
    o.v_ = nullptr;
  }
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
  // Exchanges what two Arcs point to (no count changes). O(1), lock-free.
  void swap(Arc& o) noexcept {
    std::swap(hb_, o.hb_);
    std::swap(v_, o.v_);
  }

  // A new owner of the same value (Rust's Arc::clone(&a)): both forms.
  [[nodiscard]] Arc clone() const noexcept { return *this; }
  [[nodiscard]] static Arc clone(const Arc& a) noexcept { return a; }

  // Const access to the value. Panics on a moved-from Arc.
  [[nodiscard]] const T& operator*() const FEARLESS_LIFETIMEBOUND { return *value(); }
  [[nodiscard]] const T* operator->() const FEARLESS_LIFETIMEBOUND { return value(); }
  // The value's address (nullptr for a moved-from Arc). Rust's Arc::as_ptr.
  [[nodiscard]] const T* as_ptr() const noexcept { return v_; }
  [[nodiscard]] static const T* as_ptr(const Arc& a) noexcept { return a.as_ptr(); }

  // Consumes `a` and returns the value's address (Rust's Arc::into_raw): the
  // strong reference `a` held is kept, not released, so the value stays alive
  // until the pointer is given back to from_raw or decrement_strong_count
  // (otherwise it leaks). `a` is left empty. An empty `a` gives nullptr.
  // Panics (leaving `a` as it was) if `a` was converted from an Arc of a
  // derived type: from_raw could not find the block from a base address.
  // O(1), touches no count.
  [[nodiscard]] static const T* into_raw(Arc&& a) {
    a.require_exact("into_raw");
    a.hb_ = 0;
    return std::exchange(a.v_, nullptr);
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
  // (or as_ptr of an Arc that was not converted from a derived type) and the
  // value is alive (strong count >= 1) for the whole call, e.g. because the
  // caller still holds the reference into_raw kept. Undefined behaviour
  // otherwise (not checked). O(1): one relaxed increment; aborts on count
  // overflow, as copying does.
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
  // Arcs converted to a base type count: they share the value.
  [[nodiscard]] std::size_t strong_count() const noexcept {
    // acquire: a caller that sees 1 may act on being the only owner; pairs
    // with the release decrement of dropped Arcs.
    return hb_ ? header()->strong.load(std::memory_order_acquire) : 0;
  }
  [[nodiscard]] static std::size_t strong_count(const Arc& a) noexcept { return a.strong_count(); }
  // Number of Weaks pointing at the value (a snapshot).
  [[nodiscard]] std::size_t weak_count() const noexcept {
    if (!hb_) return 0;
    // acquire: as strong_count.
    const std::size_t w = header()->weak.load(std::memory_order_acquire);
    // SIZE_MAX: an is_unique check holds the count, which was 1 (no Weaks).
    return w == SIZE_MAX ? 0 : w - 1;
  }
  [[nodiscard]] static std::size_t weak_count(const Arc& a) noexcept { return a.weak_count(); }

  // A Weak pointing at the same value. Panics on a moved-from Arc.
  [[nodiscard]] Weak<T> downgrade() const {
    Header& in = inner();
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
        return Weak<T>(hb_, v_);
    }
  }
  [[nodiscard]] static Weak<T> downgrade(const Arc& a) { return a.downgrade(); }

  // Mutable access if this is the only Arc and no Weak exists, else nullptr.
  // Works on a converted Arc too (the access is to the base part).
  [[nodiscard]] T* get_mut() noexcept { return hb_ && is_unique() ? v_ : nullptr; }
  [[nodiscard]] static T* get_mut(Arc& a) noexcept { return a.get_mut(); }

  // Clone-on-write: mutable access to a value only this Arc owns. If other
  // Arcs share it, the value is first copied into a fresh allocation for this
  // Arc; if only Weaks share it, it is moved to a fresh allocation and the
  // Weaks are disassociated (they no longer upgrade). Panics on a moved-from
  // Arc, and on one converted from an Arc of a derived type (a copy made as
  // a T would lose the rest of the value).
  template <class V = Stored>
    requires fearless::detail::LateCopyConstructible<V, Stored>
  T& make_mut() {
    Header& in = inner();
    require_exact("make_mut");
    Stored& value = exact_value();
    std::size_t one = 1;
    // acquire: pairs with the release decrements of other Arcs, so their reads
    // of the value happen before our writes.
    if (!in.strong.compare_exchange_strong(one, 0, std::memory_order_acquire, std::memory_order_relaxed)) {
      *this = make(std::as_const(value));
    } else if (in.weak.load(std::memory_order_relaxed) != 1) {
      // relaxed: we race with Weaks being dropped anyway; at worst we move needlessly.
      Inner* fresh;
      try {
        fresh = new Inner(std::in_place, std::move(value));
      } catch (...) {
        in.strong.store(1, std::memory_order_release);  // release: publishes nothing new; restores the count
        throw;
      }
      value.~Stored();
      Header* old = header();
      hb_ = reinterpret_cast<std::uintptr_t>(static_cast<Header*>(fresh));
      v_ = &fresh->value;
      old->drop_weak();
    } else {
      // release: pairs with the acquire of Weak::upgrade / strong_count readers.
      in.strong.store(1, std::memory_order_release);
    }
    return exact_value();
  }
  template <class V = Stored>
    requires fearless::detail::LateCopyConstructible<V, Stored>
  static T& make_mut(Arc& a) {
    return a.make_mut();
  }

  // The value, if `a` is the only Arc (Weaks may exist: they stop upgrading);
  // otherwise Err(a) hands the Arc back unchanged. Rust's Arc::try_unwrap.
  // Panics on an Arc converted from an Arc of a derived type.
  template <class V = Stored>
    requires fearless::detail::LateMoveConstructible<V, Stored>
  [[nodiscard]] static Result<Stored, Arc> try_unwrap(Arc&& a) {
    Header& in = a.inner();
    a.require_exact("try_unwrap");
    std::size_t one = 1;
    // acquire: pairs with the release decrements of the other Arcs.
    if (!in.strong.compare_exchange_strong(one, 0, std::memory_order_acquire, std::memory_order_relaxed))
      return Result<Stored, Arc>(std::in_place_index<1>, std::move(a));
    Stored& value = a.exact_value();
    a.hb_ = 0;
    a.v_ = nullptr;
    Result<Stored, Arc> r(std::in_place_index<0>, std::move(value));
    value.~Stored();
    in.drop_weak();
    return r;
  }

  // The value if `a` was the last Arc, else nullopt (and `a` is released).
  // Unlike try_unwrap, racing callers on the last two Arcs cannot both fail.
  // Panics (before releasing anything) on a moved-from Arc, as try_unwrap
  // does, and on an Arc converted from an Arc of a derived type.
  template <class V = Stored>
    requires fearless::detail::LateMoveConstructible<V, Stored>
  [[nodiscard]] static std::optional<Stored> into_inner(Arc&& a) {
    (void)a.inner();  // panics if moved from
    a.require_exact("into_inner");
    Stored& value = a.exact_value();
    Header* h = a.header();
    a.hb_ = 0;
    a.v_ = nullptr;
    // acq_rel: release publishes our use of the value; acquire (for the last
    // owner) makes every other owner's use happen before the move.
    if (h->strong.fetch_sub(1, std::memory_order_acq_rel) != 1) return std::nullopt;
    std::optional<Stored> v(std::in_place, std::move(value));
    value.~Stored();
    h->drop_weak();
    return v;
  }

  // The value: moved out if `a` is the only Arc, else copied (Rust's
  // Arc::unwrap_or_clone). `a` is released either way. Panics (leaving `a`
  // as it was) on an Arc converted from an Arc of a derived type.
  template <class V = Stored>
    requires fearless::detail::LateCopyConstructible<V, Stored>
  [[nodiscard]] static Stored unwrap_or_clone(Arc&& a) {
    (void)a.inner();
    a.require_exact("unwrap_or_clone");  // before taking `a`: a panic leaves it as it was
    Arc self = std::move(a);
    Header& in = self.inner();
    Stored& value = self.exact_value();
    std::size_t one = 1;
    // acquire: pairs with the release decrements of the other Arcs.
    if (in.strong.compare_exchange_strong(one, 0, std::memory_order_acquire, std::memory_order_relaxed)) {
      self.hb_ = 0;
      self.v_ = nullptr;
      struct Finish {
        Header* h;
        Stored* v;
        ~Finish() {
          v->~Stored();
          h->drop_weak();
        }
      } finish{&in, &value};
      return Stored(std::move(value));
    }
    return Stored(std::as_const(value));
  }

  // Builds a value that holds a Weak to itself (Rust's Arc::new_cyclic):
  // `f(const Weak<T>&)` returns the T; during the call the Weak does not
  // upgrade yet. One allocation. If `f` throws, nothing leaks.
  template <class F>
    requires std::constructible_from<Stored, std::invoke_result_t<F&, const Weak<T>&>>
  [[nodiscard]] static Arc new_cyclic(F&& f) {
    // The block starts with no strong reference, so the Weak cannot upgrade
    // until the value exists.
    auto* p = new Inner(fearless::detail::arc_no_value);
    Weak<T> weak(bits_of(p), &p->value);  // owns the one weak reference for now
    ::new (static_cast<void*>(&p->value)) Stored(f(std::as_const(weak)));
    // The Arc shares the weak reference already counted; add one for `weak`,
    // which is released at the end of this scope.
    p->weak.fetch_add(1, std::memory_order_relaxed);  // relaxed: we hold a reference
    // release: publishes the constructed value to Weak::upgrade's acquire.
    p->strong.store(1, std::memory_order_release);
    return Arc(p);
  }

#if defined(__cpp_rtti) || defined(__GXX_RTTI)
  // The value as the derived type U (Rust's Arc<dyn Any>::downcast, C++'s
  // dynamic_pointer_cast): consumes this Arc and gives Ok(Arc<U>) sharing
  // its counts if the value is a U (dynamic_cast), else Err with this Arc
  // handed back unchanged. T must be polymorphic. The Arc<U> has the exact
  // type when the value is a U itself, not something derived from U. Panics
  // on a moved-from Arc. O(1) plus the dynamic_cast.
  template <class U>
    requires(std::is_polymorphic_v<Stored> && !std::same_as<U, T> && std::convertible_to<U*, T*>)
  [[nodiscard]] Result<Arc<U>, Arc> downcast() && {
    const T* base = value();
    auto* found = dynamic_cast<const U*>(base);
    if (found == nullptr) return Result<Arc<U>, Arc>(std::in_place_index<1>, std::move(*this));
    // The block keeps its value non-const (Stored); only Arc's access is const.
    U* u = const_cast<U*>(found);
    const std::uintptr_t exact = typeid(*found) == typeid(U) ? 0 : kConverted;
    const std::uintptr_t hb = (std::exchange(hb_, 0) & ~kConverted) | exact;
    v_ = nullptr;
    return Result<Arc<U>, Arc>(std::in_place_index<0>, Arc<U>(hb, u));
  }
#endif

  // True if both share one allocation (Rust's Arc::ptr_eq), also when one or
  // both were converted from an Arc of another type.
  template <class U>
  [[nodiscard]] static bool ptr_eq(const Arc& a, const Arc<U>& b) noexcept {
    return a.header() == b.header();
  }
  template <class U>
  [[nodiscard]] bool ptr_eq(const Arc<U>& b) const noexcept {
    return header() == b.header();
  }

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
  template <class>
  friend class Arc;
  template <class>
  friend class Weak;

  // The block's address, with bit 0 set when the value is of a type derived
  // from T (this Arc, or the one it was copied from, was converted from an
  // Arc<Derived>). The block is at least 8-byte aligned, so bit 0 is free.
  static constexpr std::uintptr_t kConverted = 1;
  template <class U>
  static constexpr std::uintptr_t converted_bit() noexcept {
    return std::is_same_v<std::remove_cv_t<U>, Stored> ? 0 : kConverted;
  }
  // The argument of the value constructor, converted as a by-value T
  // parameter would be (copy-initialisation: explicit constructors of T are
  // not considered).
  static Stored as_stored(Stored v) noexcept(std::is_nothrow_move_constructible_v<Stored>) { return v; }
  static std::uintptr_t bits_of(Inner* p) noexcept {
    return reinterpret_cast<std::uintptr_t>(static_cast<Header*>(p));
  }

  explicit Arc(Inner* p) noexcept : hb_(p ? bits_of(p) : 0), v_(p ? &p->value : nullptr) {}
  Arc(std::uintptr_t hb, T* v) noexcept : hb_(hb), v_(v) {}

  Header* header() const noexcept { return reinterpret_cast<Header*>(hb_ & ~kConverted); }

  // increment_strong_count: counts one more owner than there are Arc objects.
  void increment_strong_forget() noexcept {
    increment_strong();
    hb_ = 0;
    v_ = nullptr;
  }

  Header& inner() const {
    if (FEARLESS_UNLIKELY(hb_ == 0)) panic("Arc: used after being moved from");
    return *header();
  }
  const T* value() const {
    if (FEARLESS_UNLIKELY(hb_ == 0)) panic("Arc: used after being moved from");
    return v_;
  }
  void require_exact(const char* what) const {
    if (FEARLESS_UNLIKELY((hb_ & kConverted) != 0))
      panic(std::string("Arc::") + what +
            ": this Arc was converted from an Arc of a derived type, and the operation needs the value's own type");
  }
  // The value as its own (non-const) type; only after require_exact.
  Stored& exact_value() const noexcept { return static_cast<Inner*>(header())->value; }

  void increment_strong() const noexcept {
    Header* h = header();
    std::size_t old;
    if (fearless::detail::process_single_threaded()) {
      // relaxed, no RMW: no other thread exists yet (see single_threaded.hpp),
      // as libstdc++'s shared_ptr does.
      old = h->strong.load(std::memory_order_relaxed);
      h->strong.store(old + 1, std::memory_order_relaxed);
    } else {
      // relaxed: a new owner is made from an existing one, which keeps the
      // value alive; nothing is published by the increment (as Rust, Boost).
      old = h->strong.fetch_add(1, std::memory_order_relaxed);
    }
    if (FEARLESS_UNLIKELY(old > fearless::detail::kMaxRefcount)) fearless::detail::refcount_overflow();
  }
  void release() noexcept {
    if (!hb_) return;
    Header* h = header();
    if (fearless::detail::process_single_threaded()) {
      // relaxed, no RMW: no other thread exists yet.
      const std::size_t n = h->strong.load(std::memory_order_relaxed);
      h->strong.store(n - 1, std::memory_order_relaxed);
      if (n != 1) return;
    } else if (h->strong.fetch_sub(1, std::memory_order_acq_rel) != 1) {
      // acq_rel: release publishes this owner's use of the value; acquire (for
      // the last owner) orders every other owner's use before the destruction.
      return;
    }
    h->destroy_value();  // through the block's own type: a converted Arc destroys the derived value whole
    h->drop_weak();
  }
  bool is_unique() noexcept {
    Header* h = header();
    std::size_t one = 1;
    // Lock the weak count while reading the strong one, so no Weak can be
    // made (downgrade spins) and upgraded in between. acquire: pairs with the
    // release of dropped Weaks.
    if (!h->weak.compare_exchange_strong(one, SIZE_MAX, std::memory_order_acquire, std::memory_order_relaxed))
      return false;
    // acquire: pairs with the release decrement of dropped Arcs.
    const bool unique = h->strong.load(std::memory_order_acquire) == 1;
    h->weak.store(1, std::memory_order_release);  // release: pairs with downgrade's acquire CAS
    return unique;
  }

  std::uintptr_t hb_;
  T* v_;
};

// A non-owning reference to an Arc's value: keeps the allocation, not the
// value, alive. upgrade() gives an Arc while any Arc still exists.
// A default-constructed Weak (Rust's Weak::new) never upgrades.
template <class T>
class Weak {
  using Stored = std::remove_cv_t<T>;
  using Inner = fearless::detail::ArcInner<Stored>;
  using Header = fearless::detail::ArcHeader;

 public:
  // A Weak to nothing: upgrade() gives nullopt (Rust's Weak::new). No allocation.
  constexpr Weak() noexcept = default;
  Weak(const Weak& o) noexcept : hb_(o.hb_), v_(o.v_) { add_weak(); }
  Weak(Weak&& o) noexcept : hb_(std::exchange(o.hb_, 0)), v_(std::exchange(o.v_, nullptr)) {}
  // A Weak to the same value seen as its base class or as const (as Arc's
  // converting constructors). The value's address is converted while an Arc
  // keeps the value alive: the conversion upgrades `o` for a moment, so if
  // the last other Arc goes meanwhile, this call destroys the value. If no
  // Arc is left, the result's as_ptr() is nullptr (it never upgrades
  // anyway). O(1).
  template <class U>
    requires(!std::same_as<U, T> && std::convertible_to<U*, T*>)
  Weak(const Weak<U>& o) noexcept  // NOLINT(google-explicit-constructor): as weak_ptr's
      : hb_(o.hb_ ? o.hb_ | Arc<T>::template converted_bit<U>() : 0), v_(converted_ptr(o)) {
    fearless::detail::send_checks::check_arc_payload<U>();
    add_weak();
  }
  template <class U>
    requires(!std::same_as<U, T> && std::convertible_to<U*, T*>)
  Weak(Weak<U>&& o) noexcept  // NOLINT(google-explicit-constructor): as weak_ptr's
      : Weak(std::as_const(o)) {
    o = Weak<U>();
  }
  Weak& operator=(const Weak& o) noexcept {
    Weak(o).swap(*this);
    return *this;
  }
  Weak& operator=(Weak&& o) noexcept {
    Weak(std::move(o)).swap(*this);
    return *this;
  }
  ~Weak() {
    if (hb_) header()->drop_weak();
  }
  // Exchanges what two Weaks point to (no count changes). O(1).
  void swap(Weak& o) noexcept {
    std::swap(hb_, o.hb_);
    std::swap(v_, o.v_);
  }
  // Another Weak to the same allocation (Rust's clone). O(1), lock-free.
  [[nodiscard]] Weak clone() const noexcept { return *this; }

  // An Arc to the value, or nullopt if every Arc is gone. Lock-free.
  [[nodiscard]] std::optional<Arc<T>> upgrade() const noexcept {
    if (!hb_) return std::nullopt;
    Header* h = header();
    // relaxed: the first read of a CAS loop.
    std::size_t n = h->strong.load(std::memory_order_relaxed);
    do {
      if (n == 0) return std::nullopt;
      if (n > fearless::detail::kMaxRefcount) fearless::detail::refcount_overflow();
      // acquire: pairs with the release in make_mut / the strong increments,
      // so the value we reach is fully built.
    } while (!h->strong.compare_exchange_weak(n, n + 1, std::memory_order_acquire, std::memory_order_relaxed));
    return Arc<T>(hb_, v_);
  }

  // Number of Arcs (0 if none, or for a default-constructed Weak).
  [[nodiscard]] std::size_t strong_count() const noexcept {
    return hb_ ? header()->strong.load(std::memory_order_acquire) : 0;  // acquire: as Arc::strong_count
  }
  // Number of Weaks to the value (0 once no Arc remains, as in Rust).
  [[nodiscard]] std::size_t weak_count() const noexcept {
    if (!hb_) return 0;
    const std::size_t w = header()->weak.load(std::memory_order_acquire);    // acquire: as Arc::weak_count
    const std::size_t s = header()->strong.load(std::memory_order_acquire);  // acquire: as Arc::strong_count
    if (s == 0) return 0;
    return w == SIZE_MAX ? 0 : w - 1;
  }
  // True if both point at the same allocation (two default Weaks are equal).
  template <class U>
  [[nodiscard]] static bool ptr_eq(const Weak& a, const Weak<U>& b) noexcept {
    return a.header() == b.header();
  }
  template <class U>
  [[nodiscard]] bool ptr_eq(const Weak<U>& b) const noexcept {
    return header() == b.header();
  }

  // The value's address (Rust's Weak::as_ptr): equal to Arc::as_ptr of the
  // Arcs it was made from, and nullptr for a default-constructed Weak (Rust:
  // a dangling pointer). Dereferencing it is valid only while an Arc keeps
  // the value alive; once the last Arc is gone it points at destroyed
  // storage (still allocated while this Weak lives). O(1).
  [[nodiscard]] const T* as_ptr() const noexcept { return v_; }
  // Consumes this Weak and returns as_ptr(), keeping the weak reference it
  // held (Rust's Weak::into_raw): the block stays allocated until the
  // pointer is given back to Weak::from_raw (otherwise it leaks). The Weak
  // is left empty. Panics (leaving it as it was) if it was converted from a
  // Weak of a derived type. O(1), touches no count.
  [[nodiscard]] const T* into_raw() && {
    if (FEARLESS_UNLIKELY((hb_ & Arc<T>::kConverted) != 0))
      panic("Weak::into_raw: this Weak was converted from a Weak of a derived type, and the operation needs the "
            "value's own type");
    hb_ = 0;
    return std::exchange(v_, nullptr);
  }
  [[nodiscard]] static const T* into_raw(Weak&& w) { return std::move(w).into_raw(); }
  // Takes back the weak reference that into_raw kept (Rust's Weak::from_raw);
  // upgrade() on the result works as on the original. nullptr (what a
  // default Weak gives) returns a default Weak. Precondition: `p` came from
  // Weak<T>::into_raw (same T) and is given back once; a pointer from
  // Arc::into_raw or as_ptr owns no weak reference and must not be passed.
  // Undefined behaviour otherwise (not checked). O(1), touches no count.
  [[nodiscard]] static Weak from_raw(const T* p) noexcept {
    if (!p) return Weak();
    Inner* in = Inner::from_value(p);
    return Weak(reinterpret_cast<std::uintptr_t>(static_cast<Header*>(in)), &in->value);
  }

 private:
  template <class>
  friend class Arc;
  template <class>
  friend class Weak;
  Weak(std::uintptr_t hb, T* v) noexcept : hb_(hb), v_(v) {}

  Header* header() const noexcept { return reinterpret_cast<Header*>(hb_ & ~Arc<T>::kConverted); }
  void add_weak() const noexcept {
    // relaxed: made from an existing Weak, which keeps the block alive.
    if (hb_ && header()->weak.fetch_add(1, std::memory_order_relaxed) > fearless::detail::kMaxRefcount)
      fearless::detail::refcount_overflow();
  }
  // The address of `o`'s value as a T*, taken from a live value only (the
  // conversion may read the object, for a virtual base): nullptr when no
  // Arc keeps it alive.
  template <class U>
  static T* converted_ptr(const Weak<U>& o) noexcept {
    if (std::optional<Arc<U>> a = o.upgrade()) return a->v_;
    return nullptr;
  }

  std::uintptr_t hb_ = 0;
  T* v_ = nullptr;
};

}  // namespace fearless::sync

// Hashes the value (Rust's Hash for Arc hashes the inner value), so Arcs with
// equal values hash equal, and equal to std::hash<T> of the value. Enabled
// when std::hash<T> is. Panics on a moved-from Arc. O(1) plus T's hash.
namespace std {
template <class T>
  requires fearless::detail::hashable<T>
struct hash<fearless::sync::Arc<T>> {
  // Hashes the value, as Rust's Hash for Arc does (panics on a moved-from Arc).
  [[nodiscard]] std::size_t operator()(const fearless::sync::Arc<T>& a) const { return std::hash<T>{}(*a); }
};
}  // namespace std
