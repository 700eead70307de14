// mpsc is single-consumer: a Receiver cannot be copied (Rust: not Clone), so
// two threads can never race on the receiving end. Move it, or use an mpmc
// channel whose receivers are meant to be cloned.
// expect-gcc: use of deleted function 'fearless::sync::mpsc::Receiver<T>::Receiver(const fearless::sync::mpsc::Receiver<T>&) [with T = int]'
// expect-clang: call to deleted constructor of 'fearless::sync::mpsc::Receiver<int>'
#include "fearless/sync/mpsc.hpp"

int main() {
  auto [tx, rx] = fearless::sync::mpsc::channel<int>();
  fearless::sync::mpsc::Receiver<int> second = rx;
  (void)tx;
  (void)second;
}
