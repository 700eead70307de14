// fearless/rc.hpp — Rust's std::rc::{Rc, Weak}: single-threaded shared
// ownership with a plain (non-atomic) reference count.
//
//   auto leaf = fearless::Rc<std::string>::make("shared");
//   auto other = leaf;                        // a clone: count 2, no copy of the string
//   fearless::RcWeak<std::string> w = leaf.downgrade();
//   if (auto s = w.upgrade()) std::puts((*s)->c_str());
//
// Rc is Arc without atomics: cloning and dropping are ordinary increments, so it
// is the right tool for sharing inside one thread — immutable trees and graphs
// whose nodes have several parents, interned strings, caches and observer
// lists (with RcWeak for back-links that must not keep their target alive).
// Because the count is not atomic, Rc and RcWeak are neither Send nor Sync:
// spawn(), channels and Arc refuse them at compile time (fearless/marker.hpp).
// Use fearless::sync::Arc to share between threads.
//
// Access is const, as in Rust: shared data is read through `*rc` / `rc->`; it is
// changed through get_mut() (when this is the only owner), make_mut() (clone on
// write), or members the type itself declares `mutable`.
//
// A moved-from Rc is empty: dereferencing it panics (throws fearless::Panic).
#pragma once
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "fearless/detail/config.hpp"
#include "fearless/marker.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"

// g++ 12's -Wuse-after-free cannot follow a reference count: after one owner
// frees the block it flags a second owner's (never executed) decrement. The
// counts are correct (rc_test checks every path under ASan); silence only that.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wuse-after-free"
#  define FEARLESS_RC_POP_DIAGNOSTIC_ 1
#endif

namespace fearless {

template <class T>
class Rc;
template <class T>
class RcWeak;

namespace detail::rc {

// One allocation: both counts and the value. As in Rust, the strong owners
// together hold one weak reference, so the box is freed when `weak` reaches 0.
template <class T>
struct RcBox {
  std::size_t strong = 1;
  std::size_t weak = 1;
  union {
    T value;  // alive while strong > 0
  };

  template <class... Args>
  explicit RcBox(std::in_place_t, Args&&... args) : value(std::forward<Args>(args)...) {}
  ~RcBox() {}  // value already destroyed when the last strong owner went
  RcBox(const RcBox&) = delete;
  RcBox& operator=(const RcBox&) = delete;
};

// Rust aborts when a count would overflow (possible only through leaks such
// as mem::forget); so do we, instead of wrapping to a use-after-free.
inline void inc(std::size_t& c) noexcept {
  if (FEARLESS_UNLIKELY(c == static_cast<std::size_t>(-1) / 2)) std::abort();
  ++c;
}

}  // namespace detail::rc

// A single-threaded reference-counted pointer to a T (Rust's Rc<T>).
// Copying clones the pointer (O(1), no allocation). Not Send, not Sync.
template <class T>
class Rc {
  static_assert(!std::is_reference_v<T> && !std::is_array_v<T>, "fearless::Rc<T>: T must be an object type");

 public:
  using element_type = T;

  // Allocates one block holding the counts and T(args...). Throws what T's
  // constructor or the allocation throws. O(1) plus T's construction.
  template <class... Args>
  [[nodiscard]] static Rc make(Args&&... args) {
    return Rc(new detail::rc::RcBox<T>(std::in_place, std::forward<Args>(args)...));
  }
  // Rc::from(value): the same as Rc(value).
  [[nodiscard]] static Rc from(T value) { return Rc(std::move(value)); }
  // Rc::new(value).
  explicit Rc(T value) : box_(new detail::rc::RcBox<T>(std::in_place, std::move(value))) {}
  template <class... Args>
  explicit Rc(std::in_place_t, Args&&... args)
      : box_(new detail::rc::RcBox<T>(std::in_place, std::forward<Args>(args)...)) {}

  // Rc::clone: another owner of the same value. O(1); never allocates.
  Rc(const Rc& o) noexcept : box_(o.box_) {
    if (box_) detail::rc::inc(box_->strong);
  }
  Rc& operator=(const Rc& o) noexcept {
    Rc(o).swap(*this);
    return *this;
  }
  // Leaves `o` empty.
  Rc(Rc&& o) noexcept : box_(std::exchange(o.box_, nullptr)) {}
  Rc& operator=(Rc&& o) noexcept {
    Rc(std::move(o)).swap(*this);
    return *this;
  }
  // Drops this owner: the value is destroyed with the last one, the block
  // when no RcWeak refers to it either. O(1) plus T's destructor.
  ~Rc() { release(); }

  // Another owner of the same value (the same as copying).
  [[nodiscard]] Rc clone() const noexcept { return Rc(*this); }
  [[nodiscard]] static Rc clone(const Rc& rc) noexcept { return Rc(rc); }

