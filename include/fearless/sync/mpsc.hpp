// fearless/sync/mpsc.hpp — Rust's std::sync::mpsc: multi-producer,
// single-consumer channels.
//
//   auto [tx, rx] = fearless::sync::mpsc::channel<std::string>();
//   fearless::thread::spawn([tx = tx] { tx.send("hi").unwrap(); });
//   std::string s = rx.recv().unwrap();
//
// `channel<T>()` is unbounded (Sender<T>); `sync_channel<T>(bound)` is bounded
// (SyncSender<T>), and `sync_channel<T>(0)` is a rendezvous channel where a
// send completes only when a receiver takes the message. The Receiver is
// move-only (one consumer); senders are copyable (`clone()`).
//
// These are thin wrappers over fearless::sync::mpmc (one implementation), so
// they share its speed, its error types and its Select.
#pragma once
#include <chrono>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>

#include "fearless/marker.hpp"
#include "fearless/result.hpp"
#include "fearless/sync/mpmc.hpp"

namespace fearless::sync::mpsc {

using mpmc::RecvError;
using mpmc::RecvTimeoutError;
using mpmc::SendError;
using mpmc::SendTimeoutError;
using mpmc::TryRecvError;
using mpmc::TrySendError;

namespace detail_mpsc {
// An mpmc iterator handed out by mpsc: it borrows the one consumer, so it is
// neither Send nor Sync (moved to another thread while its owner still
// receives, the receiver would have two consumers). Still a
// std::input_iterator: ++ returns this type, the rest is mpmc's.
template <class It>
class OneConsumerIterator : public It {
 public:
  using fearless_send = std::false_type;
  using fearless_sync = std::false_type;
  OneConsumerIterator() = default;
  explicit OneConsumerIterator(It it) : It(std::move(it)) {}
  // Moves past the current message (receiving it first if it was not).
  OneConsumerIterator& operator++() {
    It::operator++();
    return *this;
  }
  void operator++(int) { ++*this; }
};

// mpmc's iteration types as mpsc::Receiver hands them out, marked as Rust
// marks mpsc's Iter, TryIter and IntoIter: none is Sync (sharing one would
// let several threads receive from the one consumer), and those that borrow
// the Receiver are not Send either (the borrower and the owner would both
// receive). Their begin() iterators borrow too: neither Send nor Sync.
template <class R, bool kSend>
class OneConsumer : public R {
 public:
  using fearless_send = std::bool_constant<kSend>;
  using fearless_sync = std::false_type;
  explicit OneConsumer(R r) : R(std::move(r)) {}
  // An iterator at the next message (received when first needed).
  auto begin() const { return OneConsumerIterator<decltype(R::begin())>(R::begin()); }
};
}  // namespace detail_mpsc

// What Receiver::iter(), try_iter() and into_iter() return (Rust's
// mpsc::Iter, TryIter, IntoIter).
template <class T>
using Iter = detail_mpsc::OneConsumer<mpmc::Iter<T>, false>;
template <class T>
using TryIter = detail_mpsc::OneConsumer<mpmc::TryIter<T>, false>;
template <class T>
using IntoIter = detail_mpsc::OneConsumer<mpmc::IntoIter<T>, fearless::Send<T>>;

template <class T>
class Receiver;

// The sending half of an unbounded channel: send() never blocks. Copyable
// (`clone()`); usable from many threads at once. Using a moved-from Sender
// panics (throws fearless::Panic); a copy of one is another empty one.
template <class T>
class Sender {
 public:
  // Another sender for the same channel. O(1).
  [[nodiscard]] Sender clone() const { return *this; }
  // Queues `msg` (never blocks). Err(SendError) handing it back if the
  // receiver is gone. O(1) amortised.
  Result<void, SendError<T>> send(T msg) const { return inner_.send(std::move(msg)); }
  // Messages queued now (a snapshot; others may change it at once). Never
  // blocks. O(1).
  [[nodiscard]] std::size_t len() const { return inner_.len(); }
  // True if no message is queued now. Never blocks. O(1).
  [[nodiscard]] bool is_empty() const { return inner_.is_empty(); }
  // Always false (unbounded).
  [[nodiscard]] bool is_full() const { return inner_.is_full(); }
  // nullopt (unbounded).
  [[nodiscard]] std::optional<std::size_t> capacity() const { return inner_.capacity(); }
  // True once the receiver is gone: sends fail from then on (a snapshot). O(1).
  [[nodiscard]] bool is_disconnected() const { return inner_.is_disconnected(); }
  // True if both senders belong to the same channel. O(1).
  [[nodiscard]] bool same_channel(const Sender& o) const noexcept { return inner_.same_channel(o.inner_); }

