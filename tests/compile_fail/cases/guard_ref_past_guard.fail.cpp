// Keeping a reference into locked data past the guard: the temporary guard
// unlocks at the end of the statement, and `r` would then be an unguarded
// reference. Guards mark operator* / operator-> lifetimebound, so clang
// rejects it (-Wdangling; g++ 12 has no such analysis: clang-only case).
// compiler: clang
// expect-clang: temporary bound to local reference 'r' will be destroyed at the end of the full-expression
// expect-clang: -Werror,-Wdangling
#include "fearless/sync/mutex.hpp"

int main() {
  fearless::sync::Mutex<int> m(0);
  int& r = *m.lock().unwrap();
  r = 1;
}
