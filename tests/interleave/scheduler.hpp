// Test-side scheduler of the interleaving-exploration mode (FEARLESS_INTERLEAVE).
//
// A scenario spawns two or three logical threads (real OS threads, so that
// thread_local state such as thread::current() stays per thread) that share
// fearless primitives. Only one of them runs at a time: every detail::Atomic
// operation and every futex call is a scheduling point where the scheduler
// chooses who runs next. Explorer::random() draws those choices from a seeded
// generator; Explorer::exhaustive() enumerates them depth-first, bounded by the
// number of preemptions (switching away from a thread that could go on), the
// approach of CHESS. futex waits block the logical thread until a futex_wake on
// the same word; a wait with a deadline may also time out at any switch.
// Time is virtual (detail::Clock on a controlled thread): each reading moves
// it on by kTimeQuantum, and a wait that times out (or a thread::sleep that
// ends) moves it to its deadline, so a replayed schedule makes the same
// deadline checks and the same number of polls in every duration-bounded
// spin, whatever the build's speed. thread::yield_now is a scheduling point
// (a loop that yields until another thread acts lets it act). Select
// draws its random choices from a generator seeded by the exploration.
// Failures: every thread blocked (deadlock), a step budget exhausted
// (livelock), an exception escaping a thread, or a failed Execution::check().
// A failed execution's threads are abandoned (never resumed, their memory
// leaked), because blocked library code cannot be unwound.
#pragma once
#ifndef FEARLESS_INTERLEAVE
#  error "tests/interleave is compiled with FEARLESS_INTERLEAVE"
#endif

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/futex.hpp"
#include "../stress_scale.hpp"

namespace fearless_test::interleave {

namespace il = fearless::detail::interleave;

struct Options {
  // Exhaustive search: schedules with at most this many preemptions.
  int preemption_bound = 2;
  // Upper limit on executions (exhaustive: the search stops, incomplete).
  std::size_t max_executions = 200000;
  // Scheduling points allowed in one execution before it counts as a livelock.
  std::size_t max_steps = 20000;
  // A thread that performs this many operations in a row without changing
  // memory is spinning; it is made to yield (a free switch).
  std::size_t spin_limit = 24;
  // Let waits with a deadline time out (an extra branch at every switch).
  // thread::sleep always ends at its deadline, whatever this says.
  bool timeouts = true;
};

struct Report {
  std::size_t executions = 0;
  std::size_t steps = 0;     // scheduling points over all executions
  bool complete = false;     // exhaustive: the whole bounded space was covered
  bool failed = false;
  std::string failure;       // what went wrong, with the schedule that did it
  std::string describe() const {
    std::ostringstream o;
    o << executions << " executions, " << steps << " scheduling points"
      << (complete ? ", bounded space complete" : "") << (failed ? ", FAILED: " + failure : "");
    return o.str();
  }
};

// Prints a search's "[interleave] <name>: <report>" line (what
// docs/reliability.md sums into its figures).
inline void show(const char* name, const Report& r) {
  std::printf("[interleave] %s: %s\n", name, r.describe().c_str());
}

class Execution;

namespace impl {

enum class St { kReady, kBlocked, kDone };

struct Choice {
  std::size_t idx;
  std::size_t n;
};

// The decision procedure shared by all executions of one exploration.
struct Strategy {
  bool exhaustive = false;
  std::mt19937_64 rng{1};
  std::uint64_t random_seed = 0x5e1ec7u;  // of the generator behind Scheduler::random()
  std::vector<Choice> stack;  // exhaustive: the current path
  std::size_t depth = 0;
  bool diverged = false;

  std::size_t pick(std::size_t n) {
    if (!exhaustive) return static_cast<std::size_t>(rng() % n);
    if (depth < stack.size()) {
      if (stack[depth].n != n) diverged = true;
      return std::min(stack[depth++].idx, n - 1);
    }
    stack.push_back({0, n});
    ++depth;
    return 0;
  }
  // Exhaustive: moves to the next unexplored path; false when none is left.
  bool advance() {
    depth = 0;
    while (!stack.empty() && stack.back().idx + 1 >= stack.back().n) stack.pop_back();
    if (stack.empty()) return false;
    ++stack.back().idx;
    return true;
  }
};

inline thread_local int self = -1;

}  // namespace impl

// One run of a scenario: owns the logical threads and schedules them.
class Execution final : public il::Scheduler {
 public:
  // The virtual time of one reading of the clock.
  static constexpr std::chrono::nanoseconds kTimeQuantum{100};

  Execution(const Options& opt, impl::Strategy& strategy)
      : opt_(opt),
        strat_(strategy),
        vbase_(std::chrono::steady_clock::now()),
        rng_(strategy.random_seed) {}
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Adds a logical thread; it starts when run() is called.
  void spawn(std::function<void()> fn) { threads_.push_back(Thread{std::move(fn)}); }

