// fearless/sync/lazy_lock.hpp — LazyLock<T, F>: a value computed by F on first
// use, exactly once, then shared (Rust's std::sync::LazyLock).
//
//   static const fearless::sync::LazyLock<std::vector<int>> primes([] { return sieve(1000); });
//   use(primes->size());   // the first access runs the lambda; racing threads wait for it
//
// F defaults to a function pointer (so a captureless lambda works, as in Rust);
// `LazyLock lazy([&] { ... })` deduces both T and F. `LazyLock<T> lazy;`
// builds T{} on first use (Rust's `impl<T: Default> Default for LazyLock<T>`).
//
// `*lazy` and `lazy->` are read-only, const or not (Rust's Deref). Writing
// takes an explicit `LazyLock::force_mut(lazy)` or `LazyLock::get_mut(lazy)`
// (Rust's force_mut/get_mut; its DerefMut). Rust grants those only with
// `&mut LazyLock`, i.e. when nobody else can reach the value; C++ cannot check
// that, so the mutable path is never implicit: a LazyLock that threads share
// cannot be written by a stray `*lazy = v` or `lazy->push_back(x)` (a compile
// error), and declaring it const rules out force_mut/get_mut as well.
//
// Poisoning, as in Rust: if the initializer throws, the exception reaches the
// thread that triggered it and the LazyLock is poisoned; every later access
// (and every thread waiting for that initialization) panics with
// "LazyLock instance has previously been poisoned". The initializer is
// consumed (destroyed) by the attempt either way.
//
// Movable (Rust moves a LazyLock like any value), not copyable: the new
// LazyLock takes the value, or the initializer not yet run, or the poison;
// forcing the moved-from one panics with "use of a moved-from LazyLock".
#pragma once
#include <concepts>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

#include "fearless/detail/config.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/once.hpp"

namespace fearless::sync {

// A T built by F on first access, exactly once across threads, then shared
// read-only. Holds F until then and T afterwards in the same storage. Not
// copyable; all const members are thread-safe; force_mut and get_mut assume
// exclusive use.
//
// Move contract (exclusive use of the source, as for moving any C++ object):
// an initialised source's value is moved into the new LazyLock; an
// uninitialised one's initializer is moved instead (it still runs exactly
// once, on the new LazyLock's first access); a poisoned one's new LazyLock is
// poisoned too. The source holds nothing afterwards: forcing it (*, ->,
// force, force_mut) or into_inner panics with "use of a moved-from LazyLock",
// get/get_mut return nullptr, and assigning a LazyLock to it makes it usable
// again. A source whose initializer is running (in another thread, or in this
// one when moved from inside it) panics with "cannot move a LazyLock while it
// is being initialized" and is left as it was. If moving T or F throws, the
// source is left as it was. Move assignment needs exclusive use of the target
// as well ("cannot assign to a LazyLock while ..."): its value or initializer
// is destroyed first, and if moving T or F then throws it is left poisoned.
template <class T, class F = T (*)()>
class LazyLock {
 public:
  using value_type = T;

  // Holds `f` until the first access. constexpr, like Rust's `const fn new`:
  // `constinit LazyLock<T> lazy(fn);` needs no dynamic initialisation.
  constexpr explicit LazyLock(F f) noexcept(std::is_nothrow_move_constructible_v<F>) : s_(std::move(f)) {}
  // A lazy T{}: the initializer is a function returning T{} (Rust's
  // `impl<T: Default> Default for LazyLock<T>`, "using Default as the
  // initializing function"). Only for the default F = T(*)(), as in Rust.
  // constexpr: `constinit LazyLock<int> zero;` works. Nothing runs until the
  // first access, which then behaves exactly as with any other initializer.
  constexpr LazyLock() noexcept
    requires std::same_as<F, T (*)()> && std::default_initializable<T>
      : s_(&default_value) {}
  LazyLock(const LazyLock&) = delete;
  LazyLock& operator=(const LazyLock&) = delete;
  // Takes `o`'s value, initializer or poison; see the class comment.
  LazyLock(LazyLock&& o) requires std::move_constructible<T> && std::move_constructible<F> {
    take_from(o, o.once_.outcome_for_move(kMove));
  }
  // As the move constructor, into this unused LazyLock. Self-assignment does nothing.
  LazyLock& operator=(LazyLock&& o) requires std::move_constructible<T> && std::move_constructible<F> {
    if (this != &o) {
      const Once::Outcome from = o.once_.outcome_for_move(kMove);
      const Once::Outcome old = once_.outcome_for_move(kAssign);
      if (old == Once::Outcome::complete) {
        s_.value.~T();
      } else if (old == Once::Outcome::incomplete) {
        s_.f.~F();
      }
      // Nothing lives in s_ now: if the move below throws, this stays poisoned.
      once_.set_unshared(Once::Outcome::poisoned);
      take_from(o, from);
    }
    return *this;
  }
  ~LazyLock() {
    if (once_.is_completed()) {
      destroy_value();
    } else if (!poisoned()) {
      s_.f.~F();
    }
  }

