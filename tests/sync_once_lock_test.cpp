// OnceLock<T>: get/set/get_or_init/get_or_try_init/wait/take/into_inner,
// initialised once by racing threads, a throwing initializer leaves it empty,
// every value destroyed exactly once; copies (Rust's Clone), From<T>, and
// moves, which take the value and refuse (panic) during initialisation.
#include "fearless/sync/once_lock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <concepts>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fearless/sync/arc.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::OnceLock;
using sync_test::Tracked;

static_assert(std::movable<OnceLock<int>>);
static_assert(std::copyable<OnceLock<int>>);
static_assert(std::movable<OnceLock<std::unique_ptr<int>>>);
static_assert(!std::copy_constructible<OnceLock<std::unique_ptr<int>>>);
static_assert(!std::is_copy_assignable_v<OnceLock<std::unique_ptr<int>>>);
static_assert(std::constructible_from<OnceLock<std::string>, std::string>);  // Rust's From<T>

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

// --- copies and moves ---------------------------------------------------

// Sets `flag` however the scope is left, so a failed check cannot leave a
// blocked initializer (and the test) hanging.
struct SetOnExit {
  std::atomic<bool>& flag;
  ~SetOnExit() { flag = true; }
};

TEST_F(OnceLockTest, FromValueIsInitialised) {
  OnceLock<std::string> c(std::string("from"));
  ASSERT_NE(c.get(), nullptr);
  EXPECT_EQ(*c.get(), "from");
  EXPECT_EQ(c.set("other").unwrap_err(), "other");
  OnceLock<Tracked> t(Tracked(5));
  EXPECT_EQ(t.get_or_init([] { return Tracked(6); }).value, 5);
}

TEST_F(OnceLockTest, MoveConstructionTakesTheValueAndEmptiesTheSource) {
  OnceLock<Tracked> full(Tracked(7));
  const long live = Tracked::live.load();
  OnceLock<Tracked> moved(std::move(full));
  ASSERT_NE(moved.get(), nullptr);
  EXPECT_EQ(moved.get()->value, 7);
  EXPECT_EQ(full.get(), nullptr);  // empty, as after take()
  EXPECT_EQ(Tracked::live.load(), live);  // one value still, not two
  EXPECT_EQ(full.get_or_init([] { return Tracked(8); }).value, 8);  // and usable again
  EXPECT_EQ(moved.get()->value, 7);

  OnceLock<Tracked> empty;
  OnceLock<Tracked> moved_empty(std::move(empty));
  EXPECT_EQ(moved_empty.get(), nullptr);
  EXPECT_EQ(empty.get(), nullptr);
  EXPECT_EQ(moved_empty.get_or_init([] { return Tracked(9); }).value, 9);

  OnceLock<std::unique_ptr<int>> unique(std::make_unique<int>(10));
  OnceLock<std::unique_ptr<int>> moved_unique(std::move(unique));
  ASSERT_NE(moved_unique.get(), nullptr);
  EXPECT_EQ(**moved_unique.get(), 10);
  EXPECT_EQ(unique.get(), nullptr);
}

TEST_F(OnceLockTest, MovingAfterAFailedTryInitGivesAnEmptyCell) {
  OnceLock<int> c;
  auto e = c.get_or_try_init([]() -> fearless::Result<int, std::string> { return fearless::Err(std::string("no")); });
  ASSERT_TRUE(e.is_err());
  OnceLock<int> moved(std::move(c));
  EXPECT_EQ(moved.get(), nullptr);
  EXPECT_TRUE(moved.set(3).is_ok());
  EXPECT_EQ(*moved.get(), 3);
}

TEST_F(OnceLockTest, MoveAssignmentReplacesTheValue) {
  OnceLock<Tracked> target(Tracked(1));
  OnceLock<Tracked> source(Tracked(2));
  target = std::move(source);
  ASSERT_NE(target.get(), nullptr);
  EXPECT_EQ(target.get()->value, 2);
  EXPECT_EQ(source.get(), nullptr);
  OnceLock<Tracked> empty;
  target = std::move(empty);  // an empty source empties the target
  EXPECT_EQ(target.get(), nullptr);
  EXPECT_TRUE(target.set(Tracked(3)).is_ok());
  OnceLock<Tracked>& self = target;
  target = std::move(self);  // self-assignment keeps the value
  ASSERT_NE(target.get(), nullptr);
  EXPECT_EQ(target.get()->value, 3);
}

