// Fuzz target: the timeout conversions every timed operation goes through
// (detail::saturating_ns, deadline_after, to_deadline) against an exact model
// in 128-bit arithmetic. Any duration or time point of any representation
// must clamp (negative/NaN: zero; huge/inf: forever), never overflow (UBSan).
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <ratio>

#include "fearless/detail/time.hpp"
#include "fuzz_input.hpp"

namespace {

using fearless::detail::Clock;
using fearless::detail::kNoDeadline;
using fearless_fuzz::Input;
__extension__ typedef __int128 i128;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_time: %s\n", what);
  std::abort();
}

// Exact nanoseconds of c * Num/Den seconds, truncated toward zero, clamped.
template <std::intmax_t Num, std::intmax_t Den>
i128 exact_ns(i128 c) {
  i128 v = c * Num * 1'000'000'000 / Den;
  if (v < 0) v = 0;
  if (v > kMax) v = kMax;
  return v;
}

template <class Rep, std::intmax_t Num, std::intmax_t Den>
void check_integral(Rep c) {
  using D = std::chrono::duration<Rep, std::ratio<Num, Den>>;
  const auto got = fearless::detail::saturating_ns(D(c)).count();
  const i128 want = exact_ns<Num, Den>(static_cast<i128>(c));
  i128 diff = static_cast<i128>(got) - want;
  if (diff < 0) diff = -diff;
  // long double decides the clamp; allow its rounding near 2^63 only.
  if (diff > 1 + want / (static_cast<i128>(1) << 52)) fail("saturating_ns: integral value differs from exact");
  const auto dl = fearless::detail::deadline_after(D(c));
  if (want == kMax && dl != kNoDeadline && got == kMax) fail("deadline_after: max timeout must be forever");
  if (want == 0 && dl == kNoDeadline) fail("deadline_after: zero timeout is not forever");
}

template <class Rep, std::intmax_t Num, std::intmax_t Den>
void check_floating(Rep c) {
  using D = std::chrono::duration<Rep, std::ratio<Num, Den>>;
  const auto got = fearless::detail::saturating_ns(D(c)).count();
  const long double exact = static_cast<long double>(c) * Num * 1e9L / Den;
  if (std::isnan(c) || exact <= 0) {
    if (got != 0) fail("saturating_ns: NaN/negative must be zero");
    return;
  }
  if (exact >= static_cast<long double>(kMax)) {
    if (got != kMax) fail("saturating_ns: huge must saturate");
    return;
  }
  const long double err = std::fabs(static_cast<long double>(got) - exact);
  if (err > 1.0L + exact * 1e-15L) fail("saturating_ns: floating value differs");
  (void)fearless::detail::deadline_after(D(c));
}

template <std::intmax_t Num, std::intmax_t Den>
void check_all(Input& in) {
  check_integral<std::int64_t, Num, Den>(in.pick<std::int64_t>());
  check_integral<std::int32_t, Num, Den>(in.pick<std::int32_t>());
  check_integral<std::uint64_t, Num, Den>(in.pick<std::uint64_t>() >> in.pick<std::uint8_t>() % 64);
  double d = 0;
  float f = 0;
  const std::uint64_t bits = in.pick<std::uint64_t>();
  std::memcpy(&d, &bits, sizeof d);
  const std::uint32_t fb = in.pick<std::uint32_t>();
  std::memcpy(&f, &fb, sizeof f);
  check_floating<double, Num, Den>(d);
  check_floating<float, Num, Den>(f);
}

void check_deadlines(Input& in) {
  using namespace std::chrono;
  // Steady-clock points anywhere in the representable range.
  const auto sc = steady_clock::time_point(steady_clock::duration(in.pick<std::int64_t>()));
  const auto before = Clock::now();
  const auto d1 = fearless::detail::to_deadline(sc);
  if (sc == steady_clock::time_point::max() && d1 != kNoDeadline) fail("to_deadline: max is forever");
  if (sc >= before && d1 != kNoDeadline && d1 != sc) fail("to_deadline: future steady point changed");
  // System-clock points in any unit.
  const auto sys = system_clock::time_point(system_clock::duration(in.pick<std::int64_t>()));
  const auto d2 = fearless::detail::to_deadline(sys);
  if (sys == system_clock::time_point::max() && d2 != kNoDeadline) fail("to_deadline: system max is forever");
  if (sys <= system_clock::now() && d2 > Clock::now()) fail("to_deadline: past point lies in the future");
  const auto hrs = time_point<system_clock, hours>(hours(in.pick<std::int32_t>()));
  (void)fearless::detail::to_deadline(hrs);
  const auto fsec = time_point<system_clock, duration<double>>(duration<double>(in.pick<std::int32_t>() * 1e9));
  (void)fearless::detail::to_deadline(fsec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  while (!in.empty()) {
    switch (in.pick<std::uint8_t>() % 8) {
      case 0: check_all<1, 1000000000>(in); break;
      case 1: check_all<1, 1000>(in); break;
      case 2: check_all<1, 1>(in); break;
      case 3: check_all<3600, 1>(in); break;
      case 4: check_all<1, 3>(in); break;
      case 5: check_all<86400 * 365, 1>(in); break;
      case 6: check_all<7, 1000000>(in); break;
      default: check_deadlines(in); break;
    }
  }
  return 0;
}
