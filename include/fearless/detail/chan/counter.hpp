// Internal: the state shared by all endpoints of one channel — which flavour
// it is, how many senders and receivers are alive, and the flavour itself.
//
// The last sender to go disconnects the senders' side; the last receiver to
// go disconnects the receivers' side (destroying every message left); whoever
// of the two comes second frees the channel.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include <sched.h>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/chan/array.hpp"
#include "fearless/detail/chan/at.hpp"
#include "fearless/detail/chan/handle.hpp"
#include "fearless/detail/chan/list.hpp"
#include "fearless/detail/chan/never.hpp"
#include "fearless/detail/chan/tick.hpp"
#include "fearless/detail/chan/waker.hpp"
#include "fearless/detail/chan/zero.hpp"

namespace fearless::detail::chan {

enum class Flavor : std::uint8_t { Array, List, Zero, At, Tick, Never };

// How a T is kept inside a channel. Moving it in and out of slots must not
// throw (a half-done move inside the ring would lose or duplicate it), so a T
// whose move constructor may throw travels in a box made before anything is
// reserved.
template <class T>
inline constexpr bool kBoxed = !std::is_nothrow_move_constructible_v<T>;
template <class T>
using Stored = std::conditional_t<kBoxed<T>, std::unique_ptr<T>, T>;

// Messages whose hand-over to the caller threw (boxed types only): they go
// back here and are delivered first by the next receive.
template <class T, bool = kBoxed<T>>
struct Stash {
  bool pop(std::optional<Stored<T>>&) noexcept { return false; }
  std::size_t size() const noexcept { return 0; }
  void clear() noexcept {}
};
template <class T>
struct Stash<T, true> {
  bool pop(std::optional<Stored<T>>& out) {
    // acquire: pairs with the release in push().
    if (FEARLESS_LIKELY(n.load(std::memory_order_acquire) == 0)) return false;
    WaitGuard g(lock);
    if (q.empty()) return false;
    out.emplace(std::move(q.front()));
    q.pop_front();
    n.fetch_sub(1, std::memory_order_release);  // release: pairs with pop's acquire
    return true;
  }
  void push(std::unique_ptr<T> m) {
    WaitGuard g(lock);
    q.push_front(std::move(m));
    n.fetch_add(1, std::memory_order_release);  // release: pairs with pop's acquire
  }
  // acquire: pairs with push/pop.
  std::size_t size() const noexcept { return n.load(std::memory_order_acquire); }
  // Destroys every message kept here (the last receiver is leaving). The
  // messages are destroyed after the lock is released: a T's destructor may
  // drop endpoints of this very channel.
  void clear() noexcept {
    std::deque<std::unique_ptr<T>> gone;
    {
      WaitGuard g(lock);
      gone.swap(q);
      n.store(0, std::memory_order_release);  // release: pairs with pop's acquire
    }
  }
  WaitLock lock;
  std::deque<std::unique_ptr<T>> q;
  Atomic<std::size_t> n{0};
};

template <class T>
struct Shared {
  explicit Shared(Flavor f) noexcept : flavor(f) {}
  virtual ~Shared() = default;
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;

  const Flavor flavor;
  SelectHandle* rx_handle = nullptr;
  SelectHandle* tx_handle = nullptr;
  Atomic<std::size_t> senders{1};
  Atomic<std::size_t> receivers{1};
  Atomic<bool> destroy{false};
  Stash<T> stash;

  // Serialises Receiver::new_sender calls (nothing else takes it).
  WaitLock revive_lock;

  virtual void disconnect_senders() = 0;
  virtual void disconnect_receivers() = 0;
  // Undoes disconnect_senders (Receiver::new_sender, receivers still there).
  virtual void reconnect_senders() = 0;

