// Sending an Rc into a thread: its count is not atomic, so two threads
// cloning or dropping it race. Rc is not Send; spawn checks every argument.
// expect: an argument is not Send
// expect-gcc: with T = fearless::Rc<int>
// expect-clang: 'fearless::Rc<int>' does not satisfy 'Send'
#include "fearless/rc.hpp"
#include "fearless/thread.hpp"

int main() {
  auto shared = fearless::Rc<int>::make(1);
  auto h = fearless::thread::spawn([](fearless::Rc<int> r) { return *r; }, shared);
  return h.join().unwrap();
}
