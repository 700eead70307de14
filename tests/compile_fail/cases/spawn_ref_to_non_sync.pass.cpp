// The right way: share references to Sync values (here a const std::string)
// with scoped threads, which are joined before the referent goes away.
#include <functional>
#include <string>

#include "fearless/thread.hpp"

int main() {
  const std::string text = "shared";
  std::size_t n = 0;
  fearless::thread::scope([&](fearless::thread::Scope& s) {
    n = s.spawn([](const std::string& t) { return t.size(); }, std::cref(text)).join().unwrap();
  });
  return static_cast<int>(n) - 6;
}
