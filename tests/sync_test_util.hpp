// Helpers shared by the tests/sync_*_test.cpp files.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <string>

#include "fearless/panic.hpp"

namespace sync_test {

// The message of the fearless::Panic thrown by `fn`, or "<no panic>".
template <class F>
std::string panic_message(F&& fn) {
  try {
    fn();
  } catch (const fearless::Panic& p) {
    return p.what();
  }
  return "<no panic>";
}

// n scaled by FEARLESS_STRESS_SCALE (default 1.0), at least `floor`.
inline std::size_t scaled(std::size_t n, std::size_t floor = 1) {
  double scale = 1.0;
  if (const char* s = std::getenv("FEARLESS_STRESS_SCALE")) scale = std::atof(s);
  const auto v = static_cast<std::size_t>(static_cast<double>(n) * scale);
  return v < floor ? floor : v;
}

// A value that counts its live instances, to prove every one is destroyed exactly once.
struct Tracked {
  static inline std::atomic<long> live{0};
  int value;
  explicit Tracked(int v = 0) : value(v) { live.fetch_add(1); }
  Tracked(const Tracked& o) : value(o.value) { live.fetch_add(1); }
  Tracked(Tracked&& o) noexcept : value(o.value) { live.fetch_add(1); }
  Tracked& operator=(const Tracked&) = default;
  Tracked& operator=(Tracked&&) = default;
  ~Tracked() { live.fetch_sub(1); }
  friend bool operator==(const Tracked& a, const Tracked& b) { return a.value == b.value; }
};

}  // namespace sync_test