TEST_F(OnceLockTest, CopyConstructionAndAssignmentCopyTheValue) {
  OnceLock<std::string> full(std::string("value"));
  OnceLock<std::string> copy(full);
  ASSERT_NE(copy.get(), nullptr);
  EXPECT_EQ(*copy.get(), "value");
  EXPECT_EQ(*full.get(), "value");  // the source keeps its value
  EXPECT_NE(copy.get(), full.get());  // a separate copy
  *copy.get_mut() = "changed";
  EXPECT_EQ(*full.get(), "value");

  OnceLock<std::string> empty;
  OnceLock<std::string> empty_copy(empty);
  EXPECT_EQ(empty_copy.get(), nullptr);

  OnceLock<std::string> target(std::string("old"));
  target = full;
  EXPECT_EQ(*target.get(), "value");
  target = empty;
  EXPECT_EQ(target.get(), nullptr);
  EXPECT_TRUE(target == empty);
  const OnceLock<std::string>& self = full;
  full = self;
  EXPECT_EQ(*full.get(), "value");
}

TEST_F(OnceLockTest, VectorReallocationKeepsEachValue) {
  const int n = 200;  // many emplace_backs: several reallocations
  std::vector<OnceLock<Tracked>> copyable;  // moves may throw, so the vector copies
  std::vector<OnceLock<std::unique_ptr<int>>> move_only;
  for (int i = 0; i < n; ++i) {
    if (i % 2 == 0) {
      copyable.emplace_back(Tracked(i));
      move_only.emplace_back(std::make_unique<int>(i));
    } else {
      copyable.emplace_back();
      move_only.emplace_back();
    }
  }
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (i % 2 == 0) {
      ASSERT_NE(copyable[k].get(), nullptr) << i;
      EXPECT_EQ(copyable[k].get()->value, i);
      ASSERT_NE(move_only[k].get(), nullptr) << i;
      EXPECT_EQ(**move_only[k].get(), i);
    } else {
      EXPECT_EQ(copyable[k].get(), nullptr) << i;
      EXPECT_EQ(move_only[k].get(), nullptr) << i;
      EXPECT_EQ(copyable[k].get_or_init([&] { return Tracked(-i); }).value, -i);
    }
  }
}

TEST_F(OnceLockTest, MovingDuringInitialisationPanics) {
  OnceLock<Tracked> c;
  std::atomic<bool> running{false};
  std::atomic<bool> release{false};
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      EXPECT_EQ(c.get_or_init([&] {
                   running = true;
                   while (!release.load()) fearless::thread::yield_now();
                   return Tracked(1);
                 }).value,
                1);
    });
    SetOnExit on_exit{release};
    while (!running.load()) fearless::thread::yield_now();
    // The initializer runs until on_exit sets `release`, after these checks.
    EXPECT_EQ(sync_test::panic_message([&] { OnceLock<Tracked> moved(std::move(c)); }),
              "cannot move a OnceLock while it is being initialized");
    OnceLock<Tracked> target(Tracked(2));
    EXPECT_EQ(sync_test::panic_message([&] { target = std::move(c); }),
              "cannot move a OnceLock while it is being initialized");
    EXPECT_EQ(target.get()->value, 2);  // untouched
    EXPECT_EQ(sync_test::panic_message([&] { c = std::move(target); }),
              "cannot assign to a OnceLock while it is being initialized");
    EXPECT_EQ(sync_test::panic_message([&] { c = target; }),
              "cannot assign to a OnceLock while it is being initialized");
    EXPECT_EQ(target.get()->value, 2);
    // Copying only reads, like Rust's Clone (`self.get()`): a cell still
    // being initialised copies as empty, no panic.
    OnceLock<Tracked> copy(c);
    EXPECT_EQ(copy.get(), nullptr);
  });
  ASSERT_NE(c.get(), nullptr);
  EXPECT_EQ(c.get()->value, 1);  // the initialisation was not disturbed
  OnceLock<Tracked> moved(std::move(c));
  EXPECT_EQ(moved.get()->value, 1);
}

