// Internal: the bounded channel flavour — a fixed ring of slots with sequence
// stamps (Vyukov's bounded MPMC queue as refined by crossbeam-channel).
//
// head and tail each hold (lap | index); a slot's stamp says whether it is
// ready for the writer of this lap (stamp == tail) or for the reader
// (stamp == head + 1). The tail's mark bit means "disconnected".
#pragma once
#include <sched.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/backoff.hpp"
#include "fearless/detail/cache_padded.hpp"
#include "fearless/detail/chan/context.hpp"
#include "fearless/detail/chan/handle.hpp"
#include "fearless/detail/chan/waker.hpp"
#include "fearless/detail/large_buffer.hpp"
#include "fearless/detail/single_threaded.hpp"
#include "fearless/panic.hpp"

namespace fearless::detail::chan {

template <class S>
class Array {
  struct Slot {
    // lap | index: equal to the tail when the slot is free for that lap's
    // sender, to the head + 1 when it holds that lap's message.
    Atomic<std::size_t> stamp;
    alignas(S) unsigned char msg[sizeof(S)];
  };

 public:
  explicit Array(std::size_t cap) : cap_(cap) {
    if (cap == 0) panic("channel capacity must be positive");
    // The index takes the bits below the mark bit (a power of two above
    // cap); laps count above it, so cap must leave room for two more bits.
    if (cap > (std::numeric_limits<std::size_t>::max() >> 2) ||
        cap > std::numeric_limits<std::size_t>::max() / sizeof(Slot))
      panic("capacity overflow: a bounded channel of " + std::to_string(cap) + " slots cannot exist");
    std::size_t mark = 1;
    while (mark < cap + 1) mark <<= 1;
    mark_bit_ = mark;       // just above every index
    one_lap_ = mark << 1;   // laps count above the mark bit
    void* mem = allocate_large_buffer(cap * sizeof(Slot), alignof(Slot));
    if (mem == nullptr)
      panic("channel capacity too large: cannot allocate " + std::to_string(cap) + " slots of " +
            std::to_string(sizeof(Slot)) + " bytes");
    buffer_ = static_cast<Slot*>(mem);
    // Every stamp is written now, so every page of the ring is private and
    // mapped before the first message. Left to first use, a receiver polling
    // the next slot maps the kernel's shared zero page and the sender's write
    // to it then faults and flushes the receiver's TLB: one cross-CPU
    // interrupt per page, 4x the cost of a streaming transfer.
    for (std::size_t i = 0; i < cap; ++i) new (&buffer_[i].stamp) Atomic<std::size_t>(i);
  }
  Array(const Array&) = delete;
  Array& operator=(const Array&) = delete;

  ~Array() {
    // Whatever is still in the ring (normally discarded already when the
    // last receiver left).
    std::size_t head = head_->load(std::memory_order_relaxed);  // relaxed: sole owner now
    const std::size_t tail = tail_->load(std::memory_order_relaxed) & ~mark_bit_;  // same
    while (head != tail) {
      const std::size_t index = head & (mark_bit_ - 1);
      std::launder(reinterpret_cast<S*>(buffer_[index].msg))->~S();
      head = index + 1 < cap_ ? head + 1 : (head & ~(one_lap_ - 1)) + one_lap_;
    }
    for (std::size_t i = 0; i < cap_; ++i) buffer_[i].stamp.~Atomic<std::size_t>();
    free_large_buffer(buffer_);
  }

