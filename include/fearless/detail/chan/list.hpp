// Internal: the unbounded channel flavour — a linked list of blocks of 63
// slots (31 for messages over 16 bytes; crossbeam-channel's design, with the
// slots' states packed apart from the messages). Messages are written in
// place, so the only allocation is one block per 63 (31) messages, and each
// block is freed as soon as its last slot has been read: the channel's memory
// shrinks as it drains. While the queue is long, blocks come from huge-page
// chunks instead of malloc (block_arena.hpp).
//
// Indices count in steps of 2 (bit 0 is a flag): on the tail it means
// "disconnected", on the head "this is not the last block".
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <utility>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/backoff.hpp"
#include "fearless/detail/cache_padded.hpp"
#include "fearless/detail/chan/block_arena.hpp"
#include "fearless/detail/chan/context.hpp"
#include "fearless/detail/chan/handle.hpp"
#include "fearless/detail/chan/waker.hpp"
#include "fearless/detail/single_threaded.hpp"

namespace fearless::detail::chan {

// Test hook: while non-zero, each block allocation of an unbounded channel
// fails as if memory were exhausted, and the count goes down by one.
inline std::atomic<std::size_t> inject_block_alloc_failures{0};

template <class S>
class List {
  static constexpr std::uint8_t kWrite = 1;    // slot: the message is in
  static constexpr std::uint8_t kRead = 2;     // slot: the message was taken
  static constexpr std::uint8_t kDestroy = 4;  // slot: the block's destruction is delegated to its reader
  // slot: a try_recv reserved it, found it not yet written and gave it up;
  // its writer takes the message back, sends it again and does the reader's
  // part of freeing the block.
  static constexpr std::uint8_t kAbandoned = 8;
  // Small messages get larger blocks: half the allocations, and a block of
  // 63 words is still under 600 bytes.
  static constexpr std::size_t kLap = sizeof(S) <= 16 ? 64 : 32;
  static constexpr std::size_t kBlockCap = kLap - 1;
  static constexpr std::size_t kShift = 1;
  static constexpr std::size_t kMarkBit = 1;

  using State = std::uint8_t;

  // The slots' states are bytes kept together ahead of the messages, not a
  // word beside each message: a word-sized message then costs 9 bytes of
  // block instead of 16, which halves the memory (and the page faults) of a
  // queue that has grown. Measured against the interleaved layout on 5M
  // word-sized messages: seq 0.083 s vs 0.100 s, mpsc 0.156-0.214 s vs
  // 0.189-0.257 s. Grouping each line's states with its messages measured
  // slower: it needs cache-line-aligned blocks.
  struct Block {
    Atomic<Block*> next{nullptr};
    ArenaChunk* chunk = nullptr;  // the arena chunk holding this block; null: from malloc
    Atomic<State> states[kBlockCap]{};
    struct alignas(S) Raw {
      unsigned char bytes[sizeof(S)];
    };
    Raw msgs[kBlockCap];

    Atomic<State>& state(std::size_t i) noexcept { return states[i]; }
    const Atomic<State>& state(std::size_t i) const noexcept { return states[i]; }
    void* raw(std::size_t i) noexcept { return msgs[i].bytes; }
    S* get(std::size_t i) noexcept { return std::launder(reinterpret_cast<S*>(msgs[i].bytes)); }
    void wait_write(std::size_t i) const noexcept {
      // acquire: pairs with the writer's release fetch_add(kWrite).
      wait_committed([&] { return (states[i].load(std::memory_order_acquire) & kWrite) != 0; });
    }

    Block* wait_next() const noexcept {
      Backoff b;
      for (;;) {
        // acquire: pairs with the release store that links the next block.
        Block* n = next.load(std::memory_order_acquire);
        if (n != nullptr) return n;
        b.snooze();
      }
    }
    // Frees the block once every reader from `start` on is done with it; a
    // reader still busy with a slot is asked to do it instead.
    static void destroy(Block* self, std::size_t start) noexcept {
      for (std::size_t i = start; i + 1 < kBlockCap; ++i) {
        Atomic<State>& st = self->state(i);
        // acquire/acq_rel: pair with the reader's acq_rel fetch_add(kRead).
        if ((st.load(std::memory_order_acquire) & kRead) == 0 &&
            (st.fetch_or(kDestroy, std::memory_order_acq_rel) & kRead) == 0)
          return;
      }
      free_block(self);
    }
  };
  using Arena = BlockArena<Block>;

