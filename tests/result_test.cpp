// Tests for fearless/result.hpp: Result<T, E>, Ok, Err and every combinator.
#include "fearless/result.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <compare>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

using fearless::Err;
using fearless::Ok;
using fearless::Panic;
using fearless::PanicPayload;
using fearless::Result;

namespace {

// The message of the fearless::Panic thrown by `fn`, or "<no panic>".
template <class F>
std::string panic_message(F&& fn) {
  try {
    fn();
  } catch (const Panic& p) {
    return p.what();
  }
  return "<no panic>";
}

struct MyError {
  int code;
  [[nodiscard]] std::string message() const { return "my error " + std::to_string(code); }
  friend bool operator==(const MyError&, const MyError&) = default;
};

struct Opaque {
  int x;
};

Result<int, std::string> parse(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return Err("not a number: " + s);
  return Ok(std::stoi(s));
}

Result<void, std::string> check_positive(int v) {
  if (v <= 0) return Err(std::string("not positive"));
  return Ok();
}

// Ordered only through `<` (no `<=>`, no `==`): Result's `<=>` builds a weak ordering from it.
struct LessOnly {
  int x;
  friend bool operator<(const LessOnly& a, const LessOnly& b) { return a.x < b.x; }
};

template <class T>
std::size_t hash_of(const T& v) {
  return std::hash<T>{}(v);
}

// Whether the borrowing members can be called on an R (an rvalue when R is not a reference).
template <class R>
concept has_iter = requires(R&& r) { std::forward<R>(r).iter(); };
template <class R>
concept has_iter_mut = requires(R&& r) { std::forward<R>(r).iter_mut(); };
template <class R>
concept has_as_ref = requires(R&& r) { std::forward<R>(r).as_ref(); };
template <class R>
concept has_as_mut = requires(R&& r) { std::forward<R>(r).as_mut(); };

// Function objects for the check below (a lambda may not appear in a
// requires-expression on every supported compiler).
struct Pred {
  bool operator()(const int&) const { return true; }
};
struct Id {
  int operator()(int v) const { return v; }
};
struct Sink {
  void operator()(const int&) const {}
};
struct ToOk {
  Result<int, int> operator()(int v) const { return Ok(v); }
};
struct ToErr {
  Result<int, int> operator()(int e) const { return Err(e); }
};

// Every method a Rust user calls on a `Copy` Result, called on a const lvalue.
template <class R>
concept callable_on_const_lvalue = requires(const R& r, const R& other) {
  r.is_ok();
  r.is_err();
  r.is_ok_and(Pred{});
  r.is_err_and(Pred{});
  r.unwrap();
  r.expect("m");
  r.unwrap_err();
  r.expect_err("m");
  r.unwrap_or(0);
  r.unwrap_or_else(Id{});
  r.unwrap_or_default();
  r.ok();
  r.err();
  r.map(Id{});
  r.map_err(Id{});
  r.and_then(ToOk{});
  r.or_else(ToErr{});
  r.map_or(0, Id{});
  r.map_or_else(Id{}, Id{});
  r.inspect(Sink{});
  r.inspect_err(Sink{});
  r.and_(other);
  r.or_(other);
  r.as_ref();
  r.as_ref().copied();
  r.as_ref().cloned();
  r.iter();
  r == other;
  r <=> other;
  r < other;
  std::hash<R>{}(r);
};

}  // namespace

TEST(Result, OkAndErrQueries) {
  Result<int, std::string> ok = Ok(42);
  Result<int, std::string> err = Err(std::string("boom"));
  EXPECT_TRUE(ok.is_ok());
  EXPECT_FALSE(ok.is_err());
  EXPECT_TRUE(err.is_err());
  EXPECT_FALSE(err.is_ok());
  EXPECT_TRUE(ok.is_ok_and([](int v) { return v == 42; }));
  EXPECT_FALSE(ok.is_ok_and([](int v) { return v == 41; }));
  EXPECT_FALSE(err.is_ok_and([](int) { return true; }));
  EXPECT_TRUE(err.is_err_and([](const std::string& e) { return e == "boom"; }));
  EXPECT_FALSE(ok.is_err_and([](const std::string&) { return true; }));
}

TEST(Result, ResultIsNodiscard) {
  // [[nodiscard]] on the class: any function returning a Result warns if the
  // value is dropped; the test suite builds with -Werror, so this file compiling
  // with the (void) casts below is the check that they are needed.
  (void)parse("1");
  (void)check_positive(1);
  SUCCEED();
}

TEST(Result, ConvertsFromOkAndErrOfRelatedTypes) {
  Result<std::string, int> a = Ok("text");  // const char* -> std::string
  EXPECT_EQ(a.unwrap(), "text");
  Result<long, std::string> b = Err("oops");
  EXPECT_EQ(b.unwrap_err(), "oops");
  EXPECT_EQ(parse("17").unwrap(), 17);
  EXPECT_EQ(parse("x1").unwrap_err(), "not a number: x1");
}

TEST(Result, SameTypeOnBothSides) {
  Result<std::string, std::string> ok = Ok(std::string("v"));
  Result<std::string, std::string> err = Err(std::string("e"));
  EXPECT_TRUE(ok.is_ok());
  EXPECT_TRUE(err.is_err());
  EXPECT_EQ(ok.unwrap(), "v");
  EXPECT_EQ(err.unwrap_err(), "e");
  EXPECT_NE(ok, err);
}

TEST(Result, UnwrapOnLvalueReturnsReferenceOnRvalueMoves) {
  Result<std::string, int> r = Ok(std::string("hello"));
  static_assert(std::is_same_v<decltype(r.unwrap()), std::string&>);
  static_assert(std::is_same_v<decltype(std::move(r).unwrap()), std::string>);
  r.unwrap() += " world";
  EXPECT_EQ(r.unwrap(), "hello world");
  std::string taken = std::move(r).unwrap();
  EXPECT_EQ(taken, "hello world");
  const Result<int, int> c = Ok(3);
  static_assert(std::is_same_v<decltype(c.unwrap()), const int&>);
  EXPECT_EQ(c.unwrap(), 3);
}

