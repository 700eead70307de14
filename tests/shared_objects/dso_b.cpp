// A shared object built with hidden visibility, as many projects build theirs,
// that locks and unlocks RawMutexes handed to it (see CMakeLists.txt).
#include "fearless/detail/asymmetric_fence.hpp"
#include "fearless/detail/raw_mutex.hpp"

#define DSO_EXPORT __attribute__((visibility("default")))

DSO_EXPORT const void* dso_b_sleeper_table() { return &fearless::detail::g_mutex_sleepers; }
DSO_EXPORT const void* dso_b_mode_flag() { return &fearless::detail::g_asymmetric_mode; }
// Lock and unlock are separate calls, which the thread-safety analysis
// cannot pair up.
DSO_EXPORT void dso_b_lock(fearless::detail::RawMutex& m) FEARLESS_NO_THREAD_SAFETY_ANALYSIS { m.lock(); }
DSO_EXPORT void dso_b_unlock(fearless::detail::RawMutex& m) FEARLESS_NO_THREAD_SAFETY_ANALYSIS { m.unlock(); }