  struct Position {
    Atomic<std::size_t> index{0};
    Atomic<Block*> block{nullptr};
  };

 public:
  // Messages per block (tests use it to reach a block boundary).
  static constexpr std::size_t kSlotsPerBlock = kBlockCap;
  // Messages queued from which new blocks come from the arena, and messages
  // per arena chunk (tests use them to reach and cross chunks).
  static constexpr std::size_t kLongQueueMessages = Arena::kLongQueueBlocks * kBlockCap;
  static constexpr std::size_t kMessagesPerChunk = Arena::kBlocksPerChunk * kBlockCap;

  List() = default;
  List(const List&) = delete;
  List& operator=(const List&) = delete;

  ~List() {
    // relaxed: sole owner now.
    std::size_t head = head_->index.load(std::memory_order_relaxed) & ~((std::size_t{1} << kShift) - 1);
    const std::size_t tail = tail_->index.load(std::memory_order_relaxed) & ~((std::size_t{1} << kShift) - 1);
    Block* block = head_->block.load(std::memory_order_relaxed);  // relaxed: sole owner now
    while (head != tail) {
      const std::size_t offset = (head >> kShift) % kLap;
      if (offset < kBlockCap) {
        block->get(offset)->~S();
      } else {
        Block* next = block->next.load(std::memory_order_relaxed);  // relaxed: sole owner now
        free_block(block);
        block = next;
      }
      head += std::size_t{1} << kShift;
    }
    if (block != nullptr) free_block(block);
  }

  // A fresh block: from the arena while the queue is long (`tail` is the
  // sender's view of the tail), from malloc otherwise.
  Block* new_block(std::size_t tail) {
    // relaxed: a test-only knob, no data is published through it.
    std::size_t n = inject_block_alloc_failures.load(std::memory_order_relaxed);
    while (n != 0)
      if (inject_block_alloc_failures.compare_exchange_weak(n, n - 1, std::memory_order_relaxed)) throw std::bad_alloc();
    if constexpr (kBlockArenaEnabled) {
      // relaxed: only an estimate of the queue's length, which picks the
      // source of the memory and nothing else.
      const std::size_t head = head_->index.load(std::memory_order_relaxed);
      const std::size_t queued_blocks = ((tail >> kShift) - (head >> kShift)) / kLap;
      // Taken at the threshold, left only below a quarter of it: a queue
      // that hovers around the threshold does not map a chunk per block.
      const bool is_short = queued_blocks < Arena::kLongQueueBlocks / 4 || queued_blocks > (std::size_t{1} << 40);
      if (!is_short && (queued_blocks >= Arena::kLongQueueBlocks || arena_->active())) {
        ArenaChunk* chunk = nullptr;
        if (void* mem = arena_->allocate(chunk)) {
          Block* b = new (mem) Block();
          b->chunk = chunk;
          return b;
        }
      } else if (is_short) {
        // The queue is short again: the arena stops carving, and its last
        // chunk is unmapped once the blocks in it are read.
        arena_->retire_if_active();
      }
    }
    return new Block();
  }
  static void free_block(Block* b) noexcept {
    if (ArenaChunk* chunk = b->chunk) {
      b->~Block();
      Arena::release(chunk);
    } else {
      delete b;
    }
  }

