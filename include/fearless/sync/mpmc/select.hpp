// fearless/sync/mpmc/select.hpp — waiting on several channel operations at once.
//
//   mpmc::Select sel;
//   const auto i1 = sel.recv(rx1);
//   const auto i2 = sel.send(tx2);
//   auto oper = sel.select();               // blocks until one can proceed
//   if (oper.index() == i1) v = oper.recv(rx1).unwrap();
//   else if (oper.index() == i2) oper.send(tx2, 42).unwrap();
//
// The convenient form runs the handler of whichever operation completed:
//
//   mpmc::select(mpmc::on_recv(rx1, [](Result<int, RecvError> r) { ... }),
//                mpmc::on_send(tx2, 42, [](Result<void, SendError<int>> r) { ... }),
//                mpmc::on_timeout(100ms, [] { ... }));   // or on_default(f)
//
// When several operations are ready the choice is random, so none starves;
// `Select::biased()` / `select_biased(...)` try them in the order added.
// Operations on a disconnected channel count as ready (completing them gives
// the disconnection error). Works with any mix of flavours, timers, and the
// mpsc endpoints.
#pragma once
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <span>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "fearless/detail/chan/select.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/time.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/mpmc/channel.hpp"
#include "fearless/sync/mpmc/error.hpp"

namespace fearless::sync::mpmc {

// The endpoints Select accepts: mpmc's own here; the mpsc wrappers specialise
// it (in mpsc.hpp) to expose their inner mpmc endpoint. Anything else, or
// the wrong end of a channel, does not compile (crossbeam's Select::send takes
// a &Sender and Select::recv a &Receiver).
template <class E>
struct SelectEndpoint;
template <class T>
struct SelectEndpoint<Sender<T>> {
  // The mpmc endpoint Select works on (the sender itself).
  static const Sender<T>& get(const Sender<T>& e) noexcept { return e; }
};
template <class T>
struct SelectEndpoint<Receiver<T>> {
  // The mpmc endpoint Select works on (the receiver itself).
  static const Receiver<T>& get(const Receiver<T>& e) noexcept { return e; }
};

namespace detail {
template <class X>
inline constexpr bool kIsMpmcSender = false;
template <class T>
inline constexpr bool kIsMpmcSender<Sender<T>> = true;
template <class X>
inline constexpr bool kIsMpmcReceiver = false;
template <class T>
inline constexpr bool kIsMpmcReceiver<Receiver<T>> = true;
struct SelectAccess;
}  // namespace detail

// A receiving end Select can wait on: an mpmc or mpsc Receiver (timers too).
template <class R>
concept SelectableReceiver = requires(const R& r) {
  { SelectEndpoint<R>::get(r) };
} && detail::kIsMpmcReceiver<std::remove_cvref_t<decltype(SelectEndpoint<R>::get(std::declval<const R&>()))>>;
// A sending end Select can wait on: an mpmc Sender, an mpsc Sender or SyncSender.
template <class E>
concept SelectableSender = requires(const E& e) {
  { SelectEndpoint<E>::get(e) };
} && detail::kIsMpmcSender<std::remove_cvref_t<decltype(SelectEndpoint<E>::get(std::declval<const E&>()))>>;

// An operation chosen by Select, which must be completed with recv()/send()
// on the same endpoint that was added (once). Move-only. Destroying it
// uncompleted is a bug that would leave the channel's reserved slot stuck;
// it aborts the program with a message, as Rust's panic-in-drop would.
class SelectedOperation {
 public:
  SelectedOperation(SelectedOperation&& o) noexcept
      : token_(o.token_), index_(o.index_), ptr_(std::exchange(o.ptr_, nullptr)) {}
  SelectedOperation& operator=(SelectedOperation&&) = delete;
  SelectedOperation(const SelectedOperation&) = delete;
  ~SelectedOperation() {
    if (ptr_ != nullptr) {
      std::fputs("fearless: dropped a SelectedOperation without completing the operation\n", stderr);
      std::abort();
    }
  }

  // The index that Select::send/recv returned for the chosen operation.
  [[nodiscard]] std::size_t index() const noexcept { return index_; }

