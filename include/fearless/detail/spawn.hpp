// Internal: creating an OS thread that runs a callable and keeps its outcome.
#pragma once
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include "fearless/detail/thread_inner.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"

namespace fearless::detail {

// Bookkeeping of one thread::scope() call; lives in the Scope object.
struct ScopeData {
  std::atomic<std::size_t> running{0};
  // Panics not yet handed to anybody through join(): the scope re-panics if
  // any are left when it ends.
  std::atomic<std::size_t> unobserved_panics{0};
  ThreadInner* owner = nullptr;  // the thread running scope(); one reference held

  ScopeData() : owner(current_inner()) { owner->retain(); }
  ~ScopeData() { owner->release(); }
  ScopeData(const ScopeData&) = delete;
  ScopeData& operator=(const ScopeData&) = delete;
};

// The part of a spawned thread's record that the handle reads.
template <class T>
struct Packet : ThreadInner {
  using ThreadInner::ThreadInner;
  // Written once by the thread before `finished`; read by join() after pthread_join.
  std::optional<Result<T, PanicPayload>> result;
  std::atomic<bool> finished{false};
  ScopeData* scope = nullptr;
  // Who may still read `result`: the handle and the running thread. The last
  // of them to let go destroys it there and then, as Rust's Packet does, so an
  // unjoined scoped thread's value is gone before scope() returns (it may hold
  // references into the scope's borrowed data), not whenever the thread's
  // record is freed.
  std::atomic<int> result_owners{2};

