// Helpers shared by the tests/sync_*_test.cpp files.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "fearless/detail/futex.hpp"
#include "fearless/detail/raw_mutex.hpp"
#include "fearless/panic.hpp"
#include "stress_scale.hpp"

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

// Threads counted as asleep on some RawMutex, all buckets together.
inline std::uint64_t mutex_sleepers_everywhere() {
  std::uint64_t n = 0;
  for (const auto& c : fearless::detail::g_mutex_sleepers.count) n += c.load();
  return n;
}

// Waits up to two seconds for `got`, set by a thread that was asleep on `mu`
// once it holds the lock. If it stays false the thread lost its wake-up: the
// futex word (RawMutex's only member) is woken directly, so that the thread
// can finish and be joined, and the result is false.
inline bool woken_within_two_seconds(const std::atomic<bool>& got, fearless::detail::RawMutex& mu) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!got.load() && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  if (got.load()) return true;
  fearless::detail::futex_wake(*reinterpret_cast<fearless::detail::Atomic<std::uint32_t>*>(&mu), 1);
  return false;
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
