// Iterating the data of a temporary guard: in C++20 the guard is destroyed
// before the loop body runs, so the loop reads unlocked data. Caught by clang
// through the guards' lifetimebound operator* (clang-only case).
// compiler: clang
// expect-clang: will be destroyed at the end of the full-expression
// expect-clang: -Werror,-Wdangling
#include <vector>

#include "fearless/sync/rwlock.hpp"

int main() {
  fearless::sync::RwLock<std::vector<int>> l(std::vector<int>{1, 2, 3});
  int sum = 0;
  for (int x : *l.read().unwrap()) sum += x;
  return sum - 6;
}
