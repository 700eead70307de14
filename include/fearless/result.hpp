// fearless/result.hpp — Result<T, E>: errors as values, with Rust's vocabulary.
//
//   fearless::Result<int, std::string> parse(std::string_view s);
//   auto r = parse("42");
//   if (r.is_ok()) use(r.unwrap());
//   int v = parse("x").unwrap_or(0);
//
// Build one with `fearless::Ok(value)` / `fearless::Ok()` (for Result<void, E>)
// and `fearless::Err(error)`. A Result is [[nodiscard]]: dropping one unread is
// a compiler warning. `unwrap`/`expect` on the wrong variant panic (throw
// fearless::Panic) with the error's description; when the error is a
// PanicPayload (from JoinHandle::join), `unwrap` instead rethrows the original
// exception, so a worker's panic resumes in the joining thread.
//
// Access: `unwrap()` on an rvalue moves the value out (move-only payloads work:
// `std::move(r).unwrap()` or `f().unwrap()`); on an lvalue it returns a reference.
// Every combinator also works on a (const) lvalue when T and E are copyable: it
// then works on a copy, as calling it on a Rust `Copy` Result does.
//
// Ordering and hashing are Rust's derived ones: `<=>` puts every Ok before
// every Err, and std::hash<Result<T, E>> is enabled when both sides hash.
#pragma once
#include <compare>
#include <concepts>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "fearless/detail/config.hpp"
#include "fearless/detail/describe.hpp"
#include "fearless/detail/result_storage.hpp"
#include "fearless/panic.hpp"

