// A mapped guard cannot wait on a Condvar: while a wait has the mutex
// unlocked, another thread may change the value so that the part the mapped
// guard points at is gone.
// expect-gcc: no matching function for call to
// expect-clang: no matching member function for call to 'wait'
#include "fearless/sync/condvar.hpp"
#include "fearless/sync/mutex.hpp"

struct State {
  bool ready = false;
};

int main() {
  fearless::sync::Mutex<State> m;
  fearless::sync::Condvar cv;
  auto ready = fearless::sync::MutexGuard<State>::map(m.lock().unwrap(), [](State& s) -> bool& { return s.ready; });
  auto again = cv.wait(std::move(ready));
}
