// Tests for thread::Builder (fearless/thread/spawn.hpp): names, stack sizes,
// and the OS refusing a thread reported as an error value.
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <utility>

#include "fearless/thread.hpp"

namespace thread = fearless::thread;
using fearless::Panic;

namespace {

// Counts live instances: a failed spawn must destroy the closure it was given.
struct Tracked {
  static inline std::atomic<int> live{0};
  Tracked() { live.fetch_add(1); }
  Tracked(const Tracked&) { live.fetch_add(1); }
  Tracked(Tracked&&) noexcept { live.fetch_add(1); }
  Tracked& operator=(const Tracked&) = default;
  ~Tracked() { live.fetch_sub(1); }
};

// The name the OS has for the calling thread (what top -H and gdb show).
std::string os_name() {
  char buf[64] = {};
  if (::pthread_getname_np(::pthread_self(), buf, sizeof buf) != 0) return "<error>";
  return buf;
}

// Restores the injected spawn error even if an assertion fails.
struct InjectSpawnError {
  explicit InjectSpawnError(int e) { fearless::detail::inject_spawn_error.store(e); }
  ~InjectSpawnError() { fearless::detail::inject_spawn_error.store(0); }
  InjectSpawnError(const InjectSpawnError&) = delete;
  InjectSpawnError& operator=(const InjectSpawnError&) = delete;
};

}  // namespace

TEST(ThreadBuilder, SpawnReturnsAResultWithAHandle) {
  auto r = thread::Builder().spawn([] { return 3; });
  static_assert(std::is_same_v<decltype(r), fearless::Result<thread::JoinHandle<int>, std::error_code>>);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(std::move(r).unwrap().join().unwrap(), 3);
  auto with_args = thread::Builder().spawn([](int a, int b) { return a * b; }, 6, 7).unwrap();
  EXPECT_EQ(with_args.join().unwrap(), 42);
}

TEST(ThreadBuilder, NameIsVisibleThroughThreadAndTheOs) {
  auto h = thread::Builder()
               .name("worker")
               .spawn([] { return std::make_pair(std::string(*thread::current().name()), os_name()); })
               .unwrap();
  ASSERT_TRUE(h.thread().name().has_value());
  EXPECT_EQ(*h.thread().name(), "worker");
  auto [name, os] = h.join().unwrap();
  EXPECT_EQ(name, "worker");
  EXPECT_EQ(os, "worker");
}

TEST(ThreadBuilder, LongNamesAreCutTo15BytesForTheOs) {
  const std::string longname = "a-rather-long-thread-name";
  auto h = thread::Builder().name(longname).spawn([] {
    return std::make_pair(std::string(*thread::current().name()), os_name());
  });
  auto [name, os] = h.unwrap().join().unwrap();
  EXPECT_EQ(name, longname);  // the full name stays available in-process
  EXPECT_EQ(os, "a-rather-long-t");
  EXPECT_EQ(os.size(), 15u);
}

TEST(ThreadBuilder, OsNameIsCutAtAUtf8CharacterBoundary) {
  // 13 ASCII bytes then a 3-byte character straddling byte 15: the character is dropped whole.
  const std::string euro = "abcdefghijklm\xE2\x82\xAC";  // "abcdefghijklm€", 16 bytes
  auto h1 = thread::Builder().name(euro).spawn(os_name).unwrap();
  EXPECT_EQ(h1.join().unwrap(), "abcdefghijklm");
  // Eight 2-byte Greek letters (16 bytes): seven fit.
  const std::string greek = "\xCE\xB1\xCE\xB2\xCE\xB3\xCE\xB4\xCE\xB5\xCE\xB6\xCE\xB7\xCE\xB8";
  auto h2 = thread::Builder().name(greek).spawn(os_name).unwrap();
  EXPECT_EQ(h2.join().unwrap(), greek.substr(0, 14));
  // Exactly 15 bytes, ending in a complete 3-byte character: kept whole.
  const std::string fits = "abcdefghijkl\xE2\x82\xAC";
  auto h3 = thread::Builder().name(fits).spawn(os_name).unwrap();
  EXPECT_EQ(h3.join().unwrap(), fits);
  EXPECT_EQ(fearless::detail::os_thread_name(std::string(20, 'x')), std::string(15, 'x'));
  EXPECT_EQ(fearless::detail::os_thread_name(""), "");
}

TEST(ThreadBuilder, EmptyNameIsANameNotItsAbsence) {
  auto h = thread::Builder().name("").spawn([] { return thread::current().name(); }).unwrap();
  auto n = h.join().unwrap();
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, "");
}

// As Rust's Builder::spawn: a name with a NUL byte is a panic (the caller's
// bug), not an error value; nothing runs and nothing leaks.
TEST(ThreadBuilder, NameWithNulPanicsAndLeaksNothing) {
  ASSERT_EQ(Tracked::live.load(), 0);
  std::atomic<bool> ran{false};
  try {
    (void)thread::Builder().name(std::string("bad\0name", 8)).spawn([t = Tracked(), &ran] { ran.store(true); });
    ADD_FAILURE() << "no panic";
  } catch (const fearless::Panic& p) {
    EXPECT_STREQ(p.what(), "thread name may not contain interior null bytes");
  }
  EXPECT_FALSE(ran.load());
  EXPECT_EQ(Tracked::live.load(), 0);
}

TEST(ThreadBuilder, LvalueBuilder) {
  thread::Builder b;
  b.name("lvalue").stack_size(256 * 1024);
  auto h = b.spawn([] { return std::string(*thread::current().name()); }).unwrap();
  EXPECT_EQ(h.join().unwrap(), "lvalue");
  // spawn consumed the settings: the same builder now spawns an unnamed thread.
  auto again = b.spawn([] { return thread::current().name().has_value(); }).unwrap();
  EXPECT_FALSE(again.join().unwrap());
}

