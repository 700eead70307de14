// Internal: the flavour behind `never<T>()` — never delivers, never
// disconnects. Useful to switch a select arm off.
#pragma once
#include <optional>

#include "fearless/detail/chan/context.hpp"
#include "fearless/detail/chan/handle.hpp"

namespace fearless::detail::chan {

template <class S>
class Never {
 public:
  bool start_recv(Token&, bool) noexcept { return false; }
  bool read(Token&, std::optional<S>&) noexcept { return false; }
  Status try_recv(std::optional<S>&) noexcept { return Status::WouldBlock; }
  // `stop` is ignored: nothing is ever put back into a channel that
  // delivers nothing.
  template <class Stop = NoStop>
  Status recv(std::optional<S>&, Deadline deadline, Stop = {}) noexcept {
    sleep_until(deadline);
    return Status::Timeout;
  }
  void wake_receivers() noexcept {}
  std::size_t len() const noexcept { return 0; }
  std::size_t capacity() const noexcept { return 0; }
  bool is_disconnected() const noexcept { return false; }  // a timer has no sender to lose
  bool is_empty() const noexcept { return true; }
  bool is_full() const noexcept { return true; }

  class RecvHandle final : public SelectHandle {
   public:
    explicit RecvHandle(Never&) noexcept {}
    bool try_select(Token&) override { return false; }
    bool register_op(Operation, Context&) override { return false; }
    void unregister(Operation) override {}
    bool accept(Token&, Context&) override { return false; }
    bool is_ready() override { return false; }
    bool watch(Operation, Context&) override { return false; }
    void unwatch(Operation) override {}
  };
};

}  // namespace fearless::detail::chan
