// The right way: name the guard so that it lives through the loop.
#include <vector>

#include "fearless/sync/rwlock.hpp"

int main() {
  fearless::sync::RwLock<std::vector<int>> l(std::vector<int>{1, 2, 3});
  int sum = 0;
  auto g = l.read().unwrap();
  for (int x : *g) sum += x;
  return sum - 6;
}
