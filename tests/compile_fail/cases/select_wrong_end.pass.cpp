// The right ends: a send on the Sender, a receive on the Receiver.
#include "fearless/sync/mpmc.hpp"

int main() {
  auto [tx, rx] = fearless::sync::mpmc::unbounded<int>();
  fearless::sync::mpmc::Select sel;
  (void)sel.send(tx);
  (void)sel.recv(rx);
}