  static void count_up(Atomic<std::size_t>& c) noexcept {
    // relaxed: a new handle is made from a live one; nothing to order.
    if (c.fetch_add(1, std::memory_order_relaxed) > (SIZE_MAX >> 1)) {
      std::fputs("fearless: channel endpoint count overflow\n", stderr);
      std::abort();
    }
  }
  void add_sender() noexcept { count_up(senders); }
  void add_receiver() noexcept { count_up(receivers); }
  // A sender made from a receiver. When every sender had gone, the channel
  // is connected again: the last sender's leaving (disconnect_senders, then
  // the destroy flag, its last step) is waited for and undone. The caller
  // holds a receiver, so the flag can only have been set by that sender and
  // the channel stays alive; the lock keeps a second new_sender from
  // returning before the first has reconnected.
  void revive_sender() {
    WaitGuard g(revive_lock);
    // acq_rel: from zero, pairs with the leaving sender's fetch_sub.
    const std::size_t before = senders.fetch_add(1, std::memory_order_acq_rel);
    if (before > (SIZE_MAX >> 1)) {
      std::fputs("fearless: channel endpoint count overflow\n", stderr);
      std::abort();
    }
    if (before != 0) return;
    // acquire: pairs with release_sender's acq_rel exchange, which follows
    // its disconnect_senders. The wait is for a few instructions of a
    // thread that is already past its last fetch_sub.
    while (!destroy.load(std::memory_order_acquire)) ::sched_yield();
    reconnect_senders();
    destroy.store(false, std::memory_order_release);  // release: pairs with the next leaver's acq_rel exchange
  }
  void release_sender() noexcept {
    // acq_rel: the last one out must see every other endpoint's work.
    if (senders.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      disconnect_senders();
      if (destroy.exchange(true, std::memory_order_acq_rel)) delete this;  // acq_rel: as above
    }
  }
  void release_receiver() noexcept {
    // acq_rel: as in release_sender.
    if (receivers.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      disconnect_receivers();
      // Messages put back by a receive whose hand-over threw are in the
      // channel too: destroyed now, like the flavour's own.
      stash.clear();
      if (destroy.exchange(true, std::memory_order_acq_rel)) delete this;  // acq_rel: as above
    }
  }
};

// The receive side of a channel of boxed messages, as Select sees it: a
// message in the stash is ready, and a select that finds one takes it into
// its token (recv_selected delivers it). Everything else is the flavour's.
// Not covered: a select already asleep when a message goes back is not woken
// for it (it is for the next message sent, or the disconnection).
template <class T, class H>
class StashRecvHandle final : public SelectHandle {
 public:
  template <class C>
  StashRecvHandle(C& c, Stash<T>& stash) noexcept : inner_(c), stash_(stash) {}
  bool try_select(Token& t) override { return take(t) || inner_.try_select(t); }
  Deadline deadline() override { return inner_.deadline(); }
  bool register_op(Operation oper, Context& cx) override { return inner_.register_op(oper, cx) || stashed(); }
  void unregister(Operation oper) override { inner_.unregister(oper); }
  bool accept(Token& t, Context& cx) override { return inner_.accept(t, cx); }
  bool is_ready() override { return stashed() || inner_.is_ready(); }
  bool pollable() const noexcept override { return inner_.pollable(); }
  bool poll_ready() noexcept override { return stashed() || inner_.poll_ready(); }
  bool picker_waits() const noexcept override { return inner_.picker_waits(); }
  bool needs_waiting_peer() const noexcept override { return inner_.needs_waiting_peer(); }
  bool watch(Operation oper, Context& cx) override { return inner_.watch(oper, cx) || stashed(); }
  void unwatch(Operation oper) override { inner_.unwatch(oper); }

 private:
  bool stashed() const noexcept { return stash_.size() > 0; }
  bool take(Token& t) {
    std::optional<Stored<T>> m;
    if (!stash_.pop(m)) return false;
    t.stashed = m->release();
    return true;
  }
  H inner_;
  Stash<T>& stash_;
};

template <class T, class C>
using RecvHandleOf = std::conditional_t<kBoxed<T>, StashRecvHandle<T, typename C::RecvHandle>, typename C::RecvHandle>;

template <class C>
concept HasSendHandle = requires { typename C::SendHandle; };

struct NoSendHandle {
  template <class C>
  explicit NoSendHandle(C&) noexcept {}
};
template <class C>
struct SendHandleOf {
  using type = NoSendHandle;
};
template <HasSendHandle C>
struct SendHandleOf<C> {
  using type = typename C::SendHandle;
};

template <class T, class C>
struct Counter final : Shared<T> {
  template <class... A>
  explicit Counter(Flavor f, A&&... a) : Shared<T>(f), chan(std::forward<A>(a)...), rx(make_rx()), tx(chan) {
    this->rx_handle = &rx;
    if constexpr (HasSendHandle<C>) this->tx_handle = &tx;
  }
  void disconnect_senders() noexcept override {
    if constexpr (requires(C& c) { c.disconnect_senders(); }) chan.disconnect_senders();
  }
  void disconnect_receivers() noexcept override {
    if constexpr (requires(C& c) { c.disconnect_receivers(); }) chan.disconnect_receivers();
  }
  void reconnect_senders() noexcept override {
    if constexpr (requires(C& c) { c.reconnect_senders(); }) chan.reconnect_senders();
  }

  C chan;
  RecvHandleOf<T, C> rx;
  typename SendHandleOf<C>::type tx;

 private:
  RecvHandleOf<T, C> make_rx() noexcept {
    if constexpr (kBoxed<T>) return RecvHandleOf<T, C>(chan, this->stash);
    else return RecvHandleOf<T, C>(chan);
  }
};

// Calls f(flavour&) on the channel behind `s`. Timer flavours exist only for
// receivers of Instant, so other T never instantiate them.
template <class T, class F>
decltype(auto) visit(Shared<T>* s, F&& f) {
  using S = Stored<T>;
  switch (s->flavor) {
    case Flavor::Array:
      return f(static_cast<Counter<T, Array<S>>*>(s)->chan);
    case Flavor::List:
      return f(static_cast<Counter<T, List<S>>*>(s)->chan);
    case Flavor::Zero:
      return f(static_cast<Counter<T, Zero<S>>*>(s)->chan);
    default:
      break;
  }
  if constexpr (std::is_same_v<T, Deadline>) {
    if (s->flavor == Flavor::At) return f(static_cast<Counter<T, At>*>(s)->chan);
    if (s->flavor == Flavor::Tick) return f(static_cast<Counter<T, Tick>*>(s)->chan);
  }
  return f(static_cast<Counter<T, Never<S>>*>(s)->chan);
}

// Same, for operations only senders perform (no timer flavours).
template <class T, class F>
decltype(auto) visit_tx(Shared<T>* s, F&& f) {
  using S = Stored<T>;
  switch (s->flavor) {
    case Flavor::Array:
      return f(static_cast<Counter<T, Array<S>>*>(s)->chan);
    case Flavor::List:
      return f(static_cast<Counter<T, List<S>>*>(s)->chan);
    default:
      return f(static_cast<Counter<T, Zero<S>>*>(s)->chan);
  }
}

}  // namespace fearless::detail::chan
