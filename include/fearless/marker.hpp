// fearless/marker.hpp — Rust's std::marker::{Send, Sync} as C++20 concepts.
//
//   static_assert(fearless::Send<std::vector<int>>);
//   static_assert(!fearless::Send<fearless::Rc<int>>);      // non-atomic count
//   static_assert(!fearless::Send<int*>);                   // raw pointers: opt in
//
// Send<T>: a value of type T may be moved to another thread (and destroyed
//          there). Checked on everything that crosses threads: the function,
//          arguments and return value of thread::spawn / Builder::spawn /
//          Scope::spawn, every channel's message type, Arc's payload.
// Sync<T>: a `const T&` may be used from several threads at once, i.e.
//          `const T&` is Send.
//
// Defaults (Rust's rules, where C++ can see them):
//  * arithmetic types, enums, std::nullptr_t, function pointers, member
//    pointers: Send and Sync;
//  * raw object pointers `T*`: neither (as in Rust: nothing says who owns the
//    pointee or who else writes it). Exception: pointers to const character
//    types (`const char*`, `const wchar_t*`, `const char8_t*`, ...; not
//    signed/unsigned char, which point at bytes), the C++ spelling of a string literal, i.e.
//    Rust's `&'static str`. Opt in for others with fearless::AssertSend<T*>,
//    or by specialising send_trait for a wrapper type you own;
//  * references and std::reference_wrapper: `const T&` is Send when T is Sync;
//    `T&` (mutable) is Send when T is Send and Sync (a C++ `T&` can be copied,
//    so unlike Rust's `&mut T` it is not unique); std::span and
//    std::initializer_list (a view of const elements) likewise;
//  * standard containers, std::optional, std::tuple, std::pair, std::variant,
//    std::unique_ptr, std::array, built-in arrays, std::queue/stack/...:
//    recurse into their element types;
//  * std::shared_ptr / std::weak_ptr: like Arc / Weak, Send and Sync only when
//    the element is Send and Sync; std::future / std::promise: when T is Send;
//  * std::lock_guard, std::unique_lock, std::shared_lock, std::scoped_lock, and
//    every fearless guard: neither (a lock must be released by the thread that
//    took it); fearless::Rc / RcWeak: neither; fearless::sync::Arc<T> / Weak<T>:
//    Send and Sync when T is Send and Sync; Mutex<T>: Send and Sync when T is
//    Send; RwLock<T>, OnceLock<T>: Send when T is Send, Sync when T is Send
//    and Sync; channel ends: Send and Sync when the message type is Send,
//    except mpsc::Receiver, which is never Sync;
//  * any other class type: Send and Sync unless it says otherwise. C++ cannot
//    walk a class's members the way Rust's auto traits do, so a class holding
//    a raw pointer, an Rc or a guard must opt out itself (below).
//
// Opting in or out — three ways, from most to least general:
//  1. Specialise the trait (works for types you do not own, and for whole
//     templates by partial specialisation):
//       template <> struct fearless::send_trait<MyHandle> : std::false_type {};
//       template <class T> struct fearless::sync_trait<MyCell<T>> : std::false_type {};
//  2. Declare it in the class (inherited by derived classes):
//       struct MyCell { using fearless_sync = std::false_type; ... };
//       struct MyBox  { using fearless_send = std::bool_constant<fearless::Send<T>>; ... };
//  3. Derive from a tag: `struct Widget : fearless::NotSend, fearless::NotSync`.
// A specialisation wins over an in-class declaration. Saying Send/Sync for a
// type that is not is the C++ counterpart of Rust's `unsafe impl Send`: the
// library trusts it.
//
// What cannot be checked: a lambda's captures. `spawn([rc] { ... })` compiles
// even though `rc` is an Rc, because a closure type does not list what it
// captured. Pass such values as arguments instead — the form std::thread takes
// — and they are checked: `spawn([](Rc<int> r) { ... }, rc)` is rejected.
#pragma once
#include <array>
#include <cstddef>
#include <deque>
#include <forward_list>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <shared_mutex>
#include <initializer_list>
#include <span>
#include <stack>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace fearless {

// Customisation points: specialise (fully or partially) to opt a type in or
// out; `value` is what Send<T> / Sync<T> report for cv-unqualified T.
template <class T>
struct send_trait;
template <class T>
struct sync_trait;