  // ---- the two-phase protocol --------------------------------------------
  // Always succeeds (the list has no bound); a null block means disconnected.
  // May throw std::bad_alloc before reserving anything.
  bool start_send(Token& token, bool /*try_mode*/) {
    Backoff backoff;
    // acquire: pairs with the release stores that install a new block.
    std::size_t tail = tail_->index.load(std::memory_order_acquire);
    Block* block = tail_->block.load(std::memory_order_acquire);
    Block* next_block = nullptr;
    struct FreeSpare {
      Block*& b;
      ~FreeSpare() {
        if (b != nullptr) free_block(b);
      }
    } spare{next_block};
    for (;;) {
      if (tail & kMarkBit) {
        token.list.block = nullptr;
        return true;
      }
      const std::size_t offset = (tail >> kShift) % kLap;
      if (offset == kBlockCap) {
        // Another sender is installing the next block.
        backoff.snooze();
        tail = tail_->index.load(std::memory_order_acquire);  // acquire: as above
        block = tail_->block.load(std::memory_order_acquire);  // acquire: as above
        continue;
      }
      // About to fill the block: have its successor ready (allocated outside
      // the critical window).
      if (offset + 1 == kBlockCap && next_block == nullptr) next_block = new_block(tail);
      if (block == nullptr) {
        // The very first message: install the first block.
        Block* fresh = next_block != nullptr ? std::exchange(next_block, nullptr) : new_block(tail);
        Block* expected = nullptr;
        // release: publishes the block's initialisation.
        if (tail_->block.compare_exchange_strong(expected, fresh, std::memory_order_release,
                                                 std::memory_order_relaxed)) {
          head_->block.store(fresh, std::memory_order_release);  // release: as above
          block = fresh;
        } else {
          next_block = fresh;
          tail = tail_->index.load(std::memory_order_acquire);  // acquire: as above
          block = tail_->block.load(std::memory_order_acquire);  // acquire: as above
          continue;
        }
      }
      const std::size_t new_tail = tail + (std::size_t{1} << kShift);
      // acquire on failure: as the loads above.
      if (cas_weak_unless_alone(tail_->index, tail, new_tail, std::memory_order_seq_cst, std::memory_order_acquire)) {
        if (offset + 1 == kBlockCap) {
          Block* nb = std::exchange(next_block, nullptr);
          tail_->block.store(nb, std::memory_order_release);  // release: publishes nb
          tail_->index.fetch_add(std::size_t{1} << kShift, std::memory_order_release);  // release: as above
          block->next.store(nb, std::memory_order_release);  // release: pairs with wait_next
        }
        token.list.block = block;
        token.list.offset = offset;
        return true;
      }
      block = tail_->block.load(std::memory_order_acquire);  // acquire: as above
      backoff.spin();
    }
  }
  // Fills a reserved slot. False (message left in `msg`) if the reservation
  // says "disconnected", or if re-sending after a receiver gave the slot up
  // found no memory for a block.
  bool write(Token& token, S& msg) noexcept {
    for (;;) {
      if (token.list.block == nullptr) return false;
      Block* block = static_cast<Block*>(token.list.block);
      const std::size_t offset = token.list.offset;
      new (block->raw(offset)) S(std::move(msg));
      // fetch_add, not fetch_or: kWrite is set only here, once, and the old
      // value comes back from one instruction instead of a CAS loop.
      // acq_rel: release publishes the message (pairs with wait_write's
      // acquire); acquire pairs with an abandoning reader's CAS.
      const State old = fetch_add_unless_alone(block->state(offset), kWrite, std::memory_order_acq_rel);
      if (FEARLESS_LIKELY((old & kAbandoned) == 0)) {
        receivers_.notify();
        return true;
      }
      // A try_recv gave this slot up: take the message back, do the reader's
      // part for the slot, and send the message again at the tail (this
      // sender's later messages cannot be ahead of it: this call has not
      // returned yet).
      S* m = block->get(offset);
      std::destroy_at(&msg);
      new (&msg) S(std::move(*m));
      m->~S();
      finish_read(block, offset);
      token = Token{};
      try {
        start_send(token, false);
      } catch (const std::bad_alloc&) {
        return false;
      }
    }
  }

