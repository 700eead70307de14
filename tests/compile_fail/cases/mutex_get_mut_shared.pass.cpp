// The right way: lock a shared Mutex; get_mut() only on one you own outright.
#include "fearless/sync/mutex.hpp"

void bump(const fearless::sync::Mutex<int>& shared) {
  auto g = shared.lock().unwrap();
  ++*g;
}

int main() {
  fearless::sync::Mutex<int> m(0);
  bump(m);
  int* p = m.get_mut().unwrap();  // m is not shared here
  return *p - 1;
}
