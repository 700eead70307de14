// Spawn + join of one thread: fearless::thread::spawn against raw std::thread
// (and Builder with a name, and a scoped thread), so the wrapper's overhead
// shows as a ratio. The thread body is empty: the numbers are the cost of
// creating, starting, finishing and joining an OS thread.
//
//   ./thread_spawn_bench --benchmark_repetitions=9 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <thread>

#include "fearless/thread.hpp"

namespace {

void BM_StdThreadSpawnJoin(benchmark::State& state) {
  for (auto _ : state) {
    std::thread t([] { benchmark::ClobberMemory(); });
    t.join();
  }
}
BENCHMARK(BM_StdThreadSpawnJoin)->UseRealTime();

void BM_FearlessSpawnJoin(benchmark::State& state) {
  for (auto _ : state) {
    auto h = fearless::thread::spawn([] { benchmark::ClobberMemory(); });
    h.join().unwrap();
  }
}
BENCHMARK(BM_FearlessSpawnJoin)->UseRealTime();

void BM_FearlessSpawnJoinValue(benchmark::State& state) {
  int i = 0;
  for (auto _ : state) {
    auto h = fearless::thread::spawn([i] { return i + 1; });
    benchmark::DoNotOptimize(i = h.join().unwrap());
  }
}
BENCHMARK(BM_FearlessSpawnJoinValue)->UseRealTime();

void BM_FearlessBuilderNamedSpawnJoin(benchmark::State& state) {
  for (auto _ : state) {
    auto h = fearless::thread::Builder().name("bench-worker").spawn([] { benchmark::ClobberMemory(); }).unwrap();
    h.join().unwrap();
  }
}
BENCHMARK(BM_FearlessBuilderNamedSpawnJoin)->UseRealTime();

void BM_FearlessScopedSpawnJoin(benchmark::State& state) {
  for (auto _ : state) {
    fearless::thread::scope([](fearless::thread::Scope& s) { s.spawn([] { benchmark::ClobberMemory(); }); });
  }
}
BENCHMARK(BM_FearlessScopedSpawnJoin)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
