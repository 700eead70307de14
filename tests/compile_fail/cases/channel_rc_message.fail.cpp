// Sending an Rc through a channel: the receiving thread would share the
// non-atomic count with the sender's clones. A channel's message type must be Send.
// expect: the message type is not Send
// expect-gcc: with T = fearless::Rc<int>
// expect-clang: 'fearless::Rc<int>' does not satisfy 'Send'
#include "fearless/rc.hpp"
#include "fearless/sync/mpsc.hpp"

int main() {
  auto [tx, rx] = fearless::sync::mpsc::channel<fearless::Rc<int>>();
  (void)tx;
  (void)rx;
}