namespace detail::marker {
template <class T>
constexpr bool send_v() noexcept;
template <class T>
constexpr bool sync_v() noexcept;
}  // namespace detail::marker

// T may be moved to another thread. See the top of this file for the rules.
template <class T>
concept Send = detail::marker::send_v<T>();

// A `const T&` may be shared between threads (used from several at once).
template <class T>
concept Sync = detail::marker::sync_v<T>();

// Tag bases: derive from them to opt a class out.
struct NotSend {
  using fearless_send = std::false_type;
};
struct NotSync {
  using fearless_sync = std::false_type;
};

// The explicit escape hatch, Rust's `unsafe impl Send`: wraps a value (typically
// a raw pointer) and declares it Send and Sync. The name is meant to stand out
// in review: whoever writes it promises that the value may really be used
// from another thread (e.g. the pointee outlives the thread and accesses are
// synchronised by other means).
//   int* p = ...; spawn([](fearless::AssertSend<int*> q) { *q.get() = 1; }, fearless::AssertSend(p));
template <class T>
class AssertSend {
 public:
  // Wraps `v`, vouching that it may cross to another thread.
  constexpr explicit AssertSend(T v) noexcept(std::is_nothrow_move_constructible_v<T>) : v_(std::move(v)) {}
  // The wrapped value (a reference into this wrapper; moved out on an rvalue). O(1).
  [[nodiscard]] constexpr T& get() & noexcept { return v_; }
  [[nodiscard]] constexpr const T& get() const& noexcept { return v_; }
  [[nodiscard]] constexpr T&& get() && noexcept { return std::move(v_); }
  // Consumes the wrapper, giving the value back. O(1).
  [[nodiscard]] constexpr T into_inner() && noexcept(std::is_nothrow_move_constructible_v<T>) {
    return std::move(v_);
  }

 private:
  T v_;
};
// `AssertSend(p)` wraps a copy of p.
template <class T>
AssertSend(T) -> AssertSend<T>;

namespace detail::marker {

template <class T>
struct is_char_like : std::false_type {};
template <>
struct is_char_like<char> : std::true_type {};
template <>
struct is_char_like<wchar_t> : std::true_type {};
template <>
struct is_char_like<char8_t> : std::true_type {};
template <>
struct is_char_like<char16_t> : std::true_type {};
template <>
struct is_char_like<char32_t> : std::true_type {};

template <class T>
concept is_complete = requires { sizeof(T); };
template <class T>
concept declares_send = requires { T::fearless_send::value; };
template <class T>
concept declares_sync = requires { T::fearless_sync::value; };

// The default for a cv-unqualified non-reference type without a specialisation.
template <class T>
constexpr bool default_send() noexcept {
  if constexpr (std::is_pointer_v<T>) {
    using P = std::remove_pointer_t<T>;
    if constexpr (std::is_function_v<P>) return true;
    else return std::is_const_v<P> && is_char_like<std::remove_cv_t<P>>::value;
  } else if constexpr (std::is_array_v<T>) {
    return Send<std::remove_extent_t<T>>;
  } else if constexpr (std::is_class_v<T> || std::is_union_v<T>) {
    static_assert(is_complete<T>,
                  "fearless::Send<T>: T is incomplete here; whether it is Send depends on its definition");
    if constexpr (declares_send<T>) return static_cast<bool>(T::fearless_send::value);
    else return true;
  } else {
    // arithmetic, enums, nullptr_t, member pointers, void, functions
    return true;
  }
}

template <class T>
constexpr bool default_sync() noexcept {
  if constexpr (std::is_pointer_v<T>) {
    return default_send<T>();
  } else if constexpr (std::is_array_v<T>) {
    return Sync<std::remove_extent_t<T>>;
  } else if constexpr (std::is_class_v<T> || std::is_union_v<T>) {
    static_assert(is_complete<T>,
                  "fearless::Sync<T>: T is incomplete here; whether it is Sync depends on its definition");
    if constexpr (declares_sync<T>) return static_cast<bool>(T::fearless_sync::value);
    else return true;
  } else {
    return true;
  }
}

template <class T>
concept has_send_trait = requires { send_trait<T>::value; };
template <class T>
concept has_sync_trait = requires { sync_trait<T>::value; };

template <class T>
constexpr bool send_v() noexcept {
  if constexpr (std::is_lvalue_reference_v<T>) {
    using R = std::remove_reference_t<T>;
    // &T is Send iff T is Sync; a mutable C++ reference is shared (copyable),
    // so it needs T to be both.
    if constexpr (std::is_const_v<R>) return sync_v<R>();
    else return sync_v<R>() && send_v<R>();
  } else if constexpr (std::is_rvalue_reference_v<T>) {
    return send_v<std::remove_reference_t<T>>();
  } else {
    using U = std::remove_cv_t<T>;
    if constexpr (has_send_trait<U>) return static_cast<bool>(send_trait<U>::value);
    else return default_send<U>();
  }
}

template <class T>
constexpr bool sync_v() noexcept {
  if constexpr (std::is_reference_v<T>) {
    return sync_v<std::remove_reference_t<T>>();
  } else {
    using U = std::remove_cv_t<T>;
    if constexpr (has_sync_trait<U>) return static_cast<bool>(sync_trait<U>::value);
    else return default_sync<U>();
  }
}

}  // namespace detail::marker

