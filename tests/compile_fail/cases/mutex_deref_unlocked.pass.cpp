// The right way: lock, then dereference the guard.
#include "fearless/sync/mutex.hpp"

int main() {
  fearless::sync::Mutex<int> m(0);
  int v = *m.lock().unwrap();
  return v;
}
