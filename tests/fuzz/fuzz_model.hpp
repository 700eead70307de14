// Shared pieces of the channel fuzz targets: a message type that records its
// own destruction, and the failure report.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

namespace fearless_fuzz {

[[noreturn]] inline void fail(const char* what, long a = 0, long b = 0) {
  std::fprintf(stderr, "model mismatch: %s (%ld, %ld)\n", what, a, b);
  std::abort();
}
inline void check(bool ok, const char* what, long a = 0, long b = 0) {
  if (!ok) fail(what, a, b);
}

// Destruction bookkeeping for one input: every message id must be destroyed
// exactly once by the end.
struct Book {
  std::vector<std::uint8_t> destroyed;
  long live = 0;
  std::uint32_t next_id = 0;
};

// A message; NoexceptMove=false makes the channel store it boxed.
template <bool NoexceptMove>
class Msg {
 public:
  Msg() = default;
  Msg(Book* b, std::uint32_t id) : b_(b), id_(id) {
    ++b_->live;
    if (b_->destroyed.size() <= id) b_->destroyed.resize(id + 1, 0);
  }
  Msg(Msg&& o) noexcept(NoexceptMove) : b_(std::exchange(o.b_, nullptr)), id_(o.id_) {}
  Msg& operator=(Msg&& o) noexcept(NoexceptMove) {
    if (this != &o) {
      reset();
      b_ = std::exchange(o.b_, nullptr);
      id_ = o.id_;
    }
    return *this;
  }
  Msg(const Msg&) = delete;
  Msg& operator=(const Msg&) = delete;
  ~Msg() { reset(); }
  [[nodiscard]] std::uint32_t id() const { return id_; }
  [[nodiscard]] bool valid() const { return b_ != nullptr; }

 private:
  void reset() {
    if (b_ == nullptr) return;
    check(b_->destroyed[id_] == 0, "message destroyed twice", id_);
    b_->destroyed[id_] = 1;
    --b_->live;
    b_ = nullptr;
  }
  Book* b_ = nullptr;
  std::uint32_t id_ = 0;
};

}  // namespace fearless_fuzz
