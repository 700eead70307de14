// fearless/thread/spawn.hpp — spawning threads and joining them.
//
//   auto handle = fearless::thread::spawn([] { return 6 * 7; });
//   int v = handle.join().unwrap();   // 42, or the worker's exception rethrown
#pragma once
#include <pthread.h>

#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include "fearless/detail/send_checks.hpp"
#include "fearless/detail/spawn.hpp"
#include "fearless/result.hpp"
#include "fearless/thread/thread.hpp"

namespace fearless::thread {

class Scope;
class Builder;

namespace detail_spawn {
template <class F, class... Args>
using spawn_result_t = std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>;

template <class T>
inline constexpr bool kSpawnableResult = !std::is_reference_v<T>;
}  // namespace detail_spawn

// Shared implementation of JoinHandle and ScopedJoinHandle.
template <class T>
class JoinHandleBase {
 public:
  JoinHandleBase(JoinHandleBase&& o) noexcept
      : packet_(std::exchange(o.packet_, nullptr)), native_(o.native_) {}
  JoinHandleBase& operator=(JoinHandleBase&& o) noexcept {
    if (this != &o) {
      reset();
      packet_ = std::exchange(o.packet_, nullptr);
      native_ = o.native_;
    }
    return *this;
  }
  JoinHandleBase(const JoinHandleBase&) = delete;
  JoinHandleBase& operator=(const JoinHandleBase&) = delete;

  // Waits for the thread to finish and returns what its function returned, or
  // the PanicPayload of the exception that escaped it (`unwrap()` rethrows that
  // exception). Consumes the handle: afterwards it is empty.
  // Blocks. Panics (throws fearless::Panic) on an empty (moved-from or already
  // joined) handle, or when a thread tries to join itself.
  Result<T, PanicPayload> join() {
    if (!packet_) panic("JoinHandle::join: the handle is empty (moved-from or already joined)");
    if (::pthread_equal(native_, ::pthread_self())) panic("JoinHandle::join: a thread cannot join itself");
    const int e = ::pthread_join(native_, nullptr);
    if (e != 0) panic("JoinHandle::join: pthread_join failed: " + std::error_code(e, std::system_category()).message());
    detail::Packet<T>* p = std::exchange(packet_, nullptr);
    Result<T, PanicPayload> r = std::move(*p->result);
    p->drop_result_share();  // the thread has let go already: destroys the moved-from husk now
    if (p->scope && r.is_err()) {
      // relaxed: ordered before the scope's check by the joining thread's own
      // program order, or by its later decrement of `running`.
      p->scope->unobserved_panics.fetch_sub(1, std::memory_order_relaxed);
    }
    p->release();
    return r;
  }

  // True once the thread's function has returned (or panicked) and everything
  // it captured was destroyed; join() then does not block for long. Never
  // blocks. Returns false for an empty handle.
  [[nodiscard]] bool is_finished() const noexcept {
    // acquire: pairs with the thread's release store of `finished`.
    return packet_ && packet_->finished.load(std::memory_order_acquire);
  }

  // A handle to the thread (id, name, unpark). Panics on an empty handle.
  [[nodiscard]] Thread thread() const {
    if (!packet_) panic("JoinHandle::thread: the handle is empty (moved-from or already joined)");
    packet_->retain();
    return Thread(packet_);
  }

  // The pthread_t of the thread, for platform calls (priorities, affinity).
  // Undefined for an empty handle.
  [[nodiscard]] pthread_t native_handle() const noexcept { return native_; }

  // False for a moved-from or joined handle.
  [[nodiscard]] bool joinable() const noexcept { return packet_ != nullptr; }

 protected:
  JoinHandleBase(detail::Packet<T>* p, pthread_t n) noexcept : packet_(p), native_(n) {}
  // Dropping an unjoined handle detaches the thread, as in Rust: it keeps
  // running; its result (or panic) is discarded when it ends.
  ~JoinHandleBase() { reset(); }

 private:
  void reset() noexcept {
    if (packet_) {
      ::pthread_detach(native_);
      packet_->drop_result_share();  // the value is destroyed now if the thread has finished
      std::exchange(packet_, nullptr)->release();
    }
  }
  detail::Packet<T>* packet_;
  pthread_t native_;
};

// An owned permission to join a thread spawned with spawn() or Builder::spawn().
// Move-only. Destroying it without join() detaches the thread (Rust's
// semantics). A detached thread still running when main() returns is killed
// by process exit, without its destructors running: join threads whose work
// must complete.
template <class T>
class JoinHandle : public JoinHandleBase<T> {
 public:
  JoinHandle(JoinHandle&&) noexcept = default;
  JoinHandle& operator=(JoinHandle&&) noexcept = default;

