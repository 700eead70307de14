// The right way (when you can vouch for it): AssertSend, Rust's
// `unsafe impl Send`, visible in review. Here the pointee is a static and the
// join orders the write before the read.
#include "fearless/marker.hpp"
#include "fearless/thread.hpp"

int main() {
  static int slot = 0;
  auto h = fearless::thread::spawn([](fearless::AssertSend<int*> p) { *p.get() = 1; }, fearless::AssertSend(&slot));
  h.join().unwrap();
  return slot - 1;
}
