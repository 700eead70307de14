// fearless/sync.hpp — shared-state concurrency (Rust's std::sync, less the
// channels): Mutex, RwLock, Condvar, their non-poisoning twins, Arc/Weak,
// Barrier, Once, OnceLock, LazyLock. See docs/shared_state.md.
#pragma once
#include "fearless/sync/arc.hpp"
#include "fearless/sync/barrier.hpp"
#include "fearless/sync/condvar.hpp"
#include "fearless/sync/lazy_lock.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/sync/nonpoison.hpp"
#include "fearless/sync/once.hpp"
#include "fearless/sync/once_lock.hpp"
#include "fearless/sync/poison.hpp"
#include "fearless/sync/raw_mutex.hpp"
#include "fearless/sync/rwlock.hpp"
#include "fearless/sync/wait_timeout_result.hpp"
