// Returning a lock guard from a thread: the lock would be released by another
// thread than the one that took it. Guards are not Send.
// expect: the thread function's return type is not Send
// expect-gcc: with T = fearless::sync::MutexGuard<int>
// expect-clang: 'fearless::sync::MutexGuard<int>' does not satisfy 'Send'
#include "fearless/sync/arc.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/thread.hpp"

int main() {
  auto m = fearless::sync::Arc<fearless::sync::Mutex<int>>::make(0);
  auto h = fearless::thread::spawn([m] { return m->lock().unwrap(); });
  (void)h;
}
