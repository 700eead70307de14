// fearless/thread/thread.hpp — Thread handles, the current thread, parking,
// sleeping and available_parallelism (Rust's std::thread free functions).
#pragma once
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <compare>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/thread_inner.hpp"
#include "fearless/detail/time.hpp"
#include "fearless/result.hpp"

namespace fearless::thread {

// A unique identifier for a thread, never reused during the process's life
// (unlike a pthread_t or a Linux TID).
class ThreadId {
 public:
  // The raw number: distinct for every thread ever created in this process.
  [[nodiscard]] constexpr std::uint64_t as_u64() const noexcept { return v_; }
  // Same thread; ordered by as_u64() (creation order of the ids).
  friend constexpr bool operator==(ThreadId, ThreadId) = default;
  friend constexpr auto operator<=>(ThreadId, ThreadId) = default;
  // Prints "ThreadId(N)", as Rust's Debug does.
  friend std::ostream& operator<<(std::ostream& os, ThreadId id) { return os << "ThreadId(" << id.v_ << ')'; }

 private:
  friend class Thread;
  constexpr explicit ThreadId(std::uint64_t v) : v_(v) {}
  std::uint64_t v_;
};

// A handle to a thread: its id, its name, and the means to unpark it. Cheap to
// copy (a reference count); valid after the thread has exited.
class Thread {
 public:
  Thread(const Thread& o) noexcept : inner_(o.inner_) { inner_->retain(); }
  Thread& operator=(const Thread& o) noexcept {
    Thread(o).swap(*this);
    return *this;
  }
  // A moved-from Thread may only be destroyed or assigned to.
  Thread(Thread&& o) noexcept : inner_(std::exchange(o.inner_, nullptr)) {}
  Thread& operator=(Thread&& o) noexcept {
    Thread(std::move(o)).swap(*this);
    return *this;
  }
  ~Thread() {
    if (inner_) inner_->release();
  }

  // The thread's unique id. O(1).
  [[nodiscard]] ThreadId id() const noexcept { return ThreadId(inner().id); }
  // The name given by Builder::name ("main" for the process's first thread);
  // empty optional for an unnamed thread. The view lives as long as any handle.
  [[nodiscard]] std::optional<std::string_view> name() const noexcept {
    const auto& n = inner().name;
    return n ? std::optional<std::string_view>(*n) : std::nullopt;
  }
  // Makes the thread's park token available: if it is parked it returns from
  // park(); otherwise its next park() returns at once. Never blocks.
  void unpark() const noexcept { inner().parker.unpark(); }

  // Handles to the same thread.
  friend bool operator==(const Thread& a, const Thread& b) noexcept { return a.inner_ == b.inner_; }

  // Internal: adopt one reference.
  explicit Thread(detail::ThreadInner* adopt) noexcept : inner_(adopt) {}
  // Exchanges the threads two handles refer to. O(1).
  void swap(Thread& o) noexcept { std::swap(inner_, o.inner_); }