namespace fearless {

template <class T, class E>
class Result;

namespace detail {
template <class T>
struct OkTag {
  T value;
};
template <>
struct OkTag<void> {};
template <class E>
struct ErrTag {
  E error;
};
template <class T>
using Slot = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
// `x` as a To by copy-initialisation: compiles only where the conversion is
// implicit (an explicit constructor is never run unasked). To may be void.
template <class To, class From>
constexpr To implicitly(From&& x) {
  if constexpr (std::is_void_v<To>) (void)x;
  else return std::forward<From>(x);
}
template <class R>
struct is_result : std::false_type {};
template <class T, class E>
struct is_result<Result<T, E>> : std::true_type {};
// R is a Result whose error type is E (what flatten() unwraps one level of).
template <class R, class E>
concept result_with_error = is_result<R>::value && std::same_as<typename R::error_type, E>;
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_reference_wrapper : std::false_type {};
template <class T>
struct is_reference_wrapper<std::reference_wrapper<T>> : std::true_type {};

// The standard's synth-three-way (what std::pair and std::tuple compare their
// members with): `<=>` where the type has it, otherwise a weak ordering built
// from `<`. Rust's derived PartialOrd on one payload.
template <class T>
concept synth_three_way_comparable = std::three_way_comparable<T> || requires(const T& a, const T& b) {
  { a < b } -> std::convertible_to<bool>;
  { b < a } -> std::convertible_to<bool>;
};
template <class T>
  requires synth_three_way_comparable<T>
constexpr auto synth_three_way(const T& a, const T& b) {
  if constexpr (std::three_way_comparable<T>) {
    return a <=> b;
  } else {
    if (a < b) return std::weak_ordering::less;
    if (b < a) return std::weak_ordering::greater;
    return std::weak_ordering::equivalent;
  }
}
template <class T>
using synth_three_way_result = decltype(synth_three_way(std::declval<const T&>(), std::declval<const T&>()));

// std::hash<T> is enabled (what std::hash<Result<T, E>> requires of both sides).
template <class T>
concept hashable = requires(const T& v) {
  { std::hash<T>{}(v) } -> std::convertible_to<std::size_t>;
};
// The panic of unwrap/expect on an Err whose description is fixed: out of line
// and taking no pointer to the Result, so the caller's Result can stay in registers.
[[noreturn]] FEARLESS_COLD inline void fail_with_description(std::string_view msg, std::string_view what) {
  std::string m(msg);
  m += ": ";
  m += what;
  throw Panic(std::move(m));
}
}  // namespace detail

// The success side of a Result: `return Ok(v);` converts to any Result<T, E>
// whose T can be built from v.
template <class T>
[[nodiscard]] constexpr detail::OkTag<std::decay_t<T>> Ok(T&& v) {
  return {std::forward<T>(v)};
}
// The success value of a Result<void, E>.
[[nodiscard]] constexpr detail::OkTag<void> Ok() { return {}; }
// The error side of a Result: `return Err(e);`.
template <class E>
[[nodiscard]] constexpr detail::ErrTag<std::decay_t<E>> Err(E&& e) {
  return {std::forward<E>(e)};
}

// Either a value T (Ok) or an error E (Err). T may be void; neither may be a
// reference. Size: max(T, E) plus a discriminant. All operations O(1) except
// those that call user functions.
template <class T, class E>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T> && !std::is_reference_v<E>,
                "Result<T, E>: T and E must be object types (or void for T), not references");
  static_assert(!std::is_void_v<E>, "Result<T, E>: E must not be void");
  using V = detail::Slot<T>;

 public:
  using value_type = T;
  using error_type = E;

  // ---- construction --------------------------------------------------------
  // Ok(u) / Err(g) convert where U (G) converts implicitly to T (E): an
  // explicit constructor is never run unasked (Ok(5) is no
  // Result<std::vector<int>, E>, Ok(raw_pointer) no Result<std::unique_ptr>),
  // the closest C++ comes to Rust's exact types.
  template <class U>
    requires std::convertible_to<U&&, V>
  constexpr Result(detail::OkTag<U>&& ok) : v_(std::in_place_index<0>, std::move(ok.value)) {}
  template <class U>
    requires std::convertible_to<const U&, V>
  constexpr Result(const detail::OkTag<U>& ok) : v_(std::in_place_index<0>, ok.value) {}
  constexpr Result(detail::OkTag<void>)
    requires std::is_void_v<T>
      : v_(std::in_place_index<0>) {}
  template <class G>
    requires std::convertible_to<G&&, E>
  constexpr Result(detail::ErrTag<G>&& err) : v_(std::in_place_index<1>, std::move(err.error)) {}
  template <class G>
    requires std::convertible_to<const G&, E>
  constexpr Result(const detail::ErrTag<G>& err) : v_(std::in_place_index<1>, err.error) {}

  // In-place construction of either side.
  template <class... A>
  constexpr explicit Result(std::in_place_index_t<0>, A&&... a) : v_(std::in_place_index<0>, std::forward<A>(a)...) {}
  template <class... A>
  constexpr explicit Result(std::in_place_index_t<1>, A&&... a) : v_(std::in_place_index<1>, std::forward<A>(a)...) {}
  // Internal (lock()): Ok or Err chosen by `err`, for an E that always carries
  // the Ok value (see detail/result_storage.hpp); a and... build that value.
  template <class... A>
    requires detail::SharesOkPayload<V, E>
  constexpr Result(detail::SharedPayloadTag t, bool err, A&&... a) : v_(t, err, std::forward<A>(a)...) {}

  Result(const Result&) = default;
  Result(Result&&) = default;
  Result& operator=(const Result&) = default;
  Result& operator=(Result&&) = default;
  // Always inlined (it only forwards to the storage's): an out-of-line call in
  // an exception cleanup would take the Result's address and keep a
  // `m.lock().unwrap()` temporary in memory instead of registers.
  FEARLESS_ALWAYS_INLINE ~Result() = default;

  // ---- queries -------------------------------------------------------------
  // True if this holds an Ok value (false for Err and for a valueless Result). O(1).
  [[nodiscard]] constexpr bool is_ok() const noexcept { return v_.index() == 0; }
  // True if this holds an Err value (false for Ok and for a valueless Result). O(1).
  [[nodiscard]] constexpr bool is_err() const noexcept { return v_.index() == 1; }
  // True if Ok and `pred(value)` holds (`pred()` for Result<void, E>). On an
  // rvalue the value is moved into `pred` (Rust's is_ok_and consumes the
  // Result), so a predicate may take a move-only value by value.
  template <class F>
  [[nodiscard]] constexpr bool is_ok_and(F&& pred) const& {
    if (!is_ok()) return false;
    if constexpr (std::is_void_v<T>) return std::invoke(std::forward<F>(pred));
    else return std::invoke(std::forward<F>(pred), v_.template get<0>());
  }
  template <class F>
  [[nodiscard]] constexpr bool is_ok_and(F&& pred) && {
    if (!is_ok()) return false;
    if constexpr (std::is_void_v<T>) return std::invoke(std::forward<F>(pred));
    else return std::invoke(std::forward<F>(pred), std::move(v_.template get<0>()));
  }
  // True if Err and `pred(error)` holds (the error moved into `pred` on an rvalue).
  template <class F>
  [[nodiscard]] constexpr bool is_err_and(F&& pred) const& {
    return is_err() && std::invoke(std::forward<F>(pred), v_.template get<1>());
  }
  template <class F>
  [[nodiscard]] constexpr bool is_err_and(F&& pred) && {
    return is_err() && std::invoke(std::forward<F>(pred), std::move(v_.template get<1>()));
  }

  // ---- extracting the value: panic on Err -----------------------------------
  // The Ok value. On Err: rethrows the original exception if E is PanicPayload,
  // otherwise throws Panic("called `Result::unwrap()` on an `Err` value: <error>").
  constexpr decltype(auto) unwrap() & { check_ok("called `Result::unwrap()` on an `Err` value"); return get_value(*this); }
  constexpr decltype(auto) unwrap() const& { check_ok("called `Result::unwrap()` on an `Err` value"); return get_value(*this); }
  constexpr decltype(auto) unwrap() && { check_ok("called `Result::unwrap()` on an `Err` value"); return take_value(); }
  // A const temporary cannot be moved from: a copy, never a reference into
  // the temporary (which would dangle at the end of the statement).
  constexpr auto unwrap() const&& -> std::conditional_t<std::is_void_v<T>, void, T> {
    check_ok("called `Result::unwrap()` on an `Err` value");
    return get_value(*this);
  }
  // Like unwrap, but the panic message is "<msg>: <error>". A PanicPayload
  // error is still rethrown as the original exception.
  constexpr decltype(auto) expect(std::string_view msg) & { check_ok(msg); return get_value(*this); }
  constexpr decltype(auto) expect(std::string_view msg) const& { check_ok(msg); return get_value(*this); }
  constexpr decltype(auto) expect(std::string_view msg) && { check_ok(msg); return take_value(); }
  constexpr auto expect(std::string_view msg) const&& -> std::conditional_t<std::is_void_v<T>, void, T> {
    check_ok(msg);
    return get_value(*this);
  }

  // The Err value; on Ok, throws Panic("called `Result::unwrap_err()` on an `Ok` value: <value>"),
  // where <value> is `()` for Result<void, E> (Rust's unit). `expect_err(msg)`:
  // the same with the message "<msg>: <value>".
  constexpr E& unwrap_err() & { check_err("called `Result::unwrap_err()` on an `Ok` value"); return v_.template get<1>(); }
  constexpr const E& unwrap_err() const& { check_err("called `Result::unwrap_err()` on an `Ok` value"); return v_.template get<1>(); }
  constexpr E unwrap_err() && { check_err("called `Result::unwrap_err()` on an `Ok` value"); return std::move(v_.template get<1>()); }
  constexpr E& expect_err(std::string_view msg) & { check_err(msg); return v_.template get<1>(); }
  constexpr const E& expect_err(std::string_view msg) const& { check_err(msg); return v_.template get<1>(); }
  constexpr E expect_err(std::string_view msg) && { check_err(msg); return std::move(v_.template get<1>()); }
  // Const temporaries: copies, as unwrap() const&&.
  constexpr E unwrap_err() const&& { check_err("called `Result::unwrap_err()` on an `Ok` value"); return v_.template get<1>(); }
  constexpr E expect_err(std::string_view msg) const&& { check_err(msg); return v_.template get<1>(); }

  // ---- extracting with a fallback -------------------------------------------
  // The value, or `fallback` (which must convert implicitly to T, as Ok(u)).
  template <class U>
    requires(!std::is_void_v<T> && std::convertible_to<U &&, T>)
  constexpr T unwrap_or(U&& fallback) const& {
    if (is_ok()) return v_.template get<0>();
    return std::forward<U>(fallback);
  }
  template <class U>
    requires(!std::is_void_v<T> && std::convertible_to<U &&, T>)
  constexpr T unwrap_or(U&& fallback) && {
    if (is_ok()) return std::move(v_.template get<0>());
    return std::forward<U>(fallback);
  }
  // The value, or `f(error)` (converted implicitly to T).
  template <class F>
    requires(!std::is_void_v<T> && std::convertible_to<std::invoke_result_t<F, const E&>, T>)
  constexpr T unwrap_or_else(F&& f) const& {
    if (is_ok()) return v_.template get<0>();
    return std::invoke(std::forward<F>(f), v_.template get<1>());
  }
  template <class F>
    requires(!std::is_void_v<T> && std::convertible_to<std::invoke_result_t<F, E&&>, T>)
  constexpr T unwrap_or_else(F&& f) && {
    if (is_ok()) return std::move(v_.template get<0>());
    return std::invoke(std::forward<F>(f), std::move(v_.template get<1>()));
  }
  // The value, or T{}.
  constexpr T unwrap_or_default() const&
    requires(!std::is_void_v<T> && std::default_initializable<T>)
  {
    return is_ok() ? v_.template get<0>() : T{};
  }
  constexpr T unwrap_or_default() &&
    requires(!std::is_void_v<T> && std::default_initializable<T>)
  {
    return is_ok() ? std::move(v_.template get<0>()) : T{};
  }
  // Result<void, E>: Rust's `unwrap_or_default()` on a Result<(), E> — nothing
  // to return either way; never panics. O(1).
  constexpr void unwrap_or_default() const& noexcept
    requires std::is_void_v<T>
  {}
  // Result<void, E>: calls f(error) if Err (for its side effect; f returns
  // void, as Rust's closure returns ()); does nothing on Ok. Never panics
  // itself. O(1) plus f.
  template <class F>
    requires std::is_void_v<T>
  constexpr void unwrap_or_else(F&& f) const& {
    static_assert(std::is_void_v<std::invoke_result_t<F, const E&>>, "unwrap_or_else on Result<void, E>: f must return void");
    if (is_err()) std::invoke(std::forward<F>(f), v_.template get<1>());
  }
  template <class F>
    requires std::is_void_v<T>
  constexpr void unwrap_or_else(F&& f) && {
    static_assert(std::is_void_v<std::invoke_result_t<F, E&&>>, "unwrap_or_else on Result<void, E>: f must return void");
    if (is_err()) std::invoke(std::forward<F>(f), std::move(v_.template get<1>()));
  }

  // ---- conversion to optional ------------------------------------------------
  // The Ok value as an optional (std::monostate for Result<void, E>).
  [[nodiscard]] constexpr std::optional<V> ok() const& {
    return is_ok() ? std::optional<V>(v_.template get<0>()) : std::nullopt;
  }
  [[nodiscard]] constexpr std::optional<V> ok() && {
    return is_ok() ? std::optional<V>(std::move(v_.template get<0>())) : std::nullopt;
  }
  // The Err value as an optional.
  [[nodiscard]] constexpr std::optional<E> err() const& {
    return is_err() ? std::optional<E>(v_.template get<1>()) : std::nullopt;
  }
  [[nodiscard]] constexpr std::optional<E> err() && {
    return is_err() ? std::optional<E>(std::move(v_.template get<1>())) : std::nullopt;
  }

  // ---- borrowing ----------------------------------------------------------------
  // Rust's `as_ref()`. A Result cannot hold references, so the borrowed sides
  // are std::reference_wrapper: Result<std::reference_wrapper<const T>,
  // std::reference_wrapper<const E>> (Result<void, std::reference_wrapper<const E>>
  // for void T), referring into *this — valid while *this lives and is not
  // reassigned. `.get()` reads through a wrapper; `copied()`/`cloned()` turn
  // the Ok side back into a value. Deleted on rvalues: the borrow would dangle.
  // Never panics. O(1).
  [[nodiscard]] constexpr auto as_ref() const& noexcept FEARLESS_LIFETIMEBOUND {
    using R = Result<std::conditional_t<std::is_void_v<T>, void, std::reference_wrapper<const V>>,
                     std::reference_wrapper<const E>>;
    if (is_err()) return R(std::in_place_index<1>, v_.template get<1>());
    if constexpr (std::is_void_v<T>) return R(std::in_place_index<0>);
    else return R(std::in_place_index<0>, v_.template get<0>());
  }
  void as_ref() const&& = delete;
  // Rust's `as_mut()`: like as_ref(), with std::reference_wrapper<T> and
  // std::reference_wrapper<E>, through which the value or error can be
  // changed in place. Only on a non-const lvalue. Never panics. O(1).
  [[nodiscard]] constexpr auto as_mut() & noexcept FEARLESS_LIFETIMEBOUND {
    using R = Result<std::conditional_t<std::is_void_v<T>, void, std::reference_wrapper<V>>, std::reference_wrapper<E>>;
    if (is_err()) return R(std::in_place_index<1>, v_.template get<1>());
    if constexpr (std::is_void_v<T>) return R(std::in_place_index<0>);
    else return R(std::in_place_index<0>, v_.template get<0>());
  }
  void as_mut() && = delete;

  // On a Result<std::reference_wrapper<U>, E> (what as_ref()/as_mut() give):
  // Result<U, E> holding a copy of the referred-to value; the error passes
  // through (copied from an lvalue, moved from an rvalue). Rust's `copied()`
  // (for a Copy U) and `cloned()` (for a Clone U) both map to U's copy
  // constructor. Throws only what copying throws. O(1) plus the copy.
  [[nodiscard]] constexpr auto copied() const&
    requires detail::is_reference_wrapper<T>::value
  {
    return Result(*this).copied();
  }
  [[nodiscard]] constexpr auto copied() &&
    requires detail::is_reference_wrapper<T>::value
  {
    using R = Result<std::remove_const_t<typename T::type>, E>;
    if (is_err()) return R(std::in_place_index<1>, std::move(v_.template get<1>()));
    return R(std::in_place_index<0>, v_.template get<0>().get());
  }
  // Same as copied(): C++ has one way to duplicate a value.
  [[nodiscard]] constexpr auto cloned() const&
    requires detail::is_reference_wrapper<T>::value
  {
    return Result(*this).copied();
  }
  [[nodiscard]] constexpr auto cloned() &&
    requires detail::is_reference_wrapper<T>::value
  {
    return std::move(*this).copied();
  }

  // ---- iterating ------------------------------------------------------------------
  // Rust's `iter()`: a range of one element, the Ok value, if Ok, and of none
  // if Err: `for (const T& v : r.iter())`. A std::span<const T> (of
  // std::monostate for Result<void, E>), so size(), empty() and the ranges
  // algorithms work on it. It points into *this: valid while *this lives and
  // holds the same side. Deleted on rvalues (`for (x : f().iter())` would read
  // a destroyed temporary in C++20). Never panics. O(1).
  [[nodiscard]] constexpr std::span<const V> iter() const& noexcept FEARLESS_LIFETIMEBOUND {
    return is_ok() ? std::span<const V>(&v_.template get<0>(), 1) : std::span<const V>();
  }
  void iter() const&& = delete;
  // Rust's `iter_mut()`: iter() with mutable access, `for (T& v : r.iter_mut())`.
  // A std::span<T>. Only on a non-const lvalue. Never panics. O(1).
  [[nodiscard]] constexpr std::span<V> iter_mut() & noexcept FEARLESS_LIFETIMEBOUND {
    return is_ok() ? std::span<V>(&v_.template get<0>(), 1) : std::span<V>();
  }
  void iter_mut() && = delete;

  // ---- reshaping ------------------------------------------------------------------
  // On a Result<Result<U, E>, E>: the inner Result if Ok, otherwise the outer
  // error as a Result<U, E> (Rust's `flatten()`). Removes one level only.
  // Never panics. O(1) plus a move (a copy on an lvalue).
  constexpr T flatten() const&
    requires detail::result_with_error<T, E>
  {
    return Result(*this).flatten();
  }
  constexpr T flatten() &&
    requires detail::result_with_error<T, E>
  {
    if (is_err()) return T(std::in_place_index<1>, std::move(v_.template get<1>()));
    return std::move(v_.template get<0>());
  }
  // On a Result<std::optional<U>, E>: std::optional<Result<U, E>> (Rust's
  // `transpose()`): Ok(nullopt) -> nullopt, Ok(v) -> Ok(v), Err(e) -> Err(e).
  // The reverse is the free function fearless::transpose(std::optional<Result<U, E>>).
  // Never panics. O(1) plus a move (a copy on an lvalue).
  [[nodiscard]] constexpr auto transpose() const&
    requires detail::is_optional<T>::value
  {
    return Result(*this).transpose();
  }
  [[nodiscard]] constexpr auto transpose() &&
    requires detail::is_optional<T>::value
  {
    using R = Result<typename T::value_type, E>;
    if (is_err()) return std::optional<R>(std::in_place, std::in_place_index<1>, std::move(v_.template get<1>()));
    auto& o = v_.template get<0>();
    if (!o.has_value()) return std::optional<R>();
    return std::optional<R>(std::in_place, std::in_place_index<0>, std::move(*o));
  }

  // ---- combinators ------------------------------------------------------------
  // Result<U, E> with f applied to the Ok value (f() for void); an Err passes through.
  template <class F>
  constexpr auto map(F&& f) && {
    using U = decltype(invoke_on_value(std::forward<F>(f), std::move(*this)));
    using R = Result<U, E>;
    if (is_err()) return R(std::in_place_index<1>, std::move(v_.template get<1>()));
    if constexpr (std::is_void_v<U>) {
      invoke_on_value(std::forward<F>(f), std::move(*this));
      return R(std::in_place_index<0>);
    } else {
      return R(std::in_place_index<0>, invoke_on_value(std::forward<F>(f), std::move(*this)));
    }
  }
  template <class F>
  constexpr auto map(F&& f) const& {
    return Result(*this).map(std::forward<F>(f));
  }
  // Result<T, G> with f applied to the Err value; an Ok passes through.
  template <class F>
  constexpr auto map_err(F&& f) && {
    using G = std::invoke_result_t<F, E&&>;
    using R = Result<T, G>;
    if (is_err()) return R(std::in_place_index<1>, std::invoke(std::forward<F>(f), std::move(v_.template get<1>())));
    if constexpr (std::is_void_v<T>) return R(std::in_place_index<0>);
    else return R(std::in_place_index<0>, std::move(v_.template get<0>()));
  }
  template <class F>
  constexpr auto map_err(F&& f) const& {
    return Result(*this).map_err(std::forward<F>(f));
  }
  // f(value) if Ok, where f returns a Result<U, E>; an Err passes through.
  template <class F>
  constexpr auto and_then(F&& f) && {
    using R = decltype(invoke_on_value(std::forward<F>(f), std::move(*this)));
    static_assert(detail::is_result<R>::value, "and_then: f must return a fearless::Result");
    static_assert(std::is_same_v<typename R::error_type, E>, "and_then: f must return the same error type");
    if (is_err()) return R(std::in_place_index<1>, std::move(v_.template get<1>()));
    return invoke_on_value(std::forward<F>(f), std::move(*this));
  }
  template <class F>
  constexpr auto and_then(F&& f) const& {
    return Result(*this).and_then(std::forward<F>(f));
  }
  // Rust's `and` (a C++ keyword, hence the underscore): `res` if Ok, otherwise
  // this Result's error as a Result<U, E>. `res` is evaluated eagerly; use
  // and_then to compute it only on Ok. Never panics. O(1) plus a move (the
  // error is copied on an lvalue).
  template <class U>
  constexpr Result<U, E> and_(Result<U, E> res) && {
    if (is_err()) return Result<U, E>(std::in_place_index<1>, std::move(v_.template get<1>()));
    return res;
  }
  template <class U>
  constexpr Result<U, E> and_(Result<U, E> res) const& {
    return Result(*this).and_(std::move(res));
  }
  // Rust's `or` (a C++ keyword): this Result's value as a Result<T, G> if Ok,
  // otherwise `res`. `res` is evaluated eagerly; use or_else to compute it
  // only on Err. Never panics. O(1) plus a move (a copy on an lvalue).
  template <class G>
  constexpr Result<T, G> or_(Result<T, G> res) && {
    if (is_err()) return res;
    if constexpr (std::is_void_v<T>) return Result<T, G>(std::in_place_index<0>);
    else return Result<T, G>(std::in_place_index<0>, std::move(v_.template get<0>()));
  }
  template <class G>
  constexpr Result<T, G> or_(Result<T, G> res) const& {
    return Result(*this).or_(std::move(res));
  }
  // f(error) if Err, where f returns a Result<T, G>; an Ok passes through.
  template <class F>
  constexpr auto or_else(F&& f) && {
    using R = std::invoke_result_t<F, E&&>;
    static_assert(detail::is_result<R>::value, "or_else: f must return a fearless::Result");
    static_assert(std::is_same_v<typename R::value_type, T>, "or_else: f must return a Result with the same Ok type");
    if (is_err()) return std::invoke(std::forward<F>(f), std::move(v_.template get<1>()));
    if constexpr (std::is_void_v<T>) return R(std::in_place_index<0>);
    else return R(std::in_place_index<0>, std::move(v_.template get<0>()));
  }
  template <class F>
  constexpr auto or_else(F&& f) const& {
    return Result(*this).or_else(std::forward<F>(f));
  }
  // f(value) if Ok, else `fallback`.
  template <class U, class F>
  constexpr auto map_or(U&& fallback, F&& f) && {
    using R = decltype(invoke_on_value(std::forward<F>(f), std::move(*this)));
    static_assert(std::is_void_v<R> || std::convertible_to<U&&, R>,
                  "map_or: the fallback must convert implicitly to what f returns");
    if (is_err()) return detail::implicitly<R>(std::forward<U>(fallback));
    return invoke_on_value(std::forward<F>(f), std::move(*this));
  }
  template <class U, class F>
  constexpr auto map_or(U&& fallback, F&& f) const& {
    return Result(*this).map_or(std::forward<U>(fallback), std::forward<F>(f));
  }
  // f(value) if Ok, else f_err(error): Rust's `map_or_else(default, f)`, with
  // the fallback function receiving the error.
  template <class D, class F>
  constexpr auto map_or_else(D&& fallback, F&& f) && {
    using R = decltype(invoke_on_value(std::forward<F>(f), std::move(*this)));
    static_assert(std::is_void_v<R> || std::convertible_to<std::invoke_result_t<D, E&&>, R>,
                  "map_or_else: what the fallback returns must convert implicitly to what f returns");
    if (is_err()) return detail::implicitly<R>(std::invoke(std::forward<D>(fallback), std::move(v_.template get<1>())));
    return invoke_on_value(std::forward<F>(f), std::move(*this));
  }
  template <class D, class F>
  constexpr auto map_or_else(D&& fallback, F&& f) const& {
    return Result(*this).map_or_else(std::forward<D>(fallback), std::forward<F>(f));
  }
  // Calls f(value) if Ok (for its side effect) and returns the Result unchanged
  // (moved into the return value, so chaining on a temporary never dangles).
  template <class F>
  constexpr Result inspect(F&& f) && {
    if (is_ok()) {
      if constexpr (std::is_void_v<T>) std::invoke(std::forward<F>(f));
      else std::invoke(std::forward<F>(f), std::as_const(v_.template get<0>()));
    }
    return std::move(*this);
  }
  // On an lvalue: f sees a copy's value, and the copy is returned.
  template <class F>
  constexpr Result inspect(F&& f) const& {
    return Result(*this).inspect(std::forward<F>(f));
  }
  // Calls f(error) if Err and returns the Result unchanged.
  template <class F>
  constexpr Result inspect_err(F&& f) && {
    if (is_err()) std::invoke(std::forward<F>(f), std::as_const(v_.template get<1>()));
    return std::move(*this);
  }
  template <class F>
  constexpr Result inspect_err(F&& f) const& {
    return Result(*this).inspect_err(std::forward<F>(f));
  }

  // Equality: same variant and equal payloads.
  friend constexpr bool operator==(const Result& a, const Result& b)
    requires std::equality_comparable<V> && std::equality_comparable<E>
  {
    return a.v_ == b.v_;
  }
  // Ordering as Rust derives it: every Ok is less than every Err; two Oks
  // compare their values and two Errs their errors, with `<=>`, or for a type
  // that only has `<` a std::weak_ordering built from it (synth-three-way, as
  // std::pair does). All Oks of a Result<void, E> are equal. The result is the
  // weaker of the two sides' categories. Throws only what the payloads'
  // comparison throws. O(1) plus that comparison.
  friend constexpr auto operator<=>(const Result& a, const Result& b)
    requires detail::synth_three_way_comparable<V> && detail::synth_three_way_comparable<E>
  {
    using Cat =
        std::common_comparison_category_t<detail::synth_three_way_result<V>, detail::synth_three_way_result<E>>;
    if (a.is_ok() != b.is_ok()) return a.is_ok() ? Cat(std::strong_ordering::less) : Cat(std::strong_ordering::greater);
    if (a.is_ok()) return Cat(detail::synth_three_way(a.v_.template get<0>(), b.v_.template get<0>()));
    return Cat(detail::synth_three_way(a.v_.template get<1>(), b.v_.template get<1>()));
  }
  // `r == Ok(v)`, `r == Ok()`, `r == Err(e)`: compare without building a
  // Result (exact matches, so C++20's reversed candidates are not ambiguous).
  template <class U>
    requires(!std::is_void_v<T> && !std::is_void_v<U> &&
             requires(const V& x, const U& y) { { x == y } -> std::convertible_to<bool>; })
  friend constexpr bool operator==(const Result& a, const detail::OkTag<U>& b) {
    return a.is_ok() && a.v_.template get<0>() == b.value;
  }
  friend constexpr bool operator==(const Result& a, const detail::OkTag<void>&)
    requires std::is_void_v<T>
  {
    return a.is_ok();
  }
  template <class G>
    requires requires(const E& x, const G& y) { { x == y } -> std::convertible_to<bool>; }
  friend constexpr bool operator==(const Result& a, const detail::ErrTag<G>& b) {
    return a.is_err() && a.v_.template get<1>() == b.error;
  }

 private:
  template <class R>
  static constexpr decltype(auto) get_value(R& self) {
    if constexpr (std::is_void_v<T>) return;
    else return (self.v_.template get<0>());
  }
  constexpr auto take_value() -> std::conditional_t<std::is_void_v<T>, void, T> {
    if constexpr (std::is_void_v<T>) return;
    else return std::move(v_.template get<0>());
  }
  template <class F>
  static constexpr decltype(auto) invoke_on_value(F&& f, Result&& self) {
    if constexpr (std::is_void_v<T>) return std::invoke(std::forward<F>(f));
    else return std::invoke(std::forward<F>(f), std::move(self.v_.template get<0>()));
  }

  constexpr void check_ok(std::string_view msg) const {
    if (FEARLESS_LIKELY(is_ok())) return;
    if constexpr (detail::SharesOkPayload<V, E>) detail::fail_with_description(msg, E::static_description());
    else fail_ok(msg);
  }
  constexpr void check_err(std::string_view msg) const {
    if (FEARLESS_LIKELY(is_err())) return;
    fail_err(msg);
  }
  // The panics, out of line and cold: inlined, building the message grew the
  // caller's hot loop (a channel receive loop measured 15-20% slower).
  [[noreturn]] FEARLESS_COLD void fail_err(std::string_view msg) const {
    std::string m(msg);
    m += ": ";
    if constexpr (std::is_void_v<T>) m += "()";  // Rust's Debug of the unit value
    else m += detail::describe(v_.template get<0>());
    throw Panic(std::move(m));
  }
  [[noreturn]] FEARLESS_COLD void fail_ok(std::string_view msg) const {
    if constexpr (std::is_same_v<E, PanicPayload>) {
      v_.template get<1>().resume();
    } else {
      std::string m(msg);
      m += ": ";
      m += detail::describe(v_.template get<1>());
      throw Panic(std::move(m));
    }
  }

  detail::ResultStorage<V, E> v_;
};

