// fearless::Rc / RcWeak: counts, value lifetime, exactly-once destruction,
// weak upgrade, get_mut/make_mut, try_unwrap/into_inner, moved-from use.
#include "fearless/rc.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fearless/panic.hpp"

namespace {

using fearless::Rc;
using fearless::RcWeak;

struct Counted {
  static inline int live = 0;
  static inline int made = 0;
  int v;
  explicit Counted(int x) : v(x) {
    ++live;
    ++made;
  }
  Counted(const Counted& o) : v(o.v) {
    ++live;
    ++made;
  }
  Counted(Counted&& o) noexcept : v(o.v) {
    o.v = -1;
    ++live;
    ++made;
  }
  Counted& operator=(const Counted&) = default;
  ~Counted() { --live; }
};

class RcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Counted::live = 0;
    Counted::made = 0;
  }
  void TearDown() override { EXPECT_EQ(Counted::live, 0); }
};

TEST_F(RcTest, CloneSharesOneValueAndCounts) {
  auto a = Rc<Counted>::make(7);
  EXPECT_EQ(a.strong_count(), 1u);
  EXPECT_EQ(a.weak_count(), 0u);
  {
    Rc<Counted> b = a;
    Rc<Counted> c = b.clone();
    EXPECT_EQ(a.strong_count(), 3u);
    EXPECT_TRUE(Rc<Counted>::ptr_eq(a, c));
    EXPECT_EQ(&*a, &*c);
    EXPECT_EQ(c->v, 7);
    EXPECT_EQ(Counted::made, 1);
  }
  EXPECT_EQ(a.strong_count(), 1u);
  EXPECT_EQ(Counted::live, 1);
}

TEST_F(RcTest, ValueDestroyedExactlyOnceWithLastOwner) {
  {
    Rc<Counted> a(Counted(1));
    std::vector<Rc<Counted>> many(10, a);
    EXPECT_EQ(a.strong_count(), 11u);
    many.clear();
    EXPECT_EQ(Counted::live, 1);
  }
  EXPECT_EQ(Counted::live, 0);
}

TEST_F(RcTest, InPlaceAndMoveConstruction) {
  Rc<std::string> s(std::in_place, 3, 'x');
  EXPECT_EQ(*s, "xxx");
  Rc<std::string> t = std::move(s);
  EXPECT_FALSE(static_cast<bool>(s));
  EXPECT_EQ(s.strong_count(), 0u);
  EXPECT_EQ(t.strong_count(), 1u);
  EXPECT_EQ(t.get(), "xxx");
}

TEST_F(RcTest, WeakUpgradesWhileAliveThenFails) {
  RcWeak<Counted> w;
  EXPECT_FALSE(w.upgrade().has_value());
  {
    auto a = Rc<Counted>::make(3);
    w = a.downgrade();
    EXPECT_EQ(a.weak_count(), 1u);
    EXPECT_EQ(w.strong_count(), 1u);
    EXPECT_EQ(w.weak_count(), 1u);
    auto up = w.upgrade();
    ASSERT_TRUE(up.has_value());
    EXPECT_EQ((*up)->v, 3);
    EXPECT_EQ(a.strong_count(), 2u);
  }
  EXPECT_EQ(Counted::live, 0);  // the value goes with the last Rc, not the last RcWeak
  EXPECT_FALSE(w.upgrade().has_value());
  EXPECT_EQ(w.strong_count(), 0u);
  EXPECT_EQ(w.weak_count(), 0u);
  RcWeak<Counted> w2 = w.clone();
  EXPECT_TRUE(RcWeak<Counted>::ptr_eq(w, w2));
}

TEST_F(RcTest, WeakBreaksCycles) {
  struct Node {
    int id;
    RcWeak<Node> parent;
    std::vector<Rc<Node>> children;
    Counted c{0};
  };
  {
    auto root = Rc<Node>::make(Node{1, {}, {}});
    auto child = Rc<Node>::make(Node{2, root.downgrade(), {}});
    EXPECT_EQ(root.get_mut(), nullptr);
    auto parent = child->parent.upgrade();
    ASSERT_TRUE(parent.has_value());
    EXPECT_EQ((*parent)->id, 1);
  }
  EXPECT_EQ(Counted::live, 0);
}

TEST_F(RcTest, GetMutOnlyWhenUnique) {
  auto a = Rc<int>::make(1);
  ASSERT_NE(a.get_mut(), nullptr);
  *a.get_mut() = 2;
  EXPECT_EQ(*a, 2);
  auto b = a;
  EXPECT_EQ(a.get_mut(), nullptr);
  b = Rc<int>::make(0);
  ASSERT_NE(a.get_mut(), nullptr);
  auto w = a.downgrade();
  EXPECT_EQ(a.get_mut(), nullptr);
}