  // Shared, read-only access. Panics on an empty (moved-from) Rc.
  // (lifetimebound: clang rejects `const T& r = *Rc<T>::make(...);`, a
  // reference outliving the temporary Rc that owned the value.)
  [[nodiscard]] const T& operator*() const FEARLESS_LIFETIMEBOUND { return checked()->value; }
  [[nodiscard]] const T* operator->() const FEARLESS_LIFETIMEBOUND { return &checked()->value; }
  [[nodiscard]] const T& get() const FEARLESS_LIFETIMEBOUND { return checked()->value; }
  // The value's address, nullptr for an empty Rc. Never panics.
  [[nodiscard]] const T* as_ptr() const noexcept { return box_ ? &box_->value : nullptr; }
  [[nodiscard]] static const T* as_ptr(const Rc& rc) noexcept { return rc.as_ptr(); }

  // Mutable access when this is the only Rc and no RcWeak exists (Rust's
  // Rc::get_mut); nullptr otherwise. O(1).
  [[nodiscard]] T* get_mut() noexcept {
    return box_ && box_->strong == 1 && box_->weak == 1 ? &box_->value : nullptr;
  }
  [[nodiscard]] static T* get_mut(Rc& rc) noexcept { return rc.get_mut(); }

  // Clone-on-write (Rust's Rc::make_mut): if other Rc owners exist, copies the
  // value into a fresh allocation owned by this Rc alone; if only RcWeak
  // pointers share it, moves the value out and those weak pointers can no
  // longer upgrade. Then returns mutable access. Panics on an empty Rc.
  T& make_mut()
    requires std::is_copy_constructible_v<T>
  {
    detail::rc::RcBox<T>* b = checked();
    if (b->strong != 1) {
      Rc fresh = make(std::as_const(b->value));
      swap(fresh);
    } else if (b->weak != 1) {
      Rc fresh = make(std::move(b->value));
      swap(fresh);
    }
    return box_->value;
  }
  static T& make_mut(Rc& rc)
    requires std::is_copy_constructible_v<T>
  {
    return rc.make_mut();
  }

  // A non-owning pointer to the same value. O(1).
  [[nodiscard]] RcWeak<T> downgrade() const {
    detail::rc::RcBox<T>* b = checked();
    detail::rc::inc(b->weak);
    return RcWeak<T>(b);
  }
  [[nodiscard]] static RcWeak<T> downgrade(const Rc& rc) { return rc.downgrade(); }

  // Owners of the value (0 for an empty Rc).
  [[nodiscard]] std::size_t strong_count() const noexcept { return box_ ? box_->strong : 0; }
  // RcWeak pointers to the value (0 for an empty Rc).
  [[nodiscard]] std::size_t weak_count() const noexcept { return box_ ? box_->weak - 1 : 0; }
  // Rust's associated-function spellings: Rc::strong_count(&rc).
  [[nodiscard]] static std::size_t strong_count(const Rc& rc) noexcept { return rc.strong_count(); }
  [[nodiscard]] static std::size_t weak_count(const Rc& rc) noexcept { return rc.weak_count(); }

  // True when both point to the same allocation (not: equal values).
  [[nodiscard]] static bool ptr_eq(const Rc& a, const Rc& b) noexcept { return a.box_ == b.box_; }
  [[nodiscard]] bool ptr_eq(const Rc& b) const noexcept { return box_ == b.box_; }

  // The value, if `rc` was its only owner (RcWeak pointers then stop
  // upgrading); otherwise `rc` itself is handed back in the error.
  [[nodiscard]] static Result<T, Rc> try_unwrap(Rc&& rc) {
    detail::rc::RcBox<T>* b = rc.checked();
    if (b->strong != 1) return Err(std::move(rc));
    T out(std::move(b->value));
    rc.release();
    return Ok(std::move(out));
  }
  // The value if `rc` was its only owner; otherwise drops `rc` and returns
  // nothing (Rust's Rc::into_inner: among all owners calling it, exactly the
  // last one gets the value).
  [[nodiscard]] static std::optional<T> into_inner(Rc&& rc) {
    Rc mine(std::move(rc));
    detail::rc::RcBox<T>* b = mine.checked();
    if (b->strong != 1) return std::nullopt;
    std::optional<T> out(std::move(b->value));
    mine.release();
    return out;
  }
  // The value: moved out if `rc` was the only owner, copied otherwise.
  [[nodiscard]] static T unwrap_or_clone(Rc&& rc)
    requires std::is_copy_constructible_v<T>
  {
    Rc mine(std::move(rc));
    if (mine.checked()->strong == 1) {
      T out(std::move(mine.box_->value));
      mine.release();
      return out;
    }
    return T(*mine);
  }

  // False only for a moved-from Rc.
  explicit operator bool() const noexcept { return box_ != nullptr; }