// ---- Rust's rules for standard types ---------------------------------------

// Send and Sync for AssertSend, whatever it wraps (that is its point).
template <class T>
struct send_trait<AssertSend<T>> : std::true_type {};
template <class T>
struct sync_trait<AssertSend<T>> : std::true_type {};

// References held as objects: like `&T` / `&mut T`.
template <class T>
struct send_trait<std::reference_wrapper<T>> : std::bool_constant<Send<T&>> {};
template <class T>
struct sync_trait<std::reference_wrapper<T>> : std::bool_constant<Sync<T>> {};
template <class T, std::size_t N>
struct send_trait<std::span<T, N>> : std::bool_constant<Send<T&>> {};
template <class T, std::size_t N>
struct sync_trait<std::span<T, N>> : std::bool_constant<Sync<T>> {};
template <class T>
struct send_trait<std::initializer_list<T>> : std::bool_constant<Send<const T&>> {};
template <class T>
struct sync_trait<std::initializer_list<T>> : std::bool_constant<Sync<T>> {};

// Owning containers recurse into what they own (Vec<T>, Option<T>, Box<T>, ...).
template <class T, class A>
struct send_trait<std::vector<T, A>> : std::bool_constant<Send<T>> {};
template <class T, class A>
struct sync_trait<std::vector<T, A>> : std::bool_constant<Sync<T>> {};
template <class T, class A>
struct send_trait<std::deque<T, A>> : std::bool_constant<Send<T>> {};
template <class T, class A>
struct sync_trait<std::deque<T, A>> : std::bool_constant<Sync<T>> {};
template <class T, class A>
struct send_trait<std::list<T, A>> : std::bool_constant<Send<T>> {};
template <class T, class A>
struct sync_trait<std::list<T, A>> : std::bool_constant<Sync<T>> {};
template <class T, class A>
struct send_trait<std::forward_list<T, A>> : std::bool_constant<Send<T>> {};
template <class T, class A>
struct sync_trait<std::forward_list<T, A>> : std::bool_constant<Sync<T>> {};
template <class T, std::size_t N>
struct send_trait<std::array<T, N>> : std::bool_constant<Send<T>> {};
template <class T, std::size_t N>
struct sync_trait<std::array<T, N>> : std::bool_constant<Sync<T>> {};
template <class T, class C, class A>
struct send_trait<std::set<T, C, A>> : std::bool_constant<Send<T>> {};
template <class T, class C, class A>
struct sync_trait<std::set<T, C, A>> : std::bool_constant<Sync<T>> {};
template <class T, class C, class A>
struct send_trait<std::multiset<T, C, A>> : std::bool_constant<Send<T>> {};
template <class T, class C, class A>
struct sync_trait<std::multiset<T, C, A>> : std::bool_constant<Sync<T>> {};
template <class K, class V, class C, class A>
struct send_trait<std::map<K, V, C, A>> : std::bool_constant<Send<K> && Send<V>> {};
template <class K, class V, class C, class A>
struct sync_trait<std::map<K, V, C, A>> : std::bool_constant<Sync<K> && Sync<V>> {};
template <class K, class V, class C, class A>
struct send_trait<std::multimap<K, V, C, A>> : std::bool_constant<Send<K> && Send<V>> {};
template <class K, class V, class C, class A>
struct sync_trait<std::multimap<K, V, C, A>> : std::bool_constant<Sync<K> && Sync<V>> {};
template <class T, class H, class E, class A>
struct send_trait<std::unordered_set<T, H, E, A>> : std::bool_constant<Send<T>> {};
template <class T, class H, class E, class A>
struct sync_trait<std::unordered_set<T, H, E, A>> : std::bool_constant<Sync<T>> {};
template <class T, class H, class E, class A>
struct send_trait<std::unordered_multiset<T, H, E, A>> : std::bool_constant<Send<T>> {};
template <class T, class H, class E, class A>
struct sync_trait<std::unordered_multiset<T, H, E, A>> : std::bool_constant<Sync<T>> {};
template <class K, class V, class H, class E, class A>
struct send_trait<std::unordered_map<K, V, H, E, A>> : std::bool_constant<Send<K> && Send<V>> {};
template <class K, class V, class H, class E, class A>
struct sync_trait<std::unordered_map<K, V, H, E, A>> : std::bool_constant<Sync<K> && Sync<V>> {};
template <class K, class V, class H, class E, class A>
struct send_trait<std::unordered_multimap<K, V, H, E, A>> : std::bool_constant<Send<K> && Send<V>> {};
template <class K, class V, class H, class E, class A>
struct sync_trait<std::unordered_multimap<K, V, H, E, A>> : std::bool_constant<Sync<K> && Sync<V>> {};
template <class T, class C>
struct send_trait<std::queue<T, C>> : std::bool_constant<Send<C>> {};
template <class T, class C>
struct sync_trait<std::queue<T, C>> : std::bool_constant<Sync<C>> {};
template <class T, class C>
struct send_trait<std::stack<T, C>> : std::bool_constant<Send<C>> {};
template <class T, class C>
struct sync_trait<std::stack<T, C>> : std::bool_constant<Sync<C>> {};
template <class T, class C, class P>
struct send_trait<std::priority_queue<T, C, P>> : std::bool_constant<Send<C>> {};
template <class T, class C, class P>
struct sync_trait<std::priority_queue<T, C, P>> : std::bool_constant<Sync<C>> {};
template <class T>
struct send_trait<std::optional<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<std::optional<T>> : std::bool_constant<Sync<T>> {};
template <class... Ts>
struct send_trait<std::tuple<Ts...>> : std::bool_constant<(Send<Ts> && ...)> {};
template <class... Ts>
struct sync_trait<std::tuple<Ts...>> : std::bool_constant<(Sync<Ts> && ...)> {};
template <class A, class B>
struct send_trait<std::pair<A, B>> : std::bool_constant<Send<A> && Send<B>> {};
template <class A, class B>
struct sync_trait<std::pair<A, B>> : std::bool_constant<Sync<A> && Sync<B>> {};
template <class... Ts>
struct send_trait<std::variant<Ts...>> : std::bool_constant<(Send<Ts> && ...)> {};
template <class... Ts>
struct sync_trait<std::variant<Ts...>> : std::bool_constant<(Sync<Ts> && ...)> {};
template <class T, class D>
struct send_trait<std::unique_ptr<T, D>> : std::bool_constant<Send<T> && Send<D>> {};
template <class T, class D>
struct sync_trait<std::unique_ptr<T, D>> : std::bool_constant<Sync<T> && Sync<D>> {};

