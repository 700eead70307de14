// Fuzz target: random single-threaded operation sequences on an mpsc channel
// (channel() or sync_channel(0..8)) against a sequential model: Sender::send,
// SyncSender::send/try_send/send_timeout, Receiver::recv/try_recv/
// recv_timeout/try_iter, len/is_empty/is_full/capacity, clone and drop of
// senders, drop of the receiver. Every message destroyed exactly once.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "fearless/sync/mpsc.hpp"
#include "fuzz_input.hpp"
#include "fuzz_model.hpp"

namespace {

namespace mpsc = fearless::sync::mpsc;
using fearless_fuzz::Book;
using fearless_fuzz::check;
using fearless_fuzz::Input;

template <class M, class Tx>
void run(Input& in, std::pair<Tx, mpsc::Receiver<M>> p, std::optional<std::size_t> cap) {
  Book book;
  {
    std::deque<std::uint32_t> q;
    std::vector<std::optional<Tx>> tx;
    tx.emplace_back(std::move(p.first));
    std::optional<mpsc::Receiver<M>> rx(std::move(p.second));
    auto senders = [&] {
      std::size_t n = 0;
      for (auto& t : tx) n += t.has_value();
      return n;
    };
    auto live_tx = [&](std::size_t pick) -> Tx* {
      for (std::size_t k = 0; k < tx.size(); ++k)
        if (auto& e = tx[(pick + k) % tx.size()]) return &*e;
      return nullptr;
    };
    auto room = [&] { return !cap || q.size() < *cap; };
    auto received = [&](std::uint32_t id) {
      check(!q.empty() && q.front() == id, "FIFO order broken", q.empty() ? -1 : q.front(), id);
      q.pop_front();
    };
    auto sent = [&](auto& r, std::uint32_t id, bool expect_ok, const char* what) {
      if (expect_ok) {
        check(r.is_ok(), what);
        q.push_back(id);
      } else {
        check(r.is_err(), what);
        check(std::move(r).unwrap_err().into_inner().id() == id, "wrong value handed back");
      }
    };
    while (!in.empty()) {
      const std::uint8_t op = in.pick<std::uint8_t>();
      const std::size_t pick = in.below(8);
      switch (op % 9) {
        case 0: {  // blocking send, only when it cannot block
          Tx* t = live_tx(pick);
          if (!t || (rx && !room())) break;
          M m(&book, book.next_id++);
          const auto id = m.id();
          auto r = t->send(std::move(m));
          sent(r, id, rx.has_value(), "send");
          break;
        }
        case 1: {  // try_send / send_timeout(0) (sync_channel only)
          Tx* t = live_tx(pick);
          if constexpr (requires { t->try_send(M()); }) {
            if (!t) break;
            M m(&book, book.next_id++);
            const auto id = m.id();
            if (pick % 2) {
              auto r = t->try_send(std::move(m));
              if (rx && !room()) check(r.is_err() && r.unwrap_err().is_full(), "try_send: expected Full");
              if (!rx) check(r.is_err() && r.unwrap_err().is_disconnected(), "try_send: expected Disconnected");
              sent(r, id, rx && room(), "try_send");
            } else {
              auto r = t->send_timeout(std::move(m), std::chrono::milliseconds(0));
              if (rx && !room()) check(r.is_err() && r.unwrap_err().is_timeout(), "send_timeout: expected Timeout");
              if (!rx) check(r.is_err() && r.unwrap_err().is_disconnected(), "send_timeout: expected Disconnected");
              sent(r, id, rx && room(), "send_timeout");
            }
          }
          break;
        }
        case 2: {  // try_recv
          if (!rx) break;
          auto v = rx->try_recv();
          if (!q.empty()) {
            check(v.is_ok(), "try_recv: expected a message");
            received(v.unwrap().id());
          } else {
            check(v.is_err(), "try_recv: expected an error");
            check(v.unwrap_err().is_disconnected() == (senders() == 0), "try_recv: Empty vs Disconnected");
          }
          break;
        }
        case 3: {  // recv_timeout(0) / blocking recv when it cannot block
          if (!rx) break;
          if (pick % 2) {
            auto v = rx->recv_timeout(std::chrono::microseconds(0));
            if (!q.empty()) {
              check(v.is_ok(), "recv_timeout: expected a message");
              received(v.unwrap().id());
            } else {
              check(v.is_err() && v.unwrap_err().is_disconnected() == (senders() == 0), "recv_timeout: error kind");
            }
          } else if (!q.empty() || senders() == 0) {
            auto v = rx->recv();
            if (!q.empty()) {
              check(v.is_ok(), "recv: expected a message");
              received(v.unwrap().id());
            } else {
              check(v.is_err(), "recv: expected RecvError");
            }
          }
          break;
        }
        case 4: {  // clone a sender
          if (Tx* t = live_tx(pick); t && tx.size() < 6) tx.emplace_back(t->clone());
          break;
        }
        case 5: {  // drop a sender
          tx[pick % tx.size()].reset();
          break;
        }
        case 6: {  // drop the receiver (rarely): queued messages go at once
          if (!rx || pick != 7) break;
          rx.reset();
          for (auto id : q) check(book.destroyed[id] == 1, "message outlived the receiver", id);
          q.clear();
          break;
        }
        case 7: {  // observers
          if (!rx) break;
          check(rx->len() == q.size(), "len", static_cast<long>(rx->len()), static_cast<long>(q.size()));
          check(rx->is_empty() == q.empty(), "is_empty");
          check(rx->is_full() == (cap && q.size() == *cap), "is_full");
          check(rx->capacity() == cap, "capacity");
          if (Tx* t = live_tx(pick)) check(t->len() == q.size(), "sender len");
          break;
        }
        case 8: {  // try_iter
          if (!rx) break;
          for (auto&& m : rx->try_iter()) received(m.id());
          check(q.empty(), "try_iter left messages behind");
          break;
        }
      }
    }
  }
  for (std::uint32_t id = 0; id < book.next_id; ++id) check(book.destroyed[id] == 1, "message never destroyed", id);
  check(book.live == 0, "messages alive at the end", book.live);
}

template <class M>
void pick_flavour(Input& in) {
  const std::size_t k = in.below(10);
  if (k == 0) {
    run<M>(in, mpsc::channel<M>(), std::nullopt);
  } else {
    const std::size_t cap = k - 1;  // 0: rendezvous
    run<M>(in, mpsc::sync_channel<M>(cap), cap);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  if (in.pick<std::uint8_t>() & 1) {
    pick_flavour<fearless_fuzz::Msg<true>>(in);
  } else {
    pick_flavour<fearless_fuzz::Msg<false>>(in);
  }
  return 0;
}
