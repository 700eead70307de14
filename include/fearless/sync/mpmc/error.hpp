// fearless/sync/mpmc/error.hpp — the error values of channel operations.
//
// Names, kinds and messages follow Rust's std::sync::mpsc (and
// crossbeam-channel for select): every error is a plain value with
// `is_*()` queries, `what()`/`message()` giving Rust's Display text (for
// TryReadyError and ReadyTimeoutError, which crossbeam gives no Display, a
// text of our own worded like the select errors'), and `==`.
// Errors of sending operations hand the unsent message back (`into_inner()`).
// The same types serve fearless::sync::mpsc (re-exported there).
#pragma once
#include <iosfwd>
#include <concepts>
#include <string>
#include <utility>

namespace fearless::sync::mpmc {

// send() failed because every receiver is gone. Holds the message.
template <class T>
class SendError {
 public:
  // Wraps the unsent message (Rust's `SendError(value)`).
  explicit SendError(T value) : value_(std::move(value)) {}
  // The message that could not be sent, moved out (Rust's into_inner / .0).
  [[nodiscard]] T into_inner() && { return std::move(value_); }
  // The message, in place.
  [[nodiscard]] const T& value() const& noexcept { return value_; }
  [[nodiscard]] T& value() & noexcept { return value_; }
  // Always true: a send fails only by disconnection.
  [[nodiscard]] static constexpr bool is_disconnected() noexcept { return true; }
  // Rust's Display text.
  [[nodiscard]] static constexpr const char* what() noexcept { return "sending on a closed channel"; }
  // what() as a std::string.
  [[nodiscard]] static std::string message() { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const SendError& e) {
    return os << e.what();
  }
  // Same kind (and equal messages, for the errors that hold one).
  friend bool operator==(const SendError& a, const SendError& b)
    requires std::equality_comparable<T>
  {
    return a.value_ == b.value_;
  }

 private:
  T value_;
};

// try_send() failed: the channel is Full (or a rendezvous channel has no
// receiver waiting), or Disconnected. Holds the message.
template <class T>
class TrySendError {
 public:
  enum Kind { Full, Disconnected };
  // An error of this kind holding `value`.
  TrySendError(Kind kind, T value) : kind_(kind), value_(std::move(value)) {}
  // Rust's From<SendError<T>>: a Disconnected error with the same message.
  TrySendError(SendError<T>&& e) : kind_(Disconnected), value_(std::move(e).into_inner()) {}
  // Which failure; is_full()/is_disconnected() ask the same.
  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] bool is_full() const noexcept { return kind_ == Full; }
  // True for Disconnected.
  [[nodiscard]] bool is_disconnected() const noexcept { return kind_ == Disconnected; }
  // The message that could not be sent, moved out.
  [[nodiscard]] T into_inner() && { return std::move(value_); }
  // The message, in place.
  [[nodiscard]] const T& value() const& noexcept { return value_; }
  [[nodiscard]] T& value() & noexcept { return value_; }
  // Rust's Display text for the kind.
  [[nodiscard]] const char* what() const noexcept {
    return kind_ == Full ? "sending on a full channel" : "sending on a closed channel";
  }
  // what() as a std::string.
  [[nodiscard]] std::string message() const { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const TrySendError& e) {
    return os << e.what();
  }
  // Same kind (and equal messages, for the errors that hold one).
  friend bool operator==(const TrySendError& a, const TrySendError& b)
    requires std::equality_comparable<T>
  {
    return a.kind_ == b.kind_ && a.value_ == b.value_;
  }

 private:
  Kind kind_;
  T value_;
};

// send_timeout()/send_deadline() failed: Timeout or Disconnected. Holds the message.
template <class T>
class SendTimeoutError {
 public:
  enum Kind { Timeout, Disconnected };
  // An error of this kind holding `value`.
  SendTimeoutError(Kind kind, T value) : kind_(kind), value_(std::move(value)) {}
  // Rust's From<SendError<T>>: a Disconnected error with the same message.
  SendTimeoutError(SendError<T>&& e) : kind_(Disconnected), value_(std::move(e).into_inner()) {}
  // Which failure; is_timeout()/is_disconnected() ask the same.
  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  // True for Timeout.
  [[nodiscard]] bool is_timeout() const noexcept { return kind_ == Timeout; }
  // True for Disconnected.
  [[nodiscard]] bool is_disconnected() const noexcept { return kind_ == Disconnected; }
  // The message that could not be sent, moved out.
  [[nodiscard]] T into_inner() && { return std::move(value_); }
  // The message, in place.
  [[nodiscard]] const T& value() const& noexcept { return value_; }
  [[nodiscard]] T& value() & noexcept { return value_; }
  // Rust's Display text for the kind.
  [[nodiscard]] const char* what() const noexcept {
    // Rust's std::sync::mpmc::SendTimeoutError (and crossbeam's) says
    // "disconnected" here, unlike SendError/TrySendError's "closed".
    return kind_ == Timeout ? "timed out waiting on send operation" : "sending on a disconnected channel";
  }
  // what() as a std::string.
  [[nodiscard]] std::string message() const { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const SendTimeoutError& e) {
    return os << e.what();
  }
  // Same kind (and equal messages, for the errors that hold one).
  friend bool operator==(const SendTimeoutError& a, const SendTimeoutError& b)
    requires std::equality_comparable<T>
  {
    return a.kind_ == b.kind_ && a.value_ == b.value_;
  }

 private:
  Kind kind_;
  T value_;
};

