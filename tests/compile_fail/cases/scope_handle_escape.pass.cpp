// The right way: join inside the scope and return the value.
#include "fearless/thread.hpp"

int main() {
  int v = fearless::thread::scope([](fearless::thread::Scope& s) { return s.spawn([] { return 1; }).join().unwrap(); });
  return v - 1;
}
