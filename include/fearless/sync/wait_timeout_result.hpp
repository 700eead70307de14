// fearless/sync/wait_timeout_result.hpp — WaitTimeoutResult: whether a timed
// Condvar wait returned because its time ran out (Rust's
// std::sync::WaitTimeoutResult). Shared by Condvar and nonpoison::Condvar.
#pragma once

namespace fearless::sync {

// What a timed Condvar wait reports besides the guard. Trivially copyable.
class WaitTimeoutResult {
 public:
  // Internal (the condvars build it); `timed_out` as timed_out() reports it.
  constexpr explicit WaitTimeoutResult(bool timed_out) noexcept : timed_out_(timed_out) {}
  // True if the wait ended because the timeout elapsed (for the *_while forms:
  // and the condition still held).
  [[nodiscard]] constexpr bool timed_out() const noexcept { return timed_out_; }
  // Equal when both timed out or neither did.
  friend constexpr bool operator==(WaitTimeoutResult, WaitTimeoutResult) noexcept = default;

 private:
  bool timed_out_;
};

}  // namespace fearless::sync
