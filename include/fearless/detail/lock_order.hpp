// Internal: hooks through which every fearless lock reports acquisitions to
// the opt-in lock-order checker (compile with FEARLESS_LOCK_ORDER=1).
//
// Contract for lock implementations (Mutex, RwLock, Condvar):
//   before_lock(lock, site)  before a *blocking* acquisition (may report a
//                            potential deadlock: an order inversion);
//   on_locked(lock, site)    after any successful acquisition (try_lock too);
//   on_unlock(lock)          when released (including a Condvar wait's release,
//                            followed by before_lock/on_locked on reacquire);
//   on_destroy(lock)         when the lock object is destroyed.
// With FEARLESS_LOCK_ORDER unset they are empty inline functions: zero cost.
#pragma once
#include "fearless/detail/site.hpp"

#if defined(FEARLESS_LOCK_ORDER) && FEARLESS_LOCK_ORDER
#  include "fearless/detail/lock_order_checker.hpp"
#else
namespace fearless::detail::lock_order {
inline void before_lock(const void*, Site) noexcept {}
inline void on_locked(const void*, Site) noexcept {}
inline void on_unlock(const void*) noexcept {}
inline void on_destroy(const void*) noexcept {}
}  // namespace fearless::detail::lock_order
#endif
