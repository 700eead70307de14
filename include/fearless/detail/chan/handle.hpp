// Internal: the interface every channel flavour offers to the select algorithm,
// and the Token in which a selected operation remembers what it reserved.
//
// Selecting is two-phase, as in crossbeam-channel: an operation is first
// *selected* (try_select / accept reserve a slot or a peer and note it in the
// Token), then *completed* by the caller with the flavour's read/write on that
// Token.
#pragma once
#include <cstddef>
#include <cstdint>

#include "fearless/detail/chan/context.hpp"
#include "fearless/detail/time.hpp"

namespace fearless::detail::chan {

// Outcome of a flavour-level operation (the public layer turns it into the
// Rust error kinds): WouldBlock is Empty for receives and Full for sends.
enum class Status : std::uint8_t { Ok, WouldBlock, Timeout, Disconnected };

// The `stop` of a blocking receive that nothing outside the channel
// interrupts (every T but those kept boxed; see Stash).
struct NoStop {
  constexpr bool operator()() const noexcept { return false; }
};

struct Token {
  struct {
    void* slot = nullptr;  // null: the channel is disconnected
    std::size_t stamp = 0;
  } array;
  struct {
    void* block = nullptr;  // null: the channel is disconnected
    std::size_t offset = 0;
  } list;
  struct {
    void* packet = nullptr;  // null: the channel is disconnected
    bool own = false;        // the packet is the selecting sender's own (lent to its reader)
  } zero;
  struct {
    Deadline when{};  // the instant a timer delivered
  } timer;
  // A boxed message taken from the stash of put-back messages (a
  // std::unique_ptr<T>'s pointer, owned by the token until completed).
  void* stashed = nullptr;
};

// One side (send or receive) of one channel, as seen by Select.
class SelectHandle {
 public:
  // Reserves the operation if it can proceed now (also when disconnected).
  virtual bool try_select(Token& token) = 0;
  // When a timer flavour becomes ready by itself; kNoDeadline for channels.
  virtual Deadline deadline() { return kNoDeadline; }
  // Puts the context on the waiting list; true if the operation is ready already.
  virtual bool register_op(Operation oper, Context& cx) = 0;
  virtual void unregister(Operation oper) = 0;
  // Completes a selection made by a peer (after our context was selected).
  virtual bool accept(Token& token, Context& cx) = 0;
  // Would an operation proceed now (ready or disconnected)?
  virtual bool is_ready() = 0;
  // A cheap look, made repeatedly while a select polls before registering:
  // true when the operation may well proceed now (it reserves nothing; the
  // select then calls try_select). Flavours with no look that is a few plain
  // loads keep the default — a rendezvous keeps its waiting peers behind a
  // lock, a timer is polled through deadline() — and a select of only such
  // operations registers at once.
  virtual bool pollable() const noexcept { return false; }
  virtual bool poll_ready() noexcept { return false; }
  // True when the peer that selects this operation then waits for our
  // thread (a selecting send on a rendezvous channel: the receiver waits for
  // the message). A select with such an operation advertises whether it is
  // on a CPU while it waits (Context::on_cpu), so that peers prefer one that is.
  virtual bool picker_waits() const noexcept { return false; }
  // True when the operation becomes ready only while a peer is registered on
  // the channel (either side of a rendezvous). A select with one registers at
  // once instead of polling: a peer select sees it only once it is
  // registered, and a poll would keep taking the pollable operands, so the
  // rendezvous would never be chosen (crossbeam's fairness2).
  virtual bool needs_waiting_peer() const noexcept { return false; }
  // Observer registration for Select::ready: no reservation, only a wake-up.
  virtual bool watch(Operation oper, Context& cx) = 0;
  virtual void unwatch(Operation oper) = 0;

 protected:
  ~SelectHandle() = default;
};

// The receive side of a flavour whose receivers wait on a SyncWaker named
// `receivers_` and which reserves with start_recv (array and list share it).
template <class Chan>
class WakerRecvHandle final : public SelectHandle {
 public:
  explicit WakerRecvHandle(Chan& c) noexcept : c_(c) {}
  bool try_select(Token& t) override { return c_.start_recv(t, false); }
  bool register_op(Operation oper, Context& cx) override {
    c_.receivers_.register_op(oper, cx);
    return is_ready();
  }
  void unregister(Operation oper) override { c_.receivers_.unregister(oper); }
  bool accept(Token& t, Context&) override { return try_select(t); }
  bool is_ready() override { return !c_.is_empty() || c_.is_disconnected(); }
  bool pollable() const noexcept override { return true; }
  bool poll_ready() noexcept override { return c_.recv_poll(); }
  bool watch(Operation oper, Context& cx) override {
    c_.receivers_.watch(oper, cx);
    return is_ready();
  }
  void unwatch(Operation oper) override { c_.receivers_.unwatch(oper); }

 private:
  Chan& c_;
};

}  // namespace fearless::detail::chan
