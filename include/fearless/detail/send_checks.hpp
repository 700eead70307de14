// Internal: the compile-time checks at every place where values cross threads
// (spawn, scoped spawn, scope(), channels, Arc). Each is one line at its call
// site; the static_assert text states the rule in plain words, and the
// compiler's note ("with T = ...", "'X' does not satisfy 'Send'") names the
// offending type. The rules themselves live in fearless/marker.hpp.
#pragma once
#include <functional>
#include <type_traits>

#include "fearless/marker.hpp"

namespace fearless::thread {
class Scope;
template <class T>
class ScopedJoinHandle;
}  // namespace fearless::thread

namespace fearless::detail::send_checks {

// Values that borrow from a thread::scope: they must not reach a thread (or a
// caller) that may outlive it. Rust proves this with the 'scope lifetime; C++
// can only recognise the handle types themselves.
template <class T>
struct is_scope_bound : std::is_same<std::remove_cv_t<T>, thread::Scope> {};
template <class T>
struct is_scope_bound<thread::ScopedJoinHandle<T>> : std::true_type {};
template <class T>
struct is_scope_bound<std::reference_wrapper<T>> : is_scope_bound<std::remove_cv_t<T>> {};
template <class T>
struct is_scope_bound<T*> : is_scope_bound<std::remove_cv_t<T>> {};
template <class T>
inline constexpr bool is_scope_bound_v = is_scope_bound<std::remove_cvref_t<T>>::value;

template <class T>
constexpr void check_spawn_callable() noexcept {
  static_assert(Send<T>,
                "fearless::thread spawn: the thread function is not Send. Rule: the function object is moved "
                "into the new thread, so it must be Send; a callable holding an Rc, a lock guard or a raw "
                "pointer may not cross threads (see fearless/marker.hpp)");
}

template <class T>
constexpr void check_spawn_argument() noexcept {
  static_assert(Send<T>,
                "fearless::thread spawn: an argument is not Send. Rule: every argument is moved into the new "
                "thread, so it must be Send; an Rc, a lock guard, a reference to a non-Sync value or a raw "
                "pointer may not cross threads (see fearless/marker.hpp; wrap a pointer in fearless::AssertSend "
                "to vouch for it)");
}

template <class T>
constexpr void check_spawn_result() noexcept {
  if constexpr (!std::is_void_v<T>) {
    static_assert(!std::is_reference_v<T>,
                  "fearless::thread spawn: the thread function returns a reference. Rule: a thread's result "
                  "outlives the thread, so it must be a value (a reference would dangle)");
    static_assert(Send<T>,
                  "fearless::thread spawn: the thread function's return type is not Send. Rule: the result is "
                  "handed to the joining thread, so it must be Send; a lock guard or an Rc may not be returned "
                  "from a thread");
  }
}

template <class T>
constexpr void check_not_scope_bound() noexcept {
  static_assert(!is_scope_bound_v<T>,
                "fearless::thread::spawn: a ScopedJoinHandle or a thread::Scope is passed to (or returned from) "
                "an unscoped thread. Rule: a borrow from a scope must not outlive the scope, and a thread "
                "started with thread::spawn may; spawn it on the scope instead (s.spawn(...))");
}

// All checks for spawning `f(args...)` returning R (F and Args decayed).
// Scoped: the thread is joined before its scope ends (thread::scope), so it
// may hold the scope's borrows; Rust still requires F: Send and T: Send.
template <bool Scoped, class R, class F, class... Args>
constexpr void check_spawn() noexcept {
  check_spawn_callable<F>();
  (check_spawn_argument<Args>(), ...);
  check_spawn_result<R>();
  if constexpr (!Scoped) {
    (check_not_scope_bound<Args>(), ...);
    if constexpr (!std::is_void_v<R>) check_not_scope_bound<R>();
  }
}

// thread::scope(f): what f returns leaves the scope.
template <class R>
constexpr void check_scope_result() noexcept {
  static_assert(!is_scope_bound_v<R>,
                "fearless::thread::scope: the scope function returns a ScopedJoinHandle or the Scope. Rule: "
                "they borrow from the scope and cannot outlive it; join inside the scope and return the value");
}

template <class T>
constexpr void check_channel_message() noexcept {
  static_assert(Send<T>,
                "fearless channel: the message type is not Send. Rule: a message is moved to whichever thread "
                "receives it, so it must be Send; an Rc, a lock guard or a raw pointer may not be sent "
                "(see fearless/marker.hpp)");
}

template <class T>
constexpr void check_arc_payload() noexcept {
  static_assert(Send<T> && Sync<T>,
                "fearless::sync::Arc: the payload is not Send and Sync. Rule: every clone of an Arc may live on a "
                "different thread, which reads the value at the same time (needs Sync) and may be the one to "
                "destroy it (needs Send); for sharing within one thread use fearless::Rc (see fearless/marker.hpp)");
}

}  // namespace fearless::detail::send_checks