 private:
  template <class U>
  friend std::pair<Sender<U>, Receiver<U>> channel();
  friend struct mpmc::SelectEndpoint<Sender<T>>;
  explicit Sender(mpmc::Sender<T> s) noexcept : inner_(std::move(s)) {}
  mpmc::Sender<T> inner_;
};

// The sending half of a bounded (or rendezvous) channel. Copyable
// (`clone()`); usable from many threads at once. Using a moved-from
// SyncSender panics (throws fearless::Panic); a copy of one is another empty one.
template <class T>
class SyncSender {
 public:
  // Another sender for the same channel. O(1).
  [[nodiscard]] SyncSender clone() const { return *this; }
  // Sends `msg`, blocking while the channel is full (rendezvous: until the
  // receiver takes it). Err(SendError) handing it back if the receiver is gone.
  Result<void, SendError<T>> send(T msg) const { return inner_.send(std::move(msg)); }
  // Never blocks: Err(Full) (no free slot; rendezvous: no receiver waiting)
  // or Err(Disconnected), handing `msg` back. O(1).
  Result<void, TrySendError<T>> try_send(T msg) const { return inner_.try_send(std::move(msg)); }
  // Like send(), but gives up after `timeout` (zero/negative: a try; huge:
  // forever): Err(Timeout) or Err(Disconnected), handing `msg` back.
  template <class Rep, class Period>
  Result<void, SendTimeoutError<T>> send_timeout(T msg, std::chrono::duration<Rep, Period> timeout) const {
    return inner_.send_timeout(std::move(msg), timeout);
  }
  // Gives up at `deadline` (any clock; max(): forever).
  template <class Clock, class Dur>
  Result<void, SendTimeoutError<T>> send_deadline(T msg, std::chrono::time_point<Clock, Dur> deadline) const {
    return inner_.send_deadline(std::move(msg), deadline);
  }
  // Messages queued now (always 0 for rendezvous). Never blocks. O(1).
  [[nodiscard]] std::size_t len() const { return inner_.len(); }
  // True if no message is queued now (always for rendezvous). O(1).
  [[nodiscard]] bool is_empty() const { return inner_.is_empty(); }
  // True if a send would block now (always for rendezvous). O(1).
  [[nodiscard]] bool is_full() const { return inner_.is_full(); }
  // The bound given to sync_channel.
  [[nodiscard]] std::optional<std::size_t> capacity() const { return inner_.capacity(); }
  // True once the receiver is gone: sends fail from then on (a snapshot). O(1).
  [[nodiscard]] bool is_disconnected() const { return inner_.is_disconnected(); }
  // True if both senders belong to the same channel. O(1).
  [[nodiscard]] bool same_channel(const SyncSender& o) const noexcept { return inner_.same_channel(o.inner_); }

