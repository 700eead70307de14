// fearless/thread.hpp — Rust's std::thread: spawn, join, Builder, scope,
// current, park/unpark, sleep, yield_now, available_parallelism.
#pragma once
#include "fearless/thread/thread.hpp"
#include "fearless/thread/spawn.hpp"
#include "fearless/thread/scope.hpp"
