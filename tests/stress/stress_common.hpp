// Shared pieces of the stress tests: the size knob, a seeded generator per
// thread, and Tracked, a message type that accounts for every value it carries.
#pragma once
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../stress_scale.hpp"

namespace fearless_stress {

// FEARLESS_STRESS_SCALE (default 1.0) times `n`, at least `min`.
using sync_test::scaled;

// Seed for a test; FEARLESS_STRESS_SEED overrides it (printed for reproduction).
inline std::uint64_t seed(std::uint64_t dflt) {
  if (const char* e = std::getenv("FEARLESS_STRESS_SEED")) return std::strtoull(e, nullptr, 10);
  return dflt;
}

// Running totals that the README quotes (messages moved through channels).
inline std::atomic<std::uint64_t>& messages_total() {
  static std::atomic<std::uint64_t> n{0};
  return n;
}

// Thrown by Tracked when a fault is injected.
struct InjectedFault : std::runtime_error {
  InjectedFault() : std::runtime_error("injected fault") {}
};

// Accounting for values of one test: ids 0..n-1. Every value that exists
// (was constructed from an id) must be destroyed exactly once; every copy
// counts as a new value of the same id, so tests that copy check `copies`.
struct Ledger {
  explicit Ledger(std::size_t n) : destroyed(n), received(n) {}
  std::vector<std::atomic<std::uint32_t>> destroyed;
  std::vector<std::atomic<std::uint32_t>> received;
  std::atomic<std::int64_t> live{0};
  std::atomic<std::uint64_t> copies{0};
  // Fault injection: when `fail_moves` > 0, the (fail_every)-th move throws.
  std::atomic<std::uint64_t> fail_every{0};
  std::atomic<std::uint64_t> moves{0};
  std::atomic<std::uint64_t> faults{0};

  // Fails the test unless each of ids [0, n) was destroyed exactly once and
  // nothing is alive.
  void expect_all_destroyed_once(std::size_t n) const {
    std::size_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto d = destroyed[i].load();
      if (d != 1 && bad++ < 5) ADD_FAILURE() << "value " << i << " destroyed " << d << " times";
    }
    EXPECT_EQ(bad, 0u);
    EXPECT_EQ(live.load(), 0) << "values still alive (leaked)";
  }
  void expect_received_once(std::size_t n) const {
    std::size_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = received[i].load();
      if (r != 1 && bad++ < 5) ADD_FAILURE() << "value " << i << " received " << r << " times";
    }
    EXPECT_EQ(bad, 0u);
  }
};

// A message carrying (producer, seq) and a global id into a Ledger. A
// moved-from Tracked holds nothing and its destruction is not counted.
class Tracked {
 public:
  Tracked() = default;
  Tracked(Ledger* l, std::uint32_t producer, std::uint32_t seq, std::uint32_t id)
      : l_(l), producer_(producer), seq_(seq), id_(id) {
    l_->live.fetch_add(1, std::memory_order_relaxed);
  }
  Tracked(Tracked&& o) : l_(o.l_), producer_(o.producer_), seq_(o.seq_), id_(o.id_) {
    if (l_) maybe_fail();
    o.l_ = nullptr;
  }
  Tracked& operator=(Tracked&& o) {
    if (this != &o) {
      if (o.l_) o.maybe_fail();
      reset();
      l_ = o.l_;
      producer_ = o.producer_;
      seq_ = o.seq_;
      id_ = o.id_;
      o.l_ = nullptr;
    }
    return *this;
  }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;
  ~Tracked() { reset(); }

  [[nodiscard]] bool valid() const { return l_ != nullptr; }
  [[nodiscard]] std::uint32_t producer() const { return producer_; }
  [[nodiscard]] std::uint32_t seq() const { return seq_; }
  [[nodiscard]] std::uint32_t id() const { return id_; }
  // Marks this value as received (once per value).
  void mark_received() const {
    if (l_) l_->received[id_].fetch_add(1, std::memory_order_relaxed);
  }

 private:
  void maybe_fail() const {
    const auto every = l_->fail_every.load(std::memory_order_relaxed);
    if (every != 0 && l_->moves.fetch_add(1, std::memory_order_relaxed) % every == every - 1) {
      l_->faults.fetch_add(1, std::memory_order_relaxed);
      throw InjectedFault();
    }
  }
  void reset() {
    if (!l_) return;
    l_->destroyed[id_].fetch_add(1, std::memory_order_relaxed);
    l_->live.fetch_sub(1, std::memory_order_relaxed);
    l_ = nullptr;
  }

  Ledger* l_ = nullptr;
  std::uint32_t producer_ = 0, seq_ = 0, id_ = 0;
};

}  // namespace fearless_stress
