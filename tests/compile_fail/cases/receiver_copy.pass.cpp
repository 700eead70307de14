// The right way: move the one Receiver where it is consumed (or use
// mpmc::channel, whose Receiver is cloneable).
#include <utility>

#include "fearless/sync/mpmc.hpp"
#include "fearless/sync/mpsc.hpp"

int main() {
  auto [tx, rx] = fearless::sync::mpsc::channel<int>();
  fearless::sync::mpsc::Receiver<int> only = std::move(rx);
  tx.send(1).unwrap();
  auto [mtx, mrx] = fearless::sync::mpmc::channel<int>();
  auto mrx2 = mrx.clone();
  mtx.send(2).unwrap();
  return only.recv().unwrap() + mrx2.recv().unwrap() - 3;
}
