//! Side-by-side harness for the Rust peers (std::sync::mpsc, crossbeam-channel,
//! flume, std::sync::Mutex/RwLock, parking_lot, std::sync::Arc, std::thread).
//!
//! Usage: rust_peers_bench <impl> <case> <flavor> <threads> <n>
//! Runs one measurement and prints `OK <seconds>`, or `NA <reason>` for a cell
//! the implementation cannot express. Every run checks what was received (the
//! sum of all messages, the final counter) and exits non-zero on a mismatch, so
//! a broken run never posts a time.
use std::hint::black_box;
use std::sync::Arc;
use std::thread;
use std::time::Instant;

#[derive(Clone, Copy, PartialEq)]
enum Flavor {
    Unbounded,
    Bounded1,
    BoundedN,
    Rendezvous,
}

fn parse_flavor(s: &str) -> Flavor {
    match s {
        "unbounded" => Flavor::Unbounded,
        "bounded1" => Flavor::Bounded1,
        "boundedN" => Flavor::BoundedN,
        "rendezvous" => Flavor::Rendezvous,
        _ => Flavor::Unbounded,
    }
}

fn cap_of(f: Flavor, n: usize) -> Option<usize> {
    match f {
        Flavor::Unbounded => None,
        Flavor::Bounded1 => Some(1),
        Flavor::BoundedN => Some(n),
        Flavor::Rendezvous => Some(0),
    }
}

/// Sum of 1..=m, the checksum one producer contributes.
fn tri(m: usize) -> u64 {
    (m as u64) * (m as u64 + 1) / 2
}

fn fail(msg: String) -> ! {
    eprintln!("FAIL {}", msg);
    std::process::exit(2);
}

fn na(msg: &str) -> ! {
    println!("NA {}", msg);
    std::process::exit(0);
}

fn check(got: u64, want: u64) {
    if got != want {
        fail(format!("checksum {} != {}", got, want));
    }
}

