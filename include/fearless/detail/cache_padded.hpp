// Internal: keep a value alone on its cache line(s).
#pragma once
#include <cstddef>
#include <utility>

namespace fearless::detail {

// 128 bytes, not 64: Intel's spatial prefetcher pulls cache lines in pairs, so
// two hot values 64 bytes apart still falsely share (crossbeam and folly pad to
// 128 on x86_64 for the same reason).
inline constexpr std::size_t kCacheLine = 128;

template <class T>
struct alignas(kCacheLine) CachePadded {
  T value;

  CachePadded() = default;
  template <class... A>
  explicit CachePadded(A&&... a) : value(std::forward<A>(a)...) {}

  T& operator*() noexcept { return value; }
  const T& operator*() const noexcept { return value; }
  T* operator->() noexcept { return &value; }
  const T* operator->() const noexcept { return &value; }
};

}  // namespace fearless::detail