TEST_F(OnceLockTest, MovingFromInsideItsOwnInitializerPanicsAndLeavesItEmpty) {
  OnceLock<int> c;
  EXPECT_EQ(sync_test::panic_message([&] {
              (void)c.get_or_init([&] {
                OnceLock<int> moved(std::move(c));
                return 1;
              });
            }),
            "cannot move a OnceLock while it is being initialized");
  EXPECT_EQ(c.get(), nullptr);
  EXPECT_EQ(c.get_or_init([] { return 2; }), 2);
}

TEST_F(OnceLockTest, MovingWhileAThreadWaitsPanics) {
  OnceLock<int> c;
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] { EXPECT_EQ(c.wait(), 4); });
    // Until the waiter has gone to sleep a move of the empty cell succeeds
    // (and leaves it empty); keep trying until it is refused.
    std::string message;
    while ((message = sync_test::panic_message([&] { OnceLock<int> moved(std::move(c)); })) == "<no panic>")
      fearless::thread::yield_now();
    EXPECT_EQ(message, "cannot move a OnceLock while a thread is waiting for it");
    EXPECT_TRUE(c.set(4).is_ok());  // releases the waiter
  });
}

// Rust's set / get_or_init / get_or_try_init take &self: a cell shared
// through an Arc (const access only) or declared `static const` is filled by
// whichever thread comes first. Before, they were non-const and this did not
// compile.
TEST_F(OnceLockTest, FilledThroughAnArcAndOnAConstObject) {
  auto cell = fearless::sync::Arc<OnceLock<std::string>>::make();
  std::atomic<int> inits{0};
  std::vector<fearless::thread::JoinHandle<std::string>> hs;
  for (int i = 0; i < 4; ++i) {
    hs.push_back(fearless::thread::spawn([cell = cell.clone(), &inits, i] {
      const std::string& v = cell->get_or_init([&] {
        inits.fetch_add(1);
        return "thread " + std::to_string(i);
      });
      EXPECT_EQ(cell->set("late").unwrap_err(), "late");  // full: the value comes back
      auto r = cell->get_or_try_init([]() -> fearless::Result<std::string, int> { return fearless::Err(1); });
      EXPECT_EQ(&r.unwrap().get(), &v);  // full: f is not called
      return v;
    }));
  }
  std::vector<std::string> seen;
  for (auto& h : hs) seen.push_back(h.join().unwrap());
  EXPECT_EQ(inits.load(), 1);
  for (const auto& v : seen) EXPECT_EQ(v, *cell->get());

  static const OnceLock<int> kCell;
  EXPECT_EQ(kCell.get(), nullptr);
  EXPECT_TRUE(kCell.set(5).is_ok());
  EXPECT_EQ(kCell.get_or_init([] { return 6; }), 5);
}

}  // namespace

// Temporaries of an empty cell holding a std::string: g++ 12 at -O1..-O3
// saw the never-filled value destroyed, compared or moved out (behind a
// completed-check it cannot see through) and warned -Wmaybe-uninitialized,
// which failed this file's -Werror build. These lines are the check.
TEST(OnceLockTemporaries, EmptyCellsOfAStringCompareMoveAndDestroy) {
  EXPECT_TRUE(OnceLock<std::string>() == OnceLock<std::string>());
  EXPECT_FALSE(OnceLock<std::string>(std::string("x")) == OnceLock<std::string>());
  EXPECT_EQ(OnceLock<std::string>().into_inner(), std::nullopt);
  EXPECT_EQ(OnceLock<std::string>(std::string("y")).into_inner(), std::optional<std::string>("y"));
  OnceLock<std::string> named;
  EXPECT_EQ(named.take(), std::nullopt);
}
