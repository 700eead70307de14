// Mapped guards: MutexGuard::map / filter_map, the RwLock guards' map /
// filter_map, their nonpoison twins, and the Mapped*Guard types they return
// (Rust's mapped_lock_guards).
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "fearless/panic.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/sync/nonpoison.hpp"
#include "fearless/sync/rwlock.hpp"
#include "fearless/thread.hpp"

namespace {

namespace sync = fearless::sync;
namespace np = fearless::sync::nonpoison;

struct Account {
  std::string owner;
  std::vector<int> entries;
  int* audit = nullptr;  // a pointer member: const behind a read lock must stay const
};

// An error of try_lock / try_write that says "held": WouldBlock, not Poisoned
// (a poisoned lock that was free comes back as Poisoned, carrying a guard).
template <class E>
bool would_block(const E& e) {
  if constexpr (requires { e.is_would_block(); }) {
    return e.is_would_block();
  } else {
    return true;  // nonpoison::WouldBlock
  }
}

// True while another thread cannot take the lock (its try_lock would block).
template <class L>
bool held_elsewhere(const L& l) {
  return fearless::thread::spawn([&l] {
           auto r = l.try_lock();
           return r.is_err() && would_block(std::move(r).unwrap_err());
         })
      .join()
      .unwrap();
}
template <class L>
bool write_held_elsewhere(const L& l) {
  return fearless::thread::spawn([&l] {
           auto r = l.try_write();
           return r.is_err() && would_block(std::move(r).unwrap_err());
         })
      .join()
      .unwrap();
}

// ---- types ----------------------------------------------------------------

using MutexMap = decltype(sync::MutexGuard<Account>::map(std::declval<sync::MutexGuard<Account>>(),
                                                         [](Account& a) -> std::string& { return a.owner; }));
static_assert(std::is_same_v<MutexMap, sync::MappedMutexGuard<std::string>>);
static_assert(std::is_same_v<decltype(*std::declval<MutexMap&>()), std::string&>);
static_assert(!std::is_copy_constructible_v<MutexMap> && std::is_nothrow_move_constructible_v<MutexMap>);

using ReadMap = decltype(sync::RwLockReadGuard<Account>::map(std::declval<sync::RwLockReadGuard<Account>>(),
                                                             [](const Account& a) -> int& { return *a.audit; }));
// f handed back an int& (through the pointer member), but a reader must not
// write: the mapped read guard gives const access whatever f returns.
static_assert(std::is_same_v<ReadMap, sync::MappedRwLockReadGuard<int>>);
static_assert(std::is_same_v<decltype(*std::declval<ReadMap&>()), const int&>);

using WriteFilter = decltype(sync::RwLockWriteGuard<Account>::filter_map(
    std::declval<sync::RwLockWriteGuard<Account>>(), [](Account& a) { return a.entries.data(); }));
static_assert(std::is_same_v<WriteFilter, fearless::Result<sync::MappedRwLockWriteGuard<int>, sync::RwLockWriteGuard<Account>>>);

// The two families' mapped guards are different types, as in Rust.
static_assert(!std::is_same_v<sync::MappedMutexGuard<int>, np::MappedMutexGuard<int>>);
static_assert(!std::is_same_v<sync::MappedRwLockReadGuard<int>, np::MappedRwLockReadGuard<int>>);

// A mapped guard holds a lock handle, a pointer and (poisoning ones) the
// exception count: no T, no allocation.
static_assert(sizeof(np::MappedMutexGuard<Account>) == 2 * sizeof(void*));

// ---- Mutex ----------------------------------------------------------------

TEST(MappedMutexGuard, MapReachesThePartAndKeepsTheLockUntilDropped) {
  sync::Mutex<Account> m(Account{"ann", {1, 2, 3}});
  {
    auto owner = sync::MutexGuard<Account>::map(m.lock().unwrap(), [](Account& a) -> std::string& { return a.owner; });
    owner->append("e");
    *owner += "!";
    EXPECT_EQ(*owner, "anne!");
    EXPECT_TRUE(held_elsewhere(m));
  }
  EXPECT_FALSE(held_elsewhere(m));
  EXPECT_EQ(m.lock().unwrap()->owner, "anne!");
  EXPECT_FALSE(m.is_poisoned());
}

TEST(MappedMutexGuard, MapsChainDownToAnElement) {
  sync::Mutex<Account> m(Account{"bo", {10, 20, 30}});
  {
    auto entries =
        sync::MutexGuard<Account>::map(m.lock().unwrap(), [](Account& a) -> std::vector<int>& { return a.entries; });
    auto second = sync::MappedMutexGuard<std::vector<int>>::map(std::move(entries), [](std::vector<int>& v) -> int& { return v[1]; });
    *second += 2;
    EXPECT_TRUE(held_elsewhere(m));
  }
  EXPECT_EQ(m.lock().unwrap()->entries, (std::vector<int>{10, 22, 30}));
}

TEST(MappedMutexGuard, FilterMapGivesTheGuardBackWhenThePartIsAbsent) {
  sync::Mutex<std::variant<int, std::string>> m(std::in_place_index<0>, 7);
  using Guard = sync::MutexGuard<std::variant<int, std::string>>;
  auto as_text = [](std::variant<int, std::string>& v) { return std::get_if<std::string>(&v); };

  auto miss = Guard::filter_map(m.lock().unwrap(), as_text);
  ASSERT_TRUE(miss.is_err());
  Guard back = std::move(miss).unwrap_err();
  EXPECT_TRUE(held_elsewhere(m));  // the guard that came back still holds the lock
  *back = std::string("seven");

  auto hit = Guard::filter_map(std::move(back), as_text);
  ASSERT_TRUE(hit.is_ok());
  sync::MappedMutexGuard<std::string> text = std::move(hit).unwrap();
  EXPECT_EQ(*text, "seven");
  text->push_back('!');
  EXPECT_TRUE(held_elsewhere(m));
  { auto drop = std::move(text); }
  EXPECT_FALSE(held_elsewhere(m));
  EXPECT_EQ(std::get<std::string>(*m.lock().unwrap()), "seven!");
}

TEST(MappedMutexGuard, FilterMapOfAMappedGuard) {
  sync::Mutex<Account> m(Account{"cy", {}});
  auto entries = sync::MutexGuard<Account>::map(m.lock().unwrap(), [](Account& a) -> std::vector<int>& { return a.entries; });
  auto first = [](std::vector<int>& v) { return v.empty() ? nullptr : &v.front(); };
  auto none = sync::MappedMutexGuard<std::vector<int>>::filter_map(std::move(entries), first);
  ASSERT_TRUE(none.is_err());
  auto again = std::move(none).unwrap_err();
  again->push_back(4);
  auto some = sync::MappedMutexGuard<std::vector<int>>::filter_map(std::move(again), first);
  ASSERT_TRUE(some.is_ok());
  EXPECT_EQ(*std::move(some).unwrap(), 4);
  EXPECT_FALSE(held_elsewhere(m));
}

TEST(MappedMutexGuard, ThrowingProjectionUnlocksAndPoisons) {
  sync::Mutex<Account> m(Account{"di", {}});
  EXPECT_THROW((void)sync::MutexGuard<Account>::map(m.lock().unwrap(),
                                                    [](Account&) -> int& { throw std::runtime_error("no part"); }),
               std::runtime_error);
  EXPECT_TRUE(m.is_poisoned());
  EXPECT_FALSE(held_elsewhere(m));

  m.clear_poison();
  EXPECT_THROW((void)sync::MutexGuard<Account>::filter_map(
                   m.lock().unwrap(), [](Account&) -> int* { throw std::runtime_error("no part"); }),
               std::runtime_error);
  EXPECT_TRUE(m.is_poisoned());
  EXPECT_FALSE(held_elsewhere(m));
}

TEST(MappedMutexGuard, UnwindingPastAMappedGuardPoisonsButAnOrdinaryDropDoesNot) {
  sync::Mutex<Account> m(Account{"ed", {}});
  try {
    auto owner = sync::MutexGuard<Account>::map(m.lock().unwrap(), [](Account& a) -> std::string& { return a.owner; });
    *owner = "half-written";
    throw std::runtime_error("failed midway");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(m.is_poisoned());
  EXPECT_FALSE(held_elsewhere(m));
  auto err = m.lock();
  ASSERT_TRUE(err.is_err());
  EXPECT_EQ(std::move(err).unwrap_err().into_inner()->owner, "half-written");
  m.clear_poison();

  // Mapped inside a catch block (an exception in flight since before the
  // guard was made) and dropped there: not an unwinding drop, no poison.
  try {
    throw std::runtime_error("handled");
  } catch (const std::runtime_error&) {
    auto owner = sync::MutexGuard<Account>::map(m.lock().unwrap(), [](Account& a) -> std::string& { return a.owner; });
    *owner = "ok";
  }
  EXPECT_FALSE(m.is_poisoned());
}

TEST(MappedMutexGuard, MovesTransferTheLockAndAMovedFromGuardPanics) {
  sync::Mutex<int> a(1);
  sync::Mutex<int> b(2);
  auto id = [](int& x) -> int& { return x; };
  auto ga = sync::MutexGuard<int>::map(a.lock().unwrap(), id);
  auto gb = sync::MutexGuard<int>::map(b.lock().unwrap(), id);
  ga = std::move(gb);  // releases a, takes over b
  EXPECT_FALSE(held_elsewhere(a));
  EXPECT_TRUE(held_elsewhere(b));
  EXPECT_EQ(*ga, 2);
  EXPECT_THROW((void)*gb, fearless::Panic);  // NOLINT(bugprone-use-after-move): moved-from holds nothing
  EXPECT_THROW((void)sync::MappedMutexGuard<int>::map(std::move(gb), id), fearless::Panic);
  sync::MappedMutexGuard<int> gc(std::move(ga));
  EXPECT_TRUE(held_elsewhere(b));
  { auto drop = std::move(gc); }
  EXPECT_FALSE(held_elsewhere(b));
  EXPECT_FALSE(b.is_poisoned());
}

TEST(MappedMutexGuard, MappingAMovedFromGuardPanicsAndPoisonsNothing) {
  sync::Mutex<int> m(5);
  auto g = m.lock().unwrap();
  auto keep = std::move(g);
  EXPECT_THROW((void)sync::MutexGuard<int>::map(std::move(g), [](int& x) -> int& { return x; }), fearless::Panic);
  EXPECT_TRUE(held_elsewhere(m));  // `keep` is untouched
  { auto drop = std::move(keep); }
  EXPECT_FALSE(m.is_poisoned());
}

TEST(MappedMutexGuard, ExcludesOtherThreadsWhileTheyCount) {
  sync::Mutex<Account> m(Account{"", {0}});
  constexpr int kThreads = 4;
  constexpr int kEach = 2000;
  std::vector<fearless::thread::JoinHandle<void>> hs;
  for (int t = 0; t < kThreads; ++t) {
    hs.push_back(fearless::thread::spawn([&m] {
      for (int i = 0; i < kEach; ++i) {
        auto n = sync::MutexGuard<Account>::map(m.lock().unwrap(), [](Account& a) -> int& { return a.entries[0]; });
        const int seen = *n;
        *n = seen + 1;  // a lost update would show below
      }
    }));
  }
  for (auto& h : hs) std::move(h).join().unwrap();
  EXPECT_EQ(m.lock().unwrap()->entries[0], kThreads * kEach);
}

// ---- RwLock ---------------------------------------------------------------

TEST(MappedRwLockReadGuard, ReadersShareAndMappingNeverPoisons) {
  int audit = 3;
  sync::RwLock<Account> l(Account{"fay", {1, 2}, &audit});
  {
    auto a = sync::RwLockReadGuard<Account>::map(l.read().unwrap(), [](const Account& x) -> const std::string& { return x.owner; });
    auto b = sync::RwLockReadGuard<Account>::map(l.read().unwrap(), [](const Account& x) -> const int& { return x.entries[1]; });
    EXPECT_EQ(*a, "fay");
    EXPECT_EQ(*b, 2);
    EXPECT_EQ(a->size(), 3u);
    EXPECT_TRUE(write_held_elsewhere(l));  // two read locks keep writers out
    auto first = sync::MappedRwLockReadGuard<std::string>::map(std::move(a), [](const std::string& s) -> const char& { return s[0]; });
    EXPECT_EQ(*first, 'f');
  }
  EXPECT_FALSE(write_held_elsewhere(l));

  EXPECT_THROW((void)sync::RwLockReadGuard<Account>::map(
                   l.read().unwrap(), [](const Account&) -> const int& { throw std::runtime_error("x"); }),
               std::runtime_error);
  try {
    auto a = sync::RwLockReadGuard<Account>::map(l.read().unwrap(), [](const Account& x) -> const std::string& { return x.owner; });
    throw std::runtime_error("while reading");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(l.is_poisoned());
  EXPECT_FALSE(write_held_elsewhere(l));
}

TEST(MappedRwLockReadGuard, FilterMap) {
  sync::RwLock<std::vector<int>> l(std::vector<int>{4, 5});
  auto at = [](std::size_t i) { return [i](const std::vector<int>& v) { return i < v.size() ? &v[i] : nullptr; }; };
  auto miss = sync::RwLockReadGuard<std::vector<int>>::filter_map(l.read().unwrap(), at(2));
  ASSERT_TRUE(miss.is_err());
  auto hit = sync::RwLockReadGuard<std::vector<int>>::filter_map(std::move(miss).unwrap_err(), at(1));
  ASSERT_TRUE(hit.is_ok());
  EXPECT_EQ(*std::move(hit).unwrap(), 5);
  EXPECT_FALSE(write_held_elsewhere(l));
}

TEST(MappedRwLockWriteGuard, MapWritesExclusivelyAndPoisonsOnUnwinding) {
  sync::RwLock<Account> l(Account{"gus", {}});
  {
    auto e = sync::RwLockWriteGuard<Account>::map(l.write().unwrap(), [](Account& a) -> std::vector<int>& { return a.entries; });
    e->push_back(9);
    EXPECT_TRUE(write_held_elsewhere(l));
    EXPECT_TRUE(fearless::thread::spawn([&l] { return l.try_read().is_err(); }).join().unwrap());
  }
  EXPECT_EQ(l.read().unwrap()->entries, std::vector<int>{9});
  EXPECT_FALSE(l.is_poisoned());

  try {
    auto e = sync::RwLockWriteGuard<Account>::map(l.write().unwrap(), [](Account& a) -> std::vector<int>& { return a.entries; });
    auto last = sync::MappedRwLockWriteGuard<std::vector<int>>::map(std::move(e), [](std::vector<int>& v) -> int& { return v.back(); });
    *last = -1;
    throw std::runtime_error("failed midway");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(l.is_poisoned());
  EXPECT_FALSE(write_held_elsewhere(l));
  l.clear_poison();

  EXPECT_THROW((void)sync::RwLockWriteGuard<Account>::filter_map(
                   l.write().unwrap(), [](Account&) -> int* { throw std::runtime_error("x"); }),
               std::runtime_error);
  EXPECT_TRUE(l.is_poisoned());
  EXPECT_FALSE(write_held_elsewhere(l));
}

TEST(MappedRwLockWriteGuard, FilterMapGivesTheWriteGuardBack) {
  sync::RwLock<std::vector<int>> l;
  auto front = [](std::vector<int>& v) { return v.empty() ? nullptr : &v.front(); };
  auto miss = sync::RwLockWriteGuard<std::vector<int>>::filter_map(l.write().unwrap(), front);
  ASSERT_TRUE(miss.is_err());
  auto w = std::move(miss).unwrap_err();
  w->push_back(1);
  auto hit = sync::RwLockWriteGuard<std::vector<int>>::filter_map(std::move(w), front);
  ASSERT_TRUE(hit.is_ok());
  *std::move(hit).unwrap() = 8;
  EXPECT_EQ(*l.read().unwrap(), std::vector<int>{8});
}

// ---- nonpoison ------------------------------------------------------------

TEST(NonpoisonMappedGuards, MapFilterMapAndUnwindingNeverPoison) {
  np::Mutex<Account> m(Account{"hal", {1}});
  {
    auto owner = np::MutexGuard<Account>::map(m.lock(), [](Account& a) -> std::string& { return a.owner; });
    *owner = "hal9000";
    EXPECT_TRUE(held_elsewhere(m));
  }
  EXPECT_FALSE(held_elsewhere(m));
  try {
    auto e = np::MutexGuard<Account>::map(m.lock(), [](Account& a) -> std::vector<int>& { return a.entries; });
    auto x = np::MappedMutexGuard<std::vector<int>>::map(std::move(e), [](std::vector<int>& v) -> int& { return v[0]; });
    *x = 2;
    throw std::runtime_error("x");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(held_elsewhere(m));
  EXPECT_THROW((void)np::MutexGuard<Account>::map(m.lock(), [](Account&) -> int& { throw std::runtime_error("x"); }),
               std::runtime_error);
  EXPECT_FALSE(held_elsewhere(m));
  auto miss = np::MutexGuard<Account>::filter_map(m.lock(), [](Account& a) { return a.entries.size() > 1 ? &a.entries[1] : nullptr; });
  ASSERT_TRUE(miss.is_err());
  auto g = std::move(miss).unwrap_err();
  EXPECT_EQ(g->owner, "hal9000");
  EXPECT_EQ(g->entries, std::vector<int>{2});

  np::RwLock<Account> l(Account{"ivy", {7, 8}});
  {
    auto r1 = np::RwLockReadGuard<Account>::map(l.read(), [](const Account& a) -> const int& { return a.entries[0]; });
    auto r2 = np::RwLockReadGuard<Account>::filter_map(l.read(), [](const Account& a) { return &a.entries[1]; });
    ASSERT_TRUE(r2.is_ok());
    static_assert(std::is_same_v<decltype(*r1), const int&>);
    EXPECT_EQ(*r1 + *r2.as_ref().unwrap().get(), 15);
    EXPECT_TRUE(write_held_elsewhere(l));
  }
  try {
    auto w = np::RwLockWriteGuard<Account>::map(l.write(), [](Account& a) -> std::string& { return a.owner; });
    *w = "ivy2";
    throw std::runtime_error("x");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(write_held_elsewhere(l));
  auto w = np::RwLockWriteGuard<Account>::filter_map(l.write(), [](Account& a) { return &a.owner; });
  ASSERT_TRUE(w.is_ok());
  EXPECT_EQ(*std::move(w).unwrap(), "ivy2");
}

}  // namespace
