// Reads typed values off a fuzzer input; past its end every value is zero.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace fearless_fuzz {

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  [[nodiscard]] bool empty() const { return n_ == 0; }

  template <class T>
    requires std::is_trivially_copyable_v<T>
  T pick() {
    T v{};
    const std::size_t k = n_ < sizeof(T) ? n_ : sizeof(T);
    if (k != 0) std::memcpy(&v, p_, k);
    p_ += k;
    n_ -= k;
    return v;
  }
  // A value in [0, n).
  std::size_t below(std::size_t n) { return n == 0 ? 0 : pick<std::uint8_t>() % n; }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

}  // namespace fearless_fuzz