// unique_ptr<T[]>: owns an array of T.
template <class T, class D>
struct send_trait<std::unique_ptr<T[], D>> : std::bool_constant<Send<T> && Send<D>> {};
template <class T, class D>
struct sync_trait<std::unique_ptr<T[], D>> : std::bool_constant<Sync<T> && Sync<D>> {};

// Shared ownership with an atomic count hands out `T&` to every owner: the
// element must be Send (the last owner destroys it, on any thread) and Sync.
template <class T>
struct send_trait<std::shared_ptr<T>> : std::bool_constant<Send<T> && Sync<T>> {};
template <class T>
struct sync_trait<std::shared_ptr<T>> : std::bool_constant<Send<T> && Sync<T>> {};
template <class T>
struct send_trait<std::weak_ptr<T>> : std::bool_constant<Send<T> && Sync<T>> {};
template <class T>
struct sync_trait<std::weak_ptr<T>> : std::bool_constant<Send<T> && Sync<T>> {};

// One-shot result channels.
template <class T>
struct send_trait<std::future<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct send_trait<std::shared_future<T>> : std::bool_constant<Send<T> && Sync<T>> {};
template <class T>
struct sync_trait<std::shared_future<T>> : std::bool_constant<Send<T> && Sync<T>> {};
template <class T>
struct send_trait<std::promise<T>> : std::bool_constant<Send<T>> {};

