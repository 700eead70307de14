// fearless/sync/poison.hpp — lock poisoning: PoisonError, TryLockError,
// LockResult, TryLockResult (Rust's std::sync::{PoisonError, TryLockError,
// LockResult, TryLockResult}).
//
// A Mutex or RwLock is *poisoned* when a guard giving write access is
// destroyed while an exception unwinds through its scope (Rust: a thread
// panicked while holding the lock). The data may then be half-updated, so every
// later lock() returns Err(PoisonError) — which still carries the guard, so a
// caller that knows how to recover can: `m.lock().unwrap_or_else(...)` or
// `r.unwrap_err().into_inner()`.
#pragma once
#include <iosfwd>
#include <concepts>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "fearless/detail/config.hpp"
#include "fearless/detail/unwinding.hpp"
#include "fearless/result.hpp"

namespace fearless::sync {

// The error of a lock operation on a poisoned lock. Holds what the operation
// would have returned (usually the guard: the lock is still acquired).
// Comparing two PoisonErrors compares nothing but their kind: always equal.
template <class G>
class PoisonError {
 public:
  // A Result<G, PoisonError<G>> (LockResult) stores one PoisonError whether
  // it is Ok or Err: the error always carries the Ok value
  // (detail/result_storage.hpp).
  using shared_ok_payload = G;

  // Wraps `value` (Rust's PoisonError::new).
  explicit PoisonError(G value) noexcept(std::is_nothrow_move_constructible_v<G>) : value_(std::move(value)) {}
  // Builds the value in place from `a...`.
  template <class... A>
    requires std::constructible_from<G, A&&...>
  explicit PoisonError(std::in_place_t, A&&... a) noexcept(std::is_nothrow_constructible_v<G, A&&...>)
      : value_(std::forward<A>(a)...) {}
  PoisonError(PoisonError&&) = default;
  PoisonError(const PoisonError&) = default;
  PoisonError& operator=(PoisonError&&) = default;
  PoisonError& operator=(const PoisonError&) = default;
  // Inlined even in exception cleanups, so a LockResult can live in registers
  // (see detail/result_storage.hpp).
  FEARLESS_ALWAYS_INLINE ~PoisonError() = default;

  // The guard (or value) inside, consuming the error. O(1).
  [[nodiscard]] G into_inner() && noexcept(std::is_nothrow_move_constructible_v<G>) { return std::move(value_); }
  // Access without consuming.
  [[nodiscard]] const G& get_ref() const& noexcept { return value_; }
  [[nodiscard]] G& get_mut() & noexcept { return value_; }

  // Rust's Display text ("poisoned lock: another task failed inside"). O(1).
  [[nodiscard]] const char* what() const noexcept { return static_description(); }
  // The Display text, without an object (what() returns it).
  [[nodiscard]] static constexpr const char* static_description() noexcept {
    return "poisoned lock: another task failed inside";
  }
  // what() as a std::string.
  [[nodiscard]] std::string message() const { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const PoisonError& e) {
    return os << e.what();
  }

  friend bool operator==(const PoisonError&, const PoisonError&) noexcept { return true; }

 private:
  G value_;
};

// The error of try_lock / try_read / try_write: the lock was held (WouldBlock)
// or acquired but poisoned (Poisoned, carrying a PoisonError with the guard).
template <class G>
class TryLockError {
 public:
  enum class Kind { Poisoned, WouldBlock };

  // The WouldBlock error.
  [[nodiscard]] static TryLockError would_block() noexcept { return TryLockError(); }
  // A Poisoned error carrying `e` (Rust's From<PoisonError<T>>).
  TryLockError(PoisonError<G> e) noexcept(std::is_nothrow_move_constructible_v<G>)  // NOLINT: implicit like From
      : kind_(Kind::Poisoned), poison_(std::in_place, std::move(e)) {}

  // Which error this is. O(1).
  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] bool is_would_block() const noexcept { return kind_ == Kind::WouldBlock; }
  [[nodiscard]] bool is_poisoned() const noexcept { return kind_ == Kind::Poisoned; }

  // The PoisonError of a Poisoned error. Panics (fearless::Panic) on WouldBlock.
  [[nodiscard]] PoisonError<G>& poison_error() & {
    check();
    return *poison_;
  }
  [[nodiscard]] const PoisonError<G>& poison_error() const& {
    check();
    return *poison_;
  }
  [[nodiscard]] PoisonError<G> into_poison_error() && {
    check();
    return std::move(*poison_);
  }

  // Rust's Display text for each kind. O(1).
  [[nodiscard]] const char* what() const noexcept {
    return kind_ == Kind::WouldBlock ? "try_lock failed because the operation would block"
                                     : "poisoned lock: another task failed inside";
  }
  // what() as a std::string.
  [[nodiscard]] std::string message() const { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const TryLockError& e) {
    return os << e.what();
  }

  friend bool operator==(const TryLockError& a, const TryLockError& b) noexcept { return a.kind_ == b.kind_; }
  friend bool operator==(const TryLockError& a, Kind k) noexcept { return a.kind_ == k; }

 private:
  TryLockError() noexcept : kind_(Kind::WouldBlock) {}
  void check() const {
    if (kind_ != Kind::Poisoned) panic("TryLockError::poison_error: the error is WouldBlock, not Poisoned");
  }

  Kind kind_;
  std::optional<PoisonError<G>> poison_;
};

// What lock(), read() and write() return: the guard, or the guard wrapped in a
// PoisonError if the lock is poisoned.
template <class G>
using LockResult = Result<G, PoisonError<G>>;

// What try_lock(), try_read() and try_write() return.
template <class G>
using TryLockResult = Result<G, TryLockError<G>>;

}  // namespace fearless::sync