/// Channel cases written once for crossbeam-channel and flume, whose APIs agree
/// on everything these shapes use.
macro_rules! chan_cases {
    ($modname:ident, $krate:ident) => {
        mod $modname {
            use super::*;
            use $krate as ch;

            fn new(f: Flavor, n: usize) -> (ch::Sender<usize>, ch::Receiver<usize>) {
                match cap_of(f, n) {
                    None => ch::unbounded(),
                    Some(c) => ch::bounded(c),
                }
            }

            pub fn run(case: &str, f: Flavor, t: usize, n: usize) -> f64 {
                let start = Instant::now();
                let per = n / t;
                match case {
                    "seq" => {
                        if f == Flavor::Rendezvous {
                            na("seq needs a buffer");
                        }
                        let (tx, rx) = new(f, n);
                        let mut sum = 0u64;
                        if f == Flavor::Bounded1 {
                            for i in 1..=n {
                                tx.send(i).unwrap();
                                sum += rx.recv().unwrap() as u64;
                            }
                        } else {
                            for i in 1..=n {
                                tx.send(i).unwrap();
                            }
                            for _ in 0..n {
                                sum += rx.recv().unwrap() as u64;
                            }
                        }
                        check(sum, tri(n));
                    }
                    "spsc" => {
                        let (tx, rx) = new(f, n);
                        let h = thread::spawn(move || {
                            for i in 1..=n {
                                tx.send(i).unwrap();
                            }
                        });
                        let mut sum = 0u64;
                        for _ in 0..n {
                            sum += rx.recv().unwrap() as u64;
                        }
                        h.join().unwrap();
                        check(sum, tri(n));
                    }
                    "mpsc" => {
                        let (tx, rx) = new(f, n);
                        let hs: Vec<_> = (0..t)
                            .map(|_| {
                                let tx = tx.clone();
                                thread::spawn(move || {
                                    for i in 1..=per {
                                        tx.send(i).unwrap();
                                    }
                                })
                            })
                            .collect();
                        let mut sum = 0u64;
                        for _ in 0..per * t {
                            sum += rx.recv().unwrap() as u64;
                        }
                        for h in hs {
                            h.join().unwrap();
                        }
                        check(sum, tri(per) * t as u64);
                    }
                    "mpmc" => {
                        let (tx, rx) = new(f, n);
                        let ps: Vec<_> = (0..t)
                            .map(|_| {
                                let tx = tx.clone();
                                thread::spawn(move || {
                                    for i in 1..=per {
                                        tx.send(i).unwrap();
                                    }
                                })
                            })
                            .collect();
                        let cs: Vec<_> = (0..t)
                            .map(|_| {
                                let rx = rx.clone();
                                thread::spawn(move || {
                                    let mut s = 0u64;
                                    for _ in 0..per {
                                        s += rx.recv().unwrap() as u64;
                                    }
                                    s
                                })
                            })
                            .collect();
                        for h in ps {
                            h.join().unwrap();
                        }
                        let sum: u64 = cs.into_iter().map(|h| h.join().unwrap()).sum();
                        check(sum, tri(per) * t as u64);
                    }
                    "select_rx" => {
                        let chans: Vec<_> = (0..t).map(|_| new(f, n)).collect();
                        let hs: Vec<_> = chans
                            .iter()
                            .map(|(tx, _)| {
                                let tx = tx.clone();
                                thread::spawn(move || {
                                    for i in 1..=per {
                                        tx.send(i).unwrap();
                                    }
                                })
                            })
                            .collect();
                        // `chans` keeps every sender alive until the end, so a
                        // finished producer never turns its channel into a
                        // ready-because-disconnected operand.
                        let rxs: Vec<_> = chans.iter().map(|(_, rx)| rx.clone()).collect();
                        let sum = select_recv_loop(&rxs, per * t);
                        for h in hs {
                            h.join().unwrap();
                        }
                        check(sum, tri(per) * t as u64);
                    }
                    "select_both" => {
                        let chans: Vec<_> = (0..t).map(|_| new(f, n)).collect();
                        let txs: Vec<_> = chans.iter().map(|(tx, _)| tx.clone()).collect();
                        let rxs: Vec<_> = chans.iter().map(|(_, rx)| rx.clone()).collect();
                        let ps: Vec<_> = (0..t)
                            .map(|_| {
                                let txs = txs.clone();
                                thread::spawn(move || select_send_loop(&txs, per))
                            })
                            .collect();
                        let cs: Vec<_> = (0..t)
                            .map(|_| {
                                let rxs = rxs.clone();
                                thread::spawn(move || select_recv_loop(&rxs, per))
                            })
                            .collect();
                        for h in ps {
                            h.join().unwrap();
                        }
                        let sum: u64 = cs.into_iter().map(|h| h.join().unwrap()).sum();
                        check(sum, tri(per) * t as u64);
                        drop((txs, rxs, chans));
                    }
                    _ => na("unknown case"),
                }
                start.elapsed().as_secs_f64()
            }

            use super::selects::$modname::{select_recv_loop, select_send_loop};
        }
    };
}

mod selects {
    pub mod cb {
        use crossbeam_channel::{Receiver, Select, Sender};
        pub fn select_recv_loop(rxs: &[Receiver<usize>], count: usize) -> u64 {
            let mut sel = Select::new();
            for rx in rxs {
                sel.recv(rx);
            }
            let mut sum = 0u64;
            for _ in 0..count {
                let op = sel.select();
                let i = op.index();
                sum += op.recv(&rxs[i]).unwrap() as u64;
            }
            sum
        }
        pub fn select_send_loop(txs: &[Sender<usize>], per: usize) {
            let mut sel = Select::new();
            for tx in txs {
                sel.send(tx);
            }
            for v in 1..=per {
                let op = sel.select();
                let i = op.index();
                op.send(&txs[i], v).unwrap();
            }
        }
    }
    pub mod fl {
        use flume::{Receiver, Selector, Sender};
        pub fn select_recv_loop(rxs: &[Receiver<usize>], count: usize) -> u64 {
            let mut sum = 0u64;
            for _ in 0..count {
                let mut s = Selector::new();
                for rx in rxs {
                    s = s.recv(rx, |r| r.unwrap());
                }
                sum += s.wait() as u64;
            }
            sum
        }
        pub fn select_send_loop(txs: &[Sender<usize>], per: usize) {
            for v in 1..=per {
                let mut s = Selector::new();
                for tx in txs {
                    s = s.send(tx, v, |r| r.unwrap());
                }
                s.wait();
            }
        }
    }
}

