// fearless/panic.hpp — panics: exceptions that cross thread boundaries.
//
// In Rust a panic unwinds the panicking thread and is handed to whoever joins
// it. In fearless a panic *is* an exception: anything thrown out of a spawned
// thread's function is caught at the thread boundary (never std::terminate),
// kept as a `PanicPayload`, and returned by `JoinHandle::join()` as the error.
// `join().unwrap()` rethrows the original exception object in the joiner.
#pragma once
#include <cxxabi.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "fearless/detail/describe.hpp"

namespace fearless {

// The exception thrown by `fearless::panic`, by `Result::unwrap`/`expect` on
// the wrong variant, and by fearless itself for misuse that Rust would panic on
// (joining an empty handle, spawning when the OS refuses a thread, ...).
class Panic : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws `Panic(message)`: Rust's `panic!`.
[[noreturn]] inline void panic(std::string message) { throw Panic(std::move(message)); }

// Whatever escaped a thread: any thrown value, kept alive with a readable message.
//
// Copyable (the exception object is shared, as std::exception_ptr shares it).
class PanicPayload {
 public:
  // Captures the exception being handled. Call only inside a `catch` block.
  static PanicPayload capture_current() {
    PanicPayload p;
    p.ptr_ = std::current_exception();
    p.message_ = describe_current();
    return p;
  }

  // Wraps an exception_ptr (e.g. from std::make_exception_ptr). An empty one
  // becomes Panic("explicit panic").
  static PanicPayload from_exception_ptr(std::exception_ptr e) {
    if (!e) return PanicPayload(std::make_exception_ptr(Panic("explicit panic")), "explicit panic");
    try {
      std::rethrow_exception(e);
    } catch (...) {
      return capture_current();
    }
  }

  // The panic message: `what()` for std::exception, the text of a thrown string
  // or C string, and for any other value "panic payload of type `T`".
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  // The message as a C string, like std::exception::what().
  [[nodiscard]] const char* what() const noexcept { return message_.c_str(); }

  // Two payloads are equal when they hold the same exception object (copies
  // of one payload compare equal; two throws of equal values do not).
  friend bool operator==(const PanicPayload& a, const PanicPayload& b) noexcept { return a.ptr_ == b.ptr_; }

  // The original exception object.
  [[nodiscard]] std::exception_ptr exception() const noexcept { return ptr_; }

  // Rethrows the original exception object (Rust's `resume_unwind`).
  [[noreturn]] void resume() const { std::rethrow_exception(ptr_); }

  // Pointer to the thrown object if it is an `X` (or derived from one), else
  // nullptr; valid as long as this payload (or a copy) lives. Like Rust's
  // `downcast_ref`. One addition, for code written against Rust's
  // `downcast_ref::<String>()`: `downcast_ref<std::string>()` on the payload of
  // a `fearless::Panic` (what `fearless::panic(msg)` throws, Rust's
  // `panic!(msg)`) gives its message. A pointer type `X` (a thrown string
  // literal is a `const char*`: `downcast_ref<const char*>()`) matches only a
  // thrown pointer of that very type, the pointee's const/volatile aside: a
  // handler receives a thrown pointer as a converted copy in its own frame,
  // so the address returned is that of the exception object itself, which a
  // derived-to-base conversion would make the wrong pointer. Cost: one
  // rethrow/catch.
  template <class X>
  [[nodiscard]] const X* downcast_ref() const noexcept {
    if (!ptr_) return nullptr;
    if constexpr (std::is_pointer_v<X>) {
      try {
        std::rethrow_exception(ptr_);
      } catch (...) {
        const std::type_info* t = abi::__cxa_current_exception_type();
        if (t != nullptr && same_pointer_type<X>(*t)) return static_cast<const X*>(exception_object());
      }
      return nullptr;
    } else {
      try {
        std::rethrow_exception(ptr_);
      } catch (const X& x) {
        return &x;
      } catch (...) {
      }
      if constexpr (std::is_same_v<X, std::string>) {
        if (downcast_ref<Panic>() != nullptr) return &message_;
      }
      return nullptr;
    }
  }

