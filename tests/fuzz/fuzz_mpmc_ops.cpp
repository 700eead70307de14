// Fuzz target: random single-threaded operation sequences on two mpmc
// channels (each unbounded, bounded(1..8) or rendezvous, chosen by the input)
// checked step by step against a sequential model: every send/try/timeout
// result, every received value and its order, len/is_empty/is_full/capacity,
// clone/drop of either endpoint (disconnection, messages destroyed when the
// last receiver goes), try_iter, and Select::try_select over both channels
// (only a ready operation may be chosen; none ready means an error). Every
// message must be destroyed exactly once.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "fearless/sync/mpmc.hpp"
#include "fuzz_input.hpp"
#include "fuzz_model.hpp"

namespace {

namespace mpmc = fearless::sync::mpmc;
using fearless_fuzz::Book;
using fearless_fuzz::check;
using fearless_fuzz::Input;

template <class M>
struct Chan {
  std::optional<std::size_t> cap;  // nullopt: unbounded
  std::deque<std::uint32_t> q;     // the model
  std::vector<std::optional<mpmc::Sender<M>>> tx;
  std::vector<std::optional<mpmc::Receiver<M>>> rx;

  explicit Chan(Input& in) {
    const std::size_t kind = in.below(3);
    std::pair<mpmc::Sender<M>, mpmc::Receiver<M>> p =
        kind == 0 ? mpmc::unbounded<M>() : mpmc::bounded<M>(kind == 1 ? 0 : 1 + in.below(8));
    if (kind == 1) cap = 0;
    if (kind == 2) cap = p.first.capacity();
    tx.emplace_back(std::move(p.first));
    rx.emplace_back(std::move(p.second));
  }
  std::size_t senders() const {
    std::size_t n = 0;
    for (auto& t : tx) n += t.has_value();
    return n;
  }
  std::size_t receivers() const {
    std::size_t n = 0;
    for (auto& r : rx) n += r.has_value();
    return n;
  }
  template <class V>
  static V* live(std::vector<std::optional<V>>& v, std::size_t pick) {
    for (std::size_t k = 0; k < v.size(); ++k) {
      auto& e = v[(pick + k) % v.size()];
      if (e) return &*e;
    }
    return nullptr;
  }
  bool room() const { return !cap || q.size() < *cap; }  // rendezvous: cap 0 never has room
  bool send_ready() const { return receivers() == 0 || room(); }
  bool recv_ready() const { return !q.empty() || senders() == 0; }
  void received(std::uint32_t id) {
    check(!q.empty(), "received from an empty channel", id);
    check(q.front() == id, "FIFO order broken", q.front(), id);
    q.pop_front();
  }
};

template <class M>
void run(Input& in) {
  Book book;
  {
    Chan<M> ch[2] = {Chan<M>(in), Chan<M>(in)};
    auto fresh = [&] { return M(&book, book.next_id++); };
    while (!in.empty()) {
      const std::uint8_t op = in.pick<std::uint8_t>();
      Chan<M>& c = ch[op & 1];
      const std::size_t pick = in.below(8);
      switch ((op >> 1) % 12) {
        case 0: {  // try_send
          auto* t = c.live(c.tx, pick);
          if (!t) break;
          M m = fresh();
          const auto id = m.id();
          auto r = t->try_send(std::move(m));
          if (c.receivers() == 0) {
            check(r.is_err() && r.unwrap_err().is_disconnected(), "try_send: expected Disconnected");
          } else if (!c.room()) {
            check(r.is_err() && r.unwrap_err().is_full(), "try_send: expected Full");
          } else {
            check(r.is_ok(), "try_send: expected Ok");
            c.q.push_back(id);
          }
          if (r.is_err()) check(std::move(r).unwrap_err().into_inner().id() == id, "try_send: wrong value back");
          break;
        }
        case 1: {  // send_timeout(0) or a past deadline
          auto* t = c.live(c.tx, pick);
          if (!t) break;
          M m = fresh();
          const auto id = m.id();
          auto r = pick % 2 ? t->send_timeout(std::move(m), std::chrono::nanoseconds(-5))
                            : t->send_deadline(std::move(m), std::chrono::steady_clock::now());
          if (c.receivers() == 0) {
            check(r.is_err() && r.unwrap_err().is_disconnected(), "send_timeout: expected Disconnected");
          } else if (!c.room()) {
            check(r.is_err() && r.unwrap_err().is_timeout(), "send_timeout: expected Timeout");
          } else {
            check(r.is_ok(), "send_timeout: expected Ok");
            c.q.push_back(id);
          }
          if (r.is_err()) check(std::move(r).unwrap_err().into_inner().id() == id, "send_timeout: wrong value back");
          break;
        }
        case 2: {  // blocking send, only when it cannot block
          auto* t = c.live(c.tx, pick);
          if (!t || !c.send_ready()) break;
          M m = fresh();
          const auto id = m.id();
          auto r = t->send(std::move(m));
          if (c.receivers() == 0) {
            check(r.is_err(), "send: expected SendError");
            check(std::move(r).unwrap_err().into_inner().id() == id, "send: wrong value back");
          } else {
            check(r.is_ok(), "send: expected Ok");
            c.q.push_back(id);
          }
          break;
        }
        case 3: {  // try_recv / recv_timeout(0)
          auto* r = c.live(c.rx, pick);
          if (!r) break;
          if (pick % 2) {
            auto v = r->try_recv();
            if (!c.q.empty()) {
              check(v.is_ok(), "try_recv: expected a message");
              c.received(v.unwrap().id());
            } else if (c.senders() == 0) {
              check(v.is_err() && v.unwrap_err().is_disconnected(), "try_recv: expected Disconnected");
            } else {
              check(v.is_err() && v.unwrap_err().is_empty(), "try_recv: expected Empty");
            }
          } else {
            auto v = r->recv_timeout(std::chrono::seconds(0));
            if (!c.q.empty()) {
              check(v.is_ok(), "recv_timeout: expected a message");
              c.received(v.unwrap().id());
            } else if (c.senders() == 0) {
              check(v.is_err() && v.unwrap_err().is_disconnected(), "recv_timeout: expected Disconnected");
            } else {
              check(v.is_err() && v.unwrap_err().is_timeout(), "recv_timeout: expected Timeout");
            }
          }
          break;
        }
        case 4: {  // blocking recv, only when it cannot block
          auto* r = c.live(c.rx, pick);
          if (!r || !c.recv_ready()) break;
          auto v = r->recv();
          if (!c.q.empty()) {
            check(v.is_ok(), "recv: expected a message");
            c.received(v.unwrap().id());
          } else {
            check(v.is_err(), "recv: expected RecvError");
          }
          break;
        }
        case 5: {  // clone a sender
          auto* t = c.live(c.tx, pick);
          if (t && c.tx.size() < 6) c.tx.emplace_back(t->clone());
          break;
        }
        case 6: {  // drop a sender
          if (c.tx.empty()) break;
          c.tx[pick % c.tx.size()].reset();
          break;
        }
        case 7: {  // clone a receiver
          auto* r = c.live(c.rx, pick);
          if (r && c.rx.size() < 6) c.rx.emplace_back(r->clone());
          break;
        }
        case 8: {  // drop a receiver: the last one destroys the queued messages
          if (c.rx.empty()) break;
          auto& slot = c.rx[pick % c.rx.size()];
          if (!slot) break;
          slot.reset();
          if (c.receivers() == 0) {
            for (auto id : c.q) check(book.destroyed[id] == 1, "message outlived the last receiver", id);
            c.q.clear();
          }
          break;
        }
        case 9: {  // observers
          std::size_t len = 0;
          bool empty = false, full = false;
          std::optional<std::size_t> capacity;
          if (auto* t = c.live(c.tx, pick)) {
            len = t->len(), empty = t->is_empty(), full = t->is_full(), capacity = t->capacity();
          } else if (auto* r = c.live(c.rx, pick)) {
            len = r->len(), empty = r->is_empty(), full = r->is_full(), capacity = r->capacity();
          } else {
            break;
          }
          check(len == c.q.size(), "len", static_cast<long>(len), static_cast<long>(c.q.size()));
          check(empty == c.q.empty(), "is_empty");
          check(full == (c.cap && c.q.size() == *c.cap), "is_full");
          check(capacity == c.cap, "capacity");
          break;
        }
        case 10: {  // try_iter drains what is there
          auto* r = c.live(c.rx, pick);
          if (!r) break;
          for (auto&& m : r->try_iter()) c.received(m.id());
          check(c.q.empty(), "try_iter left messages behind");
          break;
        }
        case 11: {  // Select::try_select over operations of both channels
          mpmc::Select sel;
          struct Op {
            int chan;
            bool send;
            std::size_t index;
          };
          std::vector<Op> ops;
          for (int k = 0; k < 2; ++k) {
            if (auto* r = ch[k].live(ch[k].rx, pick)) ops.push_back({k, false, sel.recv(*r)});
            if ((pick >> k) & 1)
              if (auto* t = ch[k].live(ch[k].tx, pick)) ops.push_back({k, true, sel.send(*t)});
          }
          if (ops.empty()) break;
          bool any_ready = false;
          for (auto& o : ops) any_ready |= o.send ? ch[o.chan].send_ready() : ch[o.chan].recv_ready();
          auto res = sel.try_select();
          if (!any_ready) {
            check(res.is_err(), "try_select chose an operation that cannot proceed");
            break;
          }
          check(res.is_ok(), "try_select found nothing although an operation was ready");
          auto oper = std::move(res).unwrap();
          const Op* chosen = nullptr;
          for (auto& o : ops)
            if (o.index == oper.index()) chosen = &o;
          check(chosen != nullptr, "try_select returned an unknown index");
          Chan<M>& cc = ch[chosen->chan];
          if (chosen->send) {
            check(cc.send_ready(), "selected send was not ready");
            M m = fresh();
            const auto id = m.id();
            auto r = oper.send(*cc.live(cc.tx, pick), std::move(m));
            if (cc.receivers() == 0) {
              check(r.is_err(), "selected send on a disconnected channel succeeded");
            } else {
              check(r.is_ok(), "selected send failed");
              cc.q.push_back(id);
            }
          } else {
            check(cc.recv_ready(), "selected recv was not ready");
            auto v = oper.recv(*cc.live(cc.rx, pick));
            if (!cc.q.empty()) {
              check(v.is_ok(), "selected recv failed");
              cc.received(v.unwrap().id());
            } else {
              check(v.is_err(), "selected recv on a disconnected empty channel succeeded");
            }
          }
          break;
        }
      }
    }
  }
  for (std::uint32_t id = 0; id < book.next_id; ++id) check(book.destroyed[id] == 1, "message never destroyed", id);
  check(book.live == 0, "messages alive at the end", book.live);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  if (in.pick<std::uint8_t>() & 1) {
    run<fearless_fuzz::Msg<true>>(in);
  } else {
    run<fearless_fuzz::Msg<false>>(in);  // stored boxed
  }
  return 0;
}