  // ---- the two-phase protocol --------------------------------------------
  // Reserves a slot to write. False if full, or (in try mode) if the slot is
  // still held by a reader after a few microseconds. True with a null slot when disconnected.
  bool start_send(Token& token, bool try_mode) noexcept {
    Backoff backoff;
    // acquire: a tail carrying the disconnection mark must make everything the
    // last receiver did before leaving visible to us (pairs with the seq_cst
    // fetch_or in disconnect_receivers); otherwise the stamp and CAS validate it.
    std::size_t tail = tail_->load(std::memory_order_acquire);
    for (;;) {
      if (tail & mark_bit_) {
        token.array.slot = nullptr;
        return true;
      }
      const std::size_t index = tail & (mark_bit_ - 1);
      const std::size_t lap = tail & ~(one_lap_ - 1);
      Slot& slot = buffer_[index];
      const std::size_t stamp = load_stamp(slot);
      if (tail == stamp) {
        const std::size_t new_tail = index + 1 < cap_ ? tail + 1 : lap + one_lap_;
        // acquire on failure: the tail read back may carry the mark (as above).
        if (cas_weak_unless_alone(*tail_, tail, new_tail, std::memory_order_seq_cst, std::memory_order_acquire)) {
          token.array.slot = &slot;
          token.array.stamp = tail + 1;
          return true;
        }
        backoff.spin();
      } else if (stamp + one_lap_ == tail + 1) {
        seq_cst_fence_unless_alone();
        const std::size_t head = head_->load(std::memory_order_relaxed);  // relaxed: after the fence
        if (head + one_lap_ == tail) return false;  // full
        if (try_mode) {
          // A reader holds the slot. A running one lets go within a few
          // hundred nanoseconds: spin that long (so that a try_send after a
          // completed receive finds room), never longer (a stalled reader
          // must not stall us: crossbeam #997).
          if (backoff.is_completed()) return false;
          backoff.snooze();
          tail = tail_->load(std::memory_order_acquire);  // acquire: as above
          continue;
        }
        backoff.snooze();
        tail = tail_->load(std::memory_order_acquire);  // acquire: as above
      } else {
        backoff.snooze();
        tail = tail_->load(std::memory_order_acquire);  // acquire: as above
      }
    }
  }
  // Fills a reserved slot. False (message untouched) if the reservation says
  // "disconnected".
  bool write(Token& token, S& msg) noexcept {
    if (token.array.slot == nullptr) return false;
    Slot* slot = static_cast<Slot*>(token.array.slot);
    new (slot->msg) S(std::move(msg));
    store_stamp(*slot, token.array.stamp);
    receivers_.notify();
    return true;
  }

  // Reserves a slot to read. False if empty, or (in try mode) if the next
  // message is still being written after a few microseconds. True with a null
  // slot when empty and disconnected.
  bool start_recv(Token& token, bool try_mode) noexcept {
    Backoff backoff;
    std::size_t head = head_->load(std::memory_order_relaxed);  // relaxed: validated by the stamp and CAS
    for (;;) {
      const std::size_t index = head & (mark_bit_ - 1);
      const std::size_t lap = head & ~(one_lap_ - 1);
      Slot& slot = buffer_[index];
      const std::size_t stamp = load_stamp(slot);
      if (head + 1 == stamp) {
        const std::size_t new_head = index + 1 < cap_ ? head + 1 : lap + one_lap_;
        // relaxed on failure: the new head is revalidated by its slot's stamp.
        if (cas_weak_unless_alone(*head_, head, new_head, std::memory_order_seq_cst, std::memory_order_relaxed)) {
          token.array.slot = &slot;
          token.array.stamp = head + one_lap_;
          return true;
        }
        backoff.spin();
      } else if (stamp == head) {
        seq_cst_fence_unless_alone();
        // acquire: when it carries the mark, pairs with the seq_cst fetch_or of
        // disconnect_senders, so what the last sender did before leaving
        // happens before our Disconnected.
        const std::size_t tail = tail_->load(std::memory_order_acquire);
        if ((tail & ~mark_bit_) == head) {
          if (tail & mark_bit_) {
            token.array.slot = nullptr;
            return true;
          }
          return false;
        }
        if (try_mode) {
          // A writer holds the slot: wait for it as long as a running writer
          // needs (so that a try_recv after a completed send of our own finds
          // a message, as crossbeam's linearizability tests require), never
          // longer (a stalled writer must not stall us: crossbeam #997).
          if (backoff.is_completed()) return false;
          backoff.snooze();
          head = head_->load(std::memory_order_relaxed);  // relaxed: revalidated above
          continue;
        }
        backoff.snooze();
        head = head_->load(std::memory_order_relaxed);  // relaxed: revalidated above
      } else {
        backoff.snooze();
        head = head_->load(std::memory_order_relaxed);  // relaxed: revalidated above
      }
    }
  }
  // Takes the message of a reserved slot into `out`. False if the
  // reservation says "disconnected".
  bool read(Token& token, std::optional<S>& out) noexcept {
    if (token.array.slot == nullptr) return false;
    Slot* slot = static_cast<Slot*>(token.array.slot);
    S* m = std::launder(reinterpret_cast<S*>(slot->msg));
    out.emplace(std::move(*m));
    m->~S();
    store_stamp(*slot, token.array.stamp);
    wake_a_sender();
    return true;
  }

