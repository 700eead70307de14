// fearless/fearless.hpp — everything: threads, Result and panics, shared state
// and channels, Rc, the Send/Sync markers and the lock-order checker's hooks.
// Include the narrower headers to keep compile times down.
#pragma once
#include "fearless/lock_order.hpp"
#include "fearless/marker.hpp"
#include "fearless/panic.hpp"
#include "fearless/rc.hpp"
#include "fearless/result.hpp"
#include "fearless/sync.hpp"
#include "fearless/sync/mpmc.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/thread.hpp"
