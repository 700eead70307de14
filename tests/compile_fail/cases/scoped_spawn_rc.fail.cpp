// Scoped threads may borrow, but what they are given still crosses a thread:
// Rust requires F: Send and T: Send for scoped spawns too.
// expect: an argument is not Send
// expect-gcc: with T = fearless::Rc<int>
// expect-clang: 'fearless::Rc<int>' does not satisfy 'Send'
#include "fearless/rc.hpp"
#include "fearless/thread.hpp"

int main() {
  auto local = fearless::Rc<int>::make(1);
  fearless::thread::scope([&](fearless::thread::Scope& s) { s.spawn([](fearless::Rc<int> r) { (void)r; }, local); });
}