// recv() failed: the channel is empty and every sender is gone.
class RecvError {
 public:
  // True for Disconnected.
  [[nodiscard]] static constexpr bool is_disconnected() noexcept { return true; }
  // Rust's Display text. O(1).
  [[nodiscard]] static constexpr const char* what() noexcept { return "receiving on a closed channel"; }
  // what() as a std::string.
  [[nodiscard]] static std::string message() { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const RecvError& e) {
    return os << e.what();
  }
  // Same kind (and equal messages, for the errors that hold one).
  friend constexpr bool operator==(RecvError, RecvError) noexcept { return true; }
};

// try_recv() failed: Empty (nothing to take now) or Disconnected (empty and
// every sender gone). `err == TryRecvError::Empty` works.
class TryRecvError {
 public:
  enum Kind { Empty, Disconnected };
  // Implicit, so `err == TryRecvError::Empty` reads like Rust's match.
  constexpr TryRecvError(Kind kind) noexcept : kind_(kind) {}
  // Rust's From<RecvError>: Disconnected.
  constexpr TryRecvError(RecvError) noexcept : kind_(Disconnected) {}
  // Which failure this is. O(1).
  [[nodiscard]] constexpr Kind kind() const noexcept { return kind_; }
  // True for Empty.
  [[nodiscard]] constexpr bool is_empty() const noexcept { return kind_ == Empty; }
  // True for Disconnected.
  [[nodiscard]] constexpr bool is_disconnected() const noexcept { return kind_ == Disconnected; }
  // Rust's Display text. O(1).
  [[nodiscard]] constexpr const char* what() const noexcept {
    return kind_ == Empty ? "receiving on an empty channel" : "receiving on a closed channel";
  }
  // what() as a std::string.
  [[nodiscard]] std::string message() const { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const TryRecvError& e) {
    return os << e.what();
  }
  // Same kind (and equal messages, for the errors that hold one).
  friend constexpr bool operator==(TryRecvError a, TryRecvError b) noexcept { return a.kind_ == b.kind_; }

 private:
  Kind kind_;
};

// recv_timeout()/recv_deadline() failed: Timeout or Disconnected.
class RecvTimeoutError {
 public:
  enum Kind { Timeout, Disconnected };
  // Implicit, so `err == RecvTimeoutError::Timeout` works.
  constexpr RecvTimeoutError(Kind kind) noexcept : kind_(kind) {}
  // Rust's From<RecvError>: Disconnected.
  constexpr RecvTimeoutError(RecvError) noexcept : kind_(Disconnected) {}
  // Which failure this is. O(1).
  [[nodiscard]] constexpr Kind kind() const noexcept { return kind_; }
  // True for Timeout.
  [[nodiscard]] constexpr bool is_timeout() const noexcept { return kind_ == Timeout; }
  // True for Disconnected.
  [[nodiscard]] constexpr bool is_disconnected() const noexcept { return kind_ == Disconnected; }
  // Rust's Display text. O(1).
  [[nodiscard]] constexpr const char* what() const noexcept {
    return kind_ == Timeout ? "timed out waiting on channel" : "channel is empty and sending half is closed";
  }
  // what() as a std::string.
  [[nodiscard]] std::string message() const { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const RecvTimeoutError& e) {
    return os << e.what();
  }
  // Same kind (and equal messages, for the errors that hold one).
  friend constexpr bool operator==(RecvTimeoutError a, RecvTimeoutError b) noexcept { return a.kind_ == b.kind_; }

 private:
  Kind kind_;
};

// Select::try_select() found no operation ready.
class TrySelectError {
 public:
  // Rust's Display text. O(1).
  [[nodiscard]] static constexpr const char* what() noexcept { return "all operations in select would block"; }
  // what() as a std::string.
  [[nodiscard]] static std::string message() { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const TrySelectError& e) {
    return os << e.what();
  }
  // Same kind (and equal messages, for the errors that hold one).
  friend constexpr bool operator==(TrySelectError, TrySelectError) noexcept { return true; }
};

// Select::select_timeout()/select_deadline() ran out of time.
class SelectTimeoutError {
 public:
  // Rust's Display text. O(1).
  [[nodiscard]] static constexpr const char* what() noexcept { return "timed out waiting on select"; }
  // what() as a std::string.
  [[nodiscard]] static std::string message() { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const SelectTimeoutError& e) {
    return os << e.what();
  }
  // Same kind (and equal messages, for the errors that hold one).
  friend constexpr bool operator==(SelectTimeoutError, SelectTimeoutError) noexcept { return true; }
};

// Select::try_ready() found no operation ready. (Text: fearless's own.)
class TryReadyError {
 public:
  // Rust's Display text. O(1).
  [[nodiscard]] static constexpr const char* what() noexcept { return "all operations in select would block"; }
  // what() as a std::string.
  [[nodiscard]] static std::string message() { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const TryReadyError& e) {
    return os << e.what();
  }
  // Same kind (and equal messages, for the errors that hold one).
  friend constexpr bool operator==(TryReadyError, TryReadyError) noexcept { return true; }
};

// Select::ready_timeout()/ready_deadline() ran out of time. (Text: fearless's own.)
class ReadyTimeoutError {
 public:
  // Rust's Display text. O(1).
  [[nodiscard]] static constexpr const char* what() noexcept { return "timed out waiting on ready"; }
  // what() as a std::string.
  [[nodiscard]] static std::string message() { return what(); }
  // Writes what() (Rust's Display text): `std::cout << err`.
  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const ReadyTimeoutError& e) {
    return os << e.what();
  }
  // Same kind (and equal messages, for the errors that hold one).
  friend constexpr bool operator==(ReadyTimeoutError, ReadyTimeoutError) noexcept { return true; }
};

}  // namespace fearless::sync::mpmc