  // The value, initialising it on the first call (blocks while another thread
  // initialises). Panics if poisoned, or if forced from inside its own
  // initializer ("LazyLock instance is being initialized reentrantly"; Rust
  // deadlocks or panics), which poisons it. Rust's LazyLock::force.
  // Complexity: one acquire load once initialised.
  static const T& force(const LazyLock& l) { return l.force(); }
  const T& force() const {
    if (FEARLESS_LIKELY(once_.is_completed())) return s_.value;
    force_slow();
    return s_.value;
  }
  // The value, initialising it first if needed (Rust's Deref): as force().
  const T& operator*() const { return force(); }
  const T* operator->() const { return &force(); }

  // Mutable access (Rust's LazyLock::force_mut, what its DerefMut does): the
  // value, initialising it first exactly as force() does (same blocking, same
  // panics when poisoned or forced reentrantly; a throwing initializer
  // poisons it). In Rust's terms the caller has `&mut LazyLock`, exclusive:
  // no other thread may use this LazyLock while the returned reference is in
  // use, so writing through it needs no synchronisation beyond what force()
  // already does. C++ does not enforce that (see the header comment).
  // Complexity: one acquire load once initialised.
  static T& force_mut(LazyLock& l) {
    if (FEARLESS_LIKELY(l.once_.is_completed())) return l.s_.value;
    l.force_slow();
    return l.s_.value;
  }

  // The value if already initialised, else nullptr; never initialises or blocks.
  [[nodiscard]] const T* get() const noexcept { return once_.is_completed() ? &s_.value : nullptr; }
  [[nodiscard]] static const T* get(const LazyLock& l) noexcept { return l.get(); }
  // Mutable access to the value if already initialised, else nullptr (also
  // when poisoned); never initialises or blocks (Rust's LazyLock::get_mut).
  // Exclusive use of `l` is the caller's duty, as for force_mut.
  [[nodiscard]] static T* get_mut(LazyLock& l) noexcept { return l.once_.is_completed() ? &l.s_.value : nullptr; }

  // Consumes the LazyLock: Ok(value) if initialised, else Err(the initializer).
  // Panics if poisoned.
  [[nodiscard]] static Result<T, F> into_inner(LazyLock&& l) {
    if (l.once_.is_completed()) return Result<T, F>(std::in_place_index<0>, std::move(l.s_.value));
    if (l.poisoned()) panic(l.poisoned_message());
    return Result<T, F>(std::in_place_index<1>, std::move(l.s_.f));
  }

 private:
  bool poisoned() const noexcept { return once_.is_poisoned_state(); }
  // A moved-from LazyLock is poisoned underneath (nothing lives in s_); only
  // the message tells the two apart.
  const char* poisoned_message() const noexcept { return once_.is_moved_from_state() ? kMovedFrom : kPoisoned; }
  static T default_value() { return T{}; }

  static constexpr const char* kPoisoned = "LazyLock instance has previously been poisoned";
  static constexpr const char* kMovedFrom = "use of a moved-from LazyLock";
  static constexpr const char* kMove = "cannot move a LazyLock";
  static constexpr const char* kAssign = "cannot assign to a LazyLock";

  // Out of line: inlined into the destructor of a LazyLock that g++ 12 can
  // see was never forced (a temporary), the value's destructor draws a false
  // -Wmaybe-uninitialized, which breaks users' -Werror builds.
  FEARLESS_NOINLINE void destroy_value() noexcept { s_.value.~T(); }

  // Moves what the unused `o` holds (`from` says which) into this LazyLock,
  // whose storage is empty, and leaves `o` moved-from. If T's or F's move
  // throws, `o` is unchanged and this LazyLock's state is not touched.
  void take_from(LazyLock& o, Once::Outcome from) {
    switch (from) {
      case Once::Outcome::complete:
        ::new (static_cast<void*>(&s_.value)) T(std::move(o.s_.value));
        o.s_.value.~T();
        break;
      case Once::Outcome::incomplete:
        ::new (static_cast<void*>(&s_.f)) F(std::move(o.s_.f));
        o.s_.f.~F();
        break;
      case Once::Outcome::poisoned:
      case Once::Outcome::moved_from:
        break;
    }
    once_.set_unshared(from);
    o.once_.set_unshared(Once::Outcome::moved_from);
  }

  FEARLESS_NOINLINE void force_slow() const {
    once_.call_inner(
        false,
        [this](const OnceState&) {
        // Take the initializer out first: the value is built in the same storage.
        F f = [this] {
          struct Destroy {
            F* f;
            ~Destroy() { f->~F(); }
          } d{&s_.f};
          return std::move(s_.f);
        }();
        ::new (static_cast<void*>(&s_.value)) T(std::invoke(std::move(f)));
        return true;
        },
        poisoned_message(), "LazyLock instance is being initialized reentrantly");
  }

  union Storage {
    F f;
    T value;
    constexpr explicit Storage(F&& init) noexcept(std::is_nothrow_move_constructible_v<F>) : f(std::move(init)) {}
    Storage() noexcept {}  // neither member alive (a move constructs one in place)
    ~Storage() {}
  };
  mutable Once once_;
  mutable Storage s_;
};

// `LazyLock l([] { return 5; });` is a LazyLock<int, that lambda's type>.
template <class F>
LazyLock(F) -> LazyLock<std::invoke_result_t<F&>, F>;

}  // namespace fearless::sync
