// fearless/sync/once_lock.hpp — OnceLock<T>: a cell written at most once,
// then readable by every thread without locking (Rust's std::sync::OnceLock).
//
//   static fearless::sync::OnceLock<Config> config;
//   const Config& c = config.get_or_init([] { return load_config(); });
//
// An initializer that throws leaves the cell empty: the exception reaches its
// caller, and the next get_or_init runs its own initializer (no poisoning).
//
// Movable (Rust moves any OnceLock) and, when T is, copyable (Rust's Clone);
// a move takes the value and leaves the source empty, as take() would.
#pragma once
#include <concepts>
#include <functional>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "fearless/detail/config.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/once.hpp"

namespace fearless::sync {

// Empty or holding a T. sizeof: 4 bytes + T (padded). Reading an initialised
// cell is one acquire load. All const members are thread-safe.
//
// Copies and moves:
// - Copying (Rust's Clone) copies the value if the cell holds one when it is
//   read, and is a const, thread-safe read like get(): a cell another thread
//   is still initialising copies as empty, exactly as in Rust.
// - Moving needs exclusive use of the source, as for any C++ object. It moves
//   the value, if any, into the new cell and leaves the source empty (usable,
//   as after take()). A source that is being initialised (by another thread,
//   or by this one from inside its initializer) panics with "cannot move a
//   OnceLock while it is being initialized"; one with a thread blocked in
//   wait() panics with "cannot move a OnceLock while a thread is waiting for it".
// - Assigning (copy or move) needs exclusive use of the target too ("cannot
//   assign to a OnceLock while ..." otherwise): its old value is destroyed,
//   then it receives the copy or the moved value. If T's constructor throws,
//   the exception propagates, the target is left empty and the source keeps
//   its value.
// - The moves may throw (those panics), so std::vector<OnceLock<T>> copies
//   the cells on reallocation when T is copyable; move-only T moves.
template <class T>
class OnceLock {
 public:
  using value_type = T;

  // An empty cell. constexpr, like Rust's `const fn new`: a global
  // `constinit OnceLock<T> cell;` needs no dynamic initialisation.
  constexpr OnceLock() noexcept : empty_() {}
  // A cell already holding `value` (Rust's From<T>).
  explicit OnceLock(T value) requires std::move_constructible<T> {
    ::new (static_cast<void*>(&value_)) T(std::move(value));
    once_.reset_unshared(true);
  }
  // Copies the value if `o` holds one (Rust's Clone); see the class comment.
  OnceLock(const OnceLock& o) requires std::copy_constructible<T> {
    if (const T* v = o.get()) {
      ::new (static_cast<void*>(&value_)) T(*v);
      once_.reset_unshared(true);
    }
  }
  // Moves the value out of `o`, which is left empty; see the class comment.
  OnceLock(OnceLock&& o) requires std::move_constructible<T> {
    if (o.once_.outcome_for_move(kMove) == Once::Outcome::complete) take_from(o);
  }
  // Copies `o`'s value (if any) into this unused cell; see the class comment.
  OnceLock& operator=(const OnceLock& o) requires std::copy_constructible<T> {
    if (this != &o) {
      (void)once_.outcome_for_move(kAssign);
      const T* v = o.get();  // one snapshot, as the copy constructor takes
      clear_unshared();
      if (v) {
        ::new (static_cast<void*>(&value_)) T(*v);
        once_.reset_unshared(true);
      }
    }
    return *this;
  }
  // Moves `o`'s value (if any) into this unused cell, leaving `o` empty.
  // Self-assignment does nothing.
  OnceLock& operator=(OnceLock&& o) requires std::move_constructible<T> {
    if (this != &o) {
      const Once::Outcome from = o.once_.outcome_for_move(kMove);
      (void)once_.outcome_for_move(kAssign);
      clear_unshared();
      if (from == Once::Outcome::complete) take_from(o);
    }
    return *this;
  }
  ~OnceLock() {
    if (once_.is_completed()) destroy_value();
  }

  // The value, or nullptr if not initialised (yet). Never blocks.
  [[nodiscard]] const T* get() const noexcept { return once_.is_completed() ? &value_ : nullptr; }
  // Mutable access through a non-const (unshared) cell.
  [[nodiscard]] T* get_mut() noexcept { return once_.is_completed() ? &value_ : nullptr; }

  // Stores `value` if the cell is empty: Ok(). If it already holds a value,
  // Err(value) hands `value` back. Blocks while another thread initialises;
  // panics if called from inside this cell's own initializer.
  Result<void, T> set(T value) const {
    bool stored = false;
    auto init = [&] {
      stored = true;
      return std::move(value);
    };
    initialize(init);
    if (stored) return Ok();
    return Result<void, T>(std::in_place_index<1>, std::move(value));
  }