  // ---- whole operations ---------------------------------------------------
  Status try_send(S& msg) noexcept {
    Token token;
    if (!start_send(token, true)) return Status::WouldBlock;
    return write(token, msg) ? Status::Ok : Status::Disconnected;
  }
  // With a deadline, a slot still held by a stalled reader is not waited on
  // inside start_send (try mode) but by the loop below, which watches the clock.
  Status send(S& msg, Deadline deadline) {
    Token token;
    if (FEARLESS_LIKELY(slot_free() && start_send(token, deadline != kNoDeadline)))
      return write(token, msg) ? Status::Ok : Status::Disconnected;
    return send_blocking(msg, token, deadline);
  }
  // The full channel's path, kept out of line so the fast path above stays small.
  // While waiting it polls only the slot at the tail (see slot_free), then
  // claims it with a full start_send.
  //
  // A sender that goes to sleep leaves its message with its entry (a
  // Handoff): the receiver that frees a slot and picks it writes the message
  // into the ring for it, so the message does not wait for this thread to be
  // scheduled again, and a receiver can take several messages of sleeping
  // senders in one turn on the CPU (with more threads than CPUs, or
  // confined to one, that is one context switch per message saved).
  FEARLESS_NOINLINE Status send_blocking(S& msg, Token& token, Deadline deadline) {
    const bool try_mode = deadline != kNoDeadline;
    for (;;) {
      if (may_spin() &&
          spin_then_yield([&] { return slot_free() && start_send(token, try_mode); }, kSpinNs, kPreYieldNs, deadline))
        return write(token, msg) ? Status::Ok : Status::Disconnected;
      if (start_send(token, try_mode)) return write(token, msg) ? Status::Ok : Status::Disconnected;
      if (deadline != kNoDeadline && Clock::now() >= deadline) return Status::Timeout;
      Handoff h{&msg};
      const std::uintptr_t sel =
          senders_.wait_for_peer(&token, deadline, [&] { return !is_full() || is_disconnected(); }, &h);
      if (sel == kAborted || sel == kDisconnected) {
        // On one CPU nothing above yields: let whoever holds the slot (a
        // reader preempted mid-read, seen by a try-mode claim) or made the
        // room run before we try again, instead of spinning out our time slice.
        if (!may_spin()) ::sched_yield();
        continue;
      }
      // A receiver picked us: it is writing our message for us, or has
      // found no room for it (another sender was quicker) and lets us retry.
      std::uint8_t st = Handoff::kPending;
      // acquire: pairs with the picker's release store of the outcome.
      wait_committed([&] { return (st = h.state.load(std::memory_order_acquire)) != Handoff::kPending; });
      if (st == Handoff::kWritten) return Status::Ok;
    }
  }
  Status try_recv(std::optional<S>& out) noexcept {
    Token token;
    if (!start_recv(token, true)) return Status::WouldBlock;
    return read(token, out) ? Status::Ok : Status::Disconnected;
  }
  // With a deadline, a message still being written by a stalled sender is
  // not waited on inside start_recv (try mode) but by the loop below, which
  // watches the clock.
  // `stop()` true makes a blocked receive give up with WouldBlock (a message
  // was put back into the receivers' stash; wake_receivers() wakes it).
  template <class Stop = NoStop>
  Status recv(std::optional<S>& out, Deadline deadline, Stop stop = {}) {
    Token token;
    if (FEARLESS_LIKELY(slot_written() && start_recv(token, deadline != kNoDeadline)))
      return read(token, out) ? Status::Ok : Status::Disconnected;
    return recv_blocking(out, token, deadline, stop);
  }
  // The empty channel's path, kept out of line so the fast path above stays small.
  // While waiting it polls only the slot at the head (see slot_written),
  // then claims it with a full start_recv.
  template <class Stop>
  FEARLESS_NOINLINE Status recv_blocking(std::optional<S>& out, Token& token, Deadline deadline, Stop stop) {
    const bool try_mode = deadline != kNoDeadline;
    for (;;) {
      if (spin_then_yield([&] { return slot_written() && start_recv(token, try_mode); }, kSpinNs, kPreYieldNs, deadline))
        return read(token, out) ? Status::Ok : Status::Disconnected;
      if (start_recv(token, try_mode)) return read(token, out) ? Status::Ok : Status::Disconnected;
      if (stop()) return Status::WouldBlock;
      if (deadline != kNoDeadline && Clock::now() >= deadline) return Status::Timeout;
      receivers_.wait_for_peer(&token, deadline, [&] { return !is_empty() || is_disconnected() || stop(); });
    }
  }
  // Wakes every blocked receive and select, which then look again (see recv).
  void wake_receivers() { receivers_.abort_all(); }

