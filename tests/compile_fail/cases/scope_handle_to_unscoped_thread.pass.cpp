// The right way: hand it to another thread of the same scope.
#include "fearless/thread.hpp"

int main() {
  int v = fearless::thread::scope([](fearless::thread::Scope& s) {
    auto inner = s.spawn([] { return 1; });
    auto outer = s.spawn([](fearless::thread::ScopedJoinHandle<int> h) { return h.join().unwrap(); }, std::move(inner));
    return outer.join().unwrap();
  });
  return v - 1;
}