  // Completes a chosen receive: the message, or Err(RecvError) if the channel
  // is disconnected and empty. Panics if `r` is not an endpoint of the
  // channel this operation was added for (the endpoint added, a clone of it
  // or one it was moved into all are; as crossbeam, which compares channel
  // addresses), and if the operation chosen is a send on that channel (the
  // two sides of one channel are told apart, which crossbeam does not do).
  template <SelectableReceiver R>
  auto recv(const R& r) {
    check(SelectEndpoint<R>::get(r).s_, true);
    ptr_ = nullptr;
    return SelectEndpoint<R>::get(r).recv_selected(token_);
  }
  // Completes a chosen send of `msg`: Err(SendError) handing it back if every
  // receiver is gone. Panics if `e` is not an endpoint of the channel this
  // operation was added for, or if the operation chosen is a receive (as recv
  // above). If making the message throws (a
  // copy of `msg`, or the box of a message whose move may throw), the
  // exception leaves the operation unfinished and the reserved slot
  // untouched: complete it with another call, or dropping it aborts.
  template <SelectableSender E, class T>
  auto send(const E& e, T&& msg) {
    check(SelectEndpoint<E>::get(e).s_, false);
    const auto& tx = SelectEndpoint<E>::get(e);
    auto m = tx.prepare_selected(std::forward<T>(msg));
    ptr_ = nullptr;
    return tx.send_selected(token_, m);
  }

 private:
  friend class Select;
  friend struct detail::SelectAccess;
  // The handler form's send: the message was made when its arm was.
  template <class E, class S>
  auto send_prepared(const E& e, S& m) {
    check(SelectEndpoint<E>::get(e).s_, false);
    ptr_ = nullptr;
    return SelectEndpoint<E>::get(e).send_selected(token_, m);
  }
  SelectedOperation(const detail_chan::Selected& s) noexcept : token_(s.token), index_(s.index), ptr_(s.handle) {}
  // `s`: the shared block of the endpoint passed to recv (`recv`) or send.
  // Completing the other side of the chosen channel would run that side's
  // protocol on a slot reserved for this one (a message nobody sent, a lost
  // one, or a wait that never ends): it panics before touching the channel.
  template <class Shared>
  void check(const Shared* s, bool recv) const {
    const detail_chan::SelectHandle* mine = s == nullptr ? nullptr : recv ? s->rx_handle : s->tx_handle;
    if (FEARLESS_LIKELY(ptr_ != nullptr && mine == ptr_)) return;
    const detail_chan::SelectHandle* other = s == nullptr ? nullptr : recv ? s->tx_handle : s->rx_handle;
    refuse(recv, ptr_ == nullptr ? 0 : other != nullptr && other == ptr_ ? 1 : 2);
  }
  // The panics of check(), out of the completion path (no string is built
  // unless one is thrown).
  [[noreturn]] FEARLESS_NOINLINE static void refuse(bool recv, int why) {
    const std::string what = std::string("SelectedOperation::") + (recv ? "recv" : "send");
    if (why == 0) panic(what + ": the operation was already completed");
    if (why == 1)
      panic(what + ": the selected operation is a " + (recv ? "send" : "receive") + " on this channel, not a " +
            (recv ? "receive" : "send"));
    panic(what + ": passed an endpoint that does not match the selected operation");
  }

  detail_chan::Token token_;
  std::size_t index_;
  const detail_chan::SelectHandle* ptr_;  // null once completed
};

namespace detail {
// The handler form's way to the private steps of a select send.
struct SelectAccess {
  template <class U, class M>
  static auto prepare(const Sender<U>& tx, M&& msg) {
    return tx.prepare_selected(std::forward<M>(msg));
  }
  template <class E, class S>
  static auto send_prepared(SelectedOperation& op, const E& e, S& m) {
    return op.send_prepared(e, m);
  }
};

}  // namespace detail

// A set of send and receive operations to wait on. Add operations (each gets
// an index, counting from 0 in the order added), then call one of the
// select* methods (which reserve the chosen operation: complete it with
// SelectedOperation::recv/send) or ready* methods (which only report an index
// that was ready; the actual operation may then still block or fail).
// The endpoints must outlive the Select. A Select may be reused, and copied
// (a copy waits on the same operations, with the same indices). A moved-from
// Select is empty, as a new one (same fairness): its indices start again at 0.
class Select {
 public:
  // No operations yet; fair (a random pick among the ready ones).
  Select() = default;
  Select(const Select&) = default;
  Select& operator=(const Select&) = default;
  // Takes o's operations and indices over, leaving o with none.
  Select(Select&& o) noexcept
      : ops_(std::move(o.ops_)), next_index_(std::exchange(o.next_index_, 0)), biased_(o.biased_) {}
  Select& operator=(Select&& o) noexcept {
    if (this != &o) {
      ops_ = std::move(o.ops_);
      next_index_ = std::exchange(o.next_index_, 0);
      biased_ = o.biased_;
    }
    return *this;
  }
  ~Select() = default;
  // A Select that always prefers the earliest added ready operation.
  [[nodiscard]] static Select biased() {
    Select s;
    s.biased_ = true;
    return s;
  }
  // crossbeam's spelling of biased() (Select::new_biased).
  [[nodiscard]] static Select new_biased() { return biased(); }

