// The right way: write() for exclusive, mutable access.
#include "fearless/sync/rwlock.hpp"

int main() {
  fearless::sync::RwLock<int> lock(0);
  {
    auto w = lock.write().unwrap();
    *w = 1;
  }
  auto r = lock.read().unwrap();
  return *r - 1;
}
