// A downstream program: spawns threads, joins them, uses Result and scope.
#include <fearless/fearless.hpp>

#include <cstdio>
#include <vector>

namespace thread = fearless::thread;

static fearless::Result<int, std::string> half(int v) {
  if (v % 2 != 0) return fearless::Err(std::string("odd"));
  return fearless::Ok(v / 2);
}

int main() {
  auto h = thread::Builder().name("consumer-worker").spawn([] { return half(84); }).unwrap();
  const int v = h.join().unwrap().unwrap();
  std::vector<int> parts(4, 0);
  thread::scope([&](thread::Scope& s) {
    for (std::size_t i = 0; i < parts.size(); ++i) s.spawn([&parts, i] { parts[i] = static_cast<int>(i); });
  });
  const int sum = parts[0] + parts[1] + parts[2] + parts[3];
  auto failed = thread::spawn([]() -> int { throw 1; }).join();
  if (v != 42 || sum != 6 || failed.is_ok()) {
    std::printf("consumer: wrong results %d %d\n", v, sum);
    return 1;
  }
  std::printf("consumer: ok (%d, %d)\n", v, sum);
  return 0;
}
