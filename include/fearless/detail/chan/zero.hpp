// Internal: the zero-capacity (rendezvous) flavour — a message goes straight
// from the sender to the receiver. A thread that finds a partner waiting
// completes the hand-off through the partner's packet; otherwise it registers
// (with a packet on its own stack) and waits to be picked.
//
// The waiting lists are guarded by a short spin-then-sleep lock, held for a
// few instructions only (never while moving a message or waiting).
#pragma once
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <utility>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/backoff.hpp"
#include "fearless/detail/chan/context.hpp"
#include "fearless/detail/chan/handle.hpp"
#include "fearless/detail/chan/waker.hpp"
#include "fearless/detail/config.hpp"

namespace fearless::detail::chan {

// Test hook: how many select packets this thread has allocated (not taken
// from its cache).
inline constinit thread_local std::size_t packets_allocated = 0;

// Recycles the heap packets of select operations on rendezvous channels, so
// that a thread that keeps selecting allocates none once warm.
//
// A packet is allocated by the selecting thread (its owner). Three ways back:
//  * an operand that was not picked: the owner unregisters it and keeps the
//    packet (give);
//  * a selecting receiver's packet, filled by a sender: the owner reads it
//    and keeps it (give);
//  * a selecting sender's packet, read by a receiver on another thread: the
//    owner writes the message and lends the packet (lend); the reader moves
//    the message out and marks it returned, and the owner takes it back on a
//    later select. Without the loan the reader kept the packet, and a thread
//    that only selects sends allocated one per message.
// Each thread keeps up to kCap free and kLentCap lent packets of each message
// type. Packets outlive no thread: at thread exit the free ones are deleted,
// and each lent one is deleted by whichever of owner and reader lets go of it
// last (the `loan` word). A packet of a thread whose cache is gone (a select
// from another thread_local's destructor) is not lent: its reader keeps it.
template <class P>
class PacketCache {
 public:
  // A free or returned packet, or null when there is none (the caller allocates).
  static P* take() noexcept {
    if (dead_) return nullptr;
    Slots& s = slots();
    if (s.n > 0) return s.items[--s.n];
    return s.reclaim();
  }
  // Keeps `p` (already reset by the caller) for this thread's next select,
  // or deletes it when the cache is full or gone.
  static void give(P* p) noexcept {
    if (!dead_) {
      Slots& s = slots();
      if (s.n < kCap) {
        s.items[s.n++] = p;
        return;
      }
    }
    delete p;
  }
  // Called by the owner before it publishes the message in `p`: records the
  // loan and sets p->loan to kLent. False (p->loan untouched, kNotLent) when
  // the cache is gone or full of loans not yet returned: the reader then
  // keeps the packet, as it would a packet of another thread.
  static bool lend(P* p) noexcept {
    if (dead_) return false;
    Slots& s = slots();
    if (s.lent_n == kLentCap && s.reclaim_into_free() == 0) return false;
    // relaxed: published to the reader by the owner's release store of `ready`.
    p->loan.store(P::kLent, std::memory_order_relaxed);
    s.lent[s.lent_n++] = p;
    return true;
  }
  // Called by the reader of a lent packet once the message is out: the
  // packet is the owner's again, or deleted if its owner has exited.
  static void give_back(P* p) noexcept {
    // acq_rel: release hands the packet (message moved out) back to the
    // owner's acquire in reclaim; acquire pairs with an exiting owner's
    // exchange before this thread deletes the packet.
    if (p->loan.exchange(P::kReturned, std::memory_order_acq_rel) == P::kOrphaned) delete p;
  }

