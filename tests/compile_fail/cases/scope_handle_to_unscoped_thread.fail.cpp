// Handing a ScopedJoinHandle to a thread started with thread::spawn: that
// thread may outlive the scope the handle borrows from.
// expect: a ScopedJoinHandle or a thread::Scope is passed to (or returned from) an unscoped thread
#include "fearless/thread.hpp"

int main() {
  fearless::thread::scope([](fearless::thread::Scope& s) {
    auto inner = s.spawn([] { return 1; });
    auto outer = fearless::thread::spawn([](fearless::thread::ScopedJoinHandle<int> h) { return h.join().unwrap(); },
                                         std::move(inner));
    (void)outer;
  });
}
