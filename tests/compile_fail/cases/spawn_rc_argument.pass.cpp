// The right way: Arc, whose count is atomic.
#include "fearless/sync/arc.hpp"
#include "fearless/thread.hpp"

int main() {
  auto shared = fearless::sync::Arc<int>::make(1);
  auto h = fearless::thread::spawn([](fearless::sync::Arc<int> a) { return *a; }, shared);
  return h.join().unwrap() - 1;
}