 private:
  static constexpr unsigned kCap = 8;
  static constexpr unsigned kLentCap = 16;
  struct Slots {
    P* items[kCap];
    unsigned n = 0;
    P* lent[kLentCap];
    unsigned lent_n = 0;
    Slots() = default;
    Slots(const Slots&) = delete;
    Slots& operator=(const Slots&) = delete;
    ~Slots() {
      while (n > 0) delete items[--n];
      // acq_rel: acquire pairs with the reader's release in give_back (its
      // use of the packet is over before we delete); release lets a reader
      // that comes later delete it.
      while (lent_n > 0) {
        P* p = lent[--lent_n];
        if (p->loan.exchange(P::kOrphaned, std::memory_order_acq_rel) == P::kReturned) delete p;
      }
      dead_ = true;
    }
    // The first returned loan, taken off the lent list, or null.
    P* reclaim() noexcept {
      for (unsigned i = 0; i < lent_n; ++i) {
        P* p = lent[i];
        // acquire: pairs with the reader's release in give_back.
        if (p->loan.load(std::memory_order_acquire) == P::kReturned) {
          lent[i] = lent[--lent_n];
          p->reset_loan();
          return p;
        }
      }
      return nullptr;
    }
    // Moves returned loans to the free list while it has room; how many.
    unsigned reclaim_into_free() noexcept {
      unsigned moved = 0;
      while (n < kCap) {
        P* p = reclaim();
        if (p == nullptr) break;
        items[n++] = p;
        ++moved;
      }
      return moved;
    }
  };
  static Slots& slots() noexcept {
    static thread_local Slots s;
    return s;
  }
  // Trivially destructible, so it stays readable after ~Slots has run.
  static inline constinit thread_local bool dead_ = false;
};

template <class S>
class Zero {
  // Where a message changes hands. On the stack of a blocked send/recv, or on
  // the heap for a select (whose operation may be picked after it returned
  // from registering).
  struct Packet {
    // `loan` of a heap packet (see PacketCache): kNotLent while its owner
    // holds it, kLent once a reader may take the message out, kReturned when
    // the reader is done, kOrphaned when the owner exited first.
    static constexpr std::uint8_t kNotLent = 0;
    static constexpr std::uint8_t kLent = 1;
    static constexpr std::uint8_t kReturned = 2;
    static constexpr std::uint8_t kOrphaned = 3;

    bool on_stack;
    Atomic<bool> ready{false};
    Atomic<std::uint8_t> loan{kNotLent};
    std::optional<S> msg;

    explicit Packet(bool stack) noexcept : on_stack(stack) {}
    Packet(bool stack, S&& m) noexcept : on_stack(stack), msg(std::move(m)) {}
    // A returned loan made ready for the owner's next select (the reader
    // already emptied `msg`). relaxed: the packet is the owner's alone.
    void reset_loan() noexcept {
      ready.store(false, std::memory_order_relaxed);
      loan.store(kNotLent, std::memory_order_relaxed);
    }
    void wait_ready() const noexcept {
      // acquire: pairs with the release store of `ready` by the partner.
      wait_committed([&] { return ready.load(std::memory_order_acquire); });
    }
  };

 public:
  Zero() = default;
  Zero(const Zero&) = delete;
  Zero& operator=(const Zero&) = delete;

  // ---- the two-phase protocol --------------------------------------------
  bool start_send(Token& token, bool /*try_mode*/) {
    WaitGuard g(lock_);
    if (auto e = receivers_.try_select()) {
      token.zero.packet = e->packet;
      return true;
    }
    if (disconnected_) {
      token.zero.packet = nullptr;
      return true;
    }
    return false;
  }
  bool write(Token& token, S& msg) noexcept {
    if (token.zero.packet == nullptr) return false;
    Packet* p = static_cast<Packet*>(token.zero.packet);
    p->msg.emplace(std::move(msg));
    // Our own packet (a selecting send, picked by a receiver): lend it, so
    // that the reader hands it back instead of keeping it.
    if (token.zero.own) (void)Cache::lend(p);
    p->ready.store(true, std::memory_order_release);  // release: pairs with wait_ready
    return true;
  }
  bool start_recv(Token& token, bool /*try_mode*/) {
    WaitGuard g(lock_);
    if (auto e = senders_.try_select()) {
      token.zero.packet = e->packet;
      return true;
    }
    if (disconnected_) {
      token.zero.packet = nullptr;
      return true;
    }
    return false;
  }
  bool read(Token& token, std::optional<S>& out) noexcept {
    if (token.zero.packet == nullptr) return false;
    Packet* p = static_cast<Packet*>(token.zero.packet);
    if (p->on_stack) {
      // The sender's message is already there; it waits for `ready` before
      // its packet (and stack frame) goes away.
      out.emplace(std::move(*p->msg));
      p->msg.reset();
      p->ready.store(true, std::memory_order_release);  // release: pairs with wait_ready
    } else {
      // A selecting sender's packet, or our own when we are the selecting
      // receiver: wait for the write, then hand a lent packet back to its
      // owner (not touched again after that) or keep it.
      p->wait_ready();
      out.emplace(std::move(*p->msg));
      // kLent, or kOrphaned if the owner has exited since lending it (give_back
      // then deletes it). acquire: pairs with the owner's release store of
      // `ready` (kLent) or its acq_rel exchange (kOrphaned).
      if (p->loan.load(std::memory_order_acquire) != Packet::kNotLent) {
        p->msg.reset();
        Cache::give_back(p);
      } else {
        recycle(p);
      }
    }
    return true;
  }