  // Records a failed expectation (the execution goes on; the exploration stops after it).
  void check(bool ok, const std::string& what) {
    if (ok) return;
    std::lock_guard lk(m_);
    record_failure("check failed: " + what);
  }

  // Runs the spawned threads to completion under the scheduler. Returns false
  // if the execution failed; its threads are then abandoned.
  bool run() {
    std::unique_lock lk(m_);
    for (std::size_t i = 0; i < threads_.size(); ++i) {
      threads_[i].os = std::thread([this, i] { body(static_cast<int>(i)); });
    }
    const int first = choose(-1, false);
    if (first < 0) record_failure("no thread to run");
    running_ = first;
    if (first >= 0) wake(first);
    cv_.wait(lk, [&] { return abandoned_ || done_ == threads_.size(); });
    const bool ok = !abandoned_ && failure_.empty();
    lk.unlock();
    for (auto& t : threads_) {
      if (abandoned_) {
        t.os.detach();
      } else {
        t.os.join();
      }
    }
    return ok;
  }

  bool abandoned() const { return abandoned_; }
  const std::string& failure() const { return failure_; }
  std::size_t steps() const { return steps_; }

  // ---- il::Scheduler -----------------------------------------------------
  void point(const void* addr, il::Access access) noexcept override {
    std::unique_lock lk(m_);
    const int me = impl::self;
    trace(me, access, addr);
    if (++steps_ > opt_.max_steps) {
      record_failure("step budget exhausted (livelock?)");
      abandon(lk);
    }
    Thread& t = threads_[static_cast<std::size_t>(me)];
    ++t.idle;
    const int next = choose(me, true);
    if (next != me) switch_to(lk, me, next);
  }

  void wrote(const void*) noexcept override {
    std::lock_guard lk(m_);
    for (auto& t : threads_) t.idle = 0;
  }

  bool futex_wait(const void* addr, const std::atomic<std::uint32_t>& word, std::uint32_t expected,
                  fearless::detail::Deadline deadline) noexcept override {
    point(addr, il::Access::kFutexWait);
    std::unique_lock lk(m_);
    const int me = impl::self;
    if (word.load() != expected) return true;
    return block(lk, me, addr, deadline, false);
  }

  void sleep_until(fearless::detail::Deadline deadline) noexcept override {
    point(nullptr, il::Access::kSleep);
    std::unique_lock lk(m_);
    if (deadline <= vbase_ + velapsed_) return;  // already passed: only the point
    (void)block(lk, impl::self, nullptr, deadline, true);  // no futex_wake ends a sleep
  }

  void yield() noexcept override { point(nullptr, il::Access::kYield); }

  std::chrono::steady_clock::time_point now() noexcept override {
    std::lock_guard lk(m_);
    velapsed_ += kTimeQuantum;
    return vbase_ + velapsed_;
  }

  std::uint64_t random() noexcept override {
    std::lock_guard lk(m_);
    return rng_();
  }

  int futex_wake(const void* addr, int n) noexcept override {
    point(addr, il::Access::kFutexWake);
    std::lock_guard lk(m_);
    int woken = 0;
    for (int k = 0; k < n; ++k, ++woken) {
      Thread* pick = nullptr;
      for (auto& t : threads_) {
        if (t.st == impl::St::kBlocked && t.wait_addr == addr && (!pick || t.block_seq < pick->block_seq)) pick = &t;
      }
      if (!pick) break;
      pick->st = impl::St::kReady;
      pick->wait_addr = nullptr;
    }
    for (auto& t : threads_) t.idle = 0;
    return woken;
  }

 private:
  struct Thread {
    std::function<void()> fn;
    std::thread os{};
    impl::St st = impl::St::kReady;
    const void* wait_addr = nullptr;
    bool timed = false;
    fearless::detail::Deadline deadline{};
    bool woken_by_timeout = false;
    bool sleeping = false;  // in sleep_until: it ends by its deadline even without Options::timeouts
    std::uint64_t block_seq = 0;
    std::size_t idle = 0;
    std::unique_ptr<std::condition_variable> cv = std::make_unique<std::condition_variable>();
  };

