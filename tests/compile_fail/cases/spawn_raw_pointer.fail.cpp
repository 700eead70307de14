// Raw pointers are not Send (nothing says who owns the pointee or who else
// writes it); vouch for one explicitly with fearless::AssertSend.
// expect: an argument is not Send
// expect-gcc: with T = int*
// expect-clang: 'int *' does not satisfy 'Send'
#include "fearless/thread.hpp"

int main() {
  static int slot = 0;
  auto h = fearless::thread::spawn([](int* p) { *p = 1; }, &slot);
  h.join().unwrap();
}