  // Adds a receive on `r` (mpmc or mpsc Receiver, timers too); returns its
  // index. Complete it with SelectedOperation::recv on an endpoint of the
  // same channel (usually `r` itself).
  template <SelectableReceiver R>
  std::size_t recv(const R& r) {
    const auto& rx = SelectEndpoint<R>::get(r);
    if (rx.s_ == nullptr) panic("Select::recv: this channel endpoint was moved from");
    return add(rx.s_->rx_handle);
  }
  // Adds a send on `e` (mpmc Sender, mpsc Sender/SyncSender); returns its
  // index. Complete it with SelectedOperation::send(e, msg) on an endpoint of
  // the same channel (usually `e` itself).
  template <SelectableSender E>
  std::size_t send(const E& e) {
    const auto& tx = SelectEndpoint<E>::get(e);
    if (tx.s_ == nullptr) panic("Select::send: this channel endpoint was moved from");
    if (tx.s_->tx_handle == nullptr) panic("Select::send: this channel cannot be sent on");
    return add(tx.s_->tx_handle);
  }
  // Removes the operation with this index (panics if there is none).
  void remove(std::size_t index) {
    for (auto it = ops_.begin(); it != ops_.end(); ++it) {
      if (it->index == index) {
        ops_.erase(it);
        return;
      }
    }
    panic("Select::remove: no operation with index " + std::to_string(index));
  }

  // Blocks until one operation can proceed and reserves it. Panics
  // (fearless::Panic) if no operation was added, as crossbeam's does: it
  // could never return. O(number of operations) per wake-up.
  [[nodiscard]] SelectedOperation select() {
    if (ops_.empty()) panic("Select::select: no operations have been added to the Select");
    return SelectedOperation(*detail_chan::run_select(ops_, false, fearless::detail::kNoDeadline, biased_));
  }
  // Reserves an operation that can proceed now, or Err(TrySelectError).
  // Never blocks. O(number of operations).
  [[nodiscard]] Result<SelectedOperation, TrySelectError> try_select() {
    auto s = detail_chan::run_select(ops_, true, fearless::detail::kNoDeadline, biased_);
    if (!s) return Result<SelectedOperation, TrySelectError>(std::in_place_index<1>);
    return Result<SelectedOperation, TrySelectError>(std::in_place_index<0>, SelectedOperation(*s));
  }
  // Like select(), giving up after `timeout` with Err(SelectTimeoutError)
  // (zero or negative: a try; huge: forever). With no operations it just
  // waits out the timeout, and panics when the timeout is "forever".
  template <class Rep, class Period>
  [[nodiscard]] Result<SelectedOperation, SelectTimeoutError> select_timeout(std::chrono::duration<Rep, Period> timeout) {
    return select_until(fearless::detail::deadline_after(timeout));
  }
  // Like select(), giving up at `deadline` (any clock).
  template <class Clock, class Dur>
  [[nodiscard]] Result<SelectedOperation, SelectTimeoutError> select_deadline(std::chrono::time_point<Clock, Dur> deadline) {
    return select_until(fearless::detail::to_deadline(deadline));
  }

  // Blocks until some operation is ready and returns its index (reserving
  // nothing). Panics if no operation was added, like select().
  [[nodiscard]] std::size_t ready() {
    if (ops_.empty()) panic("Select::ready: no operations have been added to the Select");
    return *detail_chan::run_ready(ops_, false, fearless::detail::kNoDeadline, biased_);
  }
  // The index of an operation ready now, or Err(TryReadyError). Never blocks.
  [[nodiscard]] Result<std::size_t, TryReadyError> try_ready() {
    auto i = detail_chan::run_ready(ops_, true, fearless::detail::kNoDeadline, biased_);
    if (!i) return Result<std::size_t, TryReadyError>(std::in_place_index<1>);
    return Result<std::size_t, TryReadyError>(std::in_place_index<0>, *i);
  }
  // Like ready(), giving up after `timeout` with Err(ReadyTimeoutError)
  // (zero or negative: a try; huge: forever).
  template <class Rep, class Period>
  [[nodiscard]] Result<std::size_t, ReadyTimeoutError> ready_timeout(std::chrono::duration<Rep, Period> timeout) {
    return ready_until(fearless::detail::deadline_after(timeout));
  }
  // Like ready(), giving up at `deadline` (any clock).
  template <class Clock, class Dur>
  [[nodiscard]] Result<std::size_t, ReadyTimeoutError> ready_deadline(std::chrono::time_point<Clock, Dur> deadline) {
    return ready_until(fearless::detail::to_deadline(deadline));
  }

