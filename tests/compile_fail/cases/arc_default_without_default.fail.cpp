// A default-constructed Arc owns a T{} (Rust's Default for Arc<T> needs
// T: Default): a T without a default constructor has no default Arc.
// expect: T has no default constructor
#include "fearless/sync/arc.hpp"

struct Port {
  explicit Port(int n) : number(n) {}
  int number;
};

int main() {
  fearless::sync::Arc<Port> port;
  return port->number;
}
