// Internal: the shared, reference-counted record behind every Thread handle.
#pragma once
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "fearless/detail/parker.hpp"

namespace fearless::detail {

// The process's first thread is ThreadId(1), as in Rust, whichever thread
// first asks for an id; every other thread's comes from this counter.
inline constexpr std::uint64_t kMainThreadId = 1;
inline std::uint64_t next_thread_id() noexcept {
  // relaxed: only uniqueness matters; no other memory is published through it.
  static std::atomic<std::uint64_t> counter{kMainThreadId + 1};
  return counter.fetch_add(1, std::memory_order_relaxed);
}
struct MainThreadTag {};

// One per OS thread known to fearless. Spawned threads allocate a derived
// Packet<T> (which also carries the result); threads fearless did not create
// get a plain ThreadInner on first call to current().
struct ThreadInner {
  std::atomic<std::size_t> refs{1};
  const std::uint64_t id = next_thread_id();
  std::optional<std::string> name;
  Parker parker;

  ThreadInner() = default;
  explicit ThreadInner(std::optional<std::string> n) : name(std::move(n)) {}
  // The process's first thread: ThreadId(1), named "main".
  explicit ThreadInner(MainThreadTag) : id(kMainThreadId), name(std::string("main")) {}
  ThreadInner(const ThreadInner&) = delete;
  ThreadInner& operator=(const ThreadInner&) = delete;
  virtual ~ThreadInner() = default;

  void retain() noexcept {
    // relaxed: a new reference is made from an existing one, which already
    // keeps the object alive (the Arc argument).
    if (refs.fetch_add(1, std::memory_order_relaxed) > (SIZE_MAX >> 1)) std::abort();
  }
  void release() noexcept {
    // acq_rel: the release orders our uses before the delete; the acquire makes
    // the deleting thread see every other owner's writes.
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};

// The calling thread's record: set by the spawn entry point, or created
// lazily. A plain pointer, trivially destructible, so that it stays readable
// from thread_local destructors however late they run at thread exit (a
// thread_local with a destructor of its own would be gone for those that run
// after it: a second record, another id, and a leak). Its reference is
// dropped by a pthread key's destructor, which glibc runs after every
// thread_local destructor; the main thread's lives until the process ends.
inline constinit thread_local ThreadInner* current_thread = nullptr;

// A thread_local with a destructor, made on a thread's first record: glibc
// does not unload a shared object (dlclose) while some thread still has
// thread_local destructors of it to run, and release_current_thread, the
// key's destructor, is code of that same object.
struct CurrentThreadPin {
  ~CurrentThreadPin() {}  // user-provided: registers the thread-exit destructor
};
inline thread_local CurrentThreadPin current_thread_pin;

inline void release_current_thread(void* p) noexcept {
  current_thread = nullptr;
  static_cast<ThreadInner*>(p)->release();
}

// Makes `t` the calling thread's record, adopting one reference.
inline void set_current_inner(ThreadInner* t) noexcept {
  static const pthread_key_t key = [] {
    pthread_key_t k;
    if (::pthread_key_create(&k, &release_current_thread) != 0) {
      // One key per process; only a process that has used up PTHREAD_KEYS_MAX gets here.
      static constexpr char msg[] = "fearless: pthread_key_create failed (no thread-specific keys left)\n";
      (void)!::write(2, msg, sizeof msg - 1);
      std::abort();
    }
    return k;
  }();
  static_cast<void>(&current_thread_pin);  // constructs it, with its destructor
  current_thread = t;
  if (::pthread_setspecific(key, t) != 0) {
    static constexpr char msg[] = "fearless: pthread_setspecific failed (out of memory)\n";
    (void)!::write(2, msg, sizeof msg - 1);
    std::abort();
  }
}

inline ThreadInner* current_inner() {
  if (ThreadInner* t = current_thread) return t;
  // Not spawned by fearless: the process's first thread is "main" with
  // ThreadId(1), as in Rust.
  const bool is_main = ::syscall(SYS_gettid) == ::getpid();
  ThreadInner* t = is_main ? new ThreadInner(MainThreadTag{}) : new ThreadInner();
  set_current_inner(t);
  return t;
}

}  // namespace fearless::detail