TEST(Result, MoveOnlyPayloads) {
  Result<std::unique_ptr<int>, std::unique_ptr<std::string>> r = Ok(std::make_unique<int>(7));
  static_assert(!std::is_copy_constructible_v<decltype(r)>);
  static_assert(std::is_move_constructible_v<decltype(r)>);
  auto moved = std::move(r);
  ASSERT_TRUE(moved.is_ok());
  std::unique_ptr<int> p = std::move(moved).unwrap();
  EXPECT_EQ(*p, 7);

  Result<std::unique_ptr<int>, std::unique_ptr<std::string>> e = Err(std::make_unique<std::string>("bad"));
  std::unique_ptr<std::string> s = std::move(e).unwrap_err();
  EXPECT_EQ(*s, "bad");

  auto make = [] { return Result<std::unique_ptr<int>, std::string>(Ok(std::make_unique<int>(5))); };
  EXPECT_EQ(*make().unwrap(), 5);
  EXPECT_EQ(*make().expect("present"), 5);
  auto doubled = make().map([](std::unique_ptr<int> q) { return std::make_unique<int>(*q * 2); });
  EXPECT_EQ(*std::move(doubled).unwrap(), 10);
  auto chained = make().and_then([](std::unique_ptr<int> q) -> Result<std::unique_ptr<int>, std::string> {
    if (*q > 3) return Err(std::string("too big"));
    return Ok(std::move(q));
  });
  EXPECT_EQ(chained.unwrap_err(), "too big");
  std::optional<std::unique_ptr<int>> o = make().ok();
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(**o, 5);
  EXPECT_EQ(*make().unwrap_or(std::make_unique<int>(0)), 5);
}