 private:
  detail::ThreadInner& inner() const noexcept { return *inner_; }
  detail::ThreadInner* inner_;
};

// A handle to the calling thread. O(1) after the first call on a thread.
[[nodiscard]] inline Thread current() {
  detail::ThreadInner* in = detail::current_inner();
  in->retain();
  return Thread(in);
}

// Blocks until the current thread's token is available, then consumes it.
// An unpark() that came before park() is not lost. May return spuriously (as
// in Rust): wait in a loop on your own condition. Uses no CPU while blocked.
inline void park() { detail::current_inner()->parker.park(); }

// Like park(), but returns after `timeout` at the latest. Zero/negative
// timeouts return at once (consuming a pending token); huge ones never overflow.
template <class Rep, class Period>
void park_timeout(std::chrono::duration<Rep, Period> timeout) {
  detail::current_inner()->parker.park_until(detail::deadline_after(timeout));
}

namespace detail_sleep {
// thread::sleep and sleep_until, past the conversion to a deadline.
inline void until(detail::Deadline deadline) {
#if defined(FEARLESS_INTERLEAVE)
  // Under the exploration scheduler the sleep is in virtual time.
  if (detail::interleave::Scheduler* s = detail::interleave::current) return s->sleep_until(deadline);
#endif
  if (deadline == detail::kNoDeadline) {
    for (;;) std::this_thread::sleep_for(std::chrono::hours(24 * 365));
  }
  std::this_thread::sleep_until(deadline);
}
}  // namespace detail_sleep

// Puts the current thread to sleep for at least `d` (zero or negative: no
// sleep). Huge durations saturate instead of overflowing (hours::max() sleeps
// forever).
template <class Rep, class Period>
void sleep(std::chrono::duration<Rep, Period> d) {
  detail_sleep::until(detail::deadline_after(d));
}

// Sleeps until `t` (of any clock); returns at once if it has passed.
template <class C, class D>
void sleep_until(std::chrono::time_point<C, D> t) {
  detail_sleep::until(detail::to_deadline(t));
}

// Gives up the rest of the time slice to another runnable thread.
inline void yield_now() noexcept {
#if defined(FEARLESS_INTERLEAVE)
  if (detail::interleave::Scheduler* s = detail::interleave::current) return s->yield();
#endif
  ::sched_yield();
}

// True while the current thread is unwinding because of an exception (a panic
// in progress), e.g. inside a destructor run during unwinding, and inside the
// panic hook (as in Rust).
[[nodiscard]] inline bool panicking() noexcept {
  return std::uncaught_exceptions() > 0 || fearless::detail::in_panic_hook > 0;
}

namespace detail_ap {
// cgroup CPU quota in whole CPUs (rounded down, at least 1), or 0 if unlimited/unknown. The paths
// are parameters so that tests can point them at a fake hierarchy.
inline std::size_t cgroup_cpu_limit(const std::string& proc_cgroup = "/proc/self/cgroup",
                                    const std::string& cgroup_root = "/sys/fs/cgroup") {
  std::ifstream cg(proc_cgroup);
  std::string line;
  std::string v2_path;
  std::string v1_path;
  while (std::getline(cg, line)) {
    if (line.rfind("0::", 0) == 0) v2_path = line.substr(3);
    const auto c1 = line.find(':');
    const auto c2 = line.find(':', c1 + 1);
    if (c1 != std::string::npos && c2 != std::string::npos) {
      // The hierarchy whose controller list names `cpu` itself (not
      // `cpuacct` or `cpuset` alone, which carry no quota).
      const std::string ctrls = "," + line.substr(c1 + 1, c2 - c1 - 1) + ",";
      if (ctrls.find(",cpu,") != std::string::npos) v1_path = line.substr(c2 + 1);
    }
  }
  std::size_t best = 0;
  auto consider = [&best](long long quota, long long period) {
    if (quota > 0 && period > 0) {
      // Whole CPUs, rounded down as Rust does (1.5 CPUs of quota: 1 thread).
      const auto cpus = static_cast<std::size_t>(quota / period);
      const auto n = std::max<std::size_t>(cpus, 1);
      best = best == 0 ? n : std::min(best, n);
    }
  };
  // cgroup v2: the limit of any ancestor applies; walk up to the root.
  if (!v2_path.empty()) {
    std::string p = v2_path;
    for (;;) {
      std::ifstream f(cgroup_root + (p == "/" ? std::string() : p) + "/cpu.max");
      std::string q;
      long long period = 0;
      if (f >> q >> period && q != "max") consider(std::atoll(q.c_str()), period);
      if (p.empty() || p == "/") break;
      const auto slash = p.find_last_of('/');
      p = slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
    }
  }
  if (!v1_path.empty()) {
    // As for v2, the quota of any ancestor applies: walk from the group up
    // to the hierarchy's mount root (which is also what a container without
    // a cgroup namespace sees as its own group, its host path missing there).
    for (const char* sub : {"/cpu,cpuacct", "/cpuacct,cpu", "/cpu"}) {
      if (::access((cgroup_root + sub).c_str(), F_OK) != 0) continue;  // not this mount
      std::string p = v1_path == "/" ? std::string() : v1_path;
      for (;;) {
        const std::string dir = cgroup_root + sub + p;
        std::ifstream fq(dir + "/cpu.cfs_quota_us");
        std::ifstream fp(dir + "/cpu.cfs_period_us");
        long long q = 0, per = 0;
        if (fq >> q && fp >> per) consider(q, per);
        if (p.empty()) break;
        const auto slash = p.find_last_of('/');
        p = slash == std::string::npos ? std::string() : p.substr(0, slash);
      }
      break;
    }
  }
  return best;
}
}  // namespace detail_ap

// How many threads can usefully run at once: the CPUs in this thread's
// affinity mask, further limited by a cgroup CPU quota (v1 or v2). At least 1.
// When the mask cannot be read (a sandbox may forbid the call) the CPUs online
// are counted instead, as in Rust. Errors (std::error_code from errno): only
// when neither can be read, or the mask's buffer cannot be allocated. Reads a few
// /proc and /sys files: call once, not in a loop.
[[nodiscard]] inline Result<std::size_t, std::error_code> available_parallelism() {
  std::size_t count = 0;
  for (int ncpu = 1024; ncpu <= (1 << 20); ncpu *= 4) {
    cpu_set_t* set = CPU_ALLOC(ncpu);
    if (!set) return Err(std::make_error_code(std::errc::not_enough_memory));
    const std::size_t sz = CPU_ALLOC_SIZE(ncpu);
    CPU_ZERO_S(sz, set);
    if (::sched_getaffinity(0, sz, set) == 0) {
      count = static_cast<std::size_t>(CPU_COUNT_S(sz, set));
      CPU_FREE(set);
      break;
    }
    const int e = errno;
    CPU_FREE(set);
    if (e != EINVAL) break;  // the mask cannot be read: count the online CPUs instead
  }
  if (count == 0) {
    // As Rust does when the affinity mask is unavailable (a sandbox may
    // forbid the call): the CPUs online, still limited by the quota below.
    errno = 0;
    const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    if (online <= 0) return Err(std::error_code(errno != 0 ? errno : ENOSYS, std::system_category()));
    count = static_cast<std::size_t>(online);
  }
  const std::size_t quota = detail_ap::cgroup_cpu_limit();
  if (quota != 0) count = std::min(count, quota);
  return Ok(count);
}

}  // namespace fearless::thread

template <>
struct std::hash<fearless::thread::ThreadId> {
  // Hashes as_u64().
  std::size_t operator()(fearless::thread::ThreadId id) const noexcept { return std::hash<std::uint64_t>{}(id.as_u64()); }
};