 private:
  std::size_t add(detail_chan::SelectHandle* h) {
    const std::size_t i = next_index_++;
    ops_.push_back(detail_chan::SelectOp{h, i});
    return i;
  }
  Result<SelectedOperation, SelectTimeoutError> select_until(fearless::detail::Deadline d) {
    // "Forever" with nothing to wait for could never return (crossbeam's
    // timed forms fall back to select() there, which panics).
    if (ops_.empty() && d == fearless::detail::kNoDeadline)
      panic("Select::select_timeout: no operations have been added to the Select and the timeout never ends");
    const bool now_only = d != fearless::detail::kNoDeadline && d <= fearless::detail::Clock::now();
    auto s = detail_chan::run_select(ops_, now_only, d, biased_);
    if (!s) return Result<SelectedOperation, SelectTimeoutError>(std::in_place_index<1>);
    return Result<SelectedOperation, SelectTimeoutError>(std::in_place_index<0>, SelectedOperation(*s));
  }
  Result<std::size_t, ReadyTimeoutError> ready_until(fearless::detail::Deadline d) {
    if (ops_.empty() && d == fearless::detail::kNoDeadline)  // as in select_until
      panic("Select::ready_timeout: no operations have been added to the Select and the timeout never ends");
    const bool now_only = d != fearless::detail::kNoDeadline && d <= fearless::detail::Clock::now();
    auto i = detail_chan::run_ready(ops_, now_only, d, biased_);
    if (!i) return Result<std::size_t, ReadyTimeoutError>(std::in_place_index<1>);
    return Result<std::size_t, ReadyTimeoutError>(std::in_place_index<0>, *i);
  }

  // A few operations live inline (the common case: no allocation per select).
  // Invariant: big_ is empty (and the n_ operations are in small_) or holds
  // all n_ of them; a move leaves the source with none.
  class Ops {
   public:
    Ops() = default;
    Ops(const Ops&) = default;
    Ops& operator=(const Ops&) = default;
    Ops(Ops&& o) noexcept : small_(o.small_), n_(std::exchange(o.n_, 0)), big_(std::move(o.big_)) { o.big_.clear(); }
    Ops& operator=(Ops&& o) noexcept {
      if (this != &o) {
        small_ = o.small_;
        n_ = std::exchange(o.n_, 0);
        big_ = std::move(o.big_);
        o.big_.clear();
      }
      return *this;
    }
    ~Ops() = default;
    void push_back(const detail_chan::SelectOp& op) {
      if (big_.empty() && n_ < kInline) {
        small_[n_++] = op;
        return;
      }
      if (big_.empty()) big_.assign(small_.begin(), small_.begin() + static_cast<std::ptrdiff_t>(n_));
      big_.push_back(op);
      n_ = big_.size();
    }
    detail_chan::SelectOp* begin() noexcept { return big_.empty() ? small_.data() : big_.data(); }
    detail_chan::SelectOp* end() noexcept { return begin() + n_; }
    void erase(detail_chan::SelectOp* it) noexcept {
      std::move(it + 1, end(), it);
      --n_;
      if (!big_.empty()) big_.pop_back();
    }
    operator std::span<detail_chan::SelectOp>() noexcept { return {begin(), n_}; }
    bool empty() const noexcept { return n_ == 0; }

   private:
    static constexpr std::size_t kInline = 4;
    std::array<detail_chan::SelectOp, kInline> small_{};
    std::size_t n_ = 0;
    std::vector<detail_chan::SelectOp> big_;
  };

