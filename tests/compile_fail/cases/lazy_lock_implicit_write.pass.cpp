// Reading through `*lazy` works from any thread; an owner with exclusive use
// writes through the explicit force_mut.
#include "fearless/sync/lazy_lock.hpp"

static fearless::sync::LazyLock<int> answer([] { return 42; });

int main() {
  const int before = *answer;
  fearless::sync::LazyLock<int>::force_mut(answer) = before + 1;
  return *answer == 43 ? 0 : 1;
}