TEST(Result, VoidResult) {
  Result<void, std::string> ok = Ok();
  Result<void, std::string> err = Err(std::string("no"));
  EXPECT_TRUE(ok.is_ok());
  EXPECT_TRUE(err.is_err());
  ok.unwrap();  // no value, no throw
  ok.expect("fine");
  EXPECT_EQ(err.unwrap_err(), "no");
  EXPECT_EQ(panic_message([&] { err.unwrap(); }), "called `Result::unwrap()` on an `Err` value: no");
  EXPECT_EQ(panic_message([&] { err.expect("checking"); }), "checking: no");
  EXPECT_EQ(panic_message([&] { (void)ok.unwrap_err(); }), "called `Result::unwrap_err()` on an `Ok` value: ()");
  EXPECT_TRUE(ok.ok().has_value());
  EXPECT_FALSE(err.ok().has_value());
  EXPECT_EQ(err.err(), std::optional<std::string>("no"));
  EXPECT_TRUE(ok.is_ok_and([] { return true; }));

  int calls = 0;
  auto mapped = Result<void, std::string>(Ok()).map([&] {
    ++calls;
    return 5;
  });
  EXPECT_EQ(mapped.unwrap(), 5);
  auto mapped_void = Result<int, std::string>(Ok(1)).map([&](int) { ++calls; });
  static_assert(std::is_same_v<decltype(mapped_void), Result<void, std::string>>);
  EXPECT_TRUE(mapped_void.is_ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(check_positive(3), Ok());
  EXPECT_EQ(check_positive(-3), Err(std::string("not positive")));
  auto chained = check_positive(1).and_then([] { return check_positive(0); });
  EXPECT_EQ(chained.unwrap_err(), "not positive");
  static_assert(sizeof(Result<void, char>) <= 2 * sizeof(std::size_t));
}

TEST(Result, UnwrapMessages) {
  Result<int, std::string> err = Err(std::string("disk full"));
  EXPECT_EQ(panic_message([&] { (void)err.unwrap(); }), "called `Result::unwrap()` on an `Err` value: disk full");
  EXPECT_EQ(panic_message([&] { (void)err.expect("writing the log"); }), "writing the log: disk full");
  Result<int, std::string> ok = Ok(12);
  EXPECT_EQ(panic_message([&] { (void)ok.unwrap_err(); }), "called `Result::unwrap_err()` on an `Ok` value: 12");
  EXPECT_EQ(panic_message([&] { (void)ok.expect_err("should fail"); }), "should fail: 12");
  EXPECT_EQ(err.expect_err("x"), "disk full");

  // Errors described through message(), what(), operator<< or their type name.
  Result<int, MyError> mine = Err(MyError{3});
  EXPECT_EQ(panic_message([&] { (void)mine.unwrap(); }), "called `Result::unwrap()` on an `Err` value: my error 3");
  Result<int, std::runtime_error> rt = Err(std::runtime_error("rt"));
  EXPECT_EQ(panic_message([&] { (void)rt.unwrap(); }), "called `Result::unwrap()` on an `Err` value: rt");
  Result<int, int> num = Err(-5);
  EXPECT_EQ(panic_message([&] { (void)num.unwrap(); }), "called `Result::unwrap()` on an `Err` value: -5");
  Result<int, std::error_code> ec = Err(std::make_error_code(std::errc::invalid_argument));
  EXPECT_EQ(panic_message([&] { (void)ec.unwrap(); }),
            "called `Result::unwrap()` on an `Err` value: " + std::make_error_code(std::errc::invalid_argument).message());
  Result<int, Opaque> opaque = Err(Opaque{1});
  EXPECT_EQ(panic_message([&] { (void)opaque.unwrap(); }), "called `Result::unwrap()` on an `Err` value: (anonymous namespace)::Opaque");
  Result<int, const char*> null_text = Err(static_cast<const char*>(nullptr));
  EXPECT_EQ(panic_message([&] { (void)null_text.unwrap(); }), "called `Result::unwrap()` on an `Err` value: (null)");
  Result<int, bool> flag = Err(false);
  EXPECT_EQ(panic_message([&] { (void)flag.unwrap(); }), "called `Result::unwrap()` on an `Err` value: false");
}

TEST(Result, PanicIsAStdException) {
  Result<int, std::string> err = Err(std::string("e"));
  EXPECT_THROW((void)err.unwrap(), Panic);
  EXPECT_THROW((void)err.unwrap(), std::runtime_error);
  EXPECT_THROW(fearless::panic("p"), std::exception);
}

TEST(Result, UnwrapOnPanicPayloadRethrowsTheOriginal) {
  struct Custom {
    int v;
  };
  PanicPayload payload = [] {
    try {
      throw Custom{99};
    } catch (...) {
      return PanicPayload::capture_current();
    }
  }();
  Result<int, PanicPayload> r = Err(payload);
  try {
    (void)r.unwrap();
    FAIL() << "unwrap returned";
  } catch (const Custom& c) {
    EXPECT_EQ(c.v, 99);
  }
  try {
    (void)r.expect("joining");
    FAIL() << "expect returned";
  } catch (const Custom& c) {
    EXPECT_EQ(c.v, 99);
  }
  EXPECT_THROW((void)std::move(r).unwrap(), Custom);
}

TEST(Result, UnwrapOrFamily) {
  EXPECT_EQ(parse("5").unwrap_or(-1), 5);
  EXPECT_EQ(parse("?").unwrap_or(-1), -1);
  Result<std::string, int> lv = Err(4);
  EXPECT_EQ(lv.unwrap_or("fallback"), "fallback");
  EXPECT_EQ(parse("?").unwrap_or_else([](const std::string& e) { return static_cast<int>(e.size()); }), 15);
  EXPECT_EQ(parse("8").unwrap_or_else([](const std::string&) { return 0; }), 8);
  EXPECT_EQ(lv.unwrap_or_else([](int e) { return std::string(static_cast<std::size_t>(e), 'x'); }), "xxxx");
  EXPECT_EQ(parse("?").unwrap_or_default(), 0);
  EXPECT_EQ(lv.unwrap_or_default(), "");
  EXPECT_EQ(parse("9").unwrap_or_default(), 9);
}

TEST(Result, OkAndErrToOptional) {
  EXPECT_EQ(parse("3").ok(), std::optional<int>(3));
  EXPECT_EQ(parse("x").ok(), std::nullopt);
  EXPECT_EQ(parse("3").err(), std::nullopt);
  EXPECT_EQ(parse("x").err(), std::optional<std::string>("not a number: x"));
  const Result<int, std::string> c = Ok(1);
  EXPECT_EQ(c.ok(), std::optional<int>(1));
  EXPECT_TRUE(c.is_ok());  // const& ok() does not consume
}

TEST(Result, MapAndMapErr) {
  auto m = parse("20").map([](int v) { return std::to_string(v * 2); });
  static_assert(std::is_same_v<decltype(m), Result<std::string, std::string>>);
  EXPECT_EQ(m.unwrap(), "40");
  int calls = 0;
  auto e = parse("no").map([&](int v) {
    ++calls;
    return v;
  });
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(e.unwrap_err(), "not a number: no");

  auto me = parse("no").map_err([](const std::string& s) { return s.size(); });
  static_assert(std::is_same_v<decltype(me), Result<int, std::size_t>>);
  EXPECT_EQ(me.unwrap_err(), 16u);
  auto mo = parse("1").map_err([&](const std::string&) {
    ++calls;
    return 0;
  });
  EXPECT_EQ(mo.unwrap(), 1);
  EXPECT_EQ(calls, 0);

  // On an lvalue, map copies and leaves the original intact.
  const Result<int, std::string> keep = Ok(2);
  EXPECT_EQ(keep.map([](int v) { return v + 1; }).unwrap(), 3);
  EXPECT_EQ(keep.map_err([](const std::string& s) { return s + "!"; }).unwrap(), 2);
  EXPECT_EQ(keep.unwrap(), 2);
}

TEST(Result, AndThenAndOrElse) {
  auto half = [](int v) -> Result<int, std::string> {
    if (v % 2 != 0) return Err("odd: " + std::to_string(v));
    return Ok(v / 2);
  };
  EXPECT_EQ(parse("12").and_then(half).and_then(half).unwrap(), 3);
  EXPECT_EQ(parse("12").and_then(half).and_then(half).and_then(half).unwrap_err(), "odd: 3");
  EXPECT_EQ(parse("zz").and_then(half).unwrap_err(), "not a number: zz");
  const Result<int, std::string> lv = Ok(8);
  EXPECT_EQ(lv.and_then(half).unwrap(), 4);

  auto recover = [](const std::string& e) -> Result<int, int> { return Ok(static_cast<int>(e.size())); };
  auto r = parse("x").or_else(recover);
  static_assert(std::is_same_v<decltype(r), Result<int, int>>);
  EXPECT_EQ(r.unwrap(), 15);
  EXPECT_EQ(parse("4").or_else(recover).unwrap(), 4);
  auto still_err = parse("x").or_else([](std::string e) -> Result<int, std::string> { return Err(e + "?"); });
  EXPECT_EQ(still_err.unwrap_err(), "not a number: x?");
}

TEST(Result, MapOrAndMapOrElse) {
  EXPECT_EQ(parse("4").map_or(-1, [](int v) { return v * 10; }), 40);
  EXPECT_EQ(parse("?").map_or(-1, [](int v) { return v * 10; }), -1);
  EXPECT_EQ(parse("4").map_or_else([](const std::string&) { return std::size_t{0}; },
                                   [](int v) { return static_cast<std::size_t>(v); }),
            4u);
  EXPECT_EQ(parse("?").map_or_else([](const std::string& e) { return e.size(); },
                                   [](int v) { return static_cast<std::size_t>(v); }),
            15u);
}

TEST(Result, InspectAndInspectErr) {
  std::vector<std::string> seen;
  auto r = parse("6")
               .inspect([&](const int& v) { seen.push_back("ok " + std::to_string(v)); })
               .inspect_err([&](const std::string& e) { seen.push_back("err " + e); });
  EXPECT_EQ(r.unwrap(), 6);
  auto e = parse("q")
               .inspect([&](const int& v) { seen.push_back("ok " + std::to_string(v)); })
               .inspect_err([&](const std::string& s) { seen.push_back("err " + s); });
  EXPECT_TRUE(e.is_err());
  EXPECT_EQ(seen, (std::vector<std::string>{"ok 6", "err not a number: q"}));
  int void_calls = 0;
  check_positive(1).inspect([&] { ++void_calls; }).unwrap();
  EXPECT_EQ(void_calls, 1);
}

TEST(Result, Equality) {
  Result<int, std::string> a = Ok(1);
  Result<int, std::string> b = Ok(1);
  Result<int, std::string> c = Ok(2);
  Result<int, std::string> d = Err(std::string("1"));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
  EXPECT_TRUE(a == Ok(1));
  EXPECT_TRUE(Ok(1) == a);
  EXPECT_TRUE(d == Err(std::string("1")));
  EXPECT_FALSE(d == Ok(1));
  Result<int, MyError> m = Err(MyError{2});
  EXPECT_TRUE(m == Err(MyError{2}));
  EXPECT_FALSE(m == Err(MyError{3}));
}

TEST(Result, InPlaceConstruction) {
  Result<std::vector<int>, std::string> v(std::in_place_index<0>, 3u, 7);
  EXPECT_EQ(v.unwrap(), (std::vector<int>{7, 7, 7}));
  Result<int, std::string> e(std::in_place_index<1>, 3u, 'z');
  EXPECT_EQ(e.unwrap_err(), "zzz");
}

TEST(Result, ConstexprUse) {
  constexpr Result<int, int> r = Ok(5);
  static_assert(r.is_ok());
  static_assert(r.unwrap() == 5);
  constexpr Result<int, int> e = Err(6);
  static_assert(e.unwrap_or(1) == 1);
  SUCCEED();
}

TEST(Result, EveryCombinatorWorksOnAConstLvalue) {
  static_assert(callable_on_const_lvalue<Result<int, int>>);
  const Result<int, int> ok = Ok(3);
  const Result<int, int> err = Err(7);

  EXPECT_EQ(ok.unwrap(), 3);
  EXPECT_EQ(ok.expect("m"), 3);
  EXPECT_EQ(err.unwrap_err(), 7);
  EXPECT_EQ(err.expect_err("m"), 7);
  EXPECT_EQ(err.unwrap_or(5), 5);
  EXPECT_EQ(err.unwrap_or_else([](int e) { return e * 2; }), 14);
  EXPECT_EQ(err.unwrap_or_default(), 0);
  EXPECT_EQ(ok.unwrap_or_default(), 3);
  EXPECT_EQ(ok.ok(), std::optional<int>(3));
  EXPECT_EQ(err.err(), std::optional<int>(7));
  EXPECT_TRUE(ok.is_ok_and([](int v) { return v == 3; }));
  EXPECT_TRUE(err.is_err_and([](int e) { return e == 7; }));

  EXPECT_EQ(ok.map([](int v) { return v + 1; }), Ok(4));
  EXPECT_EQ(err.map_err([](int e) { return e + 1; }), Err(8));
  EXPECT_EQ(ok.and_then([](int v) { return Result<int, int>(Err(v * 10)); }), Err(30));

  auto recovered = err.or_else([](int e) { return Result<int, long>(Ok(e + 100)); });
  static_assert(std::is_same_v<decltype(recovered), Result<int, long>>);
  EXPECT_EQ(recovered, Ok(107));
  EXPECT_EQ(ok.or_else([](int e) { return Result<int, long>(Ok(e + 100)); }), Ok(3));

  EXPECT_EQ(ok.map_or(-1, [](int v) { return v * 2; }), 6);
  EXPECT_EQ(err.map_or(-1, [](int v) { return v * 2; }), -1);
  EXPECT_EQ(ok.map_or_else([](int e) { return -e; }, [](int v) { return v * 2; }), 6);
  EXPECT_EQ(err.map_or_else([](int e) { return -e; }, [](int v) { return v * 2; }), -7);

  std::vector<int> seen;
  Result<int, int> inspected = ok.inspect([&](const int& v) { seen.push_back(v); });
  Result<int, int> inspected_err = err.inspect_err([&](const int& e) { seen.push_back(e); });
  EXPECT_EQ(ok.inspect_err([&](const int& e) { seen.push_back(e); }), Ok(3));
  EXPECT_EQ(err.inspect([&](const int& v) { seen.push_back(v); }), Err(7));
  EXPECT_EQ(inspected, Ok(3));
  EXPECT_EQ(inspected_err, Err(7));
  EXPECT_EQ(seen, (std::vector<int>{3, 7}));

  EXPECT_EQ(ok.and_(Result<long, int>(Ok(9L))), Ok(9L));
  EXPECT_EQ(err.and_(Result<long, int>(Ok(9L))), Err(7));
  EXPECT_EQ(ok.or_(Result<int, char>(Err('x'))), Ok(3));
  EXPECT_EQ(err.or_(Result<int, char>(Err('x'))), Err('x'));

  // The originals are untouched.
  EXPECT_EQ(ok, Ok(3));
  EXPECT_EQ(err, Err(7));

  // Result<void, E> on a const lvalue.
  const Result<void, std::string> vok = Ok();
  const Result<void, std::string> verr = Err(std::string("v"));
  vok.unwrap();
  vok.expect("m");
  vok.unwrap_or_default();
  EXPECT_EQ(verr.unwrap_err(), "v");
  EXPECT_EQ(vok.map([] { return 1; }), Ok(1));
  EXPECT_EQ(verr.or_else([](const std::string& e) { return Result<void, std::size_t>(Err(e.size())); }),
            Err(std::size_t{1}));
  EXPECT_EQ(vok.map_or(0, [] { return 2; }), 2);
  EXPECT_EQ(verr.map_or_else([](const std::string& e) { return static_cast<int>(e.size()) + 10; }, [] { return 2; }), 11);
  int void_calls = 0;
  EXPECT_EQ(vok.inspect([&] { ++void_calls; }), Ok());
  EXPECT_EQ(void_calls, 1);
}

TEST(Result, UnwrapErrOnOkVoidSaysUnit) {
  Result<void, std::string> ok = Ok();
  const Result<void, std::string> cok = Ok();
  EXPECT_EQ(panic_message([&] { (void)ok.unwrap_err(); }), "called `Result::unwrap_err()` on an `Ok` value: ()");
  EXPECT_EQ(panic_message([&] { (void)cok.unwrap_err(); }), "called `Result::unwrap_err()` on an `Ok` value: ()");
  EXPECT_EQ(panic_message([] { (void)Result<void, int>(Ok()).unwrap_err(); }),
            "called `Result::unwrap_err()` on an `Ok` value: ()");
  EXPECT_EQ(panic_message([&] { (void)ok.expect_err("wanted a failure"); }), "wanted a failure: ()");
  EXPECT_EQ(panic_message([&] { (void)cok.expect_err("wanted a failure"); }), "wanted a failure: ()");
  EXPECT_EQ(panic_message([] { (void)Result<void, int>(Ok()).expect_err("e"); }), "e: ()");
}

TEST(Result, OrderingAsRustDerivesIt) {
  using R = Result<int, int>;
  R ok1 = Ok(1);
  R ok2 = Ok(2);
  R err0 = Err(0);
  R err5 = Err(5);
  static_assert(std::is_same_v<decltype(ok1 <=> ok2), std::strong_ordering>);
  // Ok < Ok by value.
  EXPECT_TRUE((ok1 <=> ok2) == std::strong_ordering::less);
  EXPECT_TRUE((ok2 <=> ok1) == std::strong_ordering::greater);
  EXPECT_TRUE((ok1 <=> R(Ok(1))) == std::strong_ordering::equal);
  EXPECT_LT(ok1, ok2);
  // Every Ok < every Err, whatever the payloads.
  EXPECT_TRUE((ok2 <=> err0) == std::strong_ordering::less);
  EXPECT_LT(R(Ok(100)), err0);
  // Err < Err by error.
  EXPECT_TRUE((err0 <=> err5) == std::strong_ordering::less);
  EXPECT_LT(err0, err5);
  EXPECT_TRUE((err5 <=> R(Err(5))) == std::strong_ordering::equal);
  // Err vs Ok: greater.
  EXPECT_TRUE((err0 <=> ok2) == std::strong_ordering::greater);
  EXPECT_GT(err0, R(Ok(100)));
  EXPECT_GE(err5, err5);
  EXPECT_LE(ok1, ok1);
  // A bare Ok(...) / Err(...) converts to the Result it is compared with.
  EXPECT_TRUE(ok1 < Ok(2));
  EXPECT_TRUE(err5 > Ok(7));

  std::vector<R> v{err5, ok2, err0, ok1};
  std::sort(v.begin(), v.end());
  EXPECT_EQ(v, (std::vector<R>{ok1, ok2, err0, err5}));

  // Result<void, E>: all Oks equal, and before any Err.
  using V = Result<void, std::string>;
  EXPECT_TRUE((V(Ok()) <=> V(Ok())) == std::strong_ordering::equal);
  EXPECT_LT(V(Ok()), V(Err(std::string(""))));
  EXPECT_LT(V(Err(std::string("a"))), V(Err(std::string("b"))));
  EXPECT_GT(V(Err(std::string(""))), V(Ok()));

  // The category is the weaker of the two sides'.
  using D = Result<double, int>;
  static_assert(std::is_same_v<decltype(std::declval<const D&>() <=> std::declval<const D&>()), std::partial_ordering>);
  EXPECT_TRUE((D(Ok(1.5)) <=> D(Ok(2.5))) == std::partial_ordering::less);
  EXPECT_TRUE((D(Ok(std::nan(""))) <=> D(Ok(1.0))) == std::partial_ordering::unordered);
  EXPECT_TRUE((D(Ok(std::nan(""))) <=> D(Err(1))) == std::partial_ordering::less);

  // A type with only `<`: a weak ordering built from it.
  using L = Result<LessOnly, int>;
  static_assert(std::is_same_v<decltype(std::declval<const L&>() <=> std::declval<const L&>()), std::weak_ordering>);
  EXPECT_TRUE((L(Ok(LessOnly{1})) <=> L(Ok(LessOnly{2}))) == std::weak_ordering::less);
  EXPECT_TRUE((L(Ok(LessOnly{2})) <=> L(Ok(LessOnly{2}))) == std::weak_ordering::equivalent);
  EXPECT_TRUE((L(Ok(LessOnly{3})) <=> L(Ok(LessOnly{2}))) == std::weak_ordering::greater);
  EXPECT_TRUE((L(Err(0)) <=> L(Ok(LessOnly{2}))) == std::weak_ordering::greater);

  // Not ordered when a side is not.
  static_assert(!std::three_way_comparable<Result<Opaque, int>>);
  static_assert(!std::three_way_comparable<Result<int, Opaque>>);
  static_assert(std::three_way_comparable<Result<int, std::string>>);
}

TEST(Result, HashMatchesEquality) {
  using R = Result<int, std::string>;
  EXPECT_EQ(hash_of(R(Ok(42))), hash_of(R(Ok(42))));
  EXPECT_EQ(hash_of(R(Err(std::string("e")))), hash_of(R(Err(std::string("e")))));
  // The side is hashed too: Ok(1) and Err(1) of Result<int, int> differ.
  EXPECT_NE(hash_of(Result<int, int>(Ok(1))), hash_of(Result<int, int>(Err(1))));

  std::unordered_set<R> set;
  set.insert(Ok(1));
  set.insert(Ok(1));
  set.insert(Ok(2));
  set.insert(Err(std::string("x")));
  set.insert(Err(std::string("x")));
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(set.count(R(Ok(2))), 1u);
  EXPECT_EQ(set.count(R(Err(std::string("x")))), 1u);
  EXPECT_EQ(set.count(R(Ok(3))), 0u);

  // void counts as hashable.
  using V = Result<void, int>;
  EXPECT_EQ(hash_of(V(Ok())), hash_of(V(Ok())));
  EXPECT_EQ(hash_of(V(Err(4))), hash_of(V(Err(4))));
  std::unordered_set<V> vset{V(Ok()), V(Ok()), V(Err(4)), V(Err(4)), V(Err(5))};
  EXPECT_EQ(vset.size(), 3u);

  // Enabled only when both sides hash.
  static_assert(std::is_default_constructible_v<std::hash<R>>);
  static_assert(std::is_default_constructible_v<std::hash<V>>);
  static_assert(!std::is_default_constructible_v<std::hash<Result<Opaque, int>>>);
  static_assert(!std::is_default_constructible_v<std::hash<Result<int, Opaque>>>);
  static_assert(!std::is_default_constructible_v<std::hash<Result<void, Opaque>>>);
}

TEST(Result, IterYieldsTheOkValueOnce) {
  Result<int, std::string> ok = Ok(5);
  Result<int, std::string> err = Err(std::string("e"));
  static_assert(std::is_same_v<decltype(ok.iter()), std::span<const int>>);
  EXPECT_EQ(ok.iter().size(), 1u);
  EXPECT_EQ(err.iter().size(), 0u);
  EXPECT_TRUE(err.iter().empty());
  int count = 0;
  int sum = 0;
  for (const int& v : ok.iter()) {
    ++count;
    sum += v;
  }
  for (const int& v : err.iter()) {
    ++count;
    sum += v;
  }
  EXPECT_EQ(count, 1);
  EXPECT_EQ(sum, 5);
  EXPECT_EQ(&ok.iter()[0], &ok.unwrap());  // a view of the value, not a copy

  for (int& v : ok.iter_mut()) v *= 10;
  for (int& v : err.iter_mut()) v *= 10;
  EXPECT_EQ(ok, Ok(50));
  EXPECT_EQ(err, Err(std::string("e")));
  static_assert(std::is_same_v<decltype(ok.iter_mut()), std::span<int>>);

  const Result<std::string, int> c = Ok(std::string("text"));
  std::vector<std::string> got;
  for (const std::string& s : c.iter()) got.push_back(s);
  EXPECT_EQ(got, (std::vector<std::string>{"text"}));

  Result<void, int> vok = Ok();
  Result<void, int> verr = Err(1);
  EXPECT_EQ(vok.iter().size(), 1u);
  EXPECT_EQ(verr.iter().size(), 0u);

  // Borrowing a temporary would dangle, and iter_mut needs a mutable lvalue.
  static_assert(has_iter<Result<int, int>&>);
  static_assert(has_iter<const Result<int, int>&>);
  static_assert(!has_iter<Result<int, int>>);
  static_assert(has_iter_mut<Result<int, int>&>);
  static_assert(!has_iter_mut<const Result<int, int>&>);
  static_assert(!has_iter_mut<Result<int, int>>);
}

TEST(Result, AsRefAsMutCopiedCloned) {
  Result<std::string, int> ok = Ok(std::string("abc"));
  Result<std::string, int> err = Err(4);
  auto r = ok.as_ref();
  static_assert(std::is_same_v<decltype(r), Result<std::reference_wrapper<const std::string>, std::reference_wrapper<const int>>>);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(&r.unwrap().get(), &ok.unwrap());
  auto re = err.as_ref();
  ASSERT_TRUE(re.is_err());
  EXPECT_EQ(&re.unwrap_err().get(), &err.unwrap_err());

  // copied()/cloned() turn the Ok side back into a value; the error stays borrowed.
  auto c = r.copied();
  static_assert(std::is_same_v<decltype(c), Result<std::string, std::reference_wrapper<const int>>>);
  EXPECT_EQ(c.unwrap(), "abc");
  auto cl = ok.as_ref().cloned();
  static_assert(std::is_same_v<decltype(cl), decltype(c)>);
  EXPECT_EQ(cl.unwrap(), "abc");
  EXPECT_EQ(re.copied().unwrap_err().get(), 4);
  EXPECT_EQ(std::as_const(re).cloned().unwrap_err().get(), 4);
  // Borrow, map, copy back: Rust's `r.as_ref().map(|s| s.len())` without consuming r.
  EXPECT_EQ(ok.as_ref().map([](const std::string& s) { return s.size(); }).unwrap(), 3u);
  EXPECT_EQ(ok, Ok(std::string("abc")));

  // as_mut changes the value or error in place.
  ok.as_mut().unwrap().get() += "d";
  EXPECT_EQ(ok, Ok(std::string("abcd")));
  auto m = err.as_mut();
  static_assert(std::is_same_v<decltype(m), Result<std::reference_wrapper<std::string>, std::reference_wrapper<int>>>);
  m.unwrap_err().get() = 9;
  EXPECT_EQ(err, Err(9));
  EXPECT_EQ(ok.as_mut().copied(), Ok(std::string("abcd")));

  // Result<void, E>.
  Result<void, int> vok = Ok();
  Result<void, int> verr = Err(2);
  static_assert(std::is_same_v<decltype(vok.as_ref()), Result<void, std::reference_wrapper<const int>>>);
  EXPECT_TRUE(vok.as_ref().is_ok());
  EXPECT_EQ(verr.as_ref().unwrap_err().get(), 2);

  static_assert(has_as_ref<const Result<int, int>&>);
  static_assert(!has_as_ref<Result<int, int>>);
  static_assert(has_as_mut<Result<int, int>&>);
  static_assert(!has_as_mut<const Result<int, int>&>);
  static_assert(!has_as_mut<Result<int, int>>);
}

TEST(Result, FlattenRemovesOneLevel) {
  using Inner = Result<int, std::string>;
  using Outer = Result<Inner, std::string>;
  Outer ok_ok = Ok(Inner(Ok(1)));
  Outer ok_err = Ok(Inner(Err(std::string("inner"))));
  Outer err = Err(std::string("outer"));
  static_assert(std::is_same_v<decltype(std::move(ok_ok).flatten()), Inner>);
  EXPECT_EQ(ok_ok.flatten(), Ok(1));  // lvalue: works on a copy
  EXPECT_EQ(ok_ok, Ok(Inner(Ok(1))));
  EXPECT_EQ(std::move(ok_ok).flatten(), Ok(1));
  EXPECT_EQ(std::move(ok_err).flatten(), Err(std::string("inner")));
  EXPECT_EQ(std::move(err).flatten(), Err(std::string("outer")));

  // One level only.
  using Deep = Result<Outer, std::string>;
  Deep deep = Ok(Outer(Ok(Inner(Ok(2)))));
  static_assert(std::is_same_v<decltype(deep.flatten()), Outer>);
  EXPECT_EQ(deep.flatten().flatten(), Ok(2));

  Result<Result<void, int>, int> v = Ok(Result<void, int>(Ok()));
  EXPECT_EQ(v.flatten(), Ok());
  Result<Result<void, int>, int> ve = Err(3);
  EXPECT_EQ(ve.flatten(), Err(3));
}

TEST(Result, TransposeBothDirections) {
  using R = Result<std::optional<int>, std::string>;
  using O = std::optional<Result<int, std::string>>;
  // Result<optional> -> optional<Result>.
  R some = Ok(std::optional<int>(4));
  R none = Ok(std::optional<int>());
  R err = Err(std::string("e"));
  static_assert(std::is_same_v<decltype(some.transpose()), O>);
  EXPECT_EQ(some.transpose(), O(Result<int, std::string>(Ok(4))));
  EXPECT_EQ(none.transpose(), std::nullopt);
  EXPECT_EQ(err.transpose(), O(Result<int, std::string>(Err(std::string("e")))));
  EXPECT_EQ(transpose(some), O(Result<int, std::string>(Ok(4))));

  // optional<Result> -> Result<optional>.
  O osome = Result<int, std::string>(Ok(4));
  O onone = std::nullopt;
  O oerr = Result<int, std::string>(Err(std::string("e")));
  static_assert(std::is_same_v<decltype(transpose(osome)), R>);
  EXPECT_EQ(transpose(osome), Ok(std::optional<int>(4)));
  EXPECT_EQ(transpose(onone), Ok(std::optional<int>()));
  EXPECT_EQ(transpose(oerr), Err(std::string("e")));

  // Round trips.
  for (const R& r : {some, none, err}) EXPECT_EQ(transpose(r.transpose()), r);
  for (const O& o : {osome, onone, oerr}) EXPECT_EQ(transpose(o).transpose(), o);

  // Move-only payloads move through.
  Result<std::optional<std::unique_ptr<int>>, std::string> mo = Ok(std::optional<std::unique_ptr<int>>(std::make_unique<int>(8)));
  auto t = std::move(mo).transpose();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*std::move(*t).unwrap(), 8);
}

