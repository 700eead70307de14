// The right way: read the Rc's value on its own thread, send the value.
#include "fearless/rc.hpp"
#include "fearless/thread.hpp"

int main() {
  auto local = fearless::Rc<int>::make(1);
  const int value = *local;
  int got = 0;
  fearless::thread::scope([&](fearless::thread::Scope& s) { s.spawn([&got](int v) { got = v; }, value); });
  return got - 1;
}
