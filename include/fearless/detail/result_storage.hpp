// Internal: what a Result<T, E> keeps its value or error in.
//
// The general case is a tagged union (std::variant<V, E>).
//
// The special case is an error type that always carries a value of the Ok type
// — PoisonError<G> holds the very guard an Ok would hold. Such an E opts in by
// declaring `using shared_ok_payload = V;` and the accessors below; the Result
// then stores one E and a flag, and both sides are views of the same bytes.
// Why bother: `m.lock().unwrap()` is the hottest path in the library, and with
// a variant the compiler could not keep the guard in registers (the variant's
// out-of-line reset in exception cleanups takes its address), so every lock
// paid a round trip of the guard through the stack. It also lets lock() pick
// Ok or Err with a flag instead of a branch that builds two different objects.
#pragma once
#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "fearless/detail/config.hpp"
#include "fearless/panic.hpp"

namespace fearless::detail {

// E always carries a V, reachable as `e.get_mut()` / `e.get_ref()` and built
// in place by `E(std::in_place, args...)`, and its description does not depend
// on its state (`E::static_description()`).
template <class V, class E>
concept SharesOkPayload = requires(E& e, const E& ce) {
  typename E::shared_ok_payload;
  requires std::same_as<typename E::shared_ok_payload, V>;
  { e.get_mut() } -> std::same_as<V&>;
  { ce.get_ref() } -> std::same_as<const V&>;
  { E::static_description() } -> std::convertible_to<std::string_view>;
  requires std::constructible_from<E, std::in_place_t, V&&>;
};

// Builds a shared-payload Result whose side is chosen at run time.
struct SharedPayloadTag {
  explicit SharedPayloadTag() = default;
};
inline constexpr SharedPayloadTag shared_payload{};

// A Result with neither side: an assignment that changed its side threw
// while making the new one (std::variant's valueless_by_exception; possible
// only when T's or E's copy or move constructor throws). is_ok() and is_err()
// are then both false, assigning or destroying it is fine, and every other
// use panics here instead of reading a side that is not there (from a
// noexcept member such as as_ref(), that ends the program).
[[noreturn]] FEARLESS_COLD inline void valueless_result() {
  throw Panic("a Result was used after an assignment to it threw: it holds neither a value nor an error");
}

// The general storage: a tagged union. The library calls get<I> only for the
// active side, so the one case where it finds none is the valueless one.
template <class V, class E>
class ResultStorage {
 public:
  template <std::size_t I, class... A>
  constexpr explicit ResultStorage(std::in_place_index_t<I> i, A&&... a) : v_(i, std::forward<A>(a)...) {}

  [[nodiscard]] constexpr std::size_t index() const noexcept { return v_.index(); }
  template <std::size_t I>
  [[nodiscard]] constexpr auto& get() & {
    auto* p = std::get_if<I>(&v_);
    if (FEARLESS_UNLIKELY(p == nullptr)) valueless_result();
    return *p;
  }
  template <std::size_t I>
  [[nodiscard]] constexpr const auto& get() const& {
    const auto* p = std::get_if<I>(&v_);
    if (FEARLESS_UNLIKELY(p == nullptr)) valueless_result();
    return *p;
  }

  friend constexpr bool operator==(const ResultStorage& a, const ResultStorage& b)
    requires std::equality_comparable<V> && std::equality_comparable<E>
  {
    return a.v_ == b.v_;
  }

 private:
  std::variant<V, E> v_;
};

// The shared storage: one E (which holds the V) and which side it stands for.
template <class V, class E>
  requires SharesOkPayload<V, E>
class ResultStorage<V, E> {
 public:
  template <class... A>
  constexpr explicit ResultStorage(std::in_place_index_t<0>, A&&... a)
      : e_(std::in_place, std::forward<A>(a)...), err_(false) {}
  template <class... A>
  constexpr explicit ResultStorage(std::in_place_index_t<1>, A&&... a) : e_(std::forward<A>(a)...), err_(true) {}
  template <class... A>
  constexpr ResultStorage(SharedPayloadTag, bool err, A&&... a) : e_(std::in_place, std::forward<A>(a)...), err_(err) {}
  ResultStorage(ResultStorage&&) = default;
  ResultStorage(const ResultStorage&) = default;
  ResultStorage& operator=(ResultStorage&&) = default;
  ResultStorage& operator=(const ResultStorage&) = default;
  // Inlined even in exception cleanups: an out-of-line call would take the
  // storage's address and keep it in memory.
  FEARLESS_ALWAYS_INLINE ~ResultStorage() = default;

  [[nodiscard]] constexpr std::size_t index() const noexcept { return err_ ? 1 : 0; }
  template <std::size_t I>
  [[nodiscard]] constexpr auto& get() & noexcept {
    if constexpr (I == 0) return e_.get_mut();
    else return e_;
  }
  template <std::size_t I>
  [[nodiscard]] constexpr const auto& get() const& noexcept {
    if constexpr (I == 0) return e_.get_ref();
    else return e_;
  }

  friend constexpr bool operator==(const ResultStorage& a, const ResultStorage& b)
    requires std::equality_comparable<V> && std::equality_comparable<E>
  {
    if (a.err_ != b.err_) return false;
    return a.err_ ? a.e_ == b.e_ : a.e_.get_ref() == b.e_.get_ref();
  }

 private:
  E e_;
  bool err_;
};

}  // namespace fearless::detail
