// The seed's "Message Passing" program, line by line.
//
//   use std::sync::mpsc;
//   use std::thread;
//
//   fn main() {
//       let (tx, rx) = mpsc::channel(); // Create a channel
//
//       thread::spawn(move || {
//           let val = String::from("Hello from another thread");
//           tx.send(val).unwrap(); // Send data through the channel
//       });
//
//       let received = rx.recv().unwrap(); // Receive data in the main thread
//       println!("Received: {}", received);
//   }
#include <cstdio>
#include <string>
#include <utility>

#include "fearless/sync/mpsc.hpp"
#include "fearless/thread.hpp"

namespace mpsc = fearless::sync::mpsc;
namespace thread = fearless::thread;

int main() {
  auto [tx, rx] = mpsc::channel<std::string>();  // Create a channel

  // `move ||` moves tx into the closure; the JoinHandle is dropped, detaching
  // the thread as in Rust (recv below waits for its message).
  (void)thread::spawn([tx = std::move(tx)] {
    std::string val = "Hello from another thread";
    tx.send(std::move(val)).unwrap();  // Send data through the channel
  });

  std::string received = rx.recv().unwrap();  // Receive data in the main thread
  std::printf("Received: %s\n", received.c_str());
}
