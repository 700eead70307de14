// A shared object that used fearless on a thread can be dlclose()d while that
// thread still runs: the thread's exit calls the record's release function,
// code of the unloaded object, so the object must stay mapped until then
// (glibc keeps it while the thread has thread_local destructors of it to run;
// detail::CurrentThreadPin provides one). Without the pin, a clang build of
// the plugin crashed (SIGSEGV). A g++ build never unloads it: its inline
// variables are STB_GNU_UNIQUE symbols, which make the object undeletable.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#ifndef FEARLESS_TEST_PLUGIN
#  error "FEARLESS_TEST_PLUGIN: the path of the plugin module"
#endif

TEST(SharedObjectUnload, ThreadOutlivesTheDlcloseOfItsCode) {
  void* h = ::dlopen(FEARLESS_TEST_PLUGIN, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(h, nullptr) << ::dlerror();
  using Start = void (*)(int, std::atomic<int>*);
  auto start = reinterpret_cast<Start>(::dlsym(h, "plugin_start"));
  ASSERT_NE(start, nullptr) << ::dlerror();
  static std::atomic<int> exited{0};
  start(200, &exited);
  EXPECT_EQ(::dlclose(h), 0);
  // The thread wakes after 200 ms, counts itself out and exits; give its
  // exit time to run.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (exited.load() == 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(exited.load(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  SUCCEED() << "the process is still alive after the thread's exit";
}