TEST_F(RcTest, MakeMutClonesWhenShared) {
  auto a = Rc<Counted>::make(1);
  auto b = a;
  a.make_mut().v = 2;  // a now owns a private copy
  EXPECT_FALSE(Rc<Counted>::ptr_eq(a, b));
  EXPECT_EQ(a->v, 2);
  EXPECT_EQ(b->v, 1);
  EXPECT_EQ(Counted::live, 2);
  EXPECT_EQ(a.strong_count(), 1u);
  EXPECT_EQ(b.strong_count(), 1u);
  const Counted* before = &*a;
  a.make_mut().v = 3;  // unique: no copy
  EXPECT_EQ(&*a, before);
}

TEST_F(RcTest, MakeMutDisassociatesWeaks) {
  auto a = Rc<Counted>::make(1);
  auto w = a.downgrade();
  a.make_mut().v = 5;
  EXPECT_EQ(a->v, 5);
  EXPECT_FALSE(w.upgrade().has_value());
  EXPECT_EQ(a.weak_count(), 0u);
  EXPECT_EQ(Counted::live, 1);
}

TEST_F(RcTest, TryUnwrapHandsBackTheRcWhenShared) {
  auto a = Rc<Counted>::make(4);
  auto b = a;
  auto r = Rc<Counted>::try_unwrap(std::move(a));
  ASSERT_TRUE(r.is_err());
  Rc<Counted> back = std::move(r).unwrap_err();
  EXPECT_EQ(back.strong_count(), 2u);
  b = Rc<Counted>::make(0);
  auto w = back.downgrade();
  auto ok = Rc<Counted>::try_unwrap(std::move(back));
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok.unwrap().v, 4);
  EXPECT_FALSE(w.upgrade().has_value());
}

TEST_F(RcTest, IntoInnerGivesTheValueToTheLastOwnerOnly) {
  auto a = Rc<Counted>::make(9);
  auto b = a;
  auto first = Rc<Counted>::into_inner(std::move(a));
  EXPECT_FALSE(first.has_value());
  EXPECT_FALSE(static_cast<bool>(a));
  auto second = Rc<Counted>::into_inner(std::move(b));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->v, 9);
}

TEST_F(RcTest, UnwrapOrClone) {
  auto a = Rc<std::string>::make("abc");
  auto b = a;
  std::string s1 = Rc<std::string>::unwrap_or_clone(std::move(a));
  EXPECT_EQ(s1, "abc");
  EXPECT_EQ(b.strong_count(), 1u);
  std::string s2 = Rc<std::string>::unwrap_or_clone(std::move(b));
  EXPECT_EQ(s2, "abc");
}

TEST_F(RcTest, MovedFromUseIsAPanicNotUB) {
  auto a = Rc<int>::make(1);
  auto b = std::move(a);
  EXPECT_THROW((void)*a, fearless::Panic);
  EXPECT_THROW((void)a.downgrade(), fearless::Panic);
  EXPECT_THROW((void)a.get(), fearless::Panic);
  EXPECT_EQ(a.get_mut(), nullptr);
  a = b;  // assignable again
  EXPECT_EQ(*a, 1);
}

TEST_F(RcTest, ComparesValuesNotPointers) {
  auto a = Rc<int>::make(1);
  auto b = Rc<int>::make(1);
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(Rc<int>::ptr_eq(a, b));
  EXPECT_TRUE(a != Rc<int>::make(2));
}

TEST_F(RcTest, AssociatedFunctionSpellings) {
  auto a = Rc<int>::from(5);
  auto b = Rc<int>::clone(a);
  EXPECT_EQ(Rc<int>::strong_count(a), 2u);
  EXPECT_TRUE(a.ptr_eq(b));
  EXPECT_EQ(Rc<int>::as_ptr(a), &*b);
  auto w = Rc<int>::downgrade(a);
  EXPECT_EQ(Rc<int>::weak_count(a), 1u);
  EXPECT_TRUE(w.ptr_eq(b.downgrade()));
  EXPECT_EQ(Rc<int>::get_mut(a), nullptr);
  Rc<int>::make_mut(a) = 6;
  EXPECT_EQ(*a, 6);
  EXPECT_EQ(*b, 5);
  Rc<int> empty = std::move(b);
  EXPECT_EQ(b.as_ptr(), nullptr);
}

TEST_F(RcTest, RustModulePathAliases) {
  fearless::rc::Rc<int> a = fearless::rc::Rc<int>::make(3);
  fearless::rc::Weak<int> w = a.downgrade();
  EXPECT_EQ(w.upgrade().value().get(), 3);
}

TEST_F(RcTest, IsNeitherSendNorSync) {
  EXPECT_FALSE(fearless::Send<Rc<int>>);
  EXPECT_FALSE(fearless::Sync<Rc<int>>);
  EXPECT_FALSE(fearless::Send<RcWeak<int>>);
  EXPECT_FALSE(fearless::Sync<RcWeak<int>>);
}

TEST_F(RcTest, SelfAssignmentKeepsTheValue) {
  auto a = Rc<Counted>::make(1);
  auto& alias = a;
  a = alias;
  EXPECT_EQ(a.strong_count(), 1u);
  a = std::move(alias);
  EXPECT_EQ(Counted::live, 1);
}

}  // namespace
