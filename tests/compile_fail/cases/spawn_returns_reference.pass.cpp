// The right way: return a value.
#include "fearless/thread.hpp"

int main() {
  static int counter = 0;
  auto h = fearless::thread::spawn([]() -> int { return counter; });
  return h.join().unwrap();
}
