// Internal: the select algorithm (crossbeam-channel's), over type-erased
// SelectHandles.
//
//   1. Try every operation once, in random order (or in order when biased).
//   2. Otherwise register the thread's context with every operation's
//      channel, re-checking after each registration, and park until one of
//      them selects us, a timer falls due, or the deadline passes.
//   3. Unregister everywhere; complete the selected operation, or start over.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include "fearless/detail/backoff.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/chan/context.hpp"
#include "fearless/detail/chan/handle.hpp"
#include "fearless/detail/time.hpp"

namespace fearless::detail::chan {

struct SelectOp {
  SelectHandle* handle;  // the channel's receive or send side
  std::size_t index;     // the index the user was given
};

struct Selected {
  Token token;
  std::size_t index;
  const SelectHandle* handle;  // which channel and which side: completion calls are checked against it
};

// A small per-thread xorshift64* generator: fairness needs randomness, not quality.
inline std::uint64_t random_u64() noexcept {
#if defined(FEARLESS_INTERLEAVE)
  if (interleave::Scheduler* s = interleave::current) return s->random();
#endif
  static constinit thread_local std::uint64_t state = 0;  // seeded on first use
  std::uint64_t x = state;
  if (FEARLESS_UNLIKELY(x == 0)) {
    x = (static_cast<std::uint64_t>(current_thread_id()) << 17) ^
        static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
    if (x == 0) x = 0x9e3779b97f4a7c15u;
  }
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  state = x;
  return x * 0x2545f4914f6cdd1du;
}

inline void shuffle(std::span<SelectOp> ops) noexcept {
  for (std::size_t i = ops.size(); i > 1; --i) {
    __extension__ using U128 = unsigned __int128;
    const std::size_t j = static_cast<std::size_t>((static_cast<U128>(random_u64()) * i) >> 64);
    std::swap(ops[i - 1], ops[j]);
  }
}

// The order in which one select tries its operations: a uniformly random
// permutation of their positions, or their own order when biased. Up to
// kInline operations the permutation is built as bytes from one 64-bit draw
// (each step takes its index from the high bits of draw * i and keeps the low
// bits for the next: 16! needs 45 of the 64 bits). Shuffling the 24-byte
// operations themselves, one draw per swap, cost about a tenth of the
// select_rx/select_both bounded(N) benchmarks, where most selects find a ready
// operation at once. Beyond kInline, the operations are shuffled in place.
class TryOrder {
 public:
  static constexpr std::size_t kInline = 16;

  TryOrder(std::span<SelectOp> ops, bool biased) noexcept : n_(ops.size()) {
    if (biased || n_ > kInline) {
      in_place_ = true;
      if (!biased) shuffle(ops);
      return;
    }
    __extension__ using U128 = unsigned __int128;
    std::uint64_t x = random_u64();
    for (std::size_t i = 0; i < n_; ++i) pos_[i] = static_cast<std::uint8_t>(i);
    for (std::size_t i = n_; i > 1; --i) {
      const U128 m = static_cast<U128>(x) * i;
      const std::size_t j = static_cast<std::size_t>(m >> 64);
      x = static_cast<std::uint64_t>(m);
      std::swap(pos_[i - 1], pos_[j]);
    }
  }
  // The position (in ops) of the k-th operation to try.
  [[nodiscard]] std::size_t operator[](std::size_t k) const noexcept { return in_place_ ? k : pos_[k]; }
  [[nodiscard]] std::size_t size() const noexcept { return n_; }

