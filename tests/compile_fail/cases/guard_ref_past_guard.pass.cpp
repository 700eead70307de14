// The right way: keep the guard for as long as the reference is used (a
// temporary guard is fine within one statement).
#include "fearless/sync/mutex.hpp"

int main() {
  fearless::sync::Mutex<int> m(0);
  {
    auto g = m.lock().unwrap();
    int& r = *g;
    r = 1;
  }
  *m.lock().unwrap() += 1;
  return *m.lock().unwrap() - 2;
}
