// Clang's thread-safety analysis over fearless's annotated lock: data declared
// FEARLESS_GUARDED_BY a fearless lock, touched without holding it.
// compiler: clang
// flags: -Wthread-safety
// expect-clang: writing variable 'balance' requires holding mutex 'mu' exclusively
// expect-clang: -Werror,-Wthread-safety-analysis
#include "fearless/sync/raw_mutex.hpp"

struct Account {
  fearless::sync::RawMutex mu;
  int balance FEARLESS_GUARDED_BY(mu) = 0;

  void deposit(int v) { balance += v; }
};

int main() {
  Account a;
  a.deposit(1);
}
