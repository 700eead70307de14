// Internal: the lock-order checker behind detail/lock_order.hpp's hooks,
// compiled in only with FEARLESS_LOCK_ORDER=1 (see fearless/lock_order.hpp).
//
// Model (the kernel's lockdep, reduced to what a library can see):
//  * a global directed graph over live locks: an edge H -> L means some thread
//    blocked to acquire L while holding H; each edge keeps both sites and the
//    thread's name from the first time it was seen;
//  * a per-thread stack of held locks (fixed size: no allocation, usable while
//    thread-locals are being destroyed);
//  * before a blocking acquisition of L, for every held H without an edge
//    H -> L: if L already reaches H, adding H -> L would close a cycle — a
//    potential deadlock, reported once per (H, L) pair, edge not added (the
//    graph stays acyclic); otherwise the edge is added.
//  * try_lock acquisitions cannot block, so they add no edge (the usual cure
//    for an inversion — try the second lock, back off on failure — is quiet),
//    but a lock taken with try_lock is held, so later blocking acquisitions
//    order after it;
//  * a destroyed lock leaves the graph (its address may be reused);
//  * a Condvar wait releases its mutex (on_unlock) and reacquires it through
//    before_lock/on_locked, so waiting while holding another lock is checked.
// Recursive acquisition of a lock already held by the same thread is not
// reported here (a read lock may legitimately be taken twice).
//
// The checker's own state is protected by a std::mutex: it is a debugging
// tool, outside the primitives' futex/Parker discipline.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "fearless/detail/site.hpp"
#include "fearless/detail/thread_inner.hpp"
#include "fearless/lock_order.hpp"

