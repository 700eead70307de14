// Internal: where an unbounded channel's blocks come from while its queue is
// long.
//
// A short queue recycles a handful of blocks through malloc's per-thread
// caches and never touches new memory. A queue that grows (senders ahead of
// receivers) touches new memory for every block: one page fault per 4 KiB,
// 3-10 us each on a virtual machine, which was 30-40% of the time of the
// suite's 4-sender unbounded cases (9,000 faults for 5M word-sized messages).
// Past a threshold the list carves its blocks out of 2 MiB chunks offered to
// the kernel as transparent huge pages instead: one fault per chunk.
//
// Memory still goes back as the queue drains: a chunk counts the blocks it
// has handed out and not yet had back, and is unmapped when the last one
// comes back (blocks are freed in queue order, so chunks drain in order). A
// chunk that the arena still carves from holds one more count.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/chan/waker.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/large_buffer.hpp"

#if defined(__linux__)
#  include <sys/mman.h>
#endif

namespace fearless::detail::chan {

// Test hook: chunks mapped and not yet unmapped, over every channel.
inline std::atomic<std::size_t> arena_chunks_mapped{0};

// The header at the start of a chunk.
struct ArenaChunk {
  Atomic<std::size_t> live{1};
};

// True where chunks can be mapped and offered as huge pages; elsewhere (and
// with FEARLESS_HUGE_PAGES=0) every block comes from malloc.
inline constexpr bool kBlockArenaEnabled =
#if FEARLESS_HUGE_PAGES && defined(__linux__) && defined(MADV_HUGEPAGE)
    true;
#else
    false;
#endif

template <class Block>
class BlockArena {
 public:
  static constexpr std::size_t kChunkBytes = kHugePageBytes;
  static constexpr std::size_t kFirstOffset =
      (sizeof(ArenaChunk) + alignof(Block) - 1) / alignof(Block) * alignof(Block);
  static constexpr std::size_t kBlocksPerChunk = (kChunkBytes - kFirstOffset) / sizeof(Block);
  static_assert(kBlocksPerChunk >= 16, "blocks too large for the arena's chunks");
  // A queue holding this many blocks or more takes them from the arena: half
  // a chunk, so that a queue that never grows past 1 MiB never maps one.
  static constexpr std::size_t kLongQueueBlocks = kChunkBytes / 2 / sizeof(Block);

  BlockArena() = default;
  BlockArena(const BlockArena&) = delete;
  BlockArena& operator=(const BlockArena&) = delete;
  ~BlockArena() { retire(); }

  // Memory for one Block, with the chunk it lies in stored to `chunk`; null
  // when no chunk can be mapped (the caller then falls back to malloc).
  // Takes a short lock: once per block of messages, never per message.
  void* allocate(ArenaChunk*& chunk) noexcept {
    WaitGuard g(lock_);
    if (current_ == nullptr || used_ == kBlocksPerChunk) {
      ArenaChunk* fresh = map_chunk();
      if (fresh == nullptr) return nullptr;
      if (current_ != nullptr) release(current_);
      current_ = fresh;
      used_ = 0;
      active_.store(true, std::memory_order_relaxed);  // relaxed: a hint for retire_if_active
    }
    // relaxed: the arena's own count keeps the chunk mapped here; whoever
    // releases it last synchronises through release()'s acq_rel.
    current_->live.fetch_add(1, std::memory_order_relaxed);
    chunk = current_;
    return reinterpret_cast<unsigned char*>(current_) + kFirstOffset + used_++ * sizeof(Block);
  }

  // Whether the arena is carving (a hint: it may change at once).
  bool active() const noexcept {
    return active_.load(std::memory_order_relaxed);  // relaxed: a hint, as for retire_if_active
  }

  // The queue is short again: stop carving, so the current chunk is unmapped
  // once its blocks come back. One relaxed load when there is nothing to do.
  void retire_if_active() noexcept {
    // relaxed: a hint; retire() rechecks under the lock.
    if (FEARLESS_UNLIKELY(active_.load(std::memory_order_relaxed))) retire();
  }

  // Gives back one count of `chunk` (a block freed, or the arena letting go).
  static void release(ArenaChunk* chunk) noexcept {
    // acq_rel: every earlier holder's use of its block happens before the
    // unmap done by whoever gives back the last count.
    if (chunk->live.fetch_sub(1, std::memory_order_acq_rel) == 1) unmap_chunk(chunk);
  }

 private:
  void retire() noexcept {
    WaitGuard g(lock_);
    if (current_ != nullptr) release(current_);
    current_ = nullptr;
    active_.store(false, std::memory_order_relaxed);  // relaxed: a hint, as above
  }

  static ArenaChunk* map_chunk() noexcept {
    if constexpr (!kBlockArenaEnabled) {
      return nullptr;
    } else {
      // Twice the size, then the unaligned ends are given back: the chunk
      // must start on a 2 MiB boundary to be backed by one huge page.
      void* p = ::mmap(nullptr, 2 * kChunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) return nullptr;
      const auto base = reinterpret_cast<std::uintptr_t>(p);
      const std::uintptr_t start = (base + kChunkBytes - 1) & ~static_cast<std::uintptr_t>(kChunkBytes - 1);
      const std::size_t front = start - base;
      if (front != 0) ::munmap(p, front);
      ::munmap(reinterpret_cast<void*>(start + kChunkBytes), kChunkBytes - front);
      // Advice only: refused, the chunk is still usable in small pages.
      (void)::madvise(reinterpret_cast<void*>(start), kChunkBytes, MADV_HUGEPAGE);
      arena_chunks_mapped.fetch_add(1, std::memory_order_relaxed);  // relaxed: a statistic for tests
      return new (reinterpret_cast<void*>(start)) ArenaChunk{};
    }
  }
  static void unmap_chunk(ArenaChunk* chunk) noexcept {
    if constexpr (kBlockArenaEnabled) {
      chunk->~ArenaChunk();
      ::munmap(chunk, kChunkBytes);
      arena_chunks_mapped.fetch_sub(1, std::memory_order_relaxed);  // relaxed: as in map_chunk()
    }
  }

  WaitLock lock_;
  ArenaChunk* current_ FEARLESS_GUARDED_BY(lock_) = nullptr;
  std::size_t used_ FEARLESS_GUARDED_BY(lock_) = 0;
  Atomic<bool> active_{false};
};

}  // namespace fearless::detail::chan
