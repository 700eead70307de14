// A plugin loaded with dlopen and unloaded with dlclose while a thread that
// used fearless from it is still running (plugin_unload_test.cpp).
#include <atomic>
#include <chrono>

#include "fearless/thread.hpp"

namespace {
std::atomic<int>* g_exited = nullptr;
std::atomic<bool> g_running{false};  // static: the thread touches it after plugin_start returns
}

// Starts a detached fearless thread that takes its own record (current())
// and exits `ms` milliseconds later; `*exited` counts it out just before the
// thread's exit runs the thread-exit destructors. Returns once the thread
// runs: unloading the object before then would pull its code from under it.
// (No channel: the channels' per-thread cache would pin the object by itself.)
extern "C" __attribute__((visibility("default"))) void plugin_start(int ms, std::atomic<int>* exited) {
  g_exited = exited;
  auto h = fearless::thread::spawn([ms] {
    const auto me = fearless::thread::current();
    g_running.store(true);
    g_running.notify_one();
    fearless::thread::sleep(std::chrono::milliseconds(ms));
    g_exited->fetch_add(1);
    return me.id().as_u64();
  });
  g_running.wait(false);
  (void)h;  // dropped when this returns: detached, as a Rust JoinHandle going out of scope
}