  // ---- observers ----------------------------------------------------------
  std::size_t len() const noexcept {
    for (;;) {
      const std::size_t tail = tail_->load(std::memory_order_seq_cst);
      const std::size_t head = head_->load(std::memory_order_seq_cst);
      if (tail_->load(std::memory_order_seq_cst) == tail) {
        const std::size_t hix = head & (mark_bit_ - 1);
        const std::size_t tix = tail & (mark_bit_ - 1);
        if (hix < tix) return tix - hix;
        if (hix > tix) return cap_ - hix + tix;
        if ((tail & ~mark_bit_) == head) return 0;
        return cap_;
      }
    }
  }
  std::size_t capacity() const noexcept { return cap_; }
  bool is_empty() const noexcept {
    const std::size_t head = head_->load(std::memory_order_seq_cst);
    const std::size_t tail = tail_->load(std::memory_order_seq_cst);
    return (tail & ~mark_bit_) == head;
  }
  bool is_full() const noexcept {
    const std::size_t tail = tail_->load(std::memory_order_seq_cst);
    const std::size_t head = head_->load(std::memory_order_seq_cst);
    return head + one_lap_ == (tail & ~mark_bit_);
  }
  bool is_disconnected() const noexcept { return (tail_->load(std::memory_order_seq_cst) & mark_bit_) != 0; }

  // The last sender left: wake blocked receivers. True if this disconnected.
  bool disconnect_senders() {
    const std::size_t tail = tail_->fetch_or(mark_bit_, std::memory_order_seq_cst);
    if (tail & mark_bit_) return false;
    receivers_.disconnect();
    return true;
  }
  // A sender came back (Receiver::new_sender) after the last one left; only
  // called while receivers remain, so the mark was the senders'.
  void reconnect_senders() noexcept { tail_->fetch_and(~mark_bit_, std::memory_order_seq_cst); }
  // The last receiver left: wake blocked senders and destroy every message
  // still in the ring, now.
  bool disconnect_receivers() {
    const std::size_t tail = tail_->fetch_or(mark_bit_, std::memory_order_seq_cst);
    const bool first = (tail & mark_bit_) == 0;
    if (first) senders_.disconnect();
    discard_all_messages(tail & ~mark_bit_);
    return first;
  }

  // ---- select handles -----------------------------------------------------
  using RecvHandle = WakerRecvHandle<Array>;
  // RecvHandle's poll: the head's slot only (see slot_written).
  bool recv_poll() const noexcept { return slot_written(); }
  friend class WakerRecvHandle<Array>;
  class SendHandle final : public SelectHandle {
   public:
    explicit SendHandle(Array& c) noexcept : c_(c) {}
    bool try_select(Token& t) override { return c_.start_send(t, false); }
    bool register_op(Operation oper, Context& cx) override {
      c_.senders_.register_op(oper, cx);
      return is_ready();
    }
    void unregister(Operation oper) override { c_.senders_.unregister(oper); }
    bool accept(Token& t, Context&) override { return try_select(t); }
    bool is_ready() override { return !c_.is_full() || c_.is_disconnected(); }
    bool pollable() const noexcept override { return true; }
    bool poll_ready() noexcept override { return c_.slot_free(); }
    bool watch(Operation oper, Context& cx) override {
      c_.senders_.watch(oper, cx);
      return is_ready();
    }
    void unwatch(Operation oper) override { c_.senders_.unwatch(oper); }

   private:
    Array& c_;
  };

