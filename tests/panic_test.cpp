// Tests for fearless/panic.hpp: Panic, panic(), PanicPayload and the panic hook.
#include "fearless/panic.hpp"

#include <gtest/gtest.h>

#include <pthread.h>

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "fearless/thread.hpp"

using fearless::Panic;
using fearless::PanicInfo;
using fearless::PanicPayload;

namespace {

struct CustomPayload {
  int code;
};

class CustomException : public std::exception {
 public:
  explicit CustomException(int v) : v_(v) {}
  [[nodiscard]] const char* what() const noexcept override { return "custom exception"; }
  [[nodiscard]] int value() const { return v_; }

 private:
  int v_;
};

template <class X>
PanicPayload capture(X x) {
  try {
    throw x;
  } catch (...) {
    return PanicPayload::capture_current();
  }
}

// Silences the default hook (its stderr line) for the duration of a test.
class QuietHook {
 public:
  QuietHook() {
    fearless::set_panic_hook([](const PanicInfo&) {});
  }
  ~QuietHook() { (void)fearless::take_panic_hook(); }
  QuietHook(const QuietHook&) = delete;
  QuietHook& operator=(const QuietHook&) = delete;
};

}  // namespace

TEST(Panic, PanicThrowsPanicWithTheMessage) {
  try {
    fearless::panic("it broke");
    FAIL() << "panic returned";
  } catch (const Panic& p) {
    EXPECT_STREQ(p.what(), "it broke");
  }
  static_assert(std::is_base_of_v<std::runtime_error, Panic>);
}

TEST(Panic, MessageOfEachKindOfThrownValue) {
  EXPECT_EQ(capture(std::runtime_error("runtime")).message(), "runtime");
  EXPECT_EQ(capture(Panic("a panic")).message(), "a panic");
  EXPECT_EQ(capture(CustomException(3)).message(), "custom exception");
  EXPECT_EQ(capture(42).message(), "panic payload of type `int`");
  EXPECT_EQ(capture("c string").message(), "c string");
  EXPECT_EQ(capture(static_cast<const char*>(nullptr)).message(), "(null)");
  EXPECT_EQ(capture(std::string("std string")).message(), "std string");
  EXPECT_EQ(capture(std::string_view("view")).message(), "view");
  EXPECT_EQ(capture(CustomPayload{7}).message(), "panic payload of type `(anonymous namespace)::CustomPayload`");
  EXPECT_EQ(capture(3.5).message(), "panic payload of type `double`");
}

TEST(Panic, ResumeRethrowsTheOriginalObject) {
  PanicPayload p = capture(CustomException(11));
  try {
    p.resume();
  } catch (const CustomException& e) {
    EXPECT_EQ(e.value(), 11);
    // The very object the payload holds, not a copy.
    EXPECT_EQ(&e, p.downcast_ref<CustomException>());
  }
  EXPECT_THROW(capture(5).resume(), int);
  EXPECT_THROW(capture(std::string("s")).resume(), std::string);
}

TEST(Panic, DowncastAndIs) {
  PanicPayload p = capture(CustomPayload{9});
  ASSERT_NE(p.downcast_ref<CustomPayload>(), nullptr);
  EXPECT_EQ(p.downcast_ref<CustomPayload>()->code, 9);
  EXPECT_EQ(p.downcast_ref<int>(), nullptr);
  EXPECT_TRUE(p.is<CustomPayload>());
  EXPECT_FALSE(p.is<std::exception>());

  PanicPayload e = capture(CustomException(1));
  EXPECT_TRUE(e.is<std::exception>());  // derived-to-base, like catch
  EXPECT_TRUE(e.is<CustomException>());
  EXPECT_FALSE(e.is<Panic>());
  EXPECT_EQ(*capture(17).downcast_ref<int>(), 17);
}

// Rust code reads a panic's text with downcast_ref::<String>(); the payload of
// fearless::panic(msg) answers that too, while other exceptions still do not.
namespace {
struct Base {
  virtual ~Base() = default;
  int b = 1;
};
struct Derived : Base {
  int d = 2;
};
}  // namespace