TEST(Result, AndAndOrAsRustDocuments) {
  using R = Result<int, std::string>;
  using S = Result<std::string, std::string>;
  // and_: the argument if Ok, else the first error.
  EXPECT_EQ(R(Ok(2)).and_(S(Err(std::string("late error")))), Err(std::string("late error")));
  EXPECT_EQ(R(Err(std::string("early error"))).and_(S(Ok(std::string("foo")))), Err(std::string("early error")));
  EXPECT_EQ(R(Err(std::string("not a 2"))).and_(S(Err(std::string("late error")))), Err(std::string("not a 2")));
  EXPECT_EQ(R(Ok(2)).and_(S(Ok(std::string("different result type")))), Ok(std::string("different result type")));
  static_assert(std::is_same_v<decltype(R(Ok(2)).and_(S(Ok(std::string())))), S>);
  // or_: the value if Ok, else the argument.
  EXPECT_EQ(R(Ok(2)).or_(R(Err(std::string("late error")))), Ok(2));
  EXPECT_EQ(R(Err(std::string("early error"))).or_(R(Ok(2))), Ok(2));
  EXPECT_EQ(R(Err(std::string("not a 2"))).or_(R(Err(std::string("late error")))), Err(std::string("late error")));
  EXPECT_EQ(R(Ok(2)).or_(R(Ok(100))), Ok(2));
  auto other_error = R(Err(std::string("x"))).or_(Result<int, int>(Err(3)));
  static_assert(std::is_same_v<decltype(other_error), Result<int, int>>);
  EXPECT_EQ(other_error, Err(3));
  // Result<void, E>.
  using V = Result<void, int>;
  EXPECT_EQ(V(Ok()).and_(Result<int, int>(Ok(1))), Ok(1));
  EXPECT_EQ(V(Err(5)).and_(Result<int, int>(Ok(1))), Err(5));
  EXPECT_EQ(V(Ok()).or_(Result<void, char>(Err('c'))), Ok());
  EXPECT_EQ(V(Err(5)).or_(Result<void, char>(Err('c'))), Err('c'));
  // Move-only payloads.
  auto moved = Result<std::unique_ptr<int>, int>(Ok(std::make_unique<int>(1)))
                   .and_(Result<std::unique_ptr<int>, int>(Ok(std::make_unique<int>(2))));
  EXPECT_EQ(*std::move(moved).unwrap(), 2);
}

