// Internal: memory for a bounded channel's ring, taken in huge pages when the
// ring is large.
//
// A ring of millions of slots is written in full when it is made (every
// slot's stamp), so each of its 4 KiB pages faults once: 20,000 faults for
// 5M word-sized messages, about half the time of a sequential send+receive
// of all of them on this machine's 2-vCPU VM. Mapped on 2 MiB boundaries and
// marked MADV_HUGEPAGE, the same ring faults 40 times. Rings under
// kHugeRingBytes come from malloc as before: for them a huge page would
// waste memory, not save faults.
//
// madvise is advice: where transparent huge pages are off ("never"), or the
// kernel has none free, the ring is in ordinary pages and works the same.
#pragma once
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace fearless::detail {

inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;
inline constexpr std::size_t kHugeRingBytes = std::size_t{4} << 20;

// `bytes` of memory aligned to `align`, or nullptr if there is none. Release
// with free_ring(p, bytes, align).
inline void* alloc_ring(std::size_t bytes, std::size_t align) noexcept {
  if (bytes < kHugeRingBytes || align > kHugePageBytes) {
    if (align <= alignof(std::max_align_t)) return std::malloc(bytes);
    return std::aligned_alloc(align, (bytes + align - 1) / align * align);
  }
  if (bytes > SIZE_MAX - 2 * kHugePageBytes) return nullptr;
  const std::size_t len = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  // Over-map by one huge page, then trim both ends to a 2 MiB-aligned span.
  const std::size_t span = len + kHugePageBytes;
  void* raw = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto base = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t start = (base + kHugePageBytes - 1) & ~(std::uintptr_t{kHugePageBytes} - 1);
  if (start > base) ::munmap(raw, start - base);
  const std::uintptr_t end = base + span;
  if (end > start + len) ::munmap(reinterpret_cast<void*>(start + len), end - (start + len));
  (void)::madvise(reinterpret_cast<void*>(start), len, MADV_HUGEPAGE);  // advice only
  return reinterpret_cast<void*>(start);
}

// Releases memory from alloc_ring with the same `bytes` and `align`.
inline void free_ring(void* p, std::size_t bytes, std::size_t align) noexcept {
  if (p == nullptr) return;
  if (bytes < kHugeRingBytes || align > kHugePageBytes) {
    std::free(p);
    return;
  }
  ::munmap(p, (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes);
}

}  // namespace fearless::detail
