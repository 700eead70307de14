// A read guard is shared with other readers: it gives const access only.
// expect-gcc: assignment of read-only location
// expect-clang: cannot assign to return value because function 'operator*' returns a const value
#include "fearless/sync/rwlock.hpp"

int main() {
  fearless::sync::RwLock<int> lock(0);
  auto r = lock.read().unwrap();
  *r = 1;
}
