// Internal: "has this process ever started a second thread?" — glibc keeps the
// answer in __libc_single_threaded (it never goes back to true once a thread
// was created). While it is true no other thread can observe an atomic, so
// primitives may use plain loads and stores, as glibc's own mutex and
// libstdc++'s shared_ptr do. Creating a thread (pthread_create) orders those
// plain writes before anything the new thread does.
#pragma once

#if !defined(FEARLESS_INTERLEAVE) && __has_include(<sys/single_threaded.h>)
#  include <sys/single_threaded.h>
#  define FEARLESS_HAVE_SINGLE_THREADED 1
#else
#  define FEARLESS_HAVE_SINGLE_THREADED 0
#endif

namespace fearless::detail {

[[nodiscard]] inline bool process_single_threaded() noexcept {
#if FEARLESS_HAVE_SINGLE_THREADED
  return __libc_single_threaded != 0;
#else
  return false;
#endif
}

}  // namespace fearless::detail