  // Reserves the next message. False if empty (or, in try mode, while the
  // first block is still being installed). The block may not be inspected
  // before the reservation without risking a freed block, so a reserved slot
  // may still be being written: read() waits for that write, try_read()
  // gives the slot up instead.
  bool start_recv(Token& token, bool try_mode) noexcept {
    Backoff backoff;
    // acquire: pairs with the release stores that move the head to a new block.
    std::size_t head = head_->index.load(std::memory_order_acquire);
    Block* block = head_->block.load(std::memory_order_acquire);
    for (;;) {
      const std::size_t offset = (head >> kShift) % kLap;
      if (offset == kBlockCap) {
        // Another receiver is moving the head to the next block.
        backoff.snooze();
        head = head_->index.load(std::memory_order_acquire);  // acquire: as above
        block = head_->block.load(std::memory_order_acquire);  // acquire: as above
        continue;
      }
      std::size_t new_head = head + (std::size_t{1} << kShift);
      if ((new_head & kMarkBit) == 0) {
        // seq_cst (a plain load on x86, where the fence crossbeam has here
        // costs a locked instruction per receive): joins the senders' seq_cst
        // tail updates in one order with our earlier seq_cst operations, and
        // acquires, so that a mark pairs with disconnect_senders' seq_cst
        // fetch_or (what the last sender did happens before our Disconnected).
        const std::size_t tail = tail_->index.load(std::memory_order_seq_cst);
        if ((head >> kShift) == (tail >> kShift)) {
          if (tail & kMarkBit) {
            token.list.block = nullptr;
            return true;
          }
          return false;
        }
        if ((head >> kShift) / kLap != (tail >> kShift) / kLap) new_head |= kMarkBit;
      }
      if (block == nullptr) {
        // The first block is being installed.
        if (try_mode) return false;
        backoff.snooze();
        head = head_->index.load(std::memory_order_acquire);  // acquire: as above
        block = head_->block.load(std::memory_order_acquire);  // acquire: as above
        continue;
      }
      // acquire on failure: as the loads above.
      if (cas_weak_unless_alone(head_->index, head, new_head, std::memory_order_seq_cst, std::memory_order_acquire)) {
        if (offset + 1 == kBlockCap) {
          Block* next = block->wait_next();
          std::size_t next_index = (new_head & ~kMarkBit) + (std::size_t{1} << kShift);
          // relaxed: only a hint that the block after next exists; rechecked later.
          if (next->next.load(std::memory_order_relaxed) != nullptr) next_index |= kMarkBit;
          head_->block.store(next, std::memory_order_release);       // release: pairs with the acquire loads above
          head_->index.store(next_index, std::memory_order_release);  // release: as above
        }
        token.list.block = block;
        token.list.offset = offset;
        return true;
      }
      block = head_->block.load(std::memory_order_acquire);  // acquire: as above
      backoff.spin();
    }
  }
  bool read(Token& token, std::optional<S>& out) noexcept {
    if (token.list.block == nullptr) return false;
    Block* block = static_cast<Block*>(token.list.block);
    const std::size_t offset = token.list.offset;
    block->wait_write(offset);
    S* m = block->get(offset);
    out.emplace(std::move(*m));
    m->~S();
    finish_read(block, offset);
    return true;
  }

  // The reader's last duty for a slot: the reader of a block's last slot
  // starts freeing the block; any other marks its slot read and continues a
  // destruction that was delegated to it.
  static void finish_read(Block* block, std::size_t offset) noexcept {
    if (offset + 1 == kBlockCap) {
      Block::destroy(block, 0);
      return;
    }
    // fetch_add: kRead is set once per slot (one instruction, no CAS loop).
    // acq_rel: pairs with destroy()'s fetch_or(kDestroy).
    if (fetch_add_unless_alone(block->state(offset), kRead, std::memory_order_acq_rel) & kDestroy)
      Block::destroy(block, offset + 1);
  }