 private:
  template <class U>
  friend std::pair<SyncSender<U>, Receiver<U>> sync_channel(std::size_t);
  friend struct mpmc::SelectEndpoint<SyncSender<T>>;
  explicit SyncSender(mpmc::Sender<T> s) noexcept : inner_(std::move(s)) {}
  mpmc::Sender<T> inner_;
};

// The receiving half: move-only, one consumer. `for (T v : rx)` receives until
// every sender is gone and the channel is drained. When the Receiver is
// destroyed, every message still queued is destroyed and later sends fail.
template <class T>
class Receiver {
 public:
  Receiver(Receiver&&) noexcept = default;
  Receiver& operator=(Receiver&&) noexcept = default;
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  // Blocks for the next message; Err(RecvError) once every sender is gone
  // and the channel is drained (messages sent before are still delivered).
  // O(1) amortised.
  Result<T, RecvError> recv() const { return inner_.recv(); }
  // Never blocks: Err(Empty) or, only once drained, Err(Disconnected). O(1).
  Result<T, TryRecvError> try_recv() const { return inner_.try_recv(); }
  // Gives up after `timeout`: Err(Timeout) or Err(Disconnected). A message
  // available at the deadline is still returned.
  template <class Rep, class Period>
  Result<T, RecvTimeoutError> recv_timeout(std::chrono::duration<Rep, Period> timeout) const {
    return inner_.recv_timeout(timeout);
  }
  // Like recv_timeout(), with an absolute deadline on any clock (a past
  // point: a try; time_point::max(): forever).
  template <class Clock, class Dur>
  Result<T, RecvTimeoutError> recv_deadline(std::chrono::time_point<Clock, Dur> deadline) const {
    return inner_.recv_deadline(deadline);
  }
  // Blocking iteration: each step is a recv(); ends once every sender is
  // gone and the channel is drained.
  [[nodiscard]] Iter<T> iter() const { return Iter<T>(inner_.iter()); }
  // Iteration over the messages available now: each step is a try_recv();
  // ends at the first Empty or Disconnected. Never blocks.
  [[nodiscard]] TryIter<T> try_iter() const { return TryIter<T>(inner_.try_iter()); }
  // Consumes the receiver into a blocking iteration (also `next()`).
  [[nodiscard]] IntoIter<T> into_iter() && { return IntoIter<T>(std::move(inner_).into_iter()); }
  // `for (T v : rx)` is `for (T v : rx.iter())` (messages received lazily, one per step).
  // The iterator borrows this receiver: neither Send nor Sync.
  auto begin() const { return detail_mpsc::OneConsumerIterator<decltype(inner_.begin())>(inner_.begin()); }
  // The end of `for (T v : rx)`.
  std::default_sentinel_t end() const noexcept { return {}; }

  // Messages queued now (a snapshot). Never blocks. O(1).
  [[nodiscard]] std::size_t len() const { return inner_.len(); }
  // True if no message is queued now. O(1).
  [[nodiscard]] bool is_empty() const { return inner_.is_empty(); }
  // True if a bounded channel has no free slot (always for rendezvous). O(1).
  [[nodiscard]] bool is_full() const { return inner_.is_full(); }
  // The bound (0: rendezvous); nullopt for channel(). O(1).
  [[nodiscard]] std::optional<std::size_t> capacity() const { return inner_.capacity(); }
  // True once every sender is gone; queued messages are still delivered
  // first (a snapshot). O(1).
  [[nodiscard]] bool is_disconnected() const { return inner_.is_disconnected(); }
  // True if both receivers belong to the same channel. O(1).
  [[nodiscard]] bool same_channel(const Receiver& o) const noexcept { return inner_.same_channel(o.inner_); }

 private:
  template <class U>
  friend std::pair<Sender<U>, Receiver<U>> channel();
  template <class U>
  friend std::pair<SyncSender<U>, Receiver<U>> sync_channel(std::size_t);
  friend struct mpmc::SelectEndpoint<Receiver<T>>;
  explicit Receiver(mpmc::Receiver<T> r) noexcept : inner_(std::move(r)) {}
  mpmc::Receiver<T> inner_;
};

// An unbounded channel. O(1).
template <class T>
[[nodiscard]] std::pair<Sender<T>, Receiver<T>> channel() {
  auto [tx, rx] = mpmc::unbounded<T>();
  return {Sender<T>(std::move(tx)), Receiver<T>(std::move(rx))};
}

// A channel of `bound` slots; 0 makes a rendezvous channel. A bound too large
// to allocate panics (fearless::Panic) with a clear message.
template <class T>
[[nodiscard]] std::pair<SyncSender<T>, Receiver<T>> sync_channel(std::size_t bound) {
  auto [tx, rx] = mpmc::bounded<T>(bound);
  return {SyncSender<T>(std::move(tx)), Receiver<T>(std::move(rx))};
}

}  // namespace fearless::sync::mpsc

namespace fearless::sync::mpmc {
// mpsc endpoints in Select: they expose their mpmc endpoint.
template <class T>
struct SelectEndpoint<mpsc::Sender<T>> {
  // The mpmc sender inside.
  static const Sender<T>& get(const mpsc::Sender<T>& e) noexcept { return e.inner_; }
};
template <class T>
struct SelectEndpoint<mpsc::SyncSender<T>> {
  // The mpmc sender inside.
  static const Sender<T>& get(const mpsc::SyncSender<T>& e) noexcept { return e.inner_; }
};
template <class T>
struct SelectEndpoint<mpsc::Receiver<T>> {
  // The mpmc receiver inside.
  static const Receiver<T>& get(const mpsc::Receiver<T>& e) noexcept { return e.inner_; }
};
}  // namespace fearless::sync::mpmc