 private:
  std::size_t n_;
  bool in_place_ = false;
  std::array<std::uint8_t, kInline> pos_;
};

inline Deadline earliest(std::span<SelectOp> ops, Deadline d) {
  for (const SelectOp& op : ops) {
    const Deadline x = op.handle->deadline();
    if (x < d) d = x;
  }
  return d;
}

// `deadline`: kNoDeadline waits forever; `now_only` tries once.
inline std::optional<Selected> run_select(std::span<SelectOp> ops, bool now_only, Deadline deadline,
                                          bool biased) {
  if (ops.empty()) {
    if (now_only) return std::nullopt;
    sleep_until(deadline);
    return std::nullopt;
  }
  const TryOrder order(ops, biased);
  Token token;
  // A non-blocking select makes two passes: an operation found not ready
  // early in the first may have become ready (its message moved there from
  // an operation checked later) before the pass ended. With the second pass,
  // a select over operations of which one is ready at every moment cannot
  // come back empty-handed, as crossbeam's (its second look comes after
  // registering).
  for (int pass = 0; pass < (now_only ? 2 : 1); ++pass) {
    for (std::size_t k = 0; k < order.size(); ++k) {
      const SelectOp& op = ops[order[k]];
      if (op.handle->try_select(token)) return Selected{token, op.index, op.handle};
    }
  }
  if (now_only) return std::nullopt;

  // Poll briefly before registering, as a plain send or receive does:
  // registering takes every operand's waiting-list lock twice and makes the
  // peer that completes us take one more to wake us. Only operations with a
  // cheap look are polled (bounded and unbounded channels); the poll ends
  // early when a timer operand or the deadline falls due. No poll when an
  // operand is a rendezvous (needs_waiting_peer).
  bool pollable = false;
  bool rendezvous = false;
  for (const SelectOp& op : ops) {
    pollable = pollable || op.handle->pollable();
    rendezvous = rendezvous || op.handle->needs_waiting_peer();
  }
  if (rendezvous) pollable = false;
  if (pollable) {
    std::optional<Selected> got;
    const auto poll = [&] {
      for (std::size_t k = 0; k < order.size(); ++k) {
        const SelectOp& op = ops[order[k]];
        if (op.handle->poll_ready() && op.handle->try_select(token)) {
          got.emplace(Selected{token, op.index, op.handle});
          return true;
        }
      }
      return false;
    };
    if (spin_then_yield(poll, kSpinNs, kPreYieldNs, earliest(ops, deadline))) return got;
  }

  for (;;) {
    std::optional<std::pair<std::size_t, const SelectHandle*>> res = Context::with([&](Context& cx) {
      std::optional<std::pair<std::size_t, const SelectHandle*>> out;
      std::uintptr_t sel = kWaiting;
      std::size_t registered = 0;
      std::optional<std::size_t> index_ready;
      // Registered in the try order, and unregistered the same way: the
      // first `registered` operations of `order`.
      const auto unregister_all = [&] {
        for (std::size_t k = 0; k < registered; ++k) {
          SelectOp& op = ops[order[k]];
          op.handle->unregister(hook(&op));
        }
        registered = 0;
      };
      struct Unregister {
        decltype(unregister_all)& f;
        ~Unregister() { f(); }
      } unreg{unregister_all};
      for (std::size_t k = 0; k < order.size(); ++k) {
        SelectOp& op = ops[order[k]];
        const bool ready = op.handle->register_op(hook(&op), cx);
        ++registered;
        if (ready) {
          if (cx.try_select(kAborted)) {
            index_ready = op.index;
            sel = kAborted;
          } else {
            sel = cx.selected();
          }
          break;
        }
        sel = cx.selected();
        if (sel != kWaiting) break;
      }
      if (sel == kWaiting) {
        bool advertise = false;
        for (const SelectOp& op : ops) advertise = advertise || op.handle->picker_waits();
        sel = advertise ? cx.wait_until_advertised(earliest(ops, deadline)) : cx.wait_until(earliest(ops, deadline));
      }
      // Unregister before completing: accept() may wait on a peer that in
      // turn needs the waiting lists.
      unregister_all();
      if (sel == kAborted) {
        if (index_ready) {
          for (const SelectOp& op : ops)
            if (op.index == *index_ready && op.handle->try_select(token)) return out.emplace(op.index, op.handle), out;
        }
      } else if (sel != kDisconnected) {
        for (SelectOp& op : ops)
          if (sel == hook(&op) && op.handle->accept(token, cx)) return out.emplace(op.index, op.handle), out;
      }
      return out;
    });
    if (res) return Selected{token, res->first, res->second};
    for (std::size_t k = 0; k < order.size(); ++k) {
      const SelectOp& op = ops[order[k]];
      if (op.handle->try_select(token)) return Selected{token, op.index, op.handle};
    }
    if (deadline != kNoDeadline && Clock::now() >= deadline) return std::nullopt;
  }
}

// Like run_select, but only reports which operation is ready, reserving nothing.
inline std::optional<std::size_t> run_ready(std::span<SelectOp> ops, bool now_only, Deadline deadline,
                                            bool biased) {
  if (ops.empty()) {
    if (now_only) return std::nullopt;
    sleep_until(deadline);
    return std::nullopt;
  }
  const TryOrder order(ops, biased);
  for (;;) {
    Backoff backoff;
    for (int pass = 0;; ++pass) {
      for (std::size_t k = 0; k < order.size(); ++k) {
        const SelectOp& op = ops[order[k]];
        if (op.handle->is_ready()) return op.index;
      }
      if (now_only) {
        if (pass == 1) return std::nullopt;  // two passes, as run_select's
        continue;
      }
      if (backoff.is_completed()) break;
      backoff.snooze();
    }
    if (deadline != kNoDeadline && Clock::now() >= deadline) return std::nullopt;
    std::optional<std::size_t> res = Context::with([&](Context& cx) {
      std::optional<std::size_t> out;
      std::uintptr_t sel = kWaiting;
      std::size_t registered = 0;
      struct Unwatch {
        std::span<SelectOp> ops;
        std::size_t& n;
        ~Unwatch() {
          for (std::size_t i = 0; i < n; ++i) ops[i].handle->unwatch(hook(&ops[i]));
        }
      } unw{ops, registered};
      for (SelectOp& op : ops) {
        const Operation oper = hook(&op);
        const bool ready = op.handle->watch(oper, cx);
        ++registered;
        if (ready) {
          sel = cx.try_select(oper) ? oper : cx.selected();
          break;
        }
        sel = cx.selected();
        if (sel != kWaiting) break;
      }
      if (sel == kWaiting) sel = cx.wait_until(earliest(ops, deadline));
      if (sel != kAborted && sel != kDisconnected) {
        for (SelectOp& op : ops)
          if (sel == hook(&op)) return out.emplace(op.index), out;
      }
      return out;
    });
    if (res) return res;
  }
}

}  // namespace fearless::detail::chan
