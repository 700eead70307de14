// A ScopedJoinHandle borrows from its scope: returning it from the scope
// function would let it outlive the scope (Rust: the 'scope lifetime).
// expect: the scope function returns a ScopedJoinHandle or the Scope
#include "fearless/thread.hpp"

int main() {
  auto h = fearless::thread::scope([](fearless::thread::Scope& s) { return s.spawn([] { return 1; }); });
  (void)h;
}
