// Side-by-side harness for oneTBB's concurrent_bounded_queue (a separate binary
// because Debian ships libtbb only as a shared library).
//
//   tbb_bench tbb_queue <case> <flavor> <threads> <n>        (protocol: common.hpp)
//
// No rendezvous cell: set_capacity(0) deadlocks (a push waits for free space
// that a capacity of zero never has), so the cell is reported NA, not faked.
#include <memory>

#include <oneapi/tbb/concurrent_queue.h>

#include "common.hpp"

using bench::Args;
using bench::Flavor;
using u64 = std::uint64_t;

namespace {

struct TbbQ {
  oneapi::tbb::concurrent_bounded_queue<u64> q;
  void send(u64 v) { q.push(v); }
  u64 recv() {
    u64 v = 0;
    q.pop(v);
    return v;
  }
};
struct TbbChan {
  std::unique_ptr<TbbQ> q;
  bench::SharedEnd<TbbQ> tx() { return {q.get()}; }
  bench::SharedEnd<TbbQ> rx() { return {q.get()}; }
};

}  // namespace

int main(int argc, char** argv) {
  const Args a = bench::parse(argc, argv);
  if (a.impl != "tbb_queue") bench::na("unknown impl");
  if (a.kase == "select_rx" || a.kase == "select_both") bench::na("no select");
  if (a.flavor == Flavor::rendezvous) bench::na("set_capacity(0) deadlocks");
  bench::report(bench::run_queue_case(a, [&] {
    auto q = std::make_unique<TbbQ>();
    if (a.flavor != Flavor::unbounded) q->q.set_capacity(static_cast<std::ptrdiff_t>(bench::capacity(a.flavor, a.n)));
    return TbbChan{std::move(q)};
  }));
}
