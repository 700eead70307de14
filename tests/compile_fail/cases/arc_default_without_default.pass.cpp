// The right way: build the value with make().
#include "fearless/sync/arc.hpp"

struct Port {
  explicit Port(int n) : number(n) {}
  int number;
};

int main() {
  auto port = fearless::sync::Arc<Port>::make(8080);
  return port->number - 8080;
}