chan_cases!(cb, crossbeam_channel);
chan_cases!(fl, flume);

/// std::sync::mpsc: single consumer and no select, so mpmc/select cells are NA.
mod stdmpsc {
    use super::*;
    use std::sync::mpsc;

    enum Tx {
        A(mpsc::Sender<usize>),
        S(mpsc::SyncSender<usize>),
    }
    impl Tx {
        fn send(&self, v: usize) {
            match self {
                Tx::A(s) => s.send(v).unwrap(),
                Tx::S(s) => s.send(v).unwrap(),
            }
        }
        fn clone(&self) -> Tx {
            match self {
                Tx::A(s) => Tx::A(s.clone()),
                Tx::S(s) => Tx::S(s.clone()),
            }
        }
    }
    fn new(f: Flavor, n: usize) -> (Tx, mpsc::Receiver<usize>) {
        match cap_of(f, n) {
            None => {
                let (t, r) = mpsc::channel();
                (Tx::A(t), r)
            }
            Some(c) => {
                let (t, r) = mpsc::sync_channel(c);
                (Tx::S(t), r)
            }
        }
    }

    pub fn run(case: &str, f: Flavor, t: usize, n: usize) -> f64 {
        if case == "mpmc" || case.starts_with("select") {
            na("std::sync::mpsc has one receiver and no select");
        }
        if case == "seq" && f == Flavor::Rendezvous {
            na("seq needs a buffer");
        }
        let start = Instant::now();
        let per = n / t;
        let (tx, rx) = new(f, n);
        let mut sum = 0u64;
        match case {
            "seq" => {
                if f == Flavor::Bounded1 {
                    for i in 1..=n {
                        tx.send(i);
                        sum += rx.recv().unwrap() as u64;
                    }
                } else {
                    for i in 1..=n {
                        tx.send(i);
                    }
                    for _ in 0..n {
                        sum += rx.recv().unwrap() as u64;
                    }
                }
                check(sum, tri(n));
            }
            "spsc" => {
                let h = thread::spawn(move || {
                    for i in 1..=n {
                        tx.send(i);
                    }
                });
                for _ in 0..n {
                    sum += rx.recv().unwrap() as u64;
                }
                h.join().unwrap();
                check(sum, tri(n));
            }
            "mpsc" => {
                let hs: Vec<_> = (0..t)
                    .map(|_| {
                        let tx = tx.clone();
                        thread::spawn(move || {
                            for i in 1..=per {
                                tx.send(i);
                            }
                        })
                    })
                    .collect();
                for _ in 0..per * t {
                    sum += rx.recv().unwrap() as u64;
                }
                for h in hs {
                    h.join().unwrap();
                }
                check(sum, tri(per) * t as u64);
            }
            _ => na("unknown case"),
        }
        start.elapsed().as_secs_f64()
    }
}