  Ops ops_;
  std::size_t next_index_ = 0;
  bool biased_ = false;
};

// ---- the handler form ---------------------------------------------------------

// A receive arm: `f(Result<T, RecvError>)` runs if it completes.
template <class R, class F>
struct RecvArm {
  const R& rx;
  F f;
};
// A send arm: sends `msg` and runs `f(Result<void, SendError<T>>)` if chosen.
template <class E, class T, class F>
struct SendArm {
  const E& tx;
  T msg;
  F f;
};

// A default arm: runs `f()` if no operation is ready now.
template <class F>
struct DefaultArm {
  F f;
};
// A timeout arm: runs `f()` if no operation completes before the deadline.
template <class F>
struct DeadlineArm {
  fearless::detail::Deadline deadline;
  F f;
};

// A receive arm for select(): `f(Result<T, RecvError>)` runs if this receive
// is the one completed. `rx` must outlive the select() call.
template <class R, class F>
[[nodiscard]] RecvArm<R, std::decay_t<F>> on_recv(const R& rx, F&& f) {
  return {rx, std::forward<F>(f)};
}
// A send arm for select(): `msg` is sent only if this arm is chosen, then
// `f(Result<void, SendError<T>>)` runs (the error hands `msg` back). The
// message is made here, in the channel's element type (boxed when its move
// may throw), so that nothing can throw once select() has reserved a slot.
template <SelectableSender E, class T, class F>
[[nodiscard]] auto on_send(const E& tx, T&& msg, F&& f) {
  auto m = detail::SelectAccess::prepare(SelectEndpoint<E>::get(tx), std::forward<T>(msg));
  return SendArm<E, decltype(m), std::decay_t<F>>{tx, std::move(m), std::forward<F>(f)};
}
// Makes select() non-blocking: `f()` runs if no operation is ready now.
template <class F>
[[nodiscard]] DefaultArm<std::decay_t<F>> on_default(F&& f) {
  return {std::forward<F>(f)};
}
// Bounds select()'s wait: `f()` runs if no operation completes within `d`
// (zero or negative: like on_default; huge: forever).
template <class Rep, class Period, class F>
[[nodiscard]] DeadlineArm<std::decay_t<F>> on_timeout(std::chrono::duration<Rep, Period> d, F&& f) {
  return {fearless::detail::deadline_after(d), std::forward<F>(f)};
}
// Like on_timeout(), with an absolute deadline on any clock.
template <class Clock, class Dur, class F>
[[nodiscard]] DeadlineArm<std::decay_t<F>> on_deadline(std::chrono::time_point<Clock, Dur> t, F&& f) {
  return {fearless::detail::to_deadline(t), std::forward<F>(f)};
}

namespace detail {
template <class A>
struct ArmTraits {
  static constexpr bool op = false;
};
template <class R, class F>
struct ArmTraits<RecvArm<R, F>> {
  static constexpr bool op = true;
};
template <class E, class T, class F>
struct ArmTraits<SendArm<E, T, F>> {
  static constexpr bool op = true;
};
template <class A>
inline constexpr bool kIsDefault = false;
template <class F>
inline constexpr bool kIsDefault<DefaultArm<F>> = true;
template <class A>
inline constexpr bool kIsDeadline = false;
template <class F>
inline constexpr bool kIsDeadline<DeadlineArm<F>> = true;

template <class R, class F>
void add_arm(Select& s, RecvArm<R, F>& a) {
  s.recv(a.rx);
}
template <class E, class T, class F>
void add_arm(Select& s, SendArm<E, T, F>& a) {
  s.send(a.tx);
}
template <class F>
void add_arm(Select&, DefaultArm<F>&) {}
template <class F>
void add_arm(Select&, DeadlineArm<F>&) {}

template <class R, class F>
decltype(auto) run_arm(SelectedOperation& op, RecvArm<R, F>& a) {
  return a.f(op.recv(a.rx));
}
template <class E, class T, class F>
decltype(auto) run_arm(SelectedOperation& op, SendArm<E, T, F>& a) {
  return a.f(SelectAccess::send_prepared(op, a.tx, a.msg));
}

template <class A>
using Arm = std::remove_cvref_t<A>;

// The Select index of arm I: how many operation arms come before it.
template <class Tuple, std::size_t I>
constexpr std::size_t op_index() {
  std::size_t n = 0;
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    ((n += ArmTraits<Arm<std::tuple_element_t<J, Tuple>>>::op ? 1 : 0), ...);
  }(std::make_index_sequence<I>{});
  return n;
}

template <class A>
struct ArmResult;
template <class R, class F>
struct ArmResult<RecvArm<R, F>> {
  using type = std::invoke_result_t<F&, decltype(std::declval<SelectedOperation&>().recv(std::declval<const R&>()))>;
};
template <class E, class T, class F>
struct ArmResult<SendArm<E, T, F>> {
  using type = std::invoke_result_t<F&, decltype(SelectAccess::send_prepared(std::declval<SelectedOperation&>(),
                                                                               std::declval<const E&>(), std::declval<T&>()))>;
};
template <class F>
struct ArmResult<DefaultArm<F>> {
  using type = std::invoke_result_t<F&>;
};
template <class F>
struct ArmResult<DeadlineArm<F>> {
  using type = std::invoke_result_t<F&>;
};

template <class Ret, std::size_t I, class Tuple>
Ret dispatch(SelectedOperation& op, Tuple& arms) {
  if constexpr (I == std::tuple_size_v<Tuple>) {
    std::abort();  // unreachable: the chosen index belongs to one of the arms
  } else {
    if constexpr (ArmTraits<Arm<std::tuple_element_t<I, Tuple>>>::op) {
      if (op.index() == op_index<Tuple, I>()) {
        if constexpr (std::is_void_v<Ret>) {
          run_arm(op, std::get<I>(arms));
          return;
        } else {
          return static_cast<Ret>(run_arm(op, std::get<I>(arms)));
        }
      }
    }
    return dispatch<Ret, I + 1>(op, arms);
  }
}

template <class Tuple, template <class> class Pred>
constexpr std::size_t find_arm() {
  std::size_t found = std::tuple_size_v<Tuple>;
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    ((Pred<Arm<std::tuple_element_t<J, Tuple>>>::value && found == std::tuple_size_v<Tuple> ? (found = J, 0) : 0), ...);
  }(std::make_index_sequence<std::tuple_size_v<Tuple>>{});
  return found;
}
template <class A>
struct IsDefault : std::bool_constant<kIsDefault<A>> {};
template <class A>
struct IsDeadline : std::bool_constant<kIsDeadline<A>> {};