  // Exchanges what two Rc point to (no count changes). O(1).
  void swap(Rc& o) noexcept { std::swap(box_, o.box_); }
  friend void swap(Rc& a, Rc& b) noexcept { a.swap(b); }

  // As in Rust, comparisons look at the values, not at the pointers (use
  // ptr_eq for identity).
  template <class U>
  friend bool operator==(const Rc& a, const Rc<U>& b)
    requires requires(const T& x, const U& y) {
      { x == y } -> std::convertible_to<bool>;
    }
  {
    return *a == *b;
  }

 private:
  friend class RcWeak<T>;
  explicit Rc(detail::rc::RcBox<T>* adopt) noexcept : box_(adopt) {}

  detail::rc::RcBox<T>* checked() const {
    if (FEARLESS_UNLIKELY(!box_)) panic("fearless::Rc: used after being moved from");
    return box_;
  }
  // Drops this owner (the box pointer is cleared).
  void release() noexcept {
    detail::rc::RcBox<T>* b = std::exchange(box_, nullptr);
    if (!b) return;
    if (--b->strong == 0) {
      b->value.~T();
      if (--b->weak == 0) delete b;
    }
  }

  detail::rc::RcBox<T>* box_;
};

// A non-owning pointer to a value owned by Rc pointers (Rust's rc::Weak):
// does not keep the value alive, only the block, so upgrade() can tell
// whether it still exists. Breaks reference cycles (parent back-links).
// Not Send, not Sync.
template <class T>
class RcWeak {
 public:
  // Weak::new(): points to nothing; upgrade() always fails. No allocation.
  constexpr RcWeak() noexcept : box_(nullptr) {}
  RcWeak(const RcWeak& o) noexcept : box_(o.box_) {
    if (box_) detail::rc::inc(box_->weak);
  }
  RcWeak& operator=(const RcWeak& o) noexcept {
    RcWeak(o).swap(*this);
    return *this;
  }
  RcWeak(RcWeak&& o) noexcept : box_(std::exchange(o.box_, nullptr)) {}
  RcWeak& operator=(RcWeak&& o) noexcept {
    RcWeak(std::move(o)).swap(*this);
    return *this;
  }
  ~RcWeak() {
    if (box_ && --box_->weak == 0) delete box_;
  }

  // Another weak pointer to the same allocation (Rust's clone). O(1).
  [[nodiscard]] RcWeak clone() const noexcept { return RcWeak(*this); }

  // A new owner if the value still exists, nothing otherwise. O(1).
  [[nodiscard]] std::optional<Rc<T>> upgrade() const noexcept {
    if (!box_ || box_->strong == 0) return std::nullopt;
    detail::rc::inc(box_->strong);
    return std::optional<Rc<T>>(Rc<T>(box_));
  }

  // Owners still alive (0 once the value is gone, or for RcWeak()).
  [[nodiscard]] std::size_t strong_count() const noexcept { return box_ ? box_->strong : 0; }
  // RcWeak pointers to the value, this one included; 0 once no owner is left
  // (as Rust reports), or for RcWeak().
  [[nodiscard]] std::size_t weak_count() const noexcept {
    if (!box_ || box_->strong == 0) return 0;
    return box_->weak - 1;
  }

  // True when both point to the same allocation (two RcWeak() are equal).
  [[nodiscard]] static bool ptr_eq(const RcWeak& a, const RcWeak& b) noexcept { return a.box_ == b.box_; }
  [[nodiscard]] bool ptr_eq(const RcWeak& b) const noexcept { return box_ == b.box_; }

  // Exchanges what two RcWeak point to (no count changes). O(1).
  void swap(RcWeak& o) noexcept { std::swap(box_, o.box_); }
  friend void swap(RcWeak& a, RcWeak& b) noexcept { a.swap(b); }

 private:
  friend class Rc<T>;
  explicit RcWeak(detail::rc::RcBox<T>* adopt) noexcept : box_(adopt) {}
  detail::rc::RcBox<T>* box_;
};

namespace rc {
// Rust's module path: fearless::rc::Rc, fearless::rc::Weak.
template <class T>
using Rc = fearless::Rc<T>;
template <class T>
using Weak = fearless::RcWeak<T>;
}  // namespace rc

// Neither Send nor Sync: two threads touching the plain counts race.
template <class T>
struct send_trait<Rc<T>> : std::false_type {};
template <class T>
struct sync_trait<Rc<T>> : std::false_type {};
template <class T>
struct send_trait<RcWeak<T>> : std::false_type {};
template <class T>
struct sync_trait<RcWeak<T>> : std::false_type {};

}  // namespace fearless

#ifdef FEARLESS_RC_POP_DIAGNOSTIC_
#  pragma GCC diagnostic pop
#  undef FEARLESS_RC_POP_DIAGNOSTIC_
#endif