  void body(int me) {
    impl::self = me;
    il::current = this;
    il::virtual_clock = this;
    {
      std::unique_lock lk(m_);
      threads_[static_cast<std::size_t>(me)].cv->wait(lk, [&] { return running_ == me || abandoned_; });
      if (abandoned_) park_forever(lk);
    }
    try {
      threads_[static_cast<std::size_t>(me)].fn();
    } catch (const std::exception& e) {
      std::lock_guard lk(m_);
      record_failure(std::string("exception escaped a thread: ") + e.what());
    } catch (...) {
      std::lock_guard lk(m_);
      record_failure("exception escaped a thread");
    }
    il::current = nullptr;
    il::virtual_clock = nullptr;
    std::unique_lock lk(m_);
    threads_[static_cast<std::size_t>(me)].st = impl::St::kDone;
    ++done_;
    trace(me, il::Access::kStore, nullptr);
    if (done_ == threads_.size()) {
      running_ = -1;
      cv_.notify_all();
      return;
    }
    const int next = choose(me, false);
    if (next < 0) {
      record_failure("deadlock: every remaining thread is blocked");
      abandoned_ = true;
      wake_all();
      return;  // this thread finished; the blocked ones stay abandoned
    }
    running_ = next;
    prepare(next);
    wake(next);
  }

  // Each logical thread sleeps on its own condition variable, so that a
  // switch wakes only the thread chosen (one OS context switch, not one per
  // thread); cv_ is run()'s, which waits for the end of the execution.
  void wake(int id) { threads_[static_cast<std::size_t>(id)].cv->notify_one(); }
  void wake_all() {
    for (auto& t : threads_) t.cv->notify_one();
    cv_.notify_all();
  }

  // Who runs next, or -1 if nobody can. `me` is the thread at the switch (-1
  // at the start); `me_ready` whether it could continue.
  int choose(int me, bool me_ready) {
    struct Opt {
      int tid;
      bool timeout;
    };
    std::vector<Opt> opts;
    bool forced = false;
    if (me_ready) {
      if (threads_[static_cast<std::size_t>(me)].idle >= opt_.spin_limit) {
        forced = true;  // spinning: let somebody else run first
      } else {
        opts.push_back({me, false});
      }
    }
    const bool can_preempt = !me_ready || forced || !strat_.exhaustive || preemptions_ < opt_.preemption_bound;
    if (can_preempt) {
      for (std::size_t i = 0; i < threads_.size(); ++i) {
        const int id = static_cast<int>(i);
        if (id != me && threads_[i].st == impl::St::kReady) opts.push_back({id, false});
      }
      for (std::size_t i = 0; i < threads_.size(); ++i) {
        const Thread& t = threads_[i];
        if (t.st == impl::St::kBlocked && t.timed && (opt_.timeouts || t.sleeping)) {
          opts.push_back({static_cast<int>(i), true});
        }
      }
    }
    if (opts.empty() && forced) opts.push_back({me, false});  // nobody else: keep spinning
    if (opts.empty()) return -1;
    const std::size_t k = opts.size() == 1 ? 0 : strat_.pick(opts.size());
    const Opt c = opts[k];
    if (me_ready && c.tid != me && !forced) ++preemptions_;
    if (c.timeout) {
      Thread& t = threads_[static_cast<std::size_t>(c.tid)];
      t.st = impl::St::kReady;
      t.wait_addr = nullptr;
      t.woken_by_timeout = true;
      // The chosen thread runs next: its deadline has come, for every thread.
      if (t.deadline > vbase_ + velapsed_) velapsed_ = t.deadline - vbase_;
    }
    return c.tid;
  }

  // Blocks `me` until a futex_wake on `addr` (null: none can come) or, with a
  // deadline, until choose() lets it time out (always for a sleep, else only
  // with Options::timeouts). False if it timed out.
  bool block(std::unique_lock<std::mutex>& lk, int me, const void* addr, fearless::detail::Deadline deadline,
             bool sleeping) {
    Thread& t = threads_[static_cast<std::size_t>(me)];
    t.st = impl::St::kBlocked;
    t.wait_addr = addr;
    t.timed = deadline != fearless::detail::kNoDeadline;
    t.sleeping = sleeping;
    t.deadline = deadline;
    t.woken_by_timeout = false;
    t.block_seq = ++block_seq_;
    const int next = choose(me, false);
    if (next < 0) {
      record_failure("deadlock: every thread is blocked");
      abandon(lk);
    }
    switch_to(lk, me, next);
    t.sleeping = false;
    return !t.woken_by_timeout;  // choose() moved the virtual time to the deadline
  }

  void prepare(int next) { threads_[static_cast<std::size_t>(next)].idle = 0; }

  void switch_to(std::unique_lock<std::mutex>& lk, int me, int next) {
    if (next != me) {
      running_ = next;
      prepare(next);
      wake(next);
    }
    threads_[static_cast<std::size_t>(me)].cv->wait(lk, [&] { return running_ == me || abandoned_; });
    if (abandoned_) park_forever(lk);
  }

  void abandon(std::unique_lock<std::mutex>& lk) {
    abandoned_ = true;
    wake_all();
    park_forever(lk);
  }

  // A thread of a failed execution: it is never resumed.
  [[noreturn]] void park_forever(std::unique_lock<std::mutex>& lk) {
    il::current = nullptr;
    il::virtual_clock = nullptr;
    for (;;) threads_[static_cast<std::size_t>(impl::self)].cv->wait(lk);
  }

