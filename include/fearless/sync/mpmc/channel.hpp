// fearless/sync/mpmc/channel.hpp — multi-producer multi-consumer channels.
//
//   auto [tx, rx] = fearless::sync::mpmc::bounded<int>(16);
//   auto rx2 = rx.clone();                 // each message goes to exactly one receiver
//   tx.send(1).unwrap();
//   int v = rx.recv().unwrap();
//
// Three flavours behind one pair of endpoint types: unbounded (`channel`,
// `unbounded`: a list of blocks freed as it drains), bounded (`sync_channel(n)`,
// `bounded(n)`: a ring of n slots) and rendezvous (`bounded(0)`: a send waits
// for a receiver to take the message). Receivers of the timer channels
// (`after`, `at`, `tick`, `never`, in timer.hpp) are the same Receiver type.
// Operations never take a lock on their fast path and never allocate per
// message (except for a T whose move constructor may throw, kept boxed).
// Blocked operations spin briefly, then sleep; they are woken by the peer.
#pragma once
#include <chrono>
#include <cstddef>
#include <iterator>
#include <optional>
#include <type_traits>
#include <utility>

#include "fearless/detail/chan/counter.hpp"
#include "fearless/detail/chan/handle.hpp"
#include "fearless/detail/send_checks.hpp"
#include "fearless/detail/time.hpp"
#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/mpmc/error.hpp"

namespace fearless::sync::mpmc {

// The message type of timer channels: a steady_clock instant.
using Instant = std::chrono::steady_clock::time_point;

template <class T>
class Sender;
template <class T>
class Receiver;
class Select;
class SelectedOperation;

namespace detail_chan = fearless::detail::chan;

namespace detail {
template <class T>
detail_chan::Stored<T> box(T&& v) {
  if constexpr (detail_chan::kBoxed<T>) return std::make_unique<T>(std::move(v));
  else return std::move(v);
}
template <class T>
T unbox(detail_chan::Stored<T>&& s) {
  if constexpr (detail_chan::kBoxed<T>) return std::move(*s);
  else return std::move(s);
}
template <class T>
T&& unbox_ref(detail_chan::Stored<T>& s) noexcept {
  if constexpr (detail_chan::kBoxed<T>) return std::move(*s);
  else return std::move(s);
}
struct SelectAccess;  // select.hpp: the handler form's way in
[[noreturn]] FEARLESS_COLD inline void moved_from(const char* what) {
  panic(std::string(what) + ": this channel endpoint was moved from");
}
}  // namespace detail

// The sending half of a channel. Copyable (a copy is another sender of the
// same channel, like Rust's `clone()`); usable from any number of threads at
// once. The channel's receivers see a disconnection when the last sender is
// destroyed. Using a moved-from Sender panics (throws fearless::Panic); a
// copy of a moved-from Sender is another empty one.
template <class T>
class Sender {
  static_assert(!std::is_reference_v<T> && std::is_move_constructible_v<T>,
                "channel messages must be move-constructible object types");
  using S = detail_chan::Stored<T>;

 public:
  // The message type.
  using value_type = T;