template <bool Biased, class... Arms>
decltype(auto) select_arms(Arms&&... arms) {
  using Ret = std::common_type_t<typename ArmResult<Arm<Arms>>::type...>;
  constexpr std::size_t kDefaults = ((kIsDefault<Arm<Arms>> ? 1 : 0) + ... + 0);
  constexpr std::size_t kDeadlines = ((kIsDeadline<Arm<Arms>> ? 1 : 0) + ... + 0);
  static_assert(kDefaults + kDeadlines <= 1, "select: at most one on_default / on_timeout / on_deadline arm");
  auto tup = std::forward_as_tuple(arms...);
  using Tuple = decltype(tup);
  Select sel = Biased ? Select::biased() : Select();
  (add_arm(sel, arms), ...);
  if constexpr (kDefaults == 1) {
    auto r = sel.try_select();
    if (r.is_err()) {
      if constexpr (std::is_void_v<Ret>) return std::get<find_arm<Tuple, IsDefault>()>(tup).f();
      else return static_cast<Ret>(std::get<find_arm<Tuple, IsDefault>()>(tup).f());
    }
    SelectedOperation op = std::move(r).unwrap();
    return dispatch<Ret, 0>(op, tup);
  } else if constexpr (kDeadlines == 1) {
    auto r = sel.select_deadline(std::get<find_arm<Tuple, IsDeadline>()>(tup).deadline);
    if (r.is_err()) {
      if constexpr (std::is_void_v<Ret>) return std::get<find_arm<Tuple, IsDeadline>()>(tup).f();
      else return static_cast<Ret>(std::get<find_arm<Tuple, IsDeadline>()>(tup).f());
    }
    SelectedOperation op = std::move(r).unwrap();
    return dispatch<Ret, 0>(op, tup);
  } else {
    SelectedOperation op = sel.select();
    return dispatch<Ret, 0>(op, tup);
  }
}
}  // namespace detail

// Waits for the first of the arms' operations that can proceed (a random
// one among several ready), completes it and returns what its handler
// returns. An on_default arm makes it non-blocking; an on_timeout /
// on_deadline arm bounds the wait. Arms: on_recv(rx, f), on_send(tx, v, f).
// The handlers' results must have a common type.
template <class... Arms>
decltype(auto) select(Arms&&... arms) {
  return detail::select_arms<false>(std::forward<Arms>(arms)...);
}
// Like select(), but prefers the earliest arm when several are ready.
template <class... Arms>
decltype(auto) select_biased(Arms&&... arms) {
  return detail::select_arms<true>(std::forward<Arms>(arms)...);
}

}  // namespace fearless::sync::mpmc