 private:
  // What a sleeping sender leaves with its entry: its message, and the
  // outcome, set once by the receiver that picks the entry.
  struct Handoff {
    static constexpr std::uint8_t kPending = 0;
    static constexpr std::uint8_t kWritten = 1;  // in the ring: the send is done
    static constexpr std::uint8_t kRetry = 2;    // untouched: no room (or disconnected)
    S* msg;
    Atomic<std::uint8_t> state{kPending};
  };

  // After a slot was freed: picks one waiting sender, if any. A sleeping
  // send's message goes into the ring here, on its behalf, when there is
  // room (try mode: never waits on a stalled reader); a select's operation
  // is just woken to try again, as before.
  void wake_a_sender() noexcept {
    if (FEARLESS_LIKELY(senders_.nobody_waiting())) return;
    wake_a_sender_slow();
  }
  FEARLESS_NOINLINE void wake_a_sender_slow() noexcept {
    std::optional<Entry> e = senders_.notify_deferred();
    if (!e) return;
    if (e->packet != nullptr) {
      Handoff* h = static_cast<Handoff*>(e->packet);
      Token t;
      const bool written = start_send(t, true) && t.array.slot != nullptr && write(t, *h->msg);
      // release: publishes the ring write (and the message moved out) to
      // the sender, which may return and drop `h` at once: not touched after.
      h->state.store(written ? Handoff::kWritten : Handoff::kRetry, std::memory_order_release);
    }
    e->cx->unpark();
  }

  // The waiting polls. A full start_send also reads the head (to tell "full"
  // from "a reader is still taking the last lap's message"), a full
  // start_recv the tail; each read pulls that line away from the peer that
  // writes it for every message and so slows the very thread we wait for.
  // These look only at the tail's (head's) own slot, whose stamp changes
  // exactly when the peer is done with it, and at our own side's index.
  // slot_written cannot see disconnection (the mark lives on the tail), so
  // the blocking loops run a full start_* after every polling phase before
  // they register to sleep.
  bool slot_free() const noexcept {
    // acquire: the tail's mark, as in start_send; the slot is revalidated there.
    const std::size_t tail = tail_->load(std::memory_order_acquire);
    return (tail & mark_bit_) != 0 || load_stamp(buffer_[tail & (mark_bit_ - 1)]) == tail;
  }
  bool slot_written() const noexcept {
    const std::size_t head = head_->load(std::memory_order_relaxed);  // relaxed: revalidated by start_recv
    return load_stamp(buffer_[head & (mark_bit_ - 1)]) == head + 1;
  }

  static std::size_t load_stamp(const Slot& s) noexcept {
    // acquire: pairs with store_stamp's release, making the slot's message
    // (or its emptiness) visible.
    return s.stamp.load(std::memory_order_acquire);
  }
  static void store_stamp(Slot& s, std::size_t stamp) noexcept {
    // release: publishes the message written (or taken) to the next user.
    s.stamp.store(stamp, std::memory_order_release);
  }

  void discard_all_messages(std::size_t tail) noexcept {
    Backoff backoff;
    for (;;) {
      const std::size_t head = head_->load(std::memory_order_relaxed);  // relaxed: no receiver is left
      const std::size_t index = head & (mark_bit_ - 1);
      Slot& slot = buffer_[index];
      const std::size_t stamp = load_stamp(slot);
      if (head + 1 == stamp) {
        const std::size_t new_head = index + 1 < cap_ ? head + 1 : (head & ~(one_lap_ - 1)) + one_lap_;
        head_->store(new_head, std::memory_order_release);  // release: pairs with len()/is_empty() loads
        std::launder(reinterpret_cast<S*>(slot.msg))->~S();
        store_stamp(slot, head + one_lap_);
      } else if (head == tail) {
        return;
      } else {
        backoff.snooze();  // a sender reserved this slot before the mark and is still writing
      }
    }
  }

  CachePadded<Atomic<std::size_t>> head_{0};
  CachePadded<Atomic<std::size_t>> tail_{0};
  Slot* buffer_ = nullptr;
  std::size_t cap_;
  std::size_t one_lap_ = 0;
  std::size_t mark_bit_ = 0;
  SyncWaker senders_;
  SyncWaker receivers_;
};

}  // namespace fearless::detail::chan
