// fearless/fearless.hpp — everything: threads, Result and panics, shared state
// and channels. Include the narrower headers to keep compile times down.
#pragma once
#include "fearless/panic.hpp"
#include "fearless/result.hpp"
#include "fearless/sync.hpp"
#include "fearless/sync/mpmc.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/thread.hpp"
