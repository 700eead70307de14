// The right way: hold the lock (a scoped holder the analysis understands), or
// state the requirement with FEARLESS_REQUIRES so that callers are checked.
#include "fearless/sync/raw_mutex.hpp"

struct Account {
  fearless::sync::RawMutex mu;
  int balance FEARLESS_GUARDED_BY(mu) = 0;

  void deposit(int v) {
    fearless::sync::RawMutexLock hold(mu);
    add_locked(v);
  }
  void add_locked(int v) FEARLESS_REQUIRES(mu) { balance += v; }
};

int main() {
  Account a;
  a.deposit(1);
}
