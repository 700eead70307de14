// fearless/sync/once_lock.hpp — OnceLock<T>: a cell written at most once,
// then readable by every thread without locking (Rust's std::sync::OnceLock).
//
//   static fearless::sync::OnceLock<Config> config;
//   const Config& c = config.get_or_init([] { return load_config(); });
//
// An initializer that throws leaves the cell empty: the exception reaches its
// caller, and the next get_or_init runs its own initializer (no poisoning).
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
  // Copies the value if `o` holds one (Rust's Clone).
  OnceLock(const OnceLock& o) requires std::copy_constructible<T> {
    if (const T* v = o.get()) {
      ::new (static_cast<void*>(&value_)) T(*v);
      once_.reset_unshared(true);
    }
  }
  // Moves the value out of `o` (which keeps a moved-from value) if it holds one.
  OnceLock(OnceLock&& o) noexcept(std::is_nothrow_move_constructible_v<T>) requires std::move_constructible<T> {
    if (T* v = o.get_mut()) {
      ::new (static_cast<void*>(&value_)) T(std::move(*v));
      once_.reset_unshared(true);
    }
  }
  OnceLock& operator=(const OnceLock&) = delete;
  OnceLock& operator=(OnceLock&&) = delete;
  ~OnceLock() {
    if (once_.is_completed()) value_.~T();
  }

  // The value, or nullptr if not initialised (yet). Never blocks.
  [[nodiscard]] const T* get() const noexcept { return once_.is_completed() ? &value_ : nullptr; }
  // Mutable access through a non-const (unshared) cell.
  [[nodiscard]] T* get_mut() noexcept { return once_.is_completed() ? &value_ : nullptr; }

  // Stores `value` if the cell is empty: Ok(). If it already holds a value,
  // Err(value) hands `value` back. Blocks while another thread initialises;
  // panics if called from inside this cell's own initializer.
  Result<void, T> set(T value) {
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
  const T& get_or_init(F&& f) {
    if (FEARLESS_LIKELY(once_.is_completed())) return value_;
    initialize(f);
    return value_;
  }

  // Like get_or_init, for an `f` returning Result<T, E>: on Err the cell stays
  // empty and the error is returned. The value comes back as a reference_wrapper.
  template <class F>
  auto get_or_try_init(F&& f) -> Result<std::reference_wrapper<const T>,
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
    std::optional<T> v(std::in_place, std::move(value_));
    value_.~T();
    once_.reset_unshared(false);
    return v;
  }

  // Equal if both are empty, or both hold equal values.
  friend bool operator==(const OnceLock& a, const OnceLock& b)
    requires std::equality_comparable<T>
  {
    const T* x = a.get();
    const T* y = b.get();
    return x && y ? *x == *y : x == y;
  }

 private:
  template <class F>
  void initialize(F& f) {
    once_.call_inner(true, [&](const OnceState&) {
      ::new (static_cast<void*>(&value_)) T(f());
      return true;
    }, kPoisonedUnused, kReentrant);
  }

  // A forced call never reports poison; the message is only a placeholder.
  static constexpr const char* kPoisonedUnused = "OnceLock instance has previously been poisoned";
  static constexpr const char* kReentrant = "OnceLock instance is being initialized reentrantly";

  Once once_;
  union {
    char empty_;  // the active member until a value is stored (lets the empty cell be constinit)
    T value_;
  };
};

}  // namespace fearless::sync
