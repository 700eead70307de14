// Select::send takes a sending end and Select::recv a receiving end, as in
// crossbeam (&Sender / &Receiver): adding the wrong end is a compile error,
// not a select that could never complete.
// expect-gcc: SelectableSender
// expect-clang: SelectableSender
#include "fearless/sync/mpmc.hpp"

int main() {
  auto [tx, rx] = fearless::sync::mpmc::unbounded<int>();
  fearless::sync::mpmc::Select sel;
  (void)sel.send(rx);
  (void)tx;
}