// Standard lock guards: a lock must be released by the thread that took it.
template <class M>
struct send_trait<std::lock_guard<M>> : std::false_type {};
template <class M>
struct sync_trait<std::lock_guard<M>> : std::false_type {};
template <class M>
struct send_trait<std::unique_lock<M>> : std::false_type {};
template <class M>
struct sync_trait<std::unique_lock<M>> : std::false_type {};
template <class M>
struct send_trait<std::shared_lock<M>> : std::false_type {};
template <class M>
struct sync_trait<std::shared_lock<M>> : std::false_type {};
template <class... Ms>
struct send_trait<std::scoped_lock<Ms...>> : std::false_type {};
template <class... Ms>
struct sync_trait<std::scoped_lock<Ms...>> : std::false_type {};

// ---- Rust's rules for fearless's own types ---------------------------------
// Declared here, next to the rules for standard types, so that they hold in
// every translation unit whatever it includes (marker_test checks each one
// against the real definitions).
template <class T, class E>
class Result;
namespace detail {
template <class U, class R>
class MappedGuard;
}  // namespace detail
namespace sync {
template <class G>
class PoisonError;
template <class G>
class TryLockError;
template <class T>
class Arc;
template <class T>
class Weak;
template <class T>
class Mutex;
template <class T>
class MutexGuard;
template <class T>
class RwLock;
template <class T>
class RwLockReadGuard;
template <class T>
class RwLockWriteGuard;
template <class T>
class OnceLock;
template <class T, class F>
class LazyLock;
namespace nonpoison {
template <class T>
class Mutex;
template <class T>
class MutexGuard;
template <class T>
class RwLock;
template <class T>
class RwLockReadGuard;
template <class T>
class RwLockWriteGuard;
}  // namespace nonpoison
namespace mpsc {
template <class T>
class Sender;
template <class T>
class SyncSender;
template <class T>
class Receiver;
}  // namespace mpsc
namespace mpmc {
template <class T>
class Sender;
template <class T>
class Receiver;
template <class T>
class SendError;
template <class T>
class TrySendError;
template <class T>
class SendTimeoutError;
}  // namespace mpmc
}  // namespace sync

// Values that carry another value: Result<T, E>, the lock errors that carry
// a guard, the send errors that hand the message back.
template <class T, class E>
struct send_trait<Result<T, E>> : std::bool_constant<Send<T> && Send<E>> {};
template <class T, class E>
struct sync_trait<Result<T, E>> : std::bool_constant<Sync<T> && Sync<E>> {};
template <class G>
struct send_trait<sync::PoisonError<G>> : std::bool_constant<Send<G>> {};
template <class G>
struct sync_trait<sync::PoisonError<G>> : std::bool_constant<Sync<G>> {};
template <class G>
struct send_trait<sync::TryLockError<G>> : std::bool_constant<Send<G>> {};
template <class G>
struct sync_trait<sync::TryLockError<G>> : std::bool_constant<Sync<G>> {};
template <class T>
struct send_trait<sync::mpmc::SendError<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::mpmc::SendError<T>> : std::bool_constant<Sync<T>> {};
template <class T>
struct send_trait<sync::mpmc::TrySendError<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::mpmc::TrySendError<T>> : std::bool_constant<Sync<T>> {};
template <class T>
struct send_trait<sync::mpmc::SendTimeoutError<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::mpmc::SendTimeoutError<T>> : std::bool_constant<Sync<T>> {};