// Rust's `Option<Result<T, E>>::transpose()`: std::nullopt -> Ok(std::nullopt),
// Ok(v) -> Ok(v) (as an engaged optional), Err(e) -> Err(e). T may not be void
// (there is no std::optional<void>). The reverse of Result::transpose(); this
// overload is found by argument-dependent lookup: `transpose(opt)`.
// Never panics. O(1) plus a move.
template <class T, class E>
  requires(!std::is_void_v<T>)
[[nodiscard]] constexpr Result<std::optional<T>, E> transpose(std::optional<Result<T, E>> o) {
  using R = Result<std::optional<T>, E>;
  if (!o.has_value()) return R(std::in_place_index<0>, std::nullopt);
  if (o->is_err()) return R(std::in_place_index<1>, std::move(*o).unwrap_err());
  return R(std::in_place_index<0>, std::in_place, std::move(*o).unwrap());
}
// `r.transpose()` as a free function, for symmetry with the overload above.
template <class T, class E>
[[nodiscard]] constexpr std::optional<Result<T, E>> transpose(Result<std::optional<T>, E> r) {
  return std::move(r).transpose();
}

}  // namespace fearless

// Hashing as Rust's derived Hash: the side and its payload (std::monostate for
// Result<void, E>), so equal Results hash equal and Ok(x) and Err(x) usually
// differ. Enabled when std::hash is enabled for both sides. O(1) plus the
// payload's hash.
namespace std {
template <class T, class E>
  requires fearless::detail::hashable<fearless::detail::Slot<T>> && fearless::detail::hashable<E>
struct hash<fearless::Result<T, E>> {
  using V = fearless::detail::Slot<T>;
  // Hashes the side and its value: Ok(x) and Err(x) hash differently.
  [[nodiscard]] std::size_t operator()(const fearless::Result<T, E>& r) const
      noexcept(noexcept(std::hash<V>{}(std::declval<const V&>())) && noexcept(std::hash<E>{}(std::declval<const E&>()))) {
    std::size_t h = 0;
    std::size_t side = 0;
    if (r.is_err()) {
      h = std::hash<E>{}(r.unwrap_err());
      side = 1;
    } else if constexpr (std::is_void_v<T>) {
      h = std::hash<V>{}(V{});
    } else {
      h = std::hash<V>{}(r.unwrap());
    }
    // boost::hash_combine of the side with the payload's hash.
    return side ^ (h + static_cast<std::size_t>(0x9e3779b97f4a7c15ull) + (side << 6) + (side >> 2));
  }
};
}  // namespace std
