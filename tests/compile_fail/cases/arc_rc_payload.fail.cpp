// An Arc exists to be shared across threads, so its payload must be Send and
// Sync: an Arc<Rc<int>> would let two threads touch the Rc's plain count.
// expect: the payload is not Send and Sync
// expect-gcc: with T = fearless::Rc<int>
// expect-clang: fearless::Rc<int>
#include "fearless/rc.hpp"
#include "fearless/sync/arc.hpp"

int main() {
  auto a = fearless::sync::Arc<fearless::Rc<int>>::make(fearless::Rc<int>::make(1));
  return **a;
}