 private:
  friend class Builder;
  using JoinHandleBase<T>::JoinHandleBase;
};

// Configures a thread before it is spawned: its name and stack size.
// Unlike spawn(), Builder::spawn reports the OS refusing a thread as an error
// value instead of panicking.
class Builder {
 public:
  // No name, the default stack size (Rust's Builder::new()).
  Builder() = default;

  // Names the thread. The full name is what Thread::name() returns and what
  // panic messages show; the OS (top -H, gdb, /proc) sees its first 15 bytes,
  // cut at a UTF-8 character boundary. A name containing '\0' makes spawn
  // panic, as Rust's Builder::spawn does.
  Builder&& name(std::string n) && {
    opts_.name = std::move(n);
    opts_.named = true;
    return std::move(*this);
  }
  Builder& name(std::string n) & {
    opts_.name = std::move(n);
    opts_.named = true;
    return *this;
  }

  // Sets the stack size in bytes (rounded up to the page size, and to at least
  // PTHREAD_STACK_MIN). Without it the platform default (usually 8 MiB) is used.
  Builder&& stack_size(std::size_t bytes) && {
    opts_.stack_size = bytes;
    return std::move(*this);
  }
  Builder& stack_size(std::size_t bytes) & {
    opts_.stack_size = bytes;
    return *this;
  }

  // Spawns a thread running `std::invoke(f, args...)` and resets the builder
  // to its defaults (Rust's Builder::spawn consumes it); `f` and `args` are
  // decay-copied into the thread and destroyed there as soon as it returns.
  // Errors: the OS refusing the thread (EAGAIN, ENOMEM, EINVAL for an absurd
  // stack size). Panics (fearless::Panic) for a name containing '\0'.
  // O(1) plus the cost of creating an OS thread.
  template <class F, class... Args>
    requires std::invocable<std::decay_t<F>, std::decay_t<Args>...>
  [[nodiscard]] auto spawn(F&& f, Args&&... args)
      -> Result<JoinHandle<detail_spawn::spawn_result_t<F, Args...>>, std::error_code> {
    using T = detail_spawn::spawn_result_t<F, Args...>;
    fearless::detail::send_checks::check_spawn</*Scoped=*/false, T, std::decay_t<F>, std::decay_t<Args>...>();
    static_assert(detail_spawn::kSpawnableResult<T>,
                  "fearless::thread::spawn: the thread function returns a reference; a reference cannot "
                  "outlive the thread safely. Return a value (or a pointer you own) instead.");
    auto r = detail::spawn_native<T>(std::exchange(opts_, {}), detail::bind_call(std::forward<F>(f), std::forward<Args>(args)...),
                                     nullptr);
    if (r.is_err()) return Err(r.unwrap_err());
    auto [p, n] = r.unwrap();
    return Ok(JoinHandle<T>(p, n));
  }

  // Spawns a scoped thread (see thread::scope): it may borrow from outside the
  // scope. Errors as for spawn().
  template <class F, class... Args>
    requires std::invocable<std::decay_t<F>, std::decay_t<Args>...>
  [[nodiscard]] auto spawn_scoped(const Scope& scope, F&& f, Args&&... args);

 private:
  detail::SpawnOptions opts_;
};

// Spawns a thread running `std::invoke(f, args...)` and returns its JoinHandle.
// `f` and `args` are decay-copied (use std::ref or a capturing lambda to pass
// references, and keep the referent alive). T is f's return type: void,
// any object type (move-only included), never a reference.
// Panics (throws fearless::Panic) if the OS refuses the thread; use
// Builder().spawn() to get that as an error value instead.
template <class F, class... Args>
  requires std::invocable<std::decay_t<F>, std::decay_t<Args>...>
auto spawn(F&& f, Args&&... args) -> JoinHandle<detail_spawn::spawn_result_t<F, Args...>> {
  auto r = Builder().spawn(std::forward<F>(f), std::forward<Args>(args)...);
  if (r.is_err()) panic("failed to spawn thread: " + r.unwrap_err().message());
  return std::move(r).unwrap();
}

}  // namespace fearless::thread
