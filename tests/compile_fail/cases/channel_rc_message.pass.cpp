// The right way: send an Arc (atomic count), or the value itself.
#include "fearless/sync/arc.hpp"
#include "fearless/sync/mpsc.hpp"

int main() {
  auto [tx, rx] = fearless::sync::mpsc::channel<fearless::sync::Arc<int>>();
  tx.send(fearless::sync::Arc<int>::make(1)).unwrap();
  return *rx.recv().unwrap() - 1;
}
