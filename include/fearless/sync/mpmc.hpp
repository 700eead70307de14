// fearless/sync/mpmc.hpp — multi-producer multi-consumer channels, select and
// timers: Rust's std::sync::mpmc plus what crossbeam-channel adds.
//
//   auto [tx, rx] = fearless::sync::mpmc::bounded<int>(8);   // or unbounded<T>(), bounded<T>(0)
//   auto rx2 = rx.clone();
//   tx.send(1).unwrap();
//
// See docs/channels.md for semantics and the differences from Rust.
#pragma once
#include "fearless/sync/mpmc/channel.hpp"
#include "fearless/sync/mpmc/error.hpp"
#include "fearless/sync/mpmc/select.hpp"
#include "fearless/sync/mpmc/timer.hpp"
