// Mutating through an Arc: every clone may be on another thread, so an Arc
// gives only const access. Shared data changes through a lock or an atomic.
// expect-gcc: assignment of read-only location
// expect-clang: cannot assign to return value because function 'operator*' returns a const value
#include "fearless/sync/arc.hpp"

int main() {
  auto counter = fearless::sync::Arc<int>::make(0);
  auto mine = counter.clone();
  *mine = 1;
}
