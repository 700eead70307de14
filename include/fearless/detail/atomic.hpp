// Internal: the atomic type every fearless primitive keeps its shared state in.
//
// In normal builds `Atomic<T>` is exactly std::atomic<T> (zero cost). The
// interleaving-exploration test mode (FEARLESS_INTERLEAVE, see
// tests/interleave/) replaces it with a wrapper whose every operation is a
// scheduling point, so a controlled scheduler can run small scenarios under
// many distinct thread interleavings. Library code must therefore use
// detail::Atomic (not std::atomic) for state shared between threads, and block
// only through detail::futex_wait / detail::Parker.
#pragma once
#include <atomic>

#if defined(FEARLESS_INTERLEAVE)
#  include "fearless/detail/interleave_atomic.hpp"
#else
namespace fearless::detail {
template <class T>
using Atomic = std::atomic<T>;
}  // namespace fearless::detail
#endif
