// Internal: the one door through which Condvar reaches the lock behind a
// guard (guards keep their lock private from users).
#pragma once

namespace fearless::detail {

struct GuardAccess {
  template <class G>
  static auto& raw(const G& g) noexcept {
    return g.raw_lock();
  }
  template <class G>
  static bool holds_lock(const G& g) noexcept {
    return g.holds_lock();
  }
};

// Tag for guard constructors: the caller has already acquired the lock and
// hands it to the guard.
struct AdoptLock {
  explicit AdoptLock() = default;
};
inline constexpr AdoptLock adopt_lock{};

}  // namespace fearless::detail
