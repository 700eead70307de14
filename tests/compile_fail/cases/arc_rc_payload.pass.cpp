// The right way: Rc inside Rc for one thread, Arc inside Arc across threads.
#include "fearless/rc.hpp"
#include "fearless/sync/arc.hpp"

int main() {
  auto local = fearless::Rc<fearless::Rc<int>>::make(fearless::Rc<int>::make(1));
  auto shared = fearless::sync::Arc<fearless::sync::Arc<int>>::make(fearless::sync::Arc<int>::make(1));
  return **local + **shared - 2;
}