  void drop_result_share() noexcept {
    // acq_rel: the last owner sees the other's writes to `result` (and its
    // uses) before destroying it.
    if (result_owners.fetch_sub(1, std::memory_order_acq_rel) == 1) result.reset();
  }
};

// A plain string plus a flag rather than std::optional<std::string>: g++ 12
// reports a false -Wmaybe-uninitialized on destroying the latter after inlining.
struct SpawnOptions {
  std::string name;
  bool named = false;
  std::optional<std::size_t> stack_size;
};

// Test hook: while non-zero, every spawn fails with this errno as if the OS
// refused the thread, before any thread is created (one relaxed load per spawn).
inline std::atomic<int> inject_spawn_error{0};

// The longest prefix of `name` that fits Linux's 15-byte thread name, cut at a
// UTF-8 character boundary.
inline std::string os_thread_name(const std::string& name) {
  std::size_t n = std::min<std::size_t>(name.size(), 15);
  while (n > 0 && n < name.size() && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  return name.substr(0, n);
}

template <class T, class Fn>
struct SpawnState final : Packet<T> {
  union {
    Fn fn;  // destroyed on the spawned thread right after it runs
  };

  template <class F>
  SpawnState(std::optional<std::string> name, F&& f) : Packet<T>(std::move(name)), fn(std::forward<F>(f)) {}
  ~SpawnState() override {}  // fn already destroyed (by the thread, or by spawn on failure)

  // Called once `result` holds the outcome: destroys the closure (and so its
  // captures) here, on the spawned thread, then publishes the outcome.
  void finish() noexcept {
    fn.~Fn();
    const bool panicked = this->result->is_err();
    // Before `finished` and the scope's count: a detached thread's value is
    // destroyed here, inside the scope's lifetime.
    this->drop_result_share();
    ScopeData* sc = this->scope;
    // release: join()/is_finished() readers that see `true` see the result.
    this->finished.store(true, std::memory_order_release);
    if (sc) {
      // relaxed: read by the scope owner only after `running` reaches zero,
      // which the release below orders after this increment.
      if (panicked) sc->unobserved_panics.fetch_add(1, std::memory_order_relaxed);
      ThreadInner* owner = sc->owner;
      owner->retain();
      // release: pairs with the owner's acquire load of `running`; after this
      // the ScopeData may be gone, so only `owner` (our own reference) is used.
      if (sc->running.fetch_sub(1, std::memory_order_release) == 1) owner->parker.unpark();
      owner->release();
    }
    this->release();  // the running thread's reference
  }

  static void* entry(void* arg) {
    auto* s = static_cast<SpawnState*>(arg);
    s->retain();
    set_current_inner(s);  // released at thread exit (release_current_thread)
    if (s->name) {
      const std::string os = os_thread_name(*s->name);
      ::pthread_setname_np(::pthread_self(), os.c_str());
    }
    // The outcome is built in place in the packet: a returned T is moved once,
    // from the function's return value into the packet.
    try {
      if constexpr (std::is_void_v<T>) {
        std::invoke(std::move(s->fn));
        s->result.emplace(std::in_place_index<0>);
      } else {
        s->result.emplace(std::in_place_index<0>, std::invoke(std::move(s->fn)));
      }
    } catch (...) {
      s->result.reset();  // in case moving the value in threw half-way
      if (!std::current_exception()) {
        // Not a C++ exception: glibc's forced unwinding (pthread_exit,
        // cancellation) or a foreign exception. It cannot be kept and must be
        // rethrown; record it and let the unwinding finish. (Detected here
        // rather than with `catch (abi::__forced_unwind&)`, which binds a
        // reference to a null object: undefined behaviour that UBSan reports.)
        s->result.emplace(std::in_place_index<1>,
                          PanicPayload::from_exception_ptr(std::make_exception_ptr(
                              Panic("thread exited through pthread_exit or cancellation"))));
        s->finish();
        throw;
      }
      PanicPayload p = PanicPayload::capture_current();
      run_panic_hook(PanicInfo{p, s->name ? std::string_view(*s->name) : std::string_view("<unnamed>")});
      s->result.emplace(std::in_place_index<1>, std::move(p));
    }
    s->finish();
    return nullptr;
  }
};

// Starts a thread running `fn()`. On success returns the packet (one reference
// owned by the caller) and its pthread_t; on failure `fn` is destroyed here and
// the OS error is returned.
template <class T, class Fn>
Result<std::pair<Packet<T>*, pthread_t>, std::error_code> spawn_native(SpawnOptions opts, Fn&& fn,
                                                                        ScopeData* scope) {
  using State = SpawnState<T, std::decay_t<Fn>>;
  auto fail = [](int e) { return Err(std::error_code(e, std::system_category())); };
  // As Rust's Builder::spawn: a bad name is the caller's bug, not an OS
  // refusal, so it panics rather than returning an error.
  if (opts.named && opts.name.find('\0') != std::string::npos)
    panic("thread name may not contain interior null bytes");

  pthread_attr_t attr;
  if (int e = ::pthread_attr_init(&attr)) return fail(e);
  struct AttrGuard {
    pthread_attr_t* a;
    ~AttrGuard() { ::pthread_attr_destroy(a); }
  } guard{&attr};
  if (opts.stack_size) {
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    std::size_t sz = std::max<std::size_t>(*opts.stack_size, PTHREAD_STACK_MIN);
    if (sz > SIZE_MAX - page) return fail(EINVAL);
    sz = (sz + page - 1) / page * page;
    if (int e = ::pthread_attr_setstacksize(&attr, sz)) return fail(e);
  }

  std::optional<std::string> name;
  if (opts.named) name.emplace(std::move(opts.name));
  State* s = new (std::nothrow) State(std::move(name), std::forward<Fn>(fn));
  if (!s) return fail(ENOMEM);
  s->scope = scope;
  // One reference for the handle; the thread takes its own in finish()'s
  // counterpart (entry retains for the TLS slot, and owns the initial extra one).
  s->retain();
  if (scope) scope->running.fetch_add(1, std::memory_order_relaxed);  // relaxed: the spawn itself orders it

  pthread_t tid{};
  int e = inject_spawn_error.load(std::memory_order_relaxed);  // relaxed: test-only knob
  if (e == 0) e = ::pthread_create(&tid, &attr, &State::entry, s);
  if (e != 0) {
    if (scope) scope->running.fetch_sub(1, std::memory_order_relaxed);  // relaxed: no thread was started
    using F = std::decay_t<Fn>;
    s->fn.~F();
    delete s;  // both references were ours
    return fail(e);
  }
  return Ok(std::pair<Packet<T>*, pthread_t>(s, tid));
}

// Bundles a callable and its arguments (decay-copied, as std::thread does) into
// one nullary callable that is invoked once.
template <class F, class... Args>
auto bind_call(F&& f, Args&&... args) {
  return [f = std::forward<F>(f), ... args = std::forward<Args>(args)]() mutable -> decltype(auto) {
    return std::invoke(std::move(f), std::move(args)...);
  };
}

}  // namespace fearless::detail
