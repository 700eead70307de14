// The seed's "Creating Threads" program, line by line.
//
//   use std::thread;
//   fn main() {
//       let handle = thread::spawn(|| {
//           for i in 1..=5 { println!("Thread: {}", i); }
//       });
//       for i in 1..=3 { println!("Main thread: {}", i); }
//       handle.join().unwrap();
//   }
#include <cstdio>

#include "fearless/thread.hpp"

namespace thread = fearless::thread;

int main() {
  auto handle = thread::spawn([] {
    // Code to run in a separate thread
    for (int i = 1; i <= 5; ++i) {
      std::printf("Thread: %d\n", i);
    }
  });

  // Main thread continues its own execution
  for (int i = 1; i <= 3; ++i) {
    std::printf("Main thread: %d\n", i);
  }

  // Wait for the spawned thread to finish
  handle.join().unwrap();
}
