// The right way: wait with the MutexGuard, and map it (if at all) after the wait.
#include "fearless/sync/condvar.hpp"
#include "fearless/sync/mutex.hpp"

struct State {
  bool ready = true;
};

int main() {
  fearless::sync::Mutex<State> m;
  fearless::sync::Condvar cv;
  auto g = cv.wait_while(m.lock().unwrap(), [](State& s) { return !s.ready; }).unwrap();
  auto ready = fearless::sync::MutexGuard<State>::map(std::move(g), [](State& s) -> bool& { return s.ready; });
  return *ready ? 0 : 1;
}
