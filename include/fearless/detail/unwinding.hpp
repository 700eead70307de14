// Internal: a cheap std::uncaught_exceptions() for lock guards.
//
// Every poisoning guard reads the count twice (at creation and destruction).
// std::uncaught_exceptions() goes through __cxa_get_globals() in the shared
// C++ runtime, a general-dynamic TLS access that costs more than the lock
// itself. The Itanium C++ ABI (gcc, clang; libstdc++ and libc++abi) fixes the
// layout of the per-thread __cxa_eh_globals record, so the address is fetched
// once per thread and then read directly. The cached pointer is a constinit
// thread_local (null until first use) rather than a function-local one with a
// dynamic initialiser: that would add a guard-byte check to every read, which
// measured as most of what a poisoning Mutex lock+unlock cost over a
// non-poisoning one.
#pragma once
#include <exception>

#if defined(__GLIBCXX__) || defined(_LIBCPPABI_VERSION) || defined(__GXX_ABI_VERSION)
#  include <cxxabi.h>
#  define FEARLESS_ITANIUM_EH_GLOBALS 1
#else
#  define FEARLESS_ITANIUM_EH_GLOBALS 0
#endif

#include "fearless/detail/config.hpp"

namespace fearless::detail {

#if FEARLESS_ITANIUM_EH_GLOBALS
// Itanium C++ ABI §2.2.2: the per-thread exception-handling globals.
struct EhGlobals {
  void* caught_exceptions;
  unsigned int uncaught_exceptions;
};

inline const EhGlobals* eh_globals_slow() noexcept {
  return reinterpret_cast<const EhGlobals*>(abi::__cxa_get_globals());
}

// This thread's record, once looked up.
inline constinit thread_local const EhGlobals* t_eh_globals = nullptr;

[[nodiscard]] FEARLESS_NOINLINE inline const EhGlobals* eh_globals_first() noexcept {
  return t_eh_globals = eh_globals_slow();
}

// Same value as std::uncaught_exceptions().
[[nodiscard]] inline int uncaught_exception_count() noexcept {
  const EhGlobals* g = t_eh_globals;
  if (FEARLESS_UNLIKELY(g == nullptr)) g = eh_globals_first();
  return static_cast<int>(g->uncaught_exceptions);
}
#else
[[nodiscard]] inline int uncaught_exception_count() noexcept { return std::uncaught_exceptions(); }
#endif

// Records the count when a writing guard is created, so its destructor can
// tell whether it runs because an exception is unwinding past it (then the
// lock is poisoned) — Rust's "thread::panicking() now, but not when the guard
// was made". A guard created inside a destructor during unwinding and dropped
// before that unwinding ends therefore does not poison.
struct PoisonOnUnwind {
  int exceptions_at_creation = uncaught_exception_count();
  [[nodiscard]] bool unwinding() const noexcept { return uncaught_exception_count() > exceptions_at_creation; }
};

}  // namespace fearless::detail
