// Tests for fearless/result.hpp: Result<T, E>, Ok, Err and every combinator.
#include "fearless/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
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
  EXPECT_EQ(panic_message([&] { (void)ok.unwrap_err(); }), "called `Result::unwrap_err()` on an `Ok` value");
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
