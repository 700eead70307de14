// fearless/thread/scope.hpp — scoped threads that may borrow the caller's locals.
//
//   std::vector<int> v{1, 2, 3};
//   int sum = 0;
//   fearless::thread::scope([&](fearless::thread::Scope& s) {
//     s.spawn([&] { std::printf("%zu\n", v.size()); });   // borrows v
//     s.spawn([&] { sum = v[0] + v[1] + v[2]; });          // borrows both
//   });                                                    // every thread joined here
#pragma once
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "fearless/detail/spawn.hpp"
#include "fearless/thread/spawn.hpp"

namespace fearless::thread {

// A handle to join one scoped thread. Like JoinHandle, but it must not be kept
// past the end of its scope (Rust proves that with lifetimes; in C++ it is the
// caller's duty). Dropping it unjoined is fine: the scope still waits for the
// thread, and if that thread panicked the scope panics.
template <class T>
class ScopedJoinHandle : public JoinHandleBase<T> {
 public:
  ScopedJoinHandle(ScopedJoinHandle&&) noexcept = default;
  ScopedJoinHandle& operator=(ScopedJoinHandle&&) noexcept = default;

 private:
  friend class Scope;
  friend class Builder;
  using JoinHandleBase<T>::JoinHandleBase;
};

// The scope passed to the function given to thread::scope(). Spawn threads on
// it; they are all waited for before scope() returns. spawn() is thread-safe:
// scoped threads may spawn more threads into the same scope.
class Scope {
 public:
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

  // Spawns a scoped thread running std::invoke(f, args...). It may capture
  // references to anything that outlives the scope() call. Panics if the OS
  // refuses the thread (Builder::spawn_scoped returns the error instead).
  // Callable through a const Scope& (Rust's `&self`): spawning is thread-safe.
  template <class F, class... Args>
    requires std::invocable<std::decay_t<F>, std::decay_t<Args>...>
  auto spawn(F&& f, Args&&... args) const -> ScopedJoinHandle<detail_spawn::spawn_result_t<F, Args...>> {
    auto r = Builder().spawn_scoped(*this, std::forward<F>(f), std::forward<Args>(args)...);
    if (r.is_err()) panic("failed to spawn scoped thread: " + r.unwrap_err().message());
    return std::move(r).unwrap();
  }

 private:
  template <class F>
  friend decltype(auto) scope(F&& f);
  friend class Builder;
  Scope() = default;

  // Blocks (parked, no CPU) until every thread spawned in the scope has finished.
  void wait_all() const noexcept {
    // acquire: pairs with each thread's release decrement, so their writes to
    // borrowed data are visible once we return.
    while (data_.running.load(std::memory_order_acquire) != 0) fearless::thread::park();
  }

  // Mutable: spawning through a const Scope& counts threads in it (its
  // fields are atomics, or fixed at construction).
  mutable detail::ScopeData data_;
};

template <class F, class... Args>
  requires std::invocable<std::decay_t<F>, std::decay_t<Args>...>
[[nodiscard]] auto Builder::spawn_scoped(const Scope& scope, F&& f, Args&&... args) {
  using T = detail_spawn::spawn_result_t<F, Args...>;
  fearless::detail::send_checks::check_spawn</*Scoped=*/true, T, std::decay_t<F>, std::decay_t<Args>...>();
  static_assert(detail_spawn::kSpawnableResult<T>,
                "fearless::thread::Scope::spawn: the thread function returns a reference; return a value instead");
  using R = Result<ScopedJoinHandle<T>, std::error_code>;
  auto r = detail::spawn_native<T>(std::exchange(opts_, {}), detail::bind_call(std::forward<F>(f), std::forward<Args>(args)...),
                                   &scope.data_);
  if (r.is_err()) return R(Err(r.unwrap_err()));
  auto [p, n] = r.unwrap();
  return R(Ok(ScopedJoinHandle<T>(p, n)));
}

// Runs f(scope) and then waits for every thread spawned on `scope`, so those
// threads may borrow anything that outlives this call. Returns what f returns.
// Panics: if f throws, all threads are still waited for and f's exception is
// rethrown; otherwise, if a scoped thread panicked and nobody joined it to
// receive the panic, throws fearless::Panic("a scoped thread panicked").
// Blocks until all scoped threads finish.
template <class F>
decltype(auto) scope(F&& f) {
  using R = std::invoke_result_t<F, Scope&>;
  fearless::detail::send_checks::check_scope_result<R>();
  Scope s;
  auto finish = [&s] {
    s.wait_all();
    // relaxed: wait_all()'s acquire already ordered every thread's increment.
    if (s.data_.unobserved_panics.load(std::memory_order_relaxed) != 0) panic("a scoped thread panicked");
  };
  if constexpr (std::is_void_v<R>) {
    try {
      std::invoke(std::forward<F>(f), s);
    } catch (...) {
      s.wait_all();
      throw;
    }
    finish();
  } else if constexpr (std::is_reference_v<R>) {
    // A reference into data that outlives the scope: kept as a pointer.
    std::remove_reference_t<R>* out = nullptr;
    try {
      out = std::addressof(std::invoke(std::forward<F>(f), s));
    } catch (...) {
      s.wait_all();
      throw;
    }
    finish();
    return static_cast<R>(*out);
  } else {
    std::optional<R> out;
    try {
      out.emplace(std::invoke(std::forward<F>(f), s));
    } catch (...) {
      s.wait_all();
      throw;
    }
    finish();
    return R(std::move(*out));
  }
}

}  // namespace fearless::thread