// A handler receives a thrown pointer as a copy in its own frame: the address
// downcast_ref returns must be the exception object's, alive as long as the
// payload (it pointed into a finished frame before). Run under
// AddressSanitizer with detect_stack_use_after_return to see the old bug.
TEST(Panic, DowncastOfAThrownPointerPointsIntoThePayload) {
  static int value = 41;
  static const Derived derived{};
  const auto literal = fearless::thread::spawn([] { throw "static string"; }).join().unwrap_err();
  const auto number = fearless::thread::spawn([] { throw &value; }).join().unwrap_err();
  const auto object = fearless::thread::spawn([] { throw &derived; }).join().unwrap_err();

  const char* const* s1 = literal.downcast_ref<const char*>();
  const char* const* s2 = literal.downcast_ref<const char*>();
  ASSERT_NE(s1, nullptr);
  EXPECT_EQ(s1, s2);  // the same object each time, not a per-call copy
  EXPECT_STREQ(*s1, "static string");
  EXPECT_EQ(literal.downcast_ref<char*>(), literal.downcast_ref<const char*>());  // pointee cv aside

  int* const* n = number.downcast_ref<int*>();
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(*n, &value);
  ASSERT_NE(number.downcast_ref<const int*>(), nullptr);
  EXPECT_EQ(*number.downcast_ref<const int*>(), &value);
  EXPECT_EQ(number.downcast_ref<long*>(), nullptr);
  EXPECT_FALSE(number.is<long*>());

  // A derived-to-base conversion would need a new pointer value: is<> sees
  // the match, downcast_ref only the exact type.
  EXPECT_TRUE(object.is<const Base*>());
  EXPECT_EQ(object.downcast_ref<const Base*>(), nullptr);
  ASSERT_NE(object.downcast_ref<const Derived*>(), nullptr);
  EXPECT_EQ(*object.downcast_ref<const Derived*>(), &derived);
  EXPECT_EQ((*object.downcast_ref<const Derived*>())->d, 2);
}

TEST(Panic, DowncastToStringGivesAPanicsMessage) {
  QuietHook quiet;
  auto h = fearless::thread::spawn([] { fearless::panic("formatted 42"); });
  PanicPayload p = h.join().unwrap_err();
  const std::string* s = p.downcast_ref<std::string>();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(*s, "formatted 42");
  EXPECT_TRUE(p.is<Panic>());
  EXPECT_EQ(capture(std::runtime_error("plain")).downcast_ref<std::string>(), nullptr);
  EXPECT_EQ(*capture(std::string("thrown")).downcast_ref<std::string>(), "thrown");
}

TEST(Panic, PayloadIsCopyableAndShared) {
  PanicPayload a = capture(std::string("shared"));
  PanicPayload b = a;
  EXPECT_EQ(b.message(), "shared");
  EXPECT_EQ(a.downcast_ref<std::string>(), b.downcast_ref<std::string>());
  EXPECT_EQ(a.exception(), b.exception());
  EXPECT_EQ(a, b);
  EXPECT_STREQ(b.what(), "shared");
  PanicPayload c = capture(std::string("shared"));
  EXPECT_FALSE(a == c);  // an equal message, but another exception object
}

TEST(Panic, FromExceptionPtr) {
  PanicPayload p = PanicPayload::from_exception_ptr(std::make_exception_ptr(std::logic_error("logic")));
  EXPECT_EQ(p.message(), "logic");
  EXPECT_THROW(p.resume(), std::logic_error);
  PanicPayload empty = PanicPayload::from_exception_ptr(nullptr);
  EXPECT_EQ(empty.message(), "explicit panic");
  EXPECT_THROW(empty.resume(), Panic);
}

TEST(Panic, HookSeesPayloadAndThreadName) {
  std::mutex mu;
  std::vector<std::string> seen;
  fearless::set_panic_hook([&](const PanicInfo& info) {
    std::lock_guard lk(mu);
    seen.push_back(std::string(info.thread_name) + "|" + info.payload.message());
  });
  auto named = fearless::thread::Builder().name("hooked").spawn([] { throw std::runtime_error("first"); }).unwrap();
  EXPECT_TRUE(named.join().is_err());
  auto unnamed = fearless::thread::spawn([] { throw 5; });
  EXPECT_TRUE(unnamed.join().is_err());
  auto fine = fearless::thread::spawn([] { return 1; });
  EXPECT_EQ(fine.join().unwrap(), 1);
  auto previous = fearless::take_panic_hook();
  EXPECT_TRUE(static_cast<bool>(previous));
  std::lock_guard lk(mu);
  EXPECT_EQ(seen, (std::vector<std::string>{"hooked|first", "<unnamed>|panic payload of type `int`"}));
}