  // ---- whole operations ---------------------------------------------------
  Status try_send(S& msg) {
    Token token;
    {
      WaitGuard g(lock_);
      if (auto e = receivers_.try_select()) {
        token.zero.packet = e->packet;
      } else {
        return disconnected_ ? Status::Disconnected : Status::WouldBlock;
      }
    }
    write(token, msg);
    return Status::Ok;
  }
  Status send(S& msg, Deadline deadline) FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    Token token;
    lock_.lock();
    if (auto e = receivers_.try_select()) {
      lock_.unlock();
      token.zero.packet = e->packet;
      write(token, msg);
      return Status::Ok;
    }
    if (disconnected_) {
      lock_.unlock();
      return Status::Disconnected;
    }
    if (deadline != kNoDeadline && Clock::now() >= deadline) {
      lock_.unlock();
      return Status::Timeout;
    }
    return Context::with([&](Context& cx) {
      const Operation oper = hook(&token);
      Packet packet(true, std::move(msg));
      try {
        senders_.register_with_packet(oper, &packet, cx);
      } catch (...) {
        raw_unlock();
        give_back(msg, *packet.msg);
        throw;
      }
      receivers_.notify();
      raw_unlock();
      const std::uintptr_t sel = cx.wait_until(deadline);
      if (sel == kAborted || sel == kDisconnected) {
        {
          WaitGuard g(lock_);
          senders_.unregister(oper);
        }
        give_back(msg, *packet.msg);
        return sel == kAborted ? Status::Timeout : Status::Disconnected;
      }
      packet.wait_ready();
      return Status::Ok;
    });
  }
  Status try_recv(std::optional<S>& out) {
    Token token;
    {
      WaitGuard g(lock_);
      if (auto e = senders_.try_select()) {
        token.zero.packet = e->packet;
      } else {
        return disconnected_ ? Status::Disconnected : Status::WouldBlock;
      }
    }
    read(token, out);
    return Status::Ok;
  }
  // `stop()`: as in Array::recv. Checked under the lock that
  // wake_receivers() takes, so a put-back message is never missed.
  template <class Stop = NoStop>
  Status recv(std::optional<S>& out, Deadline deadline, Stop stop = {}) FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    Token token;
    lock_.lock();
    if (auto e = senders_.try_select()) {
      raw_unlock();
      token.zero.packet = e->packet;
      read(token, out);
      return Status::Ok;
    }
    if (disconnected_) {
      raw_unlock();
      return Status::Disconnected;
    }
    if (stop()) {
      raw_unlock();
      return Status::WouldBlock;
    }
    if (deadline != kNoDeadline && Clock::now() >= deadline) {
      raw_unlock();
      return Status::Timeout;
    }
    return Context::with([&](Context& cx) {
      const Operation oper = hook(&token);
      Packet packet(true);
      try {
        receivers_.register_with_packet(oper, &packet, cx);
      } catch (...) {
        raw_unlock();
        throw;
      }
      senders_.notify();
      raw_unlock();
      const std::uintptr_t sel = cx.wait_until(deadline);
      if (sel == kAborted || sel == kDisconnected) {
        WaitGuard g(lock_);
        receivers_.unregister(oper);
        if (sel == kDisconnected) return Status::Disconnected;
        return stop() ? Status::WouldBlock : Status::Timeout;
      }
      packet.wait_ready();
      out.emplace(std::move(*packet.msg));
      return Status::Ok;
    });
  }

  // Wakes every blocked receive and select, which then look again (see recv).
  void wake_receivers() {
    WaitGuard g(lock_);
    receivers_.abort_all();
  }

  // ---- observers ----------------------------------------------------------
  std::size_t len() const noexcept { return 0; }
  std::size_t capacity() const noexcept { return 0; }
  bool is_empty() const noexcept { return true; }
  bool is_full() const noexcept { return true; }
  bool is_disconnected() {
    WaitGuard g(lock_);
    return disconnected_;
  }

  bool disconnect_senders() { return disconnect(); }
  bool disconnect_receivers() { return disconnect(); }
  // As Array::reconnect_senders: the flag can only be the senders'.
  void reconnect_senders() {
    WaitGuard g(lock_);
    disconnected_ = false;
  }

  // ---- select handles -----------------------------------------------------
  class RecvHandle final : public SelectHandle {
   public:
    explicit RecvHandle(Zero& c) noexcept : c_(c) {}
    bool try_select(Token& t) override { return c_.start_recv(t, false); }
    bool needs_waiting_peer() const noexcept override { return true; }
    bool register_op(Operation oper, Context& cx) override {
      Packet* p = new_heap_packet();
      WaitGuard g(c_.lock_);
      register_owned(c_.receivers_, oper, p, cx);
      c_.senders_.notify();
      return c_.senders_.can_select() || c_.disconnected_;
    }
    void unregister(Operation oper) override {
      WaitGuard g(c_.lock_);
      if (auto e = c_.receivers_.unregister(oper)) recycle(static_cast<Packet*>(e->packet));
    }
    bool accept(Token& t, Context& cx) override {
      t.zero.packet = cx.wait_packet();
      return true;
    }
    bool is_ready() override {
      WaitGuard g(c_.lock_);
      return c_.senders_.can_select() || c_.disconnected_;
    }
    bool watch(Operation oper, Context& cx) override {
      WaitGuard g(c_.lock_);
      c_.receivers_.watch(oper, cx);
      return c_.senders_.can_select() || c_.disconnected_;
    }
    void unwatch(Operation oper) override {
      WaitGuard g(c_.lock_);
      c_.receivers_.unwatch(oper);
    }

   private:
    Zero& c_;
  };
  class SendHandle final : public SelectHandle {
   public:
    explicit SendHandle(Zero& c) noexcept : c_(c) {}
    bool try_select(Token& t) override { return c_.start_send(t, false); }
    bool needs_waiting_peer() const noexcept override { return true; }
    bool register_op(Operation oper, Context& cx) override {
      Packet* p = new_heap_packet();
      WaitGuard g(c_.lock_);
      register_owned(c_.senders_, oper, p, cx, /*quick=*/false);  // its reader waits for the write
      c_.receivers_.notify();
      return c_.receivers_.can_select() || c_.disconnected_;
    }
    void unregister(Operation oper) override {
      WaitGuard g(c_.lock_);
      if (auto e = c_.senders_.unregister(oper)) recycle(static_cast<Packet*>(e->packet));
    }
    bool accept(Token& t, Context& cx) override {
      t.zero.packet = cx.wait_packet();
      t.zero.own = true;  // the packet we registered: write() lends it
      return true;
    }
    bool picker_waits() const noexcept override { return true; }
    bool is_ready() override {
      WaitGuard g(c_.lock_);
      return c_.receivers_.can_select() || c_.disconnected_;
    }
    bool watch(Operation oper, Context& cx) override {
      WaitGuard g(c_.lock_);
      c_.senders_.watch(oper, cx);
      return c_.receivers_.can_select() || c_.disconnected_;
    }
    void unwatch(Operation oper) override {
      WaitGuard g(c_.lock_);
      c_.senders_.unwatch(oper);
    }

   private:
    Zero& c_;
  };

 private:
  using Cache = PacketCache<Packet>;
  // A select's packet: a recycled one if this thread has one, else a new one.
  static Packet* new_heap_packet() {
    if (Packet* p = Cache::take()) return p;
    Packet* p = new Packet(false);
    ++packets_allocated;
    return p;
  }
  // Empties a heap packet (its message, if any, was moved out or never
  // written) and hands it to this thread's cache.
  static void recycle(Packet* p) noexcept {
    p->msg.reset();
    // relaxed: the packet is ours alone again; its next user publishes with release.
    p->ready.store(false, std::memory_order_relaxed);
    Cache::give(p);
  }

  // Registration may allocate (the list grows): a heap packet must not leak.
  static void register_owned(Waker& w, Operation oper, Packet* p, Context& cx, bool quick = true) {
    try {
      w.register_with_packet(oper, p, cx, quick);
    } catch (...) {
      recycle(p);
      throw;
    }
  }

  // Puts the message back into the caller's (moved-from) variable without
  // requiring S to be assignable.
  static void give_back(S& msg, S& from) noexcept {
    msg.~S();
    new (&msg) S(std::move(from));
  }

  // Releases the lock taken at the start of send/recv from inside the waiting
  // lambda (a path the thread-safety analysis cannot follow).
  void raw_unlock() noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS { lock_.unlock(); }

  bool disconnect() {
    WaitGuard g(lock_);
    if (disconnected_) return false;
    disconnected_ = true;
    senders_.disconnect();
    receivers_.disconnect();
    return true;
  }

  // lock_ guards the three members below (not annotated for the analysis:
  // send/recv release it on paths the analysis cannot follow).
  WaitLock lock_;
  Waker senders_;
  Waker receivers_;
  bool disconnected_ = false;
};

}  // namespace fearless::detail::chan