  void record_failure(const std::string& what) {
    if (!failure_.empty()) return;
    std::ostringstream o;
    o << what << "\n  last scheduling points (thread:access):";
    const std::size_t from = trace_.size() > 60 ? trace_.size() - 60 : 0;
    for (std::size_t i = from; i < trace_.size(); ++i) o << ' ' << trace_[i];
    o << "\n  choices:";
    for (std::size_t i = 0; i < strat_.depth && i < strat_.stack.size(); ++i) o << ' ' << strat_.stack[i].idx;
    failure_ = o.str();
  }

  void trace(int me, il::Access a, const void*) {
    static constexpr const char* kNames[] = {"ld", "st", "rmw", "cas", "wait", "wake", "sleep", "yield"};
    std::string s = std::to_string(me) + ":" + (me >= 0 ? kNames[static_cast<int>(a)] : "?");
    if (trace_.size() >= 4096) trace_.erase(trace_.begin(), trace_.begin() + 2048);
    trace_.push_back(std::move(s));
  }

  const Options& opt_;
  impl::Strategy& strat_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<Thread> threads_;
  int running_ = -1;
  std::size_t done_ = 0;
  bool abandoned_ = false;
  int preemptions_ = 0;
  std::size_t steps_ = 0;
  std::uint64_t block_seq_ = 0;
  const std::chrono::steady_clock::time_point vbase_;  // virtual time 0: when the execution was made
  std::chrono::nanoseconds velapsed_{0};
  std::mt19937_64 rng_;
  std::string failure_;
  std::vector<std::string> trace_;
};

// Runs a scenario under many schedules. The scenario builds its shared state,
// calls ex.spawn() two or three times, then ex.run(), then checks the outcome
// with ex.check() (only when run() returned true).
class Explorer {
 public:
  using Scenario = std::function<void(Execution&)>;

  // The number of executions random(..., runs) performs: scaled down (never
  // below 100) when FEARLESS_STRESS_SCALE is below 1, never scaled up.
  static std::size_t scaled_runs(std::size_t runs) {
    return sync_test::stress_scale() < 1 ? sync_test::scaled(runs, std::min<std::size_t>(runs, 100)) : runs;
  }

  // `runs` executions with choices drawn from a generator seeded by `seed`,
  // scaled by FEARLESS_STRESS_SCALE as the stress tests are (the sanitizer
  // presets set it below 1: there every switch between logical threads costs
  // several times more), never below 100. Exhaustive searches are not scaled:
  // they must cover their bounded space.
  static Report random(const Scenario& sc, std::uint64_t seed, std::size_t runs, Options opt = {}) {
    runs = scaled_runs(runs);
    Report r;
    impl::Strategy st;
    st.exhaustive = false;
    for (std::size_t i = 0; i < runs; ++i) {
      st.rng.seed(seed * 1000003u + i);
      st.random_seed = seed * 1000003u + i;
      if (!once(sc, opt, st, r)) {
        r.failure += "\n  (random schedule: seed " + std::to_string(seed) + ", run " + std::to_string(i) + ")";
        return r;
      }
    }
    return r;
  }

  // Every schedule with at most opt.preemption_bound preemptions (up to
  // opt.max_executions executions), depth first.
  static Report exhaustive(const Scenario& sc, Options opt = {}) {
    Report r;
    impl::Strategy st;
    st.exhaustive = true;
    for (;;) {
      if (!once(sc, opt, st, r)) return r;
      // A replay that ended before the recorded path did diverged as well.
      if (st.diverged || st.depth < st.stack.size()) {
        r.failed = true;
        r.failure = "scenario is not deterministic: a replayed schedule offered different choices";
        return r;
      }
      if (!st.advance()) {
        r.complete = true;
        return r;
      }
      if (r.executions >= opt.max_executions) return r;
    }
  }

 private:
  static std::vector<Execution*>& graveyard() {
    static auto* g = new std::vector<Execution*>();
    return *g;
  }
  static bool once(const Scenario& sc, const Options& opt, impl::Strategy& st, Report& r) {
    // A failed execution leaves threads blocked inside it for ever, so it is
    // deliberately leaked rather than destroyed under them.
    auto* ex = new Execution(opt, st);
    sc(*ex);
    ++r.executions;
    r.steps += ex->steps();
    if (!ex->failure().empty()) {
      r.failed = true;
      r.failure = ex->failure();
      if (ex->abandoned()) {
        graveyard().push_back(ex);  // kept reachable: its threads still sleep inside it
      } else {
        delete ex;
      }
      return false;
    }
    delete ex;
    return true;
  }
};

}  // namespace fearless_test::interleave
