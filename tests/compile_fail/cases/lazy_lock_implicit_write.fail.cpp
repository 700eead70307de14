// A LazyLock shared between threads may be declared without const; writing
// through `*lazy` would then race with readers. Rust allows it only through
// `&mut LazyLock` (exclusive), which C++ cannot check, so `*lazy` is
// read-only and writing takes an explicit LazyLock::force_mut.
// expect-gcc: assignment of read-only location
// expect-clang: cannot assign to return value because function 'operator*' returns a const value
#include "fearless/sync/lazy_lock.hpp"

static fearless::sync::LazyLock<int> answer([] { return 42; });

int main() {
  *answer = 43;
}
