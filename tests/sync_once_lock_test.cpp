// OnceLock<T>: get/set/get_or_init/get_or_try_init/wait/take/into_inner,
// initialised once by racing threads, a throwing initializer leaves it empty,
// every value destroyed exactly once.
#include "fearless/sync/once_lock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>

#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::OnceLock;
using sync_test::Tracked;

class OnceLockTest : public ::testing::Test {
 protected:
  void SetUp() override { base_ = Tracked::live.load(); }
  void TearDown() override { EXPECT_EQ(Tracked::live.load(), base_); }
  long base_ = 0;
};

TEST_F(OnceLockTest, GetSetGetOrInit) {
  OnceLock<std::string> c;
  EXPECT_EQ(c.get(), nullptr);
  EXPECT_TRUE(c.set("first").is_ok());
  auto r = c.set("second");
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(std::move(r).unwrap_err(), "second");  // handed back
  EXPECT_EQ(*c.get(), "first");
  EXPECT_EQ(c.get_or_init([] { return std::string("never"); }), "first");
  OnceLock<int> d;
  EXPECT_EQ(d.get_or_init([] { return 5; }), 5);
  *d.get_mut() = 6;
  EXPECT_EQ(*d.get(), 6);
}

TEST_F(OnceLockTest, ThrowingInitializerLeavesItEmpty) {
  OnceLock<Tracked> c;
  EXPECT_THROW((void)c.get_or_init([]() -> Tracked { throw std::runtime_error("nope"); }), std::runtime_error);
  EXPECT_EQ(c.get(), nullptr);
  EXPECT_EQ(c.get_or_init([] { return Tracked(3); }).value, 3);  // next caller succeeds
}

TEST_F(OnceLockTest, GetOrTryInit) {
  OnceLock<int> c;
  auto e = c.get_or_try_init([]() -> fearless::Result<int, std::string> { return fearless::Err(std::string("bad")); });
  ASSERT_TRUE(e.is_err());
  EXPECT_EQ(e.unwrap_err(), "bad");
  EXPECT_EQ(c.get(), nullptr);
  auto ok = c.get_or_try_init([]() -> fearless::Result<int, std::string> { return fearless::Ok(9); });
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok.unwrap().get(), 9);
  EXPECT_EQ(*c.get(), 9);
}

TEST_F(OnceLockTest, TakeIntoInnerAndCopies) {
  OnceLock<Tracked> c(Tracked(1));
  ASSERT_NE(c.get(), nullptr);
  OnceLock<Tracked> copy(c);
  EXPECT_TRUE(copy == c);
  auto v = c.take();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->value, 1);
  EXPECT_EQ(c.get(), nullptr);
  EXPECT_FALSE(c.take().has_value());
  EXPECT_FALSE(copy == c);
  EXPECT_TRUE(c.set(Tracked(2)).is_ok());  // usable again after take
  auto inner = std::move(copy).into_inner();
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->value, 1);
}

TEST_F(OnceLockTest, RacingInitializersRunOnce) {
  const int rounds = static_cast<int>(sync_test::scaled(300, 20));
  for (int r = 0; r < rounds; ++r) {
    OnceLock<Tracked> c;
    std::atomic<int> calls{0};
    std::atomic<int> bad{0};
    fearless::thread::scope([&](auto& s) {
      for (int t = 0; t < 4; ++t) {
        s.spawn([&, t] {
          const Tracked& v = c.get_or_init([&] {
            calls.fetch_add(1);
            return Tracked(100 + t);
          });
          if (&v != c.get() || v.value < 100) bad.fetch_add(1);
        });
      }
    });
    ASSERT_EQ(calls.load(), 1);
    ASSERT_EQ(bad.load(), 0);
  }
}

TEST_F(OnceLockTest, SetRacesExactlyOneWins) {
  OnceLock<int> c;
  std::atomic<int> wins{0};
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 4; ++t) s.spawn([&, t] { wins += c.set(t).is_ok(); });
  });
  EXPECT_EQ(wins.load(), 1);
}

TEST_F(OnceLockTest, WaitBlocksUntilSet) {
  OnceLock<std::string> c;
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] { EXPECT_EQ(c.wait(), "ready"); });
    fearless::thread::sleep(std::chrono::milliseconds(10));
    EXPECT_TRUE(c.set("ready").is_ok());
  });
}

// Rust: reentrant initialisation of a OnceLock is an error with an unspecified
// outcome (deadlock or panic); fearless panics and leaves the cell empty.
TEST_F(OnceLockTest, ReentrantGetOrInitPanicsAndLeavesItEmpty) {
  OnceLock<Tracked> c;
  std::string message;
  EXPECT_THROW((void)c.get_or_init([&] {
    try {
      return Tracked(c.get_or_init([] { return Tracked(1); }).value + 1);
    } catch (const fearless::Panic& p) {
      message = p.what();
      throw;
    }
  }),
               fearless::Panic);
  EXPECT_EQ(message, "OnceLock instance is being initialized reentrantly");
  EXPECT_EQ(c.get(), nullptr);
  EXPECT_THROW((void)c.get_or_init([&] {
    (void)c.set(Tracked(7));
    return Tracked(8);
  }),
               fearless::Panic);
  EXPECT_EQ(c.get(), nullptr);
  EXPECT_EQ(c.get_or_init([] { return Tracked(3); }).value, 3);  // usable afterwards
  auto r = c.set(Tracked(4));  // full: the value comes back
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().value, 4);
}

// Rust's OnceLock::new is a const fn (the usual `static CELL: OnceLock<T>`).
constinit OnceLock<int> g_cell;

TEST_F(OnceLockTest, ConstinitGlobal) {
  EXPECT_EQ(g_cell.get(), nullptr);
  EXPECT_EQ(g_cell.get_or_init([] { return 11; }), 11);
  EXPECT_EQ(g_cell.set(12).unwrap_err(), 12);
  EXPECT_EQ(*g_cell.get(), 11);
}

}  // namespace
