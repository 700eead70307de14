// Internal: the select algorithm (crossbeam-channel's), over type-erased
// SelectHandles.
//
//   1. Try every operation once, in random order (or in order when biased).
//   2. Otherwise register the thread's context with every operation's
//      channel, re-checking after each registration, and park until one of
//      them selects us, a timer falls due, or the deadline passes.
//   3. Unregister everywhere; complete the selected operation, or start over.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include "fearless/detail/backoff.hpp"
#include "fearless/detail/chan/context.hpp"
#include "fearless/detail/chan/handle.hpp"
#include "fearless/detail/time.hpp"

namespace fearless::detail::chan {

struct SelectOp {
  SelectHandle* handle;
  std::size_t index;  // the index the user was given
  const void* ptr;    // identifies the endpoint, to check completion calls
};

struct Selected {
  Token token;
  std::size_t index;
  const void* ptr;
};

// A small per-thread xorshift generator: fairness needs randomness, not quality.
inline std::uint32_t random_below(std::uint32_t n) noexcept {
  static thread_local std::uint32_t state = [] {
    std::uint32_t s = static_cast<std::uint32_t>(current_thread_id() >> 4) ^
                      static_cast<std::uint32_t>(Clock::now().time_since_epoch().count());
    return s != 0 ? s : 0x9e3779b9u;
  }();
  std::uint32_t x = state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  state = x;
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(x) * n) >> 32);
}

inline void shuffle(std::span<SelectOp> ops) noexcept {
  for (std::size_t i = ops.size(); i > 1; --i) {
    const std::size_t j = random_below(static_cast<std::uint32_t>(i));
    std::swap(ops[i - 1], ops[j]);
  }
}

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
  if (!biased) shuffle(ops);
  Token token;
  for (const SelectOp& op : ops)
    if (op.handle->try_select(token)) return Selected{token, op.index, op.ptr};
  if (now_only) return std::nullopt;

  for (;;) {
    std::optional<std::pair<std::size_t, const void*>> res = Context::with([&](Context& cx) {
      std::optional<std::pair<std::size_t, const void*>> out;
      std::uintptr_t sel = kWaiting;
      std::size_t registered = 0;
      std::optional<std::size_t> index_ready;
      struct Unregister {
        std::span<SelectOp> ops;
        std::size_t& n;
        ~Unregister() {
          for (std::size_t i = 0; i < n; ++i) ops[i].handle->unregister(hook(&ops[i]));
        }
      } unreg{ops, registered};
      for (SelectOp& op : ops) {
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
      if (sel == kWaiting) sel = cx.wait_until(earliest(ops, deadline));
      // Unregister before completing: accept() may wait on a peer that in
      // turn needs the waiting lists.
      for (std::size_t i = 0; i < registered; ++i) ops[i].handle->unregister(hook(&ops[i]));
      registered = 0;
      if (sel == kAborted) {
        if (index_ready) {
          for (const SelectOp& op : ops)
            if (op.index == *index_ready && op.handle->try_select(token)) return out.emplace(op.index, op.ptr), out;
        }
      } else if (sel != kDisconnected) {
        for (SelectOp& op : ops)
          if (sel == hook(&op) && op.handle->accept(token, cx)) return out.emplace(op.index, op.ptr), out;
      }
      return out;
    });
    if (res) return Selected{token, res->first, res->second};
    for (const SelectOp& op : ops)
      if (op.handle->try_select(token)) return Selected{token, op.index, op.ptr};
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
  if (!biased) shuffle(ops);
  for (;;) {
    Backoff backoff;
    for (;;) {
      for (const SelectOp& op : ops)
        if (op.handle->is_ready()) return op.index;
      if (now_only || backoff.is_completed()) break;
      backoff.snooze();
    }
    if (now_only) return std::nullopt;
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
