// Internal: the source location of a call, captured by a defaulted argument.
// (std::source_location is unavailable with clang 14 + libstdc++ 12; these
// builtins work on both compilers.)
#pragma once

namespace fearless::detail {

struct Site {
  const char* file = "";
  unsigned line = 0;

  static constexpr Site current(const char* file = __builtin_FILE(), unsigned line = __builtin_LINE()) noexcept {
    return Site{file, line};
  }
};

}  // namespace fearless::detail
