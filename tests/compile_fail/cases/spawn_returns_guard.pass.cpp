// The right way: return the value read under the lock.
#include "fearless/sync/arc.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/thread.hpp"

int main() {
  auto m = fearless::sync::Arc<fearless::sync::Mutex<int>>::make(0);
  auto h = fearless::thread::spawn([m] { return *m->lock().unwrap(); });
  return h.join().unwrap();
}
