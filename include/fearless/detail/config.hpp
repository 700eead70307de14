// Internal: compiler/platform switches shared by every fearless header.
#pragma once

#if !defined(__linux__)
#  error "fearless currently supports Linux only (it parks threads on futexes)"
#endif

// Clang thread-safety analysis attributes. They expand to nothing elsewhere, so
// annotated code stays portable; under `clang -Wthread-safety` they let the
// compiler check that guarded data is only touched with its lock held.
#if defined(__clang__)
#  define FEARLESS_TSA(x) __attribute__((x))
#else
#  define FEARLESS_TSA(x)
#endif
#define FEARLESS_CAPABILITY(name) FEARLESS_TSA(capability(name))
#define FEARLESS_SCOPED_CAPABILITY FEARLESS_TSA(scoped_lockable)
#define FEARLESS_GUARDED_BY(x) FEARLESS_TSA(guarded_by(x))
#define FEARLESS_PT_GUARDED_BY(x) FEARLESS_TSA(pt_guarded_by(x))
#define FEARLESS_ACQUIRE(...) FEARLESS_TSA(acquire_capability(__VA_ARGS__))
#define FEARLESS_ACQUIRE_SHARED(...) FEARLESS_TSA(acquire_shared_capability(__VA_ARGS__))
#define FEARLESS_RELEASE(...) FEARLESS_TSA(release_capability(__VA_ARGS__))
#define FEARLESS_RELEASE_SHARED(...) FEARLESS_TSA(release_shared_capability(__VA_ARGS__))
#define FEARLESS_RELEASE_GENERIC(...) FEARLESS_TSA(release_generic_capability(__VA_ARGS__))
#define FEARLESS_TRY_ACQUIRE(...) FEARLESS_TSA(try_acquire_capability(__VA_ARGS__))
#define FEARLESS_TRY_ACQUIRE_SHARED(...) FEARLESS_TSA(try_acquire_shared_capability(__VA_ARGS__))
#define FEARLESS_REQUIRES(...) FEARLESS_TSA(requires_capability(__VA_ARGS__))
#define FEARLESS_REQUIRES_SHARED(...) FEARLESS_TSA(requires_shared_capability(__VA_ARGS__))
#define FEARLESS_EXCLUDES(...) FEARLESS_TSA(locks_excluded(__VA_ARGS__))
#define FEARLESS_RETURN_CAPABILITY(x) FEARLESS_TSA(lock_returned(x))
#define FEARLESS_ASSERT_CAPABILITY(x) FEARLESS_TSA(assert_capability(x))
#define FEARLESS_NO_THREAD_SAFETY_ANALYSIS FEARLESS_TSA(no_thread_safety_analysis)

// Marks a member function whose result refers into *this. Clang then rejects
// (-Wdangling, an error under -Werror) keeping that result past a temporary,
// e.g. `int& r = *m.lock().unwrap();`, a reference that outlives its guard.
#if defined(__clang__)
#  define FEARLESS_LIFETIMEBOUND [[clang::lifetimebound]]
#else
#  define FEARLESS_LIFETIMEBOUND
#endif

// ThreadSanitizer detection (gcc defines __SANITIZE_THREAD__, clang has a feature test).
#if defined(__SANITIZE_THREAD__)
#  define FEARLESS_TSAN 1
#elif defined(__has_feature)
#  if __has_feature(thread_sanitizer)
#    define FEARLESS_TSAN 1
#  endif
#endif
#ifndef FEARLESS_TSAN
#  define FEARLESS_TSAN 0
#endif

#define FEARLESS_LIKELY(x) __builtin_expect(!!(x), 1)
#define FEARLESS_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define FEARLESS_NOINLINE __attribute__((noinline))
#define FEARLESS_COLD __attribute__((cold, noinline))
#define FEARLESS_ALWAYS_INLINE inline __attribute__((always_inline))

// State that must exist once per process even when fearless is compiled into
// several shared objects built with -fvisibility=hidden (or
// -fvisibility-inlines-hidden): a mutex locked in one of them and unlocked in
// another must find the same sleeper table and unlock protocol. Default
// visibility lets the dynamic linker bind every copy to one definition.
#define FEARLESS_PROCESS_WIDE __attribute__((visibility("default")))