namespace fearless::detail::lock_order {
// A different namespace from the no-op hooks, so that checked and unchecked
// definitions never share a symbol.
inline namespace checked {

struct EdgeInfo {
  Site held_site;
  Site acquired_site;
  std::string thread;
};

struct PairHash {
  std::size_t operator()(const std::pair<const void*, const void*>& p) const noexcept {
    const auto a = reinterpret_cast<std::uintptr_t>(p.first);
    const auto b = reinterpret_cast<std::uintptr_t>(p.second);
    return std::hash<std::uintptr_t>()(a * 0x9E3779B97F4A7C15ull ^ b);
  }
};

struct Node {
  std::unordered_map<const void*, EdgeInfo> out;  // H -> L edges, keyed by L
  std::unordered_set<const void*> in;             // locks with an edge to this one
};

struct Graph {
  std::mutex m;
  std::unordered_map<const void*, Node> nodes;
  std::unordered_set<std::pair<const void*, const void*>, PairHash> reported;
  // Locks known to the graph (read without the mutex to skip on_destroy's
  // locking for locks that never took part in an ordering).
  std::atomic<std::size_t> size{0};
};

inline Graph& graph() {
  static Graph* g = new Graph();  // never destroyed: locks may die during exit
  return *g;
}

struct Held {
  const void* lock;
  Site site;
};

// Trivially destructible, so hooks stay safe in other thread-locals' destructors.
struct HeldStack {
  static constexpr std::size_t kMax = 64;
  Held items[kMax];
  std::size_t n;       // entries in items
  std::size_t excess;  // acquisitions beyond kMax, not tracked
};
inline thread_local HeldStack held_stack{};

inline std::string thread_label() {
  const ThreadInner* t = current_inner();
  if (t->name) return *t->name;
  return "<unnamed #" + std::to_string(t->id) + ">";
}

// Depth-first search for a path from -> ... -> to; fills `path` (edges, in
// order) when found. Called with the graph mutex held.
inline bool find_path(Graph& g, const void* from, const void* to, std::vector<std::pair<const void*, const void*>>& path,
                      std::unordered_set<const void*>& seen) {
  if (from == to) return true;
  if (!seen.insert(from).second) return false;
  auto it = g.nodes.find(from);
  if (it == g.nodes.end()) return false;
  for (const auto& [next, info] : it->second.out) {
    (void)info;
    path.emplace_back(from, next);
    if (find_path(g, next, to, path, seen)) return true;
    path.pop_back();
  }
  return false;
}

inline ::fearless::lock_order::Edge make_edge(const void* held, const void* acquired, const EdgeInfo& e) {
  ::fearless::lock_order::Edge out;
  out.held = held;
  out.held_file = e.held_site.file;
  out.held_line = e.held_site.line;
  out.acquired = acquired;
  out.acquired_file = e.acquired_site.file;
  out.acquired_line = e.acquired_site.line;
  out.thread = e.thread;
  return out;
}

inline void before_lock(const void* lock, Site site) noexcept {
  HeldStack& hs = held_stack;
  if (hs.n == 0) return;  // nothing held: no ordering to record
  std::vector<::fearless::lock_order::Report> reports;
  try {
    std::string me;
    Graph& g = graph();
    std::lock_guard<std::mutex> guard(g.m);
    for (std::size_t i = 0; i < hs.n; ++i) {
      const Held& h = hs.items[i];
      if (h.lock == lock) continue;
      Node& from = g.nodes[h.lock];
      if (from.out.count(lock)) continue;  // known order
      std::vector<std::pair<const void*, const void*>> path;
      std::unordered_set<const void*> seen;
      if (me.empty()) me = thread_label();
      if (find_path(g, lock, h.lock, path, seen)) {
        if (!g.reported.insert({h.lock, lock}).second) continue;
        ::fearless::lock_order::Report r;
        r.cycle.push_back(make_edge(h.lock, lock, EdgeInfo{h.site, site, me}));
        for (const auto& [a, b] : path) r.cycle.push_back(make_edge(a, b, g.nodes[a].out.at(b)));
        reports.push_back(std::move(r));
        continue;
      }
      // Re-fetch: g.nodes[lock] below may rehash and move `from`.
      g.nodes[lock].in.insert(h.lock);
      g.nodes[h.lock].out.emplace(lock, EdgeInfo{h.site, site, me});
    }
    g.size.store(g.nodes.size(), std::memory_order_relaxed);  // relaxed: a hint; readers re-check under g.m
  } catch (...) {
    // Out of memory while bookkeeping: lose this observation, never the lock.
  }
  // Outside the graph mutex: the handler may take fearless locks itself.
  for (const auto& r : reports) ::fearless::lock_order::report(r);
}

inline void on_locked(const void* lock, Site site) noexcept {
  HeldStack& hs = held_stack;
  if (hs.n < HeldStack::kMax) {
    hs.items[hs.n++] = Held{lock, site};
  } else {
    ++hs.excess;
  }
}

inline void on_unlock(const void* lock) noexcept {
  HeldStack& hs = held_stack;
  // Most recent acquisition first: locks may be released in any order.
  for (std::size_t i = hs.n; i-- > 0;) {
    if (hs.items[i].lock == lock) {
      for (std::size_t j = i; j + 1 < hs.n; ++j) hs.items[j] = hs.items[j + 1];
      --hs.n;
      return;
    }
  }
  if (hs.excess > 0) --hs.excess;
}

inline void on_destroy(const void* lock) noexcept {
  // A lock destroyed while this thread holds it (a bug elsewhere, or a
  // guard leaked) must not leave a stale entry behind.
  HeldStack& hs = held_stack;
  for (std::size_t i = hs.n; i-- > 0;) {
    if (hs.items[i].lock == lock) {
      for (std::size_t j = i; j + 1 < hs.n; ++j) hs.items[j] = hs.items[j + 1];
      --hs.n;
    }
  }
  Graph& g = graph();
  // relaxed: a lock in the graph was added (under g.m) before its first
  // acquisition, which happens before its destruction; later stores, all made
  // under g.m, count it until it is removed here.
  if (g.size.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard<std::mutex> guard(g.m);
  auto it = g.nodes.find(lock);
  if (it == g.nodes.end()) return;
  for (const void* src : it->second.in) {
    auto s = g.nodes.find(src);
    if (s != g.nodes.end()) s->second.out.erase(lock);
  }
  for (const auto& [dst, info] : it->second.out) {
    (void)info;
    auto d = g.nodes.find(dst);
    if (d != g.nodes.end()) d->second.in.erase(lock);
  }
  g.nodes.erase(it);
  for (auto r = g.reported.begin(); r != g.reported.end();) {
    if (r->first == lock || r->second == lock) r = g.reported.erase(r);
    else ++r;
  }
  g.size.store(g.nodes.size(), std::memory_order_relaxed);  // relaxed: a hint, as above
}

}  // namespace checked
}  // namespace fearless::detail::lock_order