TEST(Panic, PanickingIsTrueInsideTheHookOnly) {
  std::atomic<int> in_hook{0};
  fearless::set_panic_hook([&](const PanicInfo&) { in_hook.store(fearless::thread::panicking() ? 1 : 2); });
  auto h = fearless::thread::spawn([] { fearless::panic("boom"); });
  EXPECT_TRUE(h.join().is_err());
  EXPECT_EQ(in_hook.load(), 1);
  std::atomic<int> after{0};
  fearless::thread::spawn([&] { after.store(fearless::thread::panicking() ? 1 : 2); }).join().unwrap();
  EXPECT_EQ(after.load(), 2);
  (void)fearless::take_panic_hook();
}

TEST(Panic, DefaultHookPrintsRustStyleLine) {
  (void)fearless::take_panic_hook();
  testing::internal::CaptureStderr();
  auto h = fearless::thread::Builder().name("worker-1").spawn([] { fearless::panic("out of cheese"); }).unwrap();
  auto r = h.join();
  const std::string err = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "out of cheese");
  EXPECT_NE(err.find("thread 'worker-1' panicked: out of cheese\n"), std::string::npos) << err;
}

TEST(Panic, ThrowingHookDoesNotTakeTheThreadDown) {
  fearless::set_panic_hook([](const PanicInfo&) { throw std::runtime_error("hook failed"); });
  auto h = fearless::thread::spawn([] { throw std::runtime_error("original"); });
  auto r = h.join();
  (void)fearless::take_panic_hook();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "original");
}

// As Rust's take_hook: with no custom hook the default one is returned (and
// stays registered), so a wrapping hook can always call the previous one.
TEST(Panic, TakeHookWithoutCustomHookReturnsTheDefault) {
  (void)fearless::take_panic_hook();
  fearless::PanicHook previous = fearless::take_panic_hook();
  ASSERT_TRUE(static_cast<bool>(previous));
  testing::internal::CaptureStderr();
  auto h = fearless::thread::Builder().name("still-default").spawn([] { fearless::panic("first"); }).unwrap();
  EXPECT_TRUE(h.join().is_err());
  // Wrap the previous (default) hook, as Rust code does with take_hook + set_hook.
  std::atomic<int> wrapped{0};
  fearless::set_panic_hook([&wrapped, previous](const PanicInfo& info) {
    wrapped.fetch_add(1);
    previous(info);
  });
  auto h2 = fearless::thread::Builder().name("wrapped").spawn([] { fearless::panic("second"); }).unwrap();
  EXPECT_TRUE(h2.join().is_err());
  (void)fearless::take_panic_hook();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(wrapped.load(), 1);
  EXPECT_NE(err.find("thread 'still-default' panicked: first\n"), std::string::npos) << err;
  EXPECT_NE(err.find("thread 'wrapped' panicked: second\n"), std::string::npos) << err;
}

// ---- catch_unwind, resume_unwind, panic_any --------------------------------

TEST(CatchUnwind, OkWithWhatTheFunctionReturned) {
  auto r = fearless::catch_unwind([](int a, int b) { return a * b; }, 6, 7);
  static_assert(std::is_same_v<decltype(r), fearless::Result<int, PanicPayload>>);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(std::move(r).unwrap(), 42);

  int calls = 0;
  auto v = fearless::catch_unwind([&calls] { ++calls; });
  static_assert(std::is_same_v<decltype(v), fearless::Result<void, PanicPayload>>);
  EXPECT_TRUE(v.is_ok());
  EXPECT_EQ(calls, 1);

  // Move-only results and arguments pass through.
  auto p = fearless::catch_unwind([](std::unique_ptr<int> x) { return x; }, std::make_unique<int>(5));
  EXPECT_EQ(*std::move(p).unwrap(), 5);
}