/// A lock behind one interface so the counter cases are written once.
trait Lock: Send + Sync + 'static {
    fn new() -> Self;
    fn incr(&self);
    fn get(&self) -> u64;
}
struct StdMutex(std::sync::Mutex<u64>);
impl Lock for StdMutex {
    fn new() -> Self {
        StdMutex(std::sync::Mutex::new(0))
    }
    #[inline]
    fn incr(&self) {
        *self.0.lock().unwrap() += 1;
    }
    fn get(&self) -> u64 {
        *self.0.lock().unwrap()
    }
}
struct StdRw(std::sync::RwLock<u64>);
impl Lock for StdRw {
    fn new() -> Self {
        StdRw(std::sync::RwLock::new(0))
    }
    #[inline]
    fn incr(&self) {
        *self.0.write().unwrap() += 1;
    }
    fn get(&self) -> u64 {
        *self.0.read().unwrap()
    }
}
struct PlMutex(parking_lot::Mutex<u64>);
impl Lock for PlMutex {
    fn new() -> Self {
        PlMutex(parking_lot::Mutex::new(0))
    }
    #[inline]
    fn incr(&self) {
        *self.0.lock() += 1;
    }
    fn get(&self) -> u64 {
        *self.0.lock()
    }
}
struct PlRw(parking_lot::RwLock<u64>);
impl Lock for PlRw {
    fn new() -> Self {
        PlRw(parking_lot::RwLock::new(0))
    }
    #[inline]
    fn incr(&self) {
        *self.0.write() += 1;
    }
    fn get(&self) -> u64 {
        *self.0.read()
    }
}

fn lock_case<L: Lock>(case: &str, t: usize, n: usize) -> f64 {
    match case {
        "counter" => {
            let per = n / t;
            let l = Arc::new(L::new());
            let start = Instant::now();
            let hs: Vec<_> = (0..t)
                .map(|_| {
                    let l = l.clone();
                    thread::spawn(move || {
                        for _ in 0..per {
                            l.incr();
                        }
                    })
                })
                .collect();
            for h in hs {
                h.join().unwrap();
            }
            let el = start.elapsed().as_secs_f64();
            check(l.get(), (per * t) as u64);
            el
        }
        "uncontended" => {
            // One extra thread first, as in every harness: a process that never
            // had a second thread may take cheaper paths in the C library.
            thread::spawn(|| black_box(0)).join().unwrap();
            let l = L::new();
            let start = Instant::now();
            for _ in 0..n {
                l.incr();
            }
            let el = start.elapsed().as_secs_f64();
            check(l.get(), n as u64);
            el
        }
        _ => na("unknown lock case"),
    }
}

fn arc_case(t: usize, n: usize) -> f64 {
    let a = Arc::new(7u64);
    let per = n / t;
    let start = Instant::now();
    let hs: Vec<_> = (0..t)
        .map(|_| {
            let a = a.clone();
            thread::spawn(move || {
                let mut s = 0u64;
                for _ in 0..per {
                    let c = black_box(a.clone());
                    s += *c;
                    drop(c);
                }
                s
            })
        })
        .collect();
    let sum: u64 = hs.into_iter().map(|h| h.join().unwrap()).sum();
    let el = start.elapsed().as_secs_f64();
    check(sum, 7 * (per * t) as u64);
    if Arc::strong_count(&a) != 1 {
        fail("strong count".into());
    }
    el
}

fn spawn_case(n: usize) -> f64 {
    let start = Instant::now();
    let mut sum = 0u64;
    for i in 0..n {
        sum += thread::spawn(move || black_box(i as u64)).join().unwrap();
    }
    let el = start.elapsed().as_secs_f64();
    check(sum, tri(n) - n as u64);
    el
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 6 {
        eprintln!("usage: {} <impl> <case> <flavor> <threads> <n>", a[0]);
        std::process::exit(64);
    }
    let (imp, case, f) = (a[1].as_str(), a[2].as_str(), parse_flavor(&a[3]));
    let t: usize = a[4].parse().unwrap();
    let n: usize = a[5].parse().unwrap();
    let secs = match imp {
        "crossbeam" => cb::run(case, f, t, n),
        "flume" => fl::run(case, f, t, n),
        "rust_mpsc" => stdmpsc::run(case, f, t, n),
        "rust_Mutex" => lock_case::<StdMutex>(case, t, n),
        "rust_RwLock_write" => lock_case::<StdRw>(case, t, n),
        "parking_lot_Mutex" => lock_case::<PlMutex>(case, t, n),
        "parking_lot_RwLock_write" => lock_case::<PlRw>(case, t, n),
        "rust_Arc" => arc_case(t, n),
        "rust_thread" => spawn_case(n),
        _ => na("unknown impl"),
    };
    println!("OK {:.9}", secs);
}