  // try_recv's read: never waits for a sender that reserved the slot but has
  // not finished writing (it may be stalled there: preempted, or inside a
  // slow move constructor). Such a slot is given up (kAbandoned) and its
  // writer sends the message again; the caller then tries the next slot.
  // False with `abandoned` set in that case.
  bool try_read(Token& token, std::optional<S>& out, bool& abandoned) noexcept {
    abandoned = false;
    if (token.list.block == nullptr) return false;
    Block* block = static_cast<Block*>(token.list.block);
    Atomic<State>& state = block->state(token.list.offset);
    // acquire: pairs with write()'s release (the message is visible if kWrite is).
    State st = state.load(std::memory_order_acquire);
    // A running writer finishes within a few hundred nanoseconds: give it a
    // short back-off (as Array::start_recv in try mode), so that a message
    // whose send has all but completed is taken rather than re-sent behind
    // later ones; a stalled writer gets no more than that.
    for (Backoff backoff; (st & kWrite) == 0 && !backoff.is_completed();) {
      backoff.snooze();
      st = state.load(std::memory_order_acquire);  // acquire: as above
    }
    // The state may also change under us by a destroyer delegating the
    // block's freeing to this slot (kDestroy): retry until written or given up.
    while ((st & kWrite) == 0) {
      // acq_rel on success: release orders our reservation before the
      // writer's take-back; acquire on failure: a write that beat us is visible.
      if (state.compare_exchange_weak(st, static_cast<State>(st | kAbandoned), std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
        abandoned = true;  // the slot (and the block's freeing) is the writer's now: not touched again here
        return false;
      }
    }
    return read(token, out);
  }

  // ---- whole operations ---------------------------------------------------
  // Out of memory for the next block, nothing is reserved and the message is
  // still the caller's: send reports Timeout (so Sender::send gives SendError
  // and send_timeout Timeout) and try_send WouldBlock (Full), handing it back.
  Status try_send(S& msg) {
    const Status st = send(msg, kNoDeadline);
    return st == Status::Timeout ? Status::WouldBlock : st;
  }
  Status send(S& msg, Deadline /*never blocks*/) {
    Token token;
    try {
      start_send(token, false);
    } catch (const std::bad_alloc&) {
      return Status::Timeout;
    }
    return write(token, msg) ? Status::Ok : Status::Disconnected;
  }
  Status try_recv(std::optional<S>& out) noexcept {
    for (;;) {
      Token token;
      if (!start_recv(token, true)) return Status::WouldBlock;
      bool abandoned = false;
      if (try_read(token, out, abandoned)) return Status::Ok;
      if (!abandoned) return Status::Disconnected;
    }
  }
  // `stop()`: as in Array::recv.
  template <class Stop = NoStop>
  Status recv(std::optional<S>& out, Deadline deadline, Stop stop = {}) {
    Token token;
    if (FEARLESS_LIKELY(start_recv(token, false))) {
      // Without a deadline, read in line: finish_recv's out-of-line call cost
      // about 1 ns of a 14 ns receive (5M messages drained by one thread).
      if (FEARLESS_LIKELY(deadline == kNoDeadline)) return read(token, out) ? Status::Ok : Status::Disconnected;
      return finish_recv(token, out, deadline);
    }
    return recv_blocking(out, token, deadline, stop);
  }
  // Completes a claimed receive. Without a deadline it waits for the slot's
  // write. With one, a write still missing when the deadline comes (at once
  // for a zero timeout) makes it give the slot up as try_recv does: it then
  // takes a message written behind that slot if there is one, or reports
  // Timeout.
  Status finish_recv(Token& token, std::optional<S>& out, Deadline deadline) noexcept {
    if (FEARLESS_LIKELY(deadline == kNoDeadline)) return read(token, out) ? Status::Ok : Status::Disconnected;
    if (token.list.block != nullptr) {
      const Atomic<State>& state = static_cast<Block*>(token.list.block)->state(token.list.offset);
      // acquire: pairs with write()'s release, as in wait_write().
      auto written = [&] { return (state.load(std::memory_order_acquire) & kWrite) != 0; };
      while (!written() && Clock::now() < deadline) {
        // As wait_committed (context.hpp), but bounded by the deadline.
        if (!spin_then_yield(written, kSpinNs, kYieldNs, deadline)) ::sched_yield();
      }
    }
    bool abandoned = false;
    if (try_read(token, out, abandoned)) return Status::Ok;
    if (!abandoned) return Status::Disconnected;
    const Status st = try_recv(out);
    return st == Status::WouldBlock ? Status::Timeout : st;
  }
  // The empty channel's path, kept out of line so the fast path above stays small.
  template <class Stop>
  FEARLESS_NOINLINE Status recv_blocking(std::optional<S>& out, Token& token, Deadline deadline, Stop stop) {
    for (;;) {
      if (spin_then_yield([&] { return start_recv(token, false); }, kSpinNs, kPreYieldNs, deadline))
        return finish_recv(token, out, deadline);
      if (stop()) return Status::WouldBlock;
      if (deadline != kNoDeadline && Clock::now() >= deadline) return Status::Timeout;
      receivers_.wait_for_peer(&token, deadline, [&] { return !is_empty() || is_disconnected() || stop(); });
    }
  }
  // Wakes every blocked receive and select, which then look again (see recv).
  void wake_receivers() { receivers_.abort_all(); }

  // ---- observers ----------------------------------------------------------
  std::size_t len() const noexcept {
    constexpr std::size_t low = (std::size_t{1} << kShift) - 1;
    for (;;) {
      std::size_t tail = tail_->index.load(std::memory_order_seq_cst);
      std::size_t head = head_->index.load(std::memory_order_seq_cst);
      if (tail_->index.load(std::memory_order_seq_cst) == tail) {
        tail &= ~low;
        head &= ~low;
        // An index at the block's end slot is really the next block's start.
        if (((tail >> kShift) & (kLap - 1)) == kLap - 1) tail += std::size_t{1} << kShift;
        if (((head >> kShift) & (kLap - 1)) == kLap - 1) head += std::size_t{1} << kShift;
        const std::size_t lap = (head >> kShift) / kLap;
        tail -= (lap * kLap) << kShift;
        head -= (lap * kLap) << kShift;
        tail >>= kShift;
        head >>= kShift;
        return tail - head - tail / kLap;
      }
    }
  }
  bool is_empty() const noexcept {
    const std::size_t head = head_->index.load(std::memory_order_seq_cst);
    const std::size_t tail = tail_->index.load(std::memory_order_seq_cst);
    return (head >> kShift) == (tail >> kShift);
  }
  bool is_full() const noexcept { return false; }
  std::optional<std::size_t> capacity() const noexcept { return std::nullopt; }
  bool is_disconnected() const noexcept { return (tail_->index.load(std::memory_order_seq_cst) & kMarkBit) != 0; }

  bool disconnect_senders() {
    const std::size_t tail = tail_->index.fetch_or(kMarkBit, std::memory_order_seq_cst);
    if (tail & kMarkBit) return false;
    receivers_.disconnect();
    return true;
  }
  // As Array::reconnect_senders.
  void reconnect_senders() noexcept { tail_->index.fetch_and(~kMarkBit, std::memory_order_seq_cst); }
  bool disconnect_receivers() {
    const std::size_t tail = tail_->index.fetch_or(kMarkBit, std::memory_order_seq_cst);
    if (tail & kMarkBit) return false;
    discard_all_messages();
    return true;
  }

  // ---- select handles -----------------------------------------------------
  using RecvHandle = WakerRecvHandle<List>;
  // RecvHandle's poll (the list cannot look into a slot it has not claimed).
  bool recv_poll() const noexcept { return !is_empty() || is_disconnected(); }
  friend class WakerRecvHandle<List>;
  class SendHandle final : public SelectHandle {
   public:
    explicit SendHandle(List& c) noexcept : c_(c) {}
    bool try_select(Token& t) override { return c_.start_send(t, false); }
    bool register_op(Operation, Context&) override { return true; }
    void unregister(Operation) override {}
    bool accept(Token& t, Context&) override { return try_select(t); }
    bool is_ready() override { return true; }
    bool watch(Operation, Context&) override { return true; }
    void unwatch(Operation) override {}

   private:
    List& c_;
  };

 private:
  void discard_all_messages() noexcept {
    Backoff backoff;
    // acquire: pairs with the release that finishes installing a block.
    std::size_t tail = tail_->index.load(std::memory_order_acquire);
    while ((tail >> kShift) % kLap == kBlockCap) {
      backoff.snooze();  // a sender is installing the next block
      tail = tail_->index.load(std::memory_order_acquire);  // acquire: as above
    }
    std::size_t head = head_->index.load(std::memory_order_acquire);  // acquire: as above
    // acq_rel: takes the chain over from any late reader of the head block.
    Block* block = head_->block.exchange(nullptr, std::memory_order_acq_rel);
    if ((head >> kShift) != (tail >> kShift)) {
      while (block == nullptr) {  // the first block is still being installed
        backoff.snooze();
        block = head_->block.exchange(nullptr, std::memory_order_acq_rel);  // acq_rel: as above
      }
    }
    // The head block may still hold slots given up by a try_recv whose
    // writers have yet to take their messages back: it is freed through the
    // readers' protocol, not deleted outright (later blocks were never
    // reserved by a reader).
    Block* const first = block;
    const std::size_t first_offset = (head >> kShift) % kLap;
    auto release = [&](Block* b) noexcept {
      if (b == nullptr) return;
      if (b != first) {
        free_block(b);
        return;
      }
      // Every slot from where the readers stopped counts as read by us.
      for (std::size_t i = first_offset; i + 1 < kBlockCap; ++i)
        b->state(i).fetch_add(kRead, std::memory_order_acq_rel);  // acq_rel: as finish_read()
      Block::destroy(b, 0);
    };
    while ((head >> kShift) != (tail >> kShift)) {
      const std::size_t offset = (head >> kShift) % kLap;
      if (offset < kBlockCap) {
        block->wait_write(offset);
        block->get(offset)->~S();
      } else {
        Block* next = block->wait_next();
        release(block);
        block = next;
      }
      head += std::size_t{1} << kShift;
    }
    release(block);
    arena_->retire_if_active();
    head &= ~kMarkBit;
    head_->index.store(head, std::memory_order_release);  // release: pairs with len()/is_empty()
  }

  CachePadded<Position> head_;
  CachePadded<Position> tail_;
  SyncWaker receivers_;
  // Touched once per block, by senders: kept off the lines read per message.
  CachePadded<Arena> arena_;
};

}  // namespace fearless::detail::chan