  // True if a `catch (const X&)` would take the thrown object (for pointers,
  // with the conversions a handler makes: `is<const Base*>()` holds for a
  // thrown `Derived*`), or, for `std::string`, if it is a `fearless::Panic`
  // (as downcast_ref).
  template <class X>
  [[nodiscard]] bool is() const noexcept {
    if (!ptr_) return false;
    try {
      std::rethrow_exception(ptr_);
    } catch (const X&) {
      return true;
    } catch (...) {
    }
    if constexpr (std::is_same_v<X, std::string>) return downcast_ref<Panic>() != nullptr;
    return false;
  }

 private:
  PanicPayload() = default;
  PanicPayload(std::exception_ptr p, std::string m) : ptr_(std::move(p)), message_(std::move(m)) {}

  static std::string describe_current() {
    try {
      throw;
    } catch (const std::exception& e) {
      return e.what();
    } catch (const char* s) {
      return s ? s : "(null)";
    } catch (const std::string& s) {
      return s;
    } catch (std::string_view s) {
      return std::string(s);
    } catch (...) {
      const std::type_info* t = abi::__cxa_current_exception_type();
      return "panic payload of type `" + (t ? detail::demangle(t->name()) : std::string("?")) + "`";
    }
  }

  // The exception object behind ptr_. Both C++ runtimes in use on Linux
  // (libstdc++ and libc++) keep its address as std::exception_ptr's only
  // member; the static_assert catches a runtime that does not.
  const void* exception_object() const noexcept {
    static_assert(sizeof(std::exception_ptr) == sizeof(void*), "std::exception_ptr is not one pointer here");
    const void* obj = nullptr;
    std::memcpy(&obj, &ptr_, sizeof obj);
    return obj;
  }
  template <class X>
  static bool same_pointer_type(const std::type_info& t) noexcept {
    using P = std::remove_cv_t<std::remove_pointer_t<X>>;
    return t == typeid(P*) || t == typeid(const P*) || t == typeid(volatile P*) || t == typeid(const volatile P*);
  }