// Arc<T> / Weak<T>: every clone may be on another thread, reading the value
// concurrently (Sync) and possibly destroying it (Send).
template <class T>
struct send_trait<sync::Arc<T>> : std::bool_constant<Send<T> && Sync<T>> {};
template <class T>
struct sync_trait<sync::Arc<T>> : std::bool_constant<Send<T> && Sync<T>> {};
template <class T>
struct send_trait<sync::Weak<T>> : std::bool_constant<Send<T> && Sync<T>> {};
template <class T>
struct sync_trait<sync::Weak<T>> : std::bool_constant<Send<T> && Sync<T>> {};

// Mutex<T>: whoever holds the lock gets `T&` on their thread, so sharing the
// Mutex only needs T: Send. RwLock<T>: readers share `const T&` concurrently,
// so it also needs T: Sync. OnceLock/LazyLock: like RwLock (many readers, the
// value set or built on whichever thread comes first).
template <class T>
struct send_trait<sync::Mutex<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::Mutex<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct send_trait<sync::nonpoison::Mutex<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::nonpoison::Mutex<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct send_trait<sync::RwLock<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::RwLock<T>> : std::bool_constant<Send<T> && Sync<T>> {};
template <class T>
struct send_trait<sync::nonpoison::RwLock<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::nonpoison::RwLock<T>> : std::bool_constant<Send<T> && Sync<T>> {};
template <class T>
struct send_trait<sync::OnceLock<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::OnceLock<T>> : std::bool_constant<Send<T> && Sync<T>> {};
template <class T, class F>
struct send_trait<sync::LazyLock<T, F>> : std::bool_constant<Send<T> && Send<F>> {};
template <class T, class F>
struct sync_trait<sync::LazyLock<T, F>> : std::bool_constant<Send<T> && Sync<T> && Send<F>> {};

// Guards: neither. A lock must be released by the thread that took it (and
// a guard shared by reference would hand out `T&` to several threads).
template <class T>
struct send_trait<sync::MutexGuard<T>> : std::false_type {};
template <class T>
struct sync_trait<sync::MutexGuard<T>> : std::false_type {};
template <class T>
struct send_trait<sync::RwLockReadGuard<T>> : std::false_type {};
template <class T>
struct sync_trait<sync::RwLockReadGuard<T>> : std::false_type {};
template <class T>
struct send_trait<sync::RwLockWriteGuard<T>> : std::false_type {};
template <class T>
struct sync_trait<sync::RwLockWriteGuard<T>> : std::false_type {};
template <class T>
struct send_trait<sync::nonpoison::MutexGuard<T>> : std::false_type {};
template <class T>
struct sync_trait<sync::nonpoison::MutexGuard<T>> : std::false_type {};
template <class T>
struct send_trait<sync::nonpoison::RwLockReadGuard<T>> : std::false_type {};
template <class T>
struct sync_trait<sync::nonpoison::RwLockReadGuard<T>> : std::false_type {};
template <class T>
struct send_trait<sync::nonpoison::RwLockWriteGuard<T>> : std::false_type {};
template <class T>
struct sync_trait<sync::nonpoison::RwLockWriteGuard<T>> : std::false_type {};
// The mapped guards (MappedMutexGuard, MappedRwLock{Read,Write}Guard, both
// families) for the same reasons.
template <class U, class R>
struct send_trait<detail::MappedGuard<U, R>> : std::false_type {};
template <class U, class R>
struct sync_trait<detail::MappedGuard<U, R>> : std::false_type {};

// Channel ends (Rust's std::sync::mpsc and crossbeam-channel): Send and Sync
// when the message is Send, except mpsc::Receiver, which is never Sync (one
// consumer; clone an mpmc::Receiver to share the receiving side).
template <class T>
struct send_trait<sync::mpsc::Sender<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::mpsc::Sender<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct send_trait<sync::mpsc::SyncSender<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::mpsc::SyncSender<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct send_trait<sync::mpsc::Receiver<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::mpsc::Receiver<T>> : std::false_type {};
template <class T>
struct send_trait<sync::mpmc::Sender<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::mpmc::Sender<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct send_trait<sync::mpmc::Receiver<T>> : std::bool_constant<Send<T>> {};
template <class T>
struct sync_trait<sync::mpmc::Receiver<T>> : std::bool_constant<Send<T>> {};

}  // namespace fearless
