// The right way: look at the Result (unwrap() rethrows the thread's panic).
#include "fearless/thread.hpp"

int main() {
  auto h = fearless::thread::spawn([] { return 1; });
  return h.join().unwrap() - 1;
}
