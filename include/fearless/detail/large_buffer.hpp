// Internal: memory for large buffers that live as long as their owner (a
// bounded channel's ring).
//
// A ring of millions of slots is written once, slot by slot, when it is
// built, and every 4 KiB page of it costs a page fault: on a virtual machine
// that is 3-10 us each (a 5M-slot ring of 16-byte slots is 19,500 faults,
// 0.06-0.2 s, more than the messages themselves). Buffers of 2 MiB and more
// therefore start on a 2 MiB boundary and their whole 2 MiB pages are offered
// to the kernel as transparent huge pages: one fault per 2 MiB (measured on
// that ring: 0.19 s to 0.007-0.02 s), and fewer TLB misses afterwards. The
// partial 2 MiB at the end stays in small pages, so no memory is spent that
// the buffer does not use. Where transparent huge pages are off ("never")
// the advice is ignored and nothing changes; with -DFEARLESS_HUGE_PAGES=0 it
// is never given.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#if defined(__linux__)
#  include <sys/mman.h>
#endif

#ifndef FEARLESS_HUGE_PAGES
#  define FEARLESS_HUGE_PAGES 1
#endif

namespace fearless::detail {

inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

// `bytes` aligned to `align` (a power of two, at most kHugePageBytes), or
// null when the memory cannot be had. Release with free_large_buffer.
inline void* allocate_large_buffer(std::size_t bytes, std::size_t align) noexcept {
#if FEARLESS_HUGE_PAGES && defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= kHugePageBytes && bytes <= SIZE_MAX - kHugePageBytes) {
    // aligned_alloc wants a multiple of the alignment; the pages past
    // `bytes` are never touched, so they cost address space only.
    const std::size_t rounded = (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
    void* mem = std::aligned_alloc(kHugePageBytes, rounded);
    if (mem == nullptr) return nullptr;
    // Advice only: refused (old kernel, a sandbox) it changes nothing.
    (void)::madvise(mem, bytes & ~(kHugePageBytes - 1), MADV_HUGEPAGE);
    return mem;
  }
#endif
  if (align <= alignof(std::max_align_t)) return std::malloc(bytes);
  return std::aligned_alloc(align, (bytes + align - 1) / align * align);
}

inline void free_large_buffer(void* p) noexcept { std::free(p); }

}  // namespace fearless::detail