TEST(CatchUnwind, ErrWithThePayloadOfWhateverEscaped) {
  auto e = fearless::catch_unwind([]() -> int { throw CustomException(9); });
  ASSERT_TRUE(e.is_err());
  const PanicPayload& payload = e.unwrap_err();
  EXPECT_EQ(payload.message(), "custom exception");
  ASSERT_NE(payload.downcast_ref<CustomException>(), nullptr);
  EXPECT_EQ(payload.downcast_ref<CustomException>()->value(), 9);

  auto p = fearless::catch_unwind([] { fearless::panic("boom"); });
  ASSERT_TRUE(p.is_err());
  EXPECT_EQ(p.unwrap_err().message(), "boom");
  EXPECT_TRUE(p.unwrap_err().is<Panic>());
  ASSERT_NE(p.unwrap_err().downcast_ref<std::string>(), nullptr);
  EXPECT_EQ(*p.unwrap_err().downcast_ref<std::string>(), "boom");

  auto i = fearless::catch_unwind([] { throw 17; });
  ASSERT_TRUE(i.is_err());
  EXPECT_EQ(*i.unwrap_err().downcast_ref<int>(), 17);
  EXPECT_EQ(i.unwrap_err().message(), "panic payload of type `int`");
}

TEST(CatchUnwind, NestsAndKeepsAPanicInsideTheThread) {
  std::atomic<int> hook_calls{0};
  fearless::set_panic_hook([&hook_calls](const PanicInfo&) { hook_calls.fetch_add(1); });
  auto h = fearless::thread::spawn([] {
    auto inner = fearless::catch_unwind([] { return fearless::catch_unwind([] { throw std::runtime_error("deep"); }); });
    // The outer call returned normally: its Ok holds the inner Err.
    return std::move(inner).unwrap().unwrap_err().message();
  });
  auto r = h.join();
  (void)fearless::take_panic_hook();
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(std::move(r).unwrap(), "deep");
  EXPECT_EQ(hook_calls.load(), 0);  // the hook runs only when a panic leaves a thread
}

TEST(CatchUnwind, ForcedUnwindingIsNotCaught) {
  QuietHook quiet;
  std::atomic<bool> after{false};
  auto h = fearless::thread::spawn([&after] {
    (void)fearless::catch_unwind([] { ::pthread_exit(nullptr); });
    after.store(true);  // never reached: the thread exits through catch_unwind
  });
  auto r = h.join();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(r.unwrap_err().message(), "thread exited through pthread_exit or cancellation");
  EXPECT_FALSE(after.load());
}

TEST(CatchUnwind, ResumeUnwindRethrowsTheOriginalObject) {
  auto e = fearless::catch_unwind([] { throw CustomException(3); });
  ASSERT_TRUE(e.is_err());
  const PanicPayload payload = e.unwrap_err();
  try {
    fearless::resume_unwind(payload);
  } catch (const CustomException& again) {
    EXPECT_EQ(&again, payload.downcast_ref<CustomException>());  // the very object, not a copy
    EXPECT_EQ(again.value(), 3);
    return;
  }
  ADD_FAILURE() << "resume_unwind did not rethrow";
}

TEST(CatchUnwind, PanicAnyCarriesTheValueItself) {
  auto r = fearless::catch_unwind([] { fearless::panic_any(CustomPayload{21}); });
  ASSERT_TRUE(r.is_err());
  ASSERT_NE(r.unwrap_err().downcast_ref<CustomPayload>(), nullptr);
  EXPECT_EQ(r.unwrap_err().downcast_ref<CustomPayload>()->code, 21);
  EXPECT_EQ(r.unwrap_err().downcast_ref<Panic>(), nullptr);

  QuietHook quiet;
  auto h = fearless::thread::spawn([] { fearless::panic_any(std::string("as a string")); });
  auto j = h.join();
  ASSERT_TRUE(j.is_err());
  EXPECT_EQ(j.unwrap_err().message(), "as a string");
  EXPECT_EQ(*j.unwrap_err().downcast_ref<std::string>(), "as a string");
}
