// The right way: put a Mutex (or an atomic) inside the Arc.
#include "fearless/sync/arc.hpp"
#include "fearless/sync/mutex.hpp"

int main() {
  auto counter = fearless::sync::Arc<fearless::sync::Mutex<int>>::make(0);
  auto mine = counter.clone();
  *mine->lock().unwrap() = 1;
  return *counter->lock().unwrap() - 1;
}