TEST(Result, VoidUnwrapOrDefaultAndUnwrapOrElse) {
  Result<void, std::string> ok = Ok();
  Result<void, std::string> err = Err(std::string("bad"));
  static_assert(std::is_void_v<decltype(ok.unwrap_or_default())>);
  ok.unwrap_or_default();
  err.unwrap_or_default();  // no panic
  std::vector<std::string> seen;
  ok.unwrap_or_else([&](const std::string& e) { seen.push_back(e); });
  err.unwrap_or_else([&](const std::string& e) { seen.push_back(e); });
  check_positive(-1).unwrap_or_else([&](std::string e) { seen.push_back(std::move(e) + "!"); });
  EXPECT_EQ(seen, (std::vector<std::string>{"bad", "not positive!"}));
}

// Ok(u) / Err(g) and the fallbacks convert only where the conversion is
// implicit: an explicit constructor never runs unasked (Rust wants the exact
// type). Before, Ok(5) made a Result<std::vector<int>, E> of five elements,
// Ok(raw_pointer) a Result<std::unique_ptr<int>, E> that took ownership, and
// unwrap_or(3) on a Result<std::vector<int>, E> a vector of three.
TEST(Result, ConversionsAreImplicitOnly) {
  static_assert(!std::is_convertible_v<decltype(Ok(5)), Result<std::vector<int>, int>>);
  static_assert(!std::is_convertible_v<decltype(Ok(static_cast<int*>(nullptr))), Result<std::unique_ptr<int>, int>>);
  static_assert(!std::is_convertible_v<decltype(Err(3)), Result<int, std::vector<std::string>>>);
  static_assert(std::is_convertible_v<decltype(Ok("text")), Result<std::string, int>>);  // implicit: fine
  static_assert(std::is_convertible_v<decltype(Ok(5)), Result<long, int>>);
  using V = Result<std::vector<int>, int>;
  const auto unwrap_or_int = [](auto&& r) -> decltype(r.unwrap_or(3)) { return r.unwrap_or(3); };
  static_assert(!std::is_invocable_v<decltype(unwrap_or_int), V&>);
  const auto unwrap_or_vec = [](auto&& r) -> decltype(r.unwrap_or(std::vector<int>{})) { return r.unwrap_or(std::vector<int>{}); };
  static_assert(std::is_invocable_v<decltype(unwrap_or_vec), V&>);
  const V e = Err(1);
  EXPECT_EQ(e.unwrap_or(std::vector<int>{1, 2}), (std::vector<int>{1, 2}));
  EXPECT_EQ(e.unwrap_or_else([](int) { return std::vector<int>{9}; }), (std::vector<int>{9}));
  Result<std::string, int> s = Ok("abc");
  EXPECT_EQ(s.map_or("none", [](const std::string& x) { return x + "!"; }), "abc!");
  const Result<std::string, int> e2 = Err(2);
  EXPECT_EQ(e2.map_or("none", [](std::string x) { return x; }), "none");
}