TEST(ThreadBuilder, StackSizeIsApplied) {
  constexpr std::size_t kWant = 3 * 1024 * 1024 + 123;  // not page-aligned: rounded up
  auto h = thread::Builder().stack_size(kWant).spawn([] {
    pthread_attr_t attr;
    std::size_t size = 0;
    if (::pthread_getattr_np(::pthread_self(), &attr) == 0) {
      ::pthread_attr_getstacksize(&attr, &size);
      ::pthread_attr_destroy(&attr);
    }
    return size;
  });
  // glibc may hand out a cached, larger stack; never a smaller one.
  EXPECT_GE(h.unwrap().join().unwrap(), kWant);
  constexpr std::size_t kBig = 40 * 1024 * 1024;  // above the 8 MiB default
  auto big = thread::Builder().stack_size(kBig).spawn([] {
    pthread_attr_t attr;
    std::size_t size = 0;
    if (::pthread_getattr_np(::pthread_self(), &attr) == 0) {
      ::pthread_attr_getstacksize(&attr, &size);
      ::pthread_attr_destroy(&attr);
    }
    return size;
  });
  EXPECT_GE(big.unwrap().join().unwrap(), kBig);
}

TEST(ThreadBuilder, TinyStackSizeIsRoundedUpToTheMinimum) {
  auto h = thread::Builder().stack_size(1).spawn([] { return 1 + 1; });
  ASSERT_TRUE(h.is_ok()) << h.unwrap_err().message();
  EXPECT_EQ(std::move(h).unwrap().join().unwrap(), 2);
}

TEST(ThreadBuilder, AbsurdStackSizeIsAnErrorValueNotACrash) {
  ASSERT_EQ(Tracked::live.load(), 0);
  for (std::size_t absurd : {SIZE_MAX, SIZE_MAX / 2, std::size_t{1} << 50}) {
    std::atomic<bool> ran{false};
    auto r = thread::Builder().stack_size(absurd).spawn([t = Tracked(), &ran] { ran.store(true); });
    ASSERT_TRUE(r.is_err()) << "stack size " << absurd;
    const int code = r.unwrap_err().value();
    EXPECT_TRUE(code == EINVAL || code == EAGAIN || code == ENOMEM) << r.unwrap_err().message();
    EXPECT_EQ(r.unwrap_err().category(), std::system_category());
    EXPECT_FALSE(ran.load());
    EXPECT_EQ(Tracked::live.load(), 0);
  }
  // The process is still fine: spawning works again.
  EXPECT_EQ(thread::spawn([] { return 1; }).join().unwrap(), 1);
}

TEST(ThreadBuilder, OsRefusingAThreadIsAnErrorValue) {
  ASSERT_EQ(Tracked::live.load(), 0);
  {
    InjectSpawnError inject(EAGAIN);
    std::atomic<bool> ran{false};
    auto r = thread::Builder().name("refused").spawn([t = Tracked(), &ran] { ran.store(true); });
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(r.unwrap_err(), std::error_code(EAGAIN, std::system_category()));
    EXPECT_FALSE(ran.load());
    EXPECT_EQ(Tracked::live.load(), 0);
    try {
      (void)std::move(r).unwrap();
      FAIL() << "unwrap returned";
    } catch (const Panic& p) {
      EXPECT_EQ(std::string(p.what()),
                "called `Result::unwrap()` on an `Err` value: " + std::error_code(EAGAIN, std::system_category()).message());
    }
  }
  EXPECT_EQ(thread::Builder().spawn([] { return 5; }).unwrap().join().unwrap(), 5);
}

TEST(ThreadBuilder, PlainSpawnPanicsWhenTheOsRefuses) {
  ASSERT_EQ(Tracked::live.load(), 0);
  {
    InjectSpawnError inject(EAGAIN);
    try {
      (void)thread::spawn([t = Tracked()] {});
      FAIL() << "spawn returned";
    } catch (const Panic& p) {
      EXPECT_EQ(std::string(p.what()),
                "failed to spawn thread: " + std::error_code(EAGAIN, std::system_category()).message());
    }
    EXPECT_EQ(Tracked::live.load(), 0);
  }
}

TEST(ThreadBuilder, SpawnScopedWithName) {
  int borrowed = 20;
  thread::scope([&](thread::Scope& s) {
    auto h = thread::Builder().name("scoped-worker").spawn_scoped(s, [&] {
      borrowed += 1;
      return std::make_pair(std::string(*thread::current().name()), os_name());
    });
    auto [name, os] = std::move(h).unwrap().join().unwrap();
    EXPECT_EQ(name, "scoped-worker");
    EXPECT_EQ(os, "scoped-worker");
  });
  EXPECT_EQ(borrowed, 21);
}

TEST(ThreadBuilder, SpawnScopedFailureIsAnErrorValue) {
  ASSERT_EQ(Tracked::live.load(), 0);
  thread::scope([&](thread::Scope& s) {
    InjectSpawnError inject(EAGAIN);
    auto r = thread::Builder().spawn_scoped(s, [t = Tracked()] {});
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(r.unwrap_err(), std::error_code(EAGAIN, std::system_category()));
    EXPECT_THROW((void)s.spawn([] {}), Panic);
  });  // nothing was started: the scope returns at once
  EXPECT_EQ(Tracked::live.load(), 0);
}

TEST(ThreadBuilder, ManyNamedThreads) {
  for (int i = 0; i < 300; ++i) {
    const std::string n = "named-" + std::to_string(i);
    auto h = thread::Builder().name(n).spawn([] { return std::string(*thread::current().name()); }).unwrap();
    ASSERT_EQ(h.join().unwrap(), n);
  }
}
