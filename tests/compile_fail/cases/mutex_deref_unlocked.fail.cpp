// The data lives inside the Mutex: there is no way to it except a guard.
// expect-gcc: no match for 'operator*'
// expect-clang: indirection requires pointer operand
#include "fearless/sync/mutex.hpp"

int main() {
  fearless::sync::Mutex<int> m(0);
  int v = *m;
  return v;
}
