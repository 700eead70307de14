// Ignoring a Result: join()'s Err carries the thread's panic, and dropping it
// unread would hide that the thread failed. Result is [[nodiscard]].
// flags: -Werror=unused-result
// expect-gcc: ignoring returned value of type 'fearless::Result<int, fearless::PanicPayload>'
// expect-clang: ignoring return value of function declared with 'nodiscard' attribute
#include "fearless/thread.hpp"

int main() {
  auto h = fearless::thread::spawn([] { return 1; });
  h.join();
}