  Sender(const Sender& o) noexcept : s_(o.s_) {
    if (s_ != nullptr) s_->add_sender();
  }
  Sender(Sender&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Sender& operator=(Sender o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  ~Sender() {
    if (s_ != nullptr) s_->release_sender();
  }
  // Another sender for the same channel. O(1).
  [[nodiscard]] Sender clone() const { return Sender(*this); }

  // Sends `msg`, blocking while a bounded channel is full (a rendezvous
  // channel: until a receiver takes it). Err(SendError) holding `msg` if
  // every receiver is gone. O(1) amortised.
  Result<void, SendError<T>> send(T msg) const {
    Shared& s = shared("Sender::send");
    decltype(auto) m = detail::box(std::move(msg));
    if (FEARLESS_LIKELY(visit_tx(&s, [&](auto& c) { return c.send(m, fearless::detail::kNoDeadline); }) ==
                        detail_chan::Status::Ok))
      return Ok();
    return Result<void, SendError<T>>(std::in_place_index<1>, detail::unbox<T>(std::move(m)));
  }

  // Sends without blocking: Err(Full) when a bounded channel has no free slot
  // (or no receiver is waiting on a rendezvous channel), Err(Disconnected)
  // when every receiver is gone; both hand `msg` back. Waits for a receiver
  // still reading the slot only a few microseconds, never for a stalled one
  // (it then reports Full). O(1).
  Result<void, TrySendError<T>> try_send(T msg) const {
    Shared& s = shared("Sender::try_send");
    decltype(auto) m = detail::box(std::move(msg));
    const auto st = visit_tx(&s, [&](auto& c) { return c.try_send(m); });
    if (FEARLESS_LIKELY(st == detail_chan::Status::Ok)) return Ok();
    return Result<void, TrySendError<T>>(
        std::in_place_index<1>,
        st == detail_chan::Status::WouldBlock ? TrySendError<T>::Full : TrySendError<T>::Disconnected,
        detail::unbox<T>(std::move(m)));
  }

  // Like send(), but gives up after `timeout` (zero or negative: a try;
  // huge: forever): Err(Timeout) or Err(Disconnected), handing `msg` back.
  template <class Rep, class Period>
  Result<void, SendTimeoutError<T>> send_timeout(T msg, std::chrono::duration<Rep, Period> timeout) const {
    return send_until(std::move(msg), fearless::detail::deadline_after(timeout), "Sender::send_timeout");
  }
  // Like send_timeout(), with an absolute deadline on any clock
  // (time_point::max(): forever; a past point: a try).
  template <class Clock, class Dur>
  Result<void, SendTimeoutError<T>> send_deadline(T msg, std::chrono::time_point<Clock, Dur> deadline) const {
    return send_until(std::move(msg), fearless::detail::to_deadline(deadline), "Sender::send_deadline");
  }

  // Messages in the channel now (always 0 for rendezvous). O(1).
  [[nodiscard]] std::size_t len() const {
    return visit_tx(&shared("Sender::len"), [](auto& c) { return c.len(); });
  }
  // True if no message is in the channel now (always for rendezvous). O(1).
  [[nodiscard]] bool is_empty() const {
    return visit_tx(&shared("Sender::is_empty"), [](auto& c) { return c.is_empty(); });
  }
  // True if a send would block now (always for rendezvous, never for unbounded).
  [[nodiscard]] bool is_full() const {
    return visit_tx(&shared("Sender::is_full"), [](auto& c) { return c.is_full(); });
  }
  // The bound (0 for rendezvous); nullopt for an unbounded channel.
  [[nodiscard]] std::optional<std::size_t> capacity() const {
    return visit_tx(&shared("Sender::capacity"), [](auto& c) -> std::optional<std::size_t> { return c.capacity(); });
  }
  // True once every receiver is gone: sends fail from then on (Rust's
  // Sender::is_disconnected). A snapshot: false does not promise that the
  // next send succeeds. Never blocks. O(1).
  [[nodiscard]] bool is_disconnected() const {
    return visit_tx(&shared("Sender::is_disconnected"), [](auto& c) { return c.is_disconnected(); });
  }
  // True if both senders belong to the same channel (false when either is
  // moved-from: it belongs to none).
  [[nodiscard]] bool same_channel(const Sender& o) const noexcept { return s_ != nullptr && s_ == o.s_; }

 private:
  using Shared = detail_chan::Shared<T>;
  template <class U>
  friend class Receiver;
  template <class U>
  friend std::pair<Sender<U>, Receiver<U>> unbounded();
  template <class U>
  friend std::pair<Sender<U>, Receiver<U>> bounded(std::size_t);
  friend class Select;
  friend class SelectedOperation;
  friend struct detail::SelectAccess;

  explicit Sender(Shared* s) noexcept : s_(s) {}

  Shared& shared(const char* what) const {
    if (FEARLESS_UNLIKELY(s_ == nullptr)) detail::moved_from(what);
    return *s_;
  }

  Result<void, SendTimeoutError<T>> send_until(T msg, fearless::detail::Deadline d, const char* what) const {
    Shared& s = shared(what);
    decltype(auto) m = detail::box(std::move(msg));
    const auto st = visit_tx(&s, [&](auto& c) { return c.send(m, d); });
    if (st == detail_chan::Status::Ok) return Ok();
    return Result<void, SendTimeoutError<T>>(
        std::in_place_index<1>,
        st == detail_chan::Status::Timeout ? SendTimeoutError<T>::Timeout : SendTimeoutError<T>::Disconnected,
        detail::unbox<T>(std::move(m)));
  }

  // A send chosen by Select, in two steps. First the message as the channel
  // stores it (boxed when its move may throw): whatever can throw here (a
  // copy, the box's allocation, a moved-from sender) happens while the
  // SelectedOperation is still unfinished, before the reserved slot is
  // committed to anything.
  detail_chan::Stored<T> prepare_selected(T msg) const {
    (void)shared("SelectedOperation::send");
    return detail::box(std::move(msg));
  }
  // Then the reserved slot is written (nothing throws before the write).
  Result<void, SendError<T>> send_selected(detail_chan::Token& token, detail_chan::Stored<T>& m) const {
    if (visit_tx(s_, [&](auto& c) { return c.write(token, m); })) return Ok();
    return Result<void, SendError<T>>(std::in_place_index<1>, detail::unbox<T>(std::move(m)));
  }

  Shared* s_;
};

// The receiving half of a channel. Copyable/`clone()`able for mpmc: every
// message goes to exactly one receiver. When the last receiver is destroyed,
// every message still in the channel is destroyed at once and later sends
// fail, handing their message back. Using a moved-from Receiver panics; a
// copy of one is another empty one.
template <class T>
class Receiver {
  static_assert(!std::is_reference_v<T> && std::is_move_constructible_v<T>,
                "channel messages must be move-constructible object types");
  using S = detail_chan::Stored<T>;
  using Shared = detail_chan::Shared<T>;

 public:
  Receiver(const Receiver& o) noexcept : s_(o.s_) {
    if (s_ != nullptr) s_->add_receiver();
  }
  Receiver(Receiver&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Receiver& operator=(Receiver o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  ~Receiver() {
    if (s_ != nullptr) s_->release_receiver();
  }
  // Another receiver for the same channel. O(1).
  [[nodiscard]] Receiver clone() const { return Receiver(*this); }

  // Takes the next message, blocking while the channel is empty. Messages
  // sent before the last sender left are still delivered; then
  // Err(RecvError). O(1) amortised.
  Result<T, RecvError> recv() const { return take<RecvError>("Receiver::recv", fearless::detail::kNoDeadline, false); }

  // Takes a message if one is available now: Err(Empty) or Err(Disconnected).
  // Never blocks. A sender still writing the next message of a bounded
  // channel gets a few microseconds (so a completed send is always seen), a
  // stalled one none (Err(Empty)). O(1).
  Result<T, TryRecvError> try_recv() const { return take<TryRecvError>("Receiver::try_recv", {}, true); }

  // Like recv(), but gives up after `timeout` (zero or negative: a try; huge:
  // forever): Err(Timeout) or Err(Disconnected). A message available at the
  // deadline is still returned.
  template <class Rep, class Period>
  Result<T, RecvTimeoutError> recv_timeout(std::chrono::duration<Rep, Period> timeout) const {
    return take<RecvTimeoutError>("Receiver::recv_timeout", fearless::detail::deadline_after(timeout), false);
  }
  // Like recv_timeout(), with an absolute deadline on any clock (a past
  // point: a try; time_point::max(): forever).
  template <class Clock, class Dur>
  Result<T, RecvTimeoutError> recv_deadline(std::chrono::time_point<Clock, Dur> deadline) const {
    return take<RecvTimeoutError>("Receiver::recv_deadline", fearless::detail::to_deadline(deadline), false);
  }

  // ---- iteration ----------------------------------------------------------
  // An input iterator over received messages; `Blocking` iterators end when
  // the channel is disconnected and empty, non-blocking ones when it is
  // empty for now. Lazy, like Rust's Iter::next: nothing is received until the
  // element is needed (the first dereference or end check after begin() or
  // ++), so `rx.iter() | std::views::take(n)` receives exactly n messages.
  // Each message is handed out by value: `*it` is a T&& that a loop variable
  // takes by move (`for (T v : rx)`, `for (auto v : rx)`, `auto&&`, `const
  // auto&`; move-only T works), as Rust's iterators yield owned values.
  // Not Sync (fearless::Sync is false): its const members (`*it`, the end
  // check) receive into a cache without synchronisation, as Rust's
  // Iter::next takes &mut self; one iterator is for one thread at a time.
  template <bool Blocking>
  class Iterator {
   public:
    using fearless_sync = std::false_type;
    using iterator_category = std::input_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using reference = T&&;
    using pointer = T*;

    // A singular iterator (std::input_iterator requires one); only assignable.
    Iterator() = default;
    // An iterator at the next message of `*rx` (received when first needed).
    explicit Iterator(const Receiver* rx) noexcept : rx_(rx) {}
    // The current message (received now if it was not yet). Blocking for
    // iter(); undefined at the end.
    T&& operator*() const {
      ensure();
      return std::move(value());
    }
    T* operator->() const {
      ensure();
      return &value();
    }
    // Moves past the current message (receiving it first if it was not, as
    // Rust's next() would, so skipped messages are consumed, not kept).
    Iterator& operator++() {
      ensure();
      cur_.reset();
      fetched_ = false;
      return *this;
    }
    void operator++(int) { ++*this; }
    // Receives the next message if needed to answer (may block for iter()).
    friend bool operator==(const Iterator& it, std::default_sentinel_t) {
      it.ensure();
      return !it.cur_;
    }

   private:
    // The message stays as the channel stored it (a boxed T in its box), so
    // receiving it moves no T: nothing here can throw away a received
    // message. The only move of T is the caller's, from `*it`.
    void ensure() const {
      if (fetched_) return;
      rx_->fetch_for_iteration(cur_, Blocking);
      fetched_ = true;
    }
    T& value() const {
      if constexpr (detail_chan::kBoxed<T>) return **cur_;
      else return *cur_;
    }
    const Receiver* rx_ = nullptr;
    mutable std::optional<S> cur_;
    mutable bool fetched_ = false;
  };
  // What iter() (Blocking) and try_iter() return: Rust's Iter / TryIter.
  // Borrows the receiver, which must outlive it.
  template <bool Blocking>
  class Range {
   public:
    // The messages of `rx` (iter()/try_iter() make one).
    explicit Range(const Receiver& rx) : rx_(&rx) {}
    // An iterator at the next message (received when first needed).
    Iterator<Blocking> begin() const { return Iterator<Blocking>(rx_); }
    // The end of the range.
    std::default_sentinel_t end() const noexcept { return {}; }
    // Rust's Iterator::next: the next message, or nullopt once disconnected
    // and drained (iter(): blocks) / once nothing is available now
    // (try_iter(): never blocks).
    std::optional<T> next() const { return rx_->next_message(Blocking); }

   private:
    const Receiver* rx_;
  };
  // Owns the receiver: what `into_iter()` returns (Rust's IntoIter).
  class IntoIter {
   public:
    // Takes the receiver over (into_iter() makes one).
    explicit IntoIter(Receiver rx) : rx_(std::move(rx)) {}
    // An iterator at the next message (received when first needed; blocking).
    Iterator<true> begin() const { return Iterator<true>(&rx_); }
    // The end of the range: disconnected and drained.
    std::default_sentinel_t end() const noexcept { return {}; }
    // The next message, or nullopt once disconnected and drained (blocks).
    std::optional<T> next() { return rx_.next_message(true); }

   private:
    Receiver rx_;
  };

  // Blocking iteration: `for (T v : rx.iter())` runs until every sender is
  // gone and the channel is drained.
  [[nodiscard]] Range<true> iter() const {
    shared("Receiver::iter");
    return Range<true>(*this);
  }
  // Non-blocking iteration over the messages available now.
  [[nodiscard]] Range<false> try_iter() const {
    shared("Receiver::try_iter");
    return Range<false>(*this);
  }
  // Consumes the receiver into a blocking iteration.
  [[nodiscard]] IntoIter into_iter() && {
    shared("Receiver::into_iter");
    return IntoIter(std::move(*this));
  }
  // `for (T v : rx)` is `for (T v : rx.iter())`: the loop blocks for each
  // message and ends once every sender is gone and the channel is drained.
  Iterator<true> begin() const {
    shared("Receiver::begin");
    return Iterator<true>(this);
  }
  // The end of `for (T v : rx)`.
  std::default_sentinel_t end() const noexcept { return {}; }

  // ---- observers ----------------------------------------------------------
  // Messages in the channel now (a snapshot; 0 for rendezvous and never; 1
  // for a timer that has fired and not been received). Never blocks. O(1).
  [[nodiscard]] std::size_t len() const {
    Shared& s = shared("Receiver::len");
    return visit(&s, [](auto& c) { return c.len(); }) + s.stash.size();
  }
  // True if a receive would find nothing now. O(1).
  [[nodiscard]] bool is_empty() const {
    Shared& s = shared("Receiver::is_empty");
    return s.stash.size() == 0 && visit(&s, [](auto& c) { return c.is_empty(); });
  }
  // True if the channel holds as many messages as it can (always for
  // rendezvous and never, never for unbounded). O(1).
  [[nodiscard]] bool is_full() const {
    return visit(&shared("Receiver::is_full"), [](auto& c) { return c.is_full(); });
  }
  // The bound (0 for rendezvous, 1 for after/at/tick timers, 0 for never);
  // nullopt for an unbounded channel.
  [[nodiscard]] std::optional<std::size_t> capacity() const {
    return visit(&shared("Receiver::capacity"), [](auto& c) -> std::optional<std::size_t> { return c.capacity(); });
  }
  // True once every sender is gone (Rust's Receiver::is_disconnected); the
  // messages still queued are delivered first, so recv() may still succeed.
  // Never true for timers (after/at/tick/never). A snapshot. Never blocks. O(1).
  [[nodiscard]] bool is_disconnected() const {
    return visit(&shared("Receiver::is_disconnected"), [](auto& c) { return c.is_disconnected(); });
  }
  // A new sender for this channel (crossbeam's Receiver::new_sender). If
  // every sender had gone, the channel is connected again: receivers that
  // saw the disconnection wait for messages anew. Panics on a timer
  // receiver (after/at/tick/never: nothing can be sent on those) and on a
  // moved-from one. Takes a lock that only new_sender calls on this channel
  // share; O(1).
  [[nodiscard]] Sender<T> new_sender() const {
    Shared& s = shared("Receiver::new_sender");
    if (s.tx_handle == nullptr) panic("Receiver::new_sender: this channel cannot be sent on");
    s.revive_sender();
    return Sender<T>(&s);
  }
  // True if both receivers belong to the same channel (false when either is
  // moved-from). Every never() receiver counts as the same channel, as in
  // crossbeam (none of them ever delivers).
  [[nodiscard]] bool same_channel(const Receiver& o) const noexcept {
    if (s_ == nullptr || o.s_ == nullptr) return false;
    return s_ == o.s_ || (s_->flavor == detail_chan::Flavor::Never && o.s_->flavor == detail_chan::Flavor::Never);
  }

 private:
  template <class U>
  friend class Sender;
  template <class U>
  friend std::pair<Sender<U>, Receiver<U>> unbounded();
  template <class U>
  friend std::pair<Sender<U>, Receiver<U>> bounded(std::size_t);
  template <class U>
  friend Receiver<U> receiver_only(detail_chan::Shared<U>*);
  friend class Select;
  friend class SelectedOperation;

  explicit Receiver(Shared* s) noexcept : s_(s) {}

  Shared& shared(const char* what) const {
    if (FEARLESS_UNLIKELY(s_ == nullptr)) detail::moved_from(what);
    return *s_;
  }

  template <class E>
  static E error_of(detail_chan::Status st) {
    if constexpr (std::is_same_v<E, RecvError>) return RecvError{};
    else if constexpr (std::is_same_v<E, TryRecvError>)
      return st == detail_chan::Status::Disconnected ? TryRecvError::Disconnected : TryRecvError::Empty;
    else return st == detail_chan::Status::Disconnected ? RecvTimeoutError::Disconnected : RecvTimeoutError::Timeout;
  }

  template <class E>
  Result<T, E> take(const char* what, fearless::detail::Deadline d, bool try_only) const {
    Shared& s = shared(what);
    std::optional<S> out;
    const detail_chan::Status st = fetch(s, out, d, try_only);
    if (FEARLESS_UNLIKELY(st != detail_chan::Status::Ok)) return Result<T, E>(std::in_place_index<1>, error_of<E>(st));
    return deliver<E>(s, out);
  }

  // Iteration's receive: the message into `out` as the channel stores it
  // (for a boxed T: the box; no T is moved). False when there is none.
  bool fetch_for_iteration(std::optional<S>& out, bool blocking) const {
    Shared& s = shared(blocking ? "Receiver::recv" : "Receiver::try_recv");
    return fetch(s, out, blocking ? fearless::detail::kNoDeadline : fearless::detail::Deadline{}, !blocking) ==
           detail_chan::Status::Ok;
  }

  // The iterators' next(): the optional is built straight from the slot's
  // value (one move of T, put back if it throws) and returned as a prvalue,
  // so no later move of T can throw the message away.
  std::optional<T> next_message(bool blocking) const {
    std::optional<S> out;
    if (!fetch_for_iteration(out, blocking)) return std::nullopt;
    return hand_over(*s_, out, [](T&& v) { return std::optional<T>(std::in_place, std::move(v)); });
  }

  // Receives into `out` (a message put back by a receive whose hand-over
  // threw comes first): Ok, or why nothing was received.
  detail_chan::Status fetch(Shared& s, std::optional<S>& out, fearless::detail::Deadline d, bool try_only) const {
    detail_chan::Status st = detail_chan::Status::Ok;
    if (!s.stash.pop(out)) {
      if constexpr (detail_chan::kBoxed<T>) {
        // A receive blocked here gives up (WouldBlock) when another
        // receiver puts a message back (put_back), and takes that one.
        const auto stashed = [&s] { return s.stash.size() > 0; };
        for (;;) {
          st = visit(&s, [&](auto& c) {
            if (try_only) return c.try_recv(out);
            return c.recv(out, d, stashed);
          });
          if (try_only || st != detail_chan::Status::WouldBlock) break;
          if (s.stash.pop(out)) {
            st = detail_chan::Status::Ok;
            break;
          }
        }
      } else {
        st = visit(&s, [&](auto& c) { return try_only ? c.try_recv(out) : c.recv(out, d); });
      }
    }
    if (FEARLESS_UNLIKELY(st != detail_chan::Status::Ok)) {
      // A message put back by another receiver meanwhile (its hand-over
      // threw) is still to be delivered: no error while one is left.
      if (s.stash.pop(out)) return detail_chan::Status::Ok;
    }
    return st;
  }

  // Builds the Result straight from the slot's value (one move of T).
  template <class E>
  static Result<T, E> deliver(Shared& s, std::optional<S>& out) {
    return hand_over(s, out, [](T&& v) { return Result<T, E>(std::in_place_index<0>, std::move(v)); });
  }

  // Returns make(the slot's value as T&&), a prvalue (guaranteed elision all
  // the way to the caller's object). If make throws (T's move), the message
  // goes back to the channel, first in line.
  template <class Make>
  static auto hand_over(Shared& s, std::optional<S>& out, Make make) -> decltype(make(std::declval<T&&>())) {
    if constexpr (detail_chan::kBoxed<T>) {
      try {
        return make(std::move(**out));
      } catch (...) {
        s.stash.push(std::move(*out));
        // Receivers and selects already asleep on the empty channel look
        // again and find it (take(), StashRecvHandle).
        visit(&s, [](auto& c) { c.wake_receivers(); });
        throw;
      }
    } else {
      (void)s;
      return make(std::move(*out));
    }
  }

  // Completes a receive chosen by Select.
  Result<T, RecvError> recv_selected(detail_chan::Token& token) const {
    Shared& s = shared("SelectedOperation::recv");
    std::optional<S> out;
    if constexpr (detail_chan::kBoxed<T>) {
      if (token.stashed != nullptr) {  // the select took a put-back message
        out.emplace(static_cast<T*>(std::exchange(token.stashed, nullptr)));
        return deliver<RecvError>(s, out);
      }
    }
    // Disconnected and empty, unless a message was put back (as in take()).
    if (!visit(&s, [&](auto& c) { return c.read(token, out); }) && !s.stash.pop(out))
      return Result<T, RecvError>(std::in_place_index<1>, RecvError{});
    return deliver<RecvError>(s, out);
  }

  Shared* s_;
};

// Rust's names for the iteration types: what Receiver::iter(), try_iter() and
// into_iter() return.
template <class T>
using Iter = typename Receiver<T>::template Range<true>;
template <class T>
using TryIter = typename Receiver<T>::template Range<false>;
template <class T>
using IntoIter = typename Receiver<T>::IntoIter;

// ---- constructors ---------------------------------------------------------

// An unbounded channel: sends never block. Allocates one block per 63
// messages (31 for messages over 16 bytes), freed as they are received.
template <class T>
[[nodiscard]] std::pair<Sender<T>, Receiver<T>> unbounded() {
  fearless::detail::send_checks::check_channel_message<T>();
  using C = detail_chan::Counter<T, detail_chan::List<detail_chan::Stored<T>>>;
  auto* s = new C(detail_chan::Flavor::List);
  Sender<T> tx(s);
  Receiver<T> rx(s);
  return {std::move(tx), std::move(rx)};
}

namespace detail {
// Out of line, so that code using a channel made in the same function does
// not see which flavour the capacity picked: g++ 12 then flags (with
// -Wstringop-overflow, at -O1 and up) the other flavour's branches of every
// operation as writes past the end of the smaller object, breaking -Werror
// builds of code as plain as a rendezvous channel of an empty struct.
template <class T>
FEARLESS_NOINLINE detail_chan::Shared<T>* new_rendezvous() {
  return new detail_chan::Counter<T, detail_chan::Zero<detail_chan::Stored<T>>>(detail_chan::Flavor::Zero);
}
template <class T>
FEARLESS_NOINLINE detail_chan::Shared<T>* new_array(std::size_t cap) {
  return new detail_chan::Counter<T, detail_chan::Array<detail_chan::Stored<T>>>(detail_chan::Flavor::Array, cap);
}
}  // namespace detail

// A bounded channel of `cap` slots; `cap == 0` is a rendezvous channel, where
// each send waits until a receiver takes the message. A capacity too large to
// allocate panics (fearless::Panic) with a clear message.
template <class T>
[[nodiscard]] std::pair<Sender<T>, Receiver<T>> bounded(std::size_t cap) {
  fearless::detail::send_checks::check_channel_message<T>();
  detail_chan::Shared<T>* s = cap == 0 ? detail::new_rendezvous<T>() : detail::new_array<T>(cap);
  return {Sender<T>(s), Receiver<T>(s)};
}

// Rust's std::sync::mpmc::channel: an unbounded channel.
template <class T>
[[nodiscard]] std::pair<Sender<T>, Receiver<T>> channel() {
  return unbounded<T>();
}
// Rust's std::sync::mpmc::sync_channel: bounded(cap).
template <class T>
[[nodiscard]] std::pair<Sender<T>, Receiver<T>> sync_channel(std::size_t cap) {
  return bounded<T>(cap);
}

}  // namespace fearless::sync::mpmc
