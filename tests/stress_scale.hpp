// FEARLESS_STRESS_SCALE: how much work the stress and random-exploration
// tests do. The sanitizer presets set it below 1 (each step costs several
// times more there); a long soak run can set it above 1.
#pragma once
#include <cstddef>
#include <cstdlib>

namespace sync_test {

// The factor from FEARLESS_STRESS_SCALE: 1.0 when unset, not a number, or
// not positive.
inline double stress_scale() {
  const char* e = std::getenv("FEARLESS_STRESS_SCALE");
  if (e == nullptr) return 1.0;
  char* end = nullptr;
  const double v = std::strtod(e, &end);
  return end != e && v > 0 ? v : 1.0;
}

// n scaled by FEARLESS_STRESS_SCALE, at least `floor`.
inline std::size_t scaled(std::size_t n, std::size_t floor = 1) {
  const auto v = static_cast<std::size_t>(static_cast<double>(n) * stress_scale());
  return v < floor ? floor : v;
}

}  // namespace sync_test
