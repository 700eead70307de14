// A thread's result outlives the thread: a reference it returns would dangle
// (Rust: T: 'static). spawn refuses reference return types.
// expect: returns a reference
#include "fearless/thread.hpp"

int main() {
  static int counter = 0;
  auto h = fearless::thread::spawn([]() -> int& { return counter; });
  (void)h;
}
