// The seed's "Shared State Concurrency" program, line by line.
//
//   use std::sync::{Mutex, Arc};
//   use std::thread;
//
//   fn main() {
//       let counter = Arc::new(Mutex::new(0)); // Wrap the counter in a Mutex and an Arc
//       let mut handles = vec![];
//       for _ in 0..3 {
//           let counter = Arc::clone(&counter); // Clone the Arc for each thread
//           let handle = thread::spawn(move || {
//               let mut num = counter.lock().unwrap(); // Acquire the lock before modifying
//               *num += 1;
//           });
//           handles.push(handle);
//       }
//       for handle in handles {
//           handle.join().unwrap();
//       }
//       println!("Result: {}", *counter.lock().unwrap());
//   }
#include <cstdio>
#include <vector>

#include "fearless/sync.hpp"
#include "fearless/thread.hpp"

using fearless::sync::Arc;
using fearless::sync::Mutex;
namespace thread = fearless::thread;

int main() {
  auto counter = Arc<Mutex<int>>::make(0);  // Wrap the counter in a Mutex and an Arc

  std::vector<thread::JoinHandle<void>> handles;

  for (int i = 0; i < 3; ++i) {
    auto counter2 = Arc<Mutex<int>>::clone(counter);  // Clone the Arc for each thread
    auto handle = thread::spawn([counter = std::move(counter2)] {
      auto num = counter->lock().unwrap();  // Acquire the lock before modifying
      *num += 1;
    });
    handles.push_back(std::move(handle));
  }

  for (auto& handle : handles) {
    handle.join().unwrap();
  }

  std::printf("Result: %d\n", *counter->lock().unwrap());
}
