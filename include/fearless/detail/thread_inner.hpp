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

inline std::uint64_t next_thread_id() noexcept {
  // relaxed: only uniqueness matters; no other memory is published through it.
  static std::atomic<std::uint64_t> counter{1};
  return counter.fetch_add(1, std::memory_order_relaxed);
}

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

// The calling thread's record: set by the spawn entry point, or created lazily.
struct CurrentThread {
  ThreadInner* inner = nullptr;
  ~CurrentThread() {
    if (inner) std::exchange(inner, nullptr)->release();
  }
};
inline thread_local CurrentThread current_thread;

inline ThreadInner* current_inner() {
  CurrentThread& c = current_thread;
  if (!c.inner) {
    // Not spawned by fearless: the process's first thread is "main", as in Rust.
    const bool is_main = ::syscall(SYS_gettid) == ::getpid();
    c.inner = is_main ? new ThreadInner(std::string("main")) : new ThreadInner();
  }
  return c.inner;
}

}  // namespace fearless::detail