  // The value, running `f()` to create it if the cell is empty. Exactly one
  // thread runs an initializer; others block until it finishes. If `f`
  // throws, the exception propagates, the cell stays empty, and a blocked
  // caller then runs its own `f`. Initialising the same cell from inside `f`
  // (get_or_init, get_or_try_init or set) panics with "OnceLock instance is
  // being initialized reentrantly" (Rust deadlocks or panics); the cell then
  // stays empty. Complexity: one acquire load once initialised.
  template <class F>
    requires std::convertible_to<std::invoke_result_t<F&>, T>
  const T& get_or_init(F&& f) const {
    if (FEARLESS_LIKELY(once_.is_completed())) return value_;
    initialize(f);
    return value_;
  }

  // Like get_or_init, for an `f` returning Result<T, E>: on Err the cell stays
  // empty and the error is returned. The value comes back as a reference_wrapper.
  template <class F>
  auto get_or_try_init(F&& f) const -> Result<std::reference_wrapper<const T>,
                                              typename std::invoke_result_t<F&>::error_type> {
    using E = typename std::invoke_result_t<F&>::error_type;
    using R = Result<std::reference_wrapper<const T>, E>;
    if (once_.is_completed()) return R(std::in_place_index<0>, std::cref(value_));
    std::optional<E> error;
    once_.call_inner(true, [&](const OnceState&) {
      auto r = f();
      if (r.is_err()) {
        error.emplace(std::move(r).unwrap_err());
        return false;
      }
      ::new (static_cast<void*>(&value_)) T(std::move(r).unwrap());
      return true;
    }, kPoisonedUnused, kReentrant);
    if (error) return R(std::in_place_index<1>, std::move(*error));
    return R(std::in_place_index<0>, std::cref(value_));
  }

  // Blocks until the cell holds a value, then returns it.
  const T& wait() const {
    once_.wait_force();
    return value_;
  }

  // Moves the value out of an rvalue cell: `std::move(c).into_inner()`.
  [[nodiscard]] std::optional<T> into_inner() && { return take(); }
  // Moves the value out, leaving the cell empty (needs a non-const, unshared cell).
  [[nodiscard]] std::optional<T> take() {
    if (!once_.is_completed()) return std::nullopt;
    std::optional<T> v = move_value_out();
    once_.reset_unshared(false);
    return v;
  }

  // Equal if both are empty, or both hold equal values.
  friend bool operator==(const OnceLock& a, const OnceLock& b)
    requires std::equality_comparable<T>
  {
    return equal(a.get(), b.get());
  }

 private:
  template <class F>
  void initialize(F& f) const {
    once_.call_inner(true, [&](const OnceState&) {
      ::new (static_cast<void*>(&value_)) T(f());
      return true;
    }, kPoisonedUnused, kReentrant);
  }

  // Moves the value of the full, unused `o` into this empty cell; `o` ends
  // empty. If T's move throws, both cells are as they were.
  void take_from(OnceLock& o) {
    ::new (static_cast<void*>(&value_)) T(std::move(o.value_));
    once_.reset_unshared(true);
    o.clear_unshared();
  }

  // Out of line: inlined into the destructor of a cell g++ 12 can see was
  // never filled (a temporary), the value's destructor draws a false
  // -Wmaybe-uninitialized, which breaks users' -Werror builds.
  FEARLESS_NOINLINE void destroy_value() noexcept { value_.~T(); }
  // The same for take() and into_inner() on such a cell.
  FEARLESS_NOINLINE std::optional<T> move_value_out() {
    std::optional<T> v(std::in_place, std::move(value_));
    value_.~T();
    return v;
  }
  // The same for operator== on two such cells.
  FEARLESS_NOINLINE static bool equal(const T* x, const T* y) { return x && y ? *x == *y : x == y; }

  // Destroys the value of an unused cell, if any, leaving it empty.
  void clear_unshared() noexcept {
    if (once_.is_completed()) destroy_value();
    once_.reset_unshared(false);
  }

  static constexpr const char* kMove = "cannot move a OnceLock";
  static constexpr const char* kAssign = "cannot assign to a OnceLock";
  // A forced call never reports poison; the message is only a placeholder.
  static constexpr const char* kPoisonedUnused = "OnceLock instance has previously been poisoned";
  static constexpr const char* kReentrant = "OnceLock instance is being initialized reentrantly";

  // Mutable: set / get_or_init / get_or_try_init are const (they are what
  // threads sharing the cell call, e.g. through an Arc, as Rust's &self), and
  // a `static const OnceLock` may still be filled once.
  mutable Once once_;
  union {
    char empty_;  // the active member until a value is stored (lets the empty cell be constinit)
    mutable T value_;
  };
};

}  // namespace fearless::sync