// Rust's is_ok_and / is_err_and consume the Result: on an rvalue the value
// (or error) is moved into the predicate, which may take it by value.
TEST(Result, IsOkAndOnAnRvalueMovesTheValueIntoThePredicate) {
  const auto mk = [](int v) -> Result<std::unique_ptr<int>, std::unique_ptr<int>> {
    if (v > 0) return Ok(std::make_unique<int>(v));
    return Err(std::make_unique<int>(-v));
  };
  EXPECT_TRUE(mk(4).is_ok_and([](std::unique_ptr<int> p) { return *p == 4; }));
  EXPECT_FALSE(mk(-4).is_ok_and([](std::unique_ptr<int>) { return true; }));
  EXPECT_TRUE(mk(-5).is_err_and([](std::unique_ptr<int> p) { return *p == 5; }));
  auto kept = mk(3);
  EXPECT_TRUE(kept.is_ok_and([](const std::unique_ptr<int>& p) { return *p == 3; }));  // lvalue: borrowed
  EXPECT_EQ(*kept.unwrap(), 3);
}

// unwrap / expect / unwrap_err on a const temporary return copies: a
// reference into the temporary would dangle at the end of the statement.
TEST(Result, UnwrapOnAConstTemporaryReturnsAValue) {
  const auto ok = []() -> const Result<std::string, std::string> { return Ok(std::string("value")); };
  const auto err = []() -> const Result<std::string, std::string> { return Err(std::string("error")); };
  static_assert(std::is_same_v<decltype(ok().unwrap()), std::string>);
  static_assert(std::is_same_v<decltype(ok().expect("x")), std::string>);
  static_assert(std::is_same_v<decltype(err().unwrap_err()), std::string>);
  static_assert(std::is_same_v<decltype(err().expect_err("x")), std::string>);
  const std::string& v = ok().unwrap();  // lifetime-extended copy, not a dangling reference
  EXPECT_EQ(v, "value");
  EXPECT_EQ(err().unwrap_err(), "error");
}

