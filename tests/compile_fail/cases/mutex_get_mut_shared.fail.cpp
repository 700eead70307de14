// Reaching a Mutex's data without locking it: get_mut() needs the Mutex
// itself to be unshared (Rust: &mut self), so it is not callable through the
// const reference every sharing thread holds.
// expect-gcc: passing 'const fearless::sync::Mutex<int>' as 'this' argument discards qualifiers
// expect-clang: 'this' argument to member function 'get_mut' has type 'const fearless::sync::Mutex<int>', but function is not marked const
#include "fearless/sync/mutex.hpp"

void bump(const fearless::sync::Mutex<int>& shared) {
  int* p = shared.get_mut().unwrap();
  ++*p;
}

int main() {
  fearless::sync::Mutex<int> m(0);
  bump(m);
}
