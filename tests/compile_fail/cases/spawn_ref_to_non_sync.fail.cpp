// A reference given to another thread is shared by both: the referent must
// be Sync. std::ref to an Rc is refused (Rust: &T is Send only if T: Sync).
// expect: an argument is not Send
// expect: std::reference_wrapper<fearless::Rc<int> >
#include <functional>

#include "fearless/rc.hpp"
#include "fearless/thread.hpp"

int main() {
  auto local = fearless::Rc<int>::make(1);
  fearless::thread::scope([&](fearless::thread::Scope& s) {
    s.spawn([](fearless::Rc<int>& r) { (void)r.clone(); }, std::ref(local));
  });
}