// An assignment that changes a Result's side and throws while making the new
// side leaves it valueless (only possible when T's or E's copy or move
// throws): is_ok() and is_err() are both false, and using it panics with a
// clear message instead of reading a side that is not there (unwrap crashed).
TEST(Result, AValuelessResultPanicsWhenUsed) {
  struct Fragile {
    int v;
    explicit Fragile(int x) : v(x) {}
    Fragile(const Fragile& o) : v(o.v) {
      if (v == 13) throw std::runtime_error("copy");
    }
    Fragile(Fragile&& o) : v(o.v) {
      if (v == 13) throw std::runtime_error("move");
    }
    Fragile& operator=(const Fragile&) = default;
  };
  Result<int, Fragile> r = Ok(1);
  Result<int, Fragile> bad = Err(Fragile(12));
  bad.unwrap_err().v = 13;
  EXPECT_THROW(r = bad, std::runtime_error);
  EXPECT_FALSE(r.is_ok());
  EXPECT_FALSE(r.is_err());
  const std::string msg = "a Result was used after an assignment to it threw: it holds neither a value nor an error";
  EXPECT_EQ(panic_message([&] { (void)r.unwrap(); }), msg);
  EXPECT_EQ(panic_message([&] { (void)r.unwrap_err(); }), msg);
  EXPECT_EQ(panic_message([&] { (void)r.map([](int x) { return x; }); }), msg);
  r = Ok(2);  // assignable again
  EXPECT_EQ(r.unwrap(), 2);
}