  std::exception_ptr ptr_;
  std::string message_;
};

// What a panic hook is told: the payload and the name of the thread it escaped.
struct PanicInfo {
  const PanicPayload& payload;
  std::string_view thread_name;  // "<unnamed>" for a thread without a name
};

using PanicHook = std::function<void(const PanicInfo&)>;

namespace detail {
struct HookSlot {
  std::mutex mu;
  PanicHook hook;  // empty: the default hook
  std::atomic<bool> custom{false};
};
inline HookSlot& hook_slot() {
  static HookSlot* slot = new HookSlot;  // never destroyed: threads may panic during exit
  return *slot;
}
}  // namespace detail

// The default hook: one line on stderr, as Rust prints
// "thread 'NAME' panicked: MESSAGE".
inline void default_panic_hook(const PanicInfo& info) {
  std::string line = "thread '";
  line += info.thread_name;
  line += "' panicked: ";
  line += info.payload.message();
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

// Replaces the hook run when a panic escapes a fearless thread (before the
// payload is stored for `join`). Thread-safe. Rust's `std::panic::set_hook`.
// Note: the hook runs at the thread boundary, not at the throw site.
inline void set_panic_hook(PanicHook hook) {
  auto& s = detail::hook_slot();
  std::lock_guard lk(s.mu);
  s.hook = std::move(hook);
  s.custom.store(static_cast<bool>(s.hook), std::memory_order_relaxed);  // only a hint; read under mu
}

// Removes the custom hook, restoring the default, and returns the hook that
// was registered: the custom one, or `default_panic_hook` when none was (which
// stays registered), as Rust's `std::panic::take_hook` does. So a new hook can
// wrap the previous one and call it. Never empty. Thread-safe.
inline PanicHook take_panic_hook() {
  auto& s = detail::hook_slot();
  std::lock_guard lk(s.mu);
  PanicHook h = std::move(s.hook);
  s.hook = nullptr;
  s.custom.store(false, std::memory_order_relaxed);  // only a hint; read under mu
  if (!h) h = default_panic_hook;
  return h;
}

namespace detail {
// Non-zero while this thread runs the panic hook: thread::panicking() is true
// there, as in Rust (whose hook runs with the panic counted), although the
// hook runs at the thread boundary, after the exception was caught.
inline constinit thread_local int in_panic_hook = 0;

inline void run_panic_hook(const PanicInfo& info) noexcept {
  struct InHook {
    InHook() noexcept { ++in_panic_hook; }
    ~InHook() { --in_panic_hook; }
    InHook(const InHook&) = delete;
    InHook& operator=(const InHook&) = delete;
  } in_hook;
  auto& s = hook_slot();
  PanicHook h;
  {
    std::lock_guard lk(s.mu);
    h = s.hook;
  }
  try {
    if (h) {
      h(info);
    } else {
      default_panic_hook(info);
    }
  } catch (...) {
    // A hook that throws must not take the thread boundary down with it.
  }
}
}  // namespace detail

}  // namespace fearless

// ---- catch_unwind, resume_unwind, panic_any (Rust's std::panic) -----------

namespace fearless {

template <class T, class E>
class Result;  // fearless/result.hpp, included below

// Runs f(args...) on the calling thread: Ok with what it returned, or Err with
// whatever escaped it (any exception: a panic) as a PanicPayload, the error
// JoinHandle::join gives for a whole thread (Rust's std::panic::catch_unwind).
// A void f gives Result<void, PanicPayload>. Differences from Rust: the panic
// hook does not run (fearless runs it only when a panic leaves a thread), and
// f need not be UnwindSafe (C++ has no such marker). Not caught: glibc's forced
// unwinding (pthread_exit, cancellation), which is not a C++ exception and
// must run to the end. f may not return a reference (a Result holds none):
// return a pointer or a std::reference_wrapper. Costs nothing beyond f unless
// something is thrown.
template <class F, class... A>
  requires std::invocable<F, A...>
auto catch_unwind(F&& f, A&&... args) -> Result<std::invoke_result_t<F, A...>, PanicPayload> {
  using R = std::invoke_result_t<F, A...>;
  static_assert(!std::is_reference_v<R>,
                "fearless::catch_unwind: f returns a reference, and a Result holds none: return a pointer or a "
                "std::reference_wrapper");
  using Out = Result<R, PanicPayload>;
  try {
    if constexpr (std::is_void_v<R>) {
      std::invoke(std::forward<F>(f), std::forward<A>(args)...);
      return Out(std::in_place_index<0>);
    } else {
      return Out(std::in_place_index<0>, std::invoke(std::forward<F>(f), std::forward<A>(args)...));
    }
  } catch (...) {
    if (!std::current_exception()) throw;  // forced unwinding (see the thread boundary in detail/spawn.hpp)
    return Out(std::in_place_index<1>, PanicPayload::capture_current());
  }
}

// Rethrows the exception object a payload holds, its type intact (Rust's
// std::panic::resume_unwind; the same as payload.resume()). Does not run the
// panic hook. Never returns.
[[noreturn]] inline void resume_unwind(const PanicPayload& payload) { payload.resume(); }

// Panics with `value` itself as the payload (Rust's std::panic::panic_any):
// throws a copy of it (decayed: an array becomes a pointer), so the
// PanicPayload that catch_unwind or JoinHandle::join hands back finds it with
// downcast_ref<std::decay_t<T>>(). Never returns.
template <class T>
[[noreturn]] void panic_any(T&& value) {
  throw std::decay_t<T>(std::forward<T>(value));
}

}  // namespace fearless

#include "fearless/result.hpp"
