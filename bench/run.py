#!/usr/bin/env python3
"""Runs the side-by-side benchmark suite and writes bench/results/.

Every harness binary speaks one protocol (see harness/common.hpp):
    <binary> <impl> <case> <flavor> <threads> <n>  ->  "OK <seconds>" | "NA <reason>"
and exits non-zero (printing FAIL) when what was received is not what was sent.

For each cell (case, flavor, threads) the implementations run interleaved,
A B C A B C ..., `runs` times; the median is reported and min/max kept. A
first, small probe run of each implementation (not counted) warms it up,
detects cells it cannot express and estimates its time: an implementation
whose full-size run would exceed the per-run cap runs with fewer messages, its
times are scaled up to the full count and the cell is marked scaled. A run that
fails its checksum, crashes or hangs marks the cell; it never posts a time.
Only the Python standard library is used; plots are drawn by gnuplot.
"""
import argparse
import csv
import datetime
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time

CHAN_CASES = ["seq", "spsc", "mpsc", "mpmc", "select_rx", "select_both"]
FLAVORS = ["unbounded", "bounded1", "boundedN", "rendezvous"]
FLAVOR_LABEL = {"unbounded": "unbounded", "bounded1": "bounded(1)", "boundedN": "bounded(N)",
                "rendezvous": "rendezvous", "-": ""}

# impl -> binary that runs it
BINARY = {
    "fearless": "fearless_bench", "fearless_mpsc": "fearless_bench", "mutex_deque": "fearless_bench",
    "fearless_Mutex": "fearless_bench", "fearless_nonpoison_Mutex": "fearless_bench",
    "fearless_RwLock_write": "fearless_bench", "std_mutex": "fearless_bench",
    "std_shared_mutex_write": "fearless_bench", "fearless_Arc": "fearless_bench",
    "std_shared_ptr": "fearless_bench", "fearless_thread": "fearless_bench", "std_thread": "fearless_bench",
    "floor": "fearless_bench",
    "crossbeam": "rust_peers_bench", "flume": "rust_peers_bench", "rust_mpsc": "rust_peers_bench",
    "rust_Mutex": "rust_peers_bench", "rust_RwLock_write": "rust_peers_bench",
    "parking_lot_Mutex": "rust_peers_bench", "parking_lot_RwLock_write": "rust_peers_bench",
    "rust_Arc": "rust_peers_bench", "rust_thread": "rust_peers_bench",
    "go_chan": "go_peer_bench",
    "moodycamel_cq": "peers_bench", "moodycamel_rwq": "peers_bench", "boost_fiber": "peers_bench",
    "asio_channel": "peers_bench", "absl_Mutex": "peers_bench",
    "tbb_queue": "tbb_bench",
}

CHAN_IMPLS = ["fearless", "fearless_mpsc", "crossbeam", "flume", "rust_mpsc", "go_chan", "moodycamel_cq",
              "moodycamel_rwq", "tbb_queue", "boost_fiber", "asio_channel", "mutex_deque"]
LOCK_IMPLS = ["fearless_Mutex", "fearless_nonpoison_Mutex", "fearless_RwLock_write", "std_mutex",
              "std_shared_mutex_write", "absl_Mutex", "rust_Mutex", "rust_RwLock_write", "parking_lot_Mutex",
              "parking_lot_RwLock_write"]
ARC_IMPLS = ["fearless_Arc", "std_shared_ptr", "rust_Arc"]
# The "pinned" group: channel cells with the whole process confined to one CPU
# (sched_setaffinity before exec), so every thread shares one core. Spinning
# there only delays the peer; crossbeam-channel is known to collapse in this
# setting (its issues #821 and #1031).
PINNED_IMPLS = ["fearless", "fearless_mpsc", "crossbeam", "flume", "rust_mpsc", "go_chan", "mutex_deque"]
PINNED_CASES = ["spsc", "mpmc"]
PINNED_FLAVORS = ["unbounded", "bounded1", "rendezvous"]
SPAWN_IMPLS = ["fearless_thread", "std_thread", "rust_thread"]

PROFILES = {
    # messages, lock ops, arc ops, spawns, runs, per-run cap (s), probe divisor, threads
    "default": dict(msgs=5_000_000, lock_ops=10_000_000, arc_ops=10_000_000, spawns=20_000, runs=3, cap=2.0,
                    probe_div=250, chan_threads=4, lock_threads=[1, 2, 4, 8], arc_threads=[1, 4],
                    probe_timeout=20.0, budget=None, groups="channels,pinned,floors,locks,arc,spawn"),
    # a 16-core machine with a few minutes: same shapes, lock scaling to 16 threads
    # (budget: no new cell starts after 290 s, so the whole run stays under 6 minutes)
    "device": dict(msgs=5_000_000, lock_ops=10_000_000, arc_ops=10_000_000, spawns=20_000, runs=3, cap=0.4,
                   probe_div=250, chan_threads=4, lock_threads=[1, 2, 4, 8, 16], arc_threads=[1, 16],
                   probe_timeout=8.0, budget=290.0, groups="locks,arc,floors,spawn,channels,pinned"),
    # CI: tiny counts, fearless only; proves the suite builds, runs and checks sums
    "quick": dict(msgs=20_000, lock_ops=100_000, arc_ops=100_000, spawns=200, runs=1, cap=5.0,
                  probe_div=10, chan_threads=4, lock_threads=[1, 2, 4], arc_threads=[1, 4],
                  probe_timeout=60.0, budget=None, groups="channels,pinned,floors,locks,arc,spawn"),
}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


class Runner:
    def __init__(self, bindir, rawlog, verbose):
        self.bindir = bindir
        self.raw = rawlog
        self.verbose = verbose

    def have(self, impl):
        return os.access(os.path.join(self.bindir, BINARY[impl]), os.X_OK)

    def once(self, impl, case, flavor, threads, n, timeout, cpus=None):
        """Returns ('ok', secs) | ('na', reason) | ('fail', why) | ('hang', why).
        `cpus`: a set of CPUs to confine the run to (all of its threads)."""
        cmd = [os.path.join(self.bindir, BINARY[impl]), impl, case, flavor, str(threads), str(n)]
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=pin)
        except subprocess.TimeoutExpired:
            res = ("hang", f"no result within {timeout:.0f} s at n={n}")
        else:
            out = p.stdout.strip().splitlines()
            last = out[-1] if out else ""
            if p.returncode == 0 and last.startswith("OK "):
                res = ("ok", float(last.split()[1]))
            elif p.returncode == 0 and last.startswith("NA"):
                res = ("na", last[3:].strip())
            else:
                err = (p.stderr.strip().splitlines() or [last or f"exit {p.returncode}"])[-1]
                res = ("fail", f"exit {p.returncode}: {err[:120]}")
        label = f"pinned:{case}" if cpus else case
        self.raw.write(f"{impl},{label},{flavor},{threads},{n},{res[0]},{res[1]}\n")
        self.raw.flush()
        if self.verbose:
            print(f"    {impl:26s} {label:12s} {flavor:10s} t={threads:<2} n={n:<9} {res[0]} {res[1]}",
                  file=sys.stderr, flush=True)
        return res


def round_to(n, t):
    return max(t, n - n % t)


def run_cell(runner, prof, impls, case, flavor, threads, full_n, deadline, cpus=None):
    """Runs one cell for every implementation, interleaved. Returns impl -> row dict."""
    rows = {}
    plan = {}
    for impl in impls:
        if not runner.have(impl):
            rows[impl] = dict(status="missing", note="binary not built")
            continue
        if deadline is not None and time.monotonic() > deadline:
            rows[impl] = dict(status="skipped", note="time budget of this profile spent")
            continue
        probe_n = round_to(max(full_n // prof["probe_div"], threads), threads)
        st, val = runner.once(impl, case, flavor, threads, probe_n, prof["probe_timeout"], cpus)
        if st != "ok":
            rows[impl] = dict(status=st, note=val)
            continue
        est_full = val * full_n / probe_n
        n = full_n
        if est_full > prof["cap"]:
            n = round_to(int(full_n * prof["cap"] / est_full), threads)
            n = max(n, probe_n)
        plan[impl] = n
    samples = {impl: [] for impl in plan}
    names = list(plan)
    for r in range(prof["runs"]):
        # A new order each round (the first as listed, then seeded shuffles, so
        # a rerun repeats them): a run's time can depend on what the process
        # before it left behind (memory fragmented, or freed huge pages ready
        # for reuse), and a fixed order — or a rotation, which keeps every
        # implementation's predecessor — charged that to the same
        # implementation in every round.
        order = list(names)
        if r > 0:
            random.Random(f"{case}/{flavor}/{threads}/{r}").shuffle(order)
        for impl in order:
            n = plan[impl]
            if impl in rows:
                continue
            est = prof["cap"] * 10 + 20
            st, val = runner.once(impl, case, flavor, threads, n, est, cpus)
            if st != "ok":
                rows[impl] = dict(status=st, note=val)
                continue
            samples[impl].append(val * full_n / n)
    for impl, n in plan.items():
        if impl in rows:
            continue
        s = samples[impl]
        note = "" if n == full_n else f"scaled: ran {n} of {full_n}, times x{full_n / n:.1f}"
        rows[impl] = dict(status="ok", runs=len(s), median=statistics.median(s), min=min(s), max=max(s),
                          ops=n, note=note)
    return rows


def fmt_secs(x):
    return f"{x:.3g}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", help="folder holding the harness binaries")
    ap.add_argument("--out", help="results folder")
    ap.add_argument("--render", metavar="CSV", help="only rewrite results.md and plots from a results.csv")
    ap.add_argument("--profile", default="default", choices=sorted(PROFILES))
    ap.add_argument("--fearless-only", action="store_true")
    ap.add_argument("--groups", help="comma-separated, run in this order (default: the profile's)")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--command", default="", help="the command line to record in the results")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if args.render:
        return render(args.render)
    if not args.bin or not args.out:
        ap.error("--bin and --out are required")
    prof = dict(PROFILES[args.profile])
    if args.runs:
        prof["runs"] = args.runs
    os.makedirs(args.out, exist_ok=True)
    rawdir = os.path.join(args.out, "raw")
    os.makedirs(rawdir, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc)
    raw = open(os.path.join(rawdir, f"runs-{stamp.strftime('%Y%m%dT%H%M%SZ')}.csv"), "w")
    raw.write("impl,case,flavor,threads,n,status,value\n")
    runner = Runner(args.bin, raw, not args.quiet)
    t_start = time.monotonic()
    deadline = t_start + prof["budget"] if prof["budget"] else None
    groups = (args.groups or prof["groups"]).split(",")

    def pick(impls):
        return [i for i in impls if i.startswith("fearless")] if args.fearless_only else impls

    results = []  # (group, case, flavor, threads, impl, row)

    def cell(group, impls, case, flavor, threads, n, cpus=None):
        print(f"[{time.monotonic() - t_start:6.0f}s] {group}: {case} {flavor} threads={threads}",
              file=sys.stderr, flush=True)
        rows = run_cell(runner, prof, impls, case, flavor, threads, n, deadline, cpus)
        for impl in impls:
            results.append((group, case, flavor, threads, impl, rows[impl]))

    def channels():
        for case in CHAN_CASES:
            for flavor in FLAVORS:
                if case == "seq" and flavor == "rendezvous":
                    continue
                has_floor = case == "seq" or (case == "spsc" and flavor in ("bounded1", "rendezvous"))
                impls = pick(CHAN_IMPLS) + (["floor"] if has_floor and not args.fearless_only else [])
                cell("channels", impls, case, flavor, 1 if case == "seq" else prof["chan_threads"], prof["msgs"])

    def pinned():
        one_cpu = {min(os.sched_getaffinity(0))}
        for case in PINNED_CASES:
            for flavor in PINNED_FLAVORS:
                cell("pinned", pick(PINNED_IMPLS), case, flavor, prof["chan_threads"], prof["msgs"], one_cpu)

    def floors():
        if not args.fearless_only:
            cell("floors", ["floor"], "cacheline_rtt", "-", 2, prof["msgs"])
            cell("floors", ["floor"], "futex_rtt", "-", 2, prof["msgs"])

    def locks():
        for t in prof["lock_threads"]:
            cell("locks", pick(LOCK_IMPLS), "counter", "-", t, prof["lock_ops"])
        cell("locks", pick(LOCK_IMPLS), "uncontended", "-", 1, prof["lock_ops"])

    def arc():
        for t in prof["arc_threads"]:
            cell("arc", pick(ARC_IMPLS), "arc_clone_drop", "-", t, prof["arc_ops"])

    def spawn():
        cell("spawn", pick(SPAWN_IMPLS), "spawn_join", "-", 1, prof["spawns"])

    steps = dict(channels=channels, pinned=pinned, floors=floors, locks=locks, arc=arc, spawn=spawn)
    for g in groups:  # in the order given: a time-budgeted profile runs what matters most first
        steps[g]()
    order = {g: i for i, g in enumerate(["channels", "pinned", "floors", "locks", "arc", "spawn"])}
    results.sort(key=lambda r: order[r[0]])  # stable: keeps each group's own order
    elapsed = time.monotonic() - t_start
    raw.close()

    machine = f"{cpu_model()}, {os.cpu_count()} logical CPUs"
    header = [
        f"# machine: {machine}; kernel {platform.release()}",
        f"# date: {stamp.strftime('%Y-%m-%d %H:%M UTC')}; profile {args.profile}; runs per cell {prof['runs']}; "
        f"suite took {elapsed:.0f} s",
        f"# command: {args.command or ' '.join(sys.argv)}",
        "# times are seconds for the full count (messages / ops); a scaled cell ran fewer and was scaled up",
    ]
    write_csv(os.path.join(args.out, "results.csv"), header, results)
    write_md(os.path.join(args.out, "results.md"), header, results, prof)
    plot(args.out, results)
    print(f"suite took {elapsed:.0f} s; wrote {args.out}/results.csv, results.md and plots", file=sys.stderr)
    bad = [r for r in results if r[4].startswith("fearless") and r[5]["status"] in ("fail", "hang", "missing")]
    if bad:
        for g, c, f, t, i, row in bad:
            print(f"fearless cell failed: {i} {c} {f} t={t}: {row['note']}", file=sys.stderr)
        sys.exit(1)


GROUP_OF = {"seq": "channels", "spsc": "channels", "mpsc": "channels", "mpmc": "channels",
            "select_rx": "channels", "select_both": "channels", "cacheline_rtt": "floors", "futex_rtt": "floors",
            "counter": "locks", "uncontended": "locks", "arc_clone_drop": "arc", "spawn_join": "spawn"}


def render(path):
    """Rebuilds results.md and the plots from a results.csv (e.g. one made on another machine)."""
    header, results = [], []
    prof = None
    with open(path) as f:
        body = []
        for line in f:
            (header if line.startswith("#") else body).append(line.rstrip("\n"))
    for h in header:
        if h.startswith("# date:") and "profile " in h:
            prof = dict(PROFILES[h.split("profile ", 1)[1].split(";")[0].strip()])
    prof = prof or dict(PROFILES["default"])
    for r in csv.DictReader(body):
        if r["case"].startswith("pinned:"):
            group, r["case"] = "pinned", r["case"].split(":", 1)[1]
        else:
            group = GROUP_OF[r["case"]]
        if r["median_s"]:
            row = dict(status="ok", runs=int(r["runs"]), median=float(r["median_s"]), min=float(r["min_s"]),
                       max=float(r["max_s"]), ops=int(r["ops"]), note=r["note"])
        else:
            st, _, note = r["note"].partition(": ")
            row = dict(status=st, note=note)
        results.append((group, r["case"], r["flavor"], int(r["threads"]), r["impl"], row))
    out = os.path.dirname(os.path.abspath(path))
    os.makedirs(os.path.join(out, "raw"), exist_ok=True)
    write_md(os.path.join(out, "results.md"), header, results, prof)
    plot(out, results)


def write_csv(path, header, results):
    with open(path, "w", newline="") as f:
        for h in header:
            f.write(h + "\n")
        w = csv.writer(f)
        w.writerow(["impl", "case", "flavor", "threads", "runs", "median_s", "min_s", "max_s", "ops", "note"])
        for group, case, flavor, threads, impl, row in results:
            if group == "pinned":
                case = f"pinned:{case}"
            if row["status"] == "ok":
                w.writerow([impl, case, flavor, threads, row["runs"], f"{row['median']:.6g}", f"{row['min']:.6g}",
                            f"{row['max']:.6g}", row["ops"], row["note"]])
            else:
                w.writerow([impl, case, flavor, threads, 0, "", "", "", "", f"{row['status']}: {row['note']}"])


def cell_text(row, base):
    st = row["status"]
    if st == "ok":
        mark = "\u2020" if row["note"] else ""
        if base:
            return f"{row['median'] / base:.2f}{mark}"
        return f"{fmt_secs(row['median'])}s{mark}"
    return {"na": "n/a", "missing": "not built", "skipped": "skipped", "hang": "hang", "fail": "FAIL"}[st]


def table(lines, results, group, impls, base_impl, row_key, row_label, base_label):
    rows = {}
    order = []
    for g, case, flavor, threads, impl, row in results:
        if g != group:
            continue
        k = row_key(case, flavor, threads)
        if k not in rows:
            rows[k] = {}
            order.append(k)
        rows[k][impl] = row
    present = [i for i in impls if any(i in rows[k] and rows[k][i]["status"] != "na" for k in order)]
    if not present:
        return
    lines.append("| " + row_label + " | " + base_label + " | " + " | ".join(present) + " |")
    lines.append("|---|---:|" + "---:|" * len(present))
    for k in order:
        b = rows[k].get(base_impl)
        base = b["median"] if b and b["status"] == "ok" else None
        btxt = f"{fmt_secs(base)}s" if base else (cell_text(b, None) if b else "")
        cells = [cell_text(rows[k][i], base) if i in rows[k] else "" for i in present]
        lines.append(f"| {k} | {btxt} | " + " | ".join(cells) + " |")
    lines.append("")


def write_md(path, header, results, prof):
    lines = ["# Side-by-side benchmark results", ""]
    lines += [h.lstrip("# ").rstrip() + "  " for h in header]
    lines += ["",
              "Each cell: median of the runs as a ratio to the baseline column (below 1.00 = faster than the "
              "baseline); the baseline column gives its median in seconds. \u2020 = scaled: the cell ran fewer "
              "messages (the peer would take minutes at full size) and the time was scaled up; "
              "n/a = the implementation has no such operation; hang = no result within the time limit; "
              "FAIL = a run crashed or its checksum was wrong (no time is posted); not built = the peer's "
              "package or toolchain was missing. Every run checks the sum of what was received.", ""]
    if any(r[0] == "channels" for r in results):
        lines += [f"## Channels: {prof['msgs']:,} word-sized messages, ratio to crossbeam-channel", "",
                  "seq runs on one thread; spsc 1+1 threads; mpsc 4 senders + 1 receiver; mpmc 4+4; "
                  "select_rx 4 senders, one receiver selecting over 4 channels; select_both 4 threads "
                  "selecting sends + 4 selecting receives over 4 channels. bounded(N) has capacity = the "
                  "message count; seq has no rendezvous cell (one thread cannot hand a value to itself). `floor` is a "
                  "plain single-thread ring with no atomics for seq, and for spsc bounded(1) and rendezvous one "
                  "cache-line round trip per message between two spinning threads (the least a hand-off between "
                  "threads on different CPUs can cost; an implementation that runs both ends on one CPU, as Go's "
                  "scheduler can with its goroutines, is not bound by it).", ""]
        table(lines, results, "channels", CHAN_IMPLS + ["floor"], "crossbeam",
              lambda c, f, t: f"{c} {FLAVOR_LABEL[f]}", "case", "crossbeam (s)")
    if any(r[0] == "pinned" for r in results):
        lines += [f"## One CPU: channels with the whole process pinned to one core, {prof['msgs']:,} messages, "
                  "ratio to crossbeam-channel", "",
                  "The same shapes as above (spsc 1+1 threads, mpmc 4+4), with every thread confined to one "
                  "CPU (`sched_setaffinity` before the benchmark starts, as `taskset -c 0` does). Threads then "
                  "take turns on one core: a thread that spins while waiting only keeps its peer from running.",
                  ""]
        table(lines, results, "pinned", PINNED_IMPLS, "crossbeam",
              lambda c, f, t: f"{c} {FLAVOR_LABEL[f]}", "case", "crossbeam (s)")
    if any(r[0] == "floors" for r in results):
        lines += ["## Floors of this machine", ""]
        for g, case, flavor, threads, impl, row in results:
            if g == "floors":
                if row["status"] == "ok":
                    lines.append(f"- {case}: {row['median'] / prof['msgs'] * 1e9:.0f} ns per round trip "
                                 f"(median; min {row['min'] / prof['msgs'] * 1e9:.0f} ns){' (scaled)' if row['note'] else ''}")
                else:
                    lines.append(f"- {case}: {row['status']} {row['note']}")
        lines.append("")
    if any(r[0] == "locks" for r in results):
        lines += [f"## Locks: {prof['lock_ops']:,} lock+increment+unlock on one counter, ratio to parking_lot", "",
                  "`counter tN`: N threads share the ops; `uncontended`: one thread, after one other thread "
                  "has existed. RwLock rows take the write lock.", ""]
        table(lines, results, "locks", LOCK_IMPLS, "parking_lot_Mutex",
              lambda c, f, t: f"{c} t{t}" if c == "counter" else c, "case", "parking_lot (s)")
    if any(r[0] == "arc" for r in results):
        lines += [f"## Arc clone+drop: {prof['arc_ops']:,} in all, ratio to std::shared_ptr", ""]
        table(lines, results, "arc", ARC_IMPLS, "std_shared_ptr", lambda c, f, t: f"{c} t{t}", "case",
              "shared_ptr (s)")
    if any(r[0] == "spawn" for r in results):
        lines += [f"## Thread spawn+join: {prof['spawns']:,} in sequence, ratio to std::thread", ""]
        table(lines, results, "spawn", SPAWN_IMPLS, "std_thread", lambda c, f, t: c, "case", "std::thread (s)")
    # A pinned cell is named as such in the lists below.
    named = [(g, ("pinned " + c) if g == "pinned" else c, f, t, i, r) for g, c, f, t, i, r in results]
    notes = [(i, c, f, t, r) for g, c, f, t, i, r in named if r["status"] not in ("ok", "na")]
    scaled = [(i, c, f, t, r) for g, c, f, t, i, r in named if r["status"] == "ok" and r["note"]]
    nas = {}
    for g, c, f, t, i, r in named:
        if r["status"] == "na":
            nas.setdefault(i, {}).setdefault(r["note"], []).append(f"{c} {FLAVOR_LABEL.get(f, f)}".strip())
    if nas:
        lines += ["## Why a cell is n/a", ""]
        for i, reasons in nas.items():
            for why, cells in reasons.items():
                lines.append(f"- {i}: {why} ({len(cells)} cells: {', '.join(cells[:6])}{', ...' if len(cells) > 6 else ''})")
        lines.append("")
    if notes:
        lines += ["## Cells without a time", ""]
        for i, c, f, t, r in notes:
            lines.append(f"- {i} {c} {FLAVOR_LABEL.get(f, f)} t{t}: {r['status']} ({r['note']})")
        lines.append("")
    if scaled:
        lines += ["## Scaled cells (\u2020)", "", "<details><summary>" + str(len(scaled)) +
                  " cells ran fewer than the full count; times scaled up</summary>", ""]
        for i, c, f, t, r in scaled:
            lines.append(f"- {i} {c} {FLAVOR_LABEL.get(f, f)} t{t}: {r['note']}")
        lines += ["", "</details>", ""]
    with open(path, "w") as fh:
        fh.write("\n".join(lines))


def plot(out, results):
    """One PNG per family: bars per implementation, log-scale seconds."""
    gp = shutil.which("gnuplot")
    if not gp:
        print("gnuplot not found: no plots", file=sys.stderr)
        return
    fams = {}
    for g, case, flavor, threads, impl, row in results:
        if row["status"] != "ok":
            continue
        if g == "channels":
            fam, x = f"channels_{case}", FLAVOR_LABEL[flavor]
        elif g == "locks":
            fam, x = "locks", (f"{threads} thr" if case == "counter" else "uncontended")
        elif g in ("arc", "spawn"):
            fam, x = "arc_spawn", (f"arc t{threads}" if g == "arc" else "spawn+join")
            impl = impl.replace("fearless_Arc", "fearless").replace("fearless_thread", "fearless") \
                .replace("std_shared_ptr", "std").replace("std_thread", "std") \
                .replace("rust_Arc", "rust").replace("rust_thread", "rust")
        else:
            continue
        fams.setdefault(fam, {}).setdefault(x, {})[impl] = row["median"]
    canon = CHAN_IMPLS + ["floor"] + LOCK_IMPLS + ["fearless", "std", "rust"]
    colors = ["#c0392b", "#e67e22", "#2c3e50", "#16a085", "#8e44ad", "#27ae60", "#2980b9", "#7f8c8d",
              "#f1c40f", "#d35400", "#1abc9c", "#9b59b6", "#34495e", "#95a5a6", "#e84393"]
    for fam, xs in fams.items():
        impls = []
        for x in xs.values():
            for i in x:
                if i not in impls:
                    impls.append(i)
        impls.sort(key=lambda i: canon.index(i) if i in canon else len(canon))
        palette = " ".join(colors[k % len(colors)] for k in range(len(impls)))
        dat = os.path.join(out, "raw", f"{fam}.dat")
        with open(dat, "w") as f:
            f.write("x " + " ".join(impls) + "\n")
            for x, vals in xs.items():
                f.write('"' + x + '" ' + " ".join(f"{vals[i]:.6g}" if i in vals else "-" for i in impls) + "\n")
        script = f"""
set terminal pngcairo size 1100,520 noenhanced font ",10"
set output "{os.path.join(out, fam + '.png')}"
set title "{fam.replace('_', ' ')}: median seconds (log scale, lower is better)"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set logscale y
set grid ytics
set key outside right top
set datafile missing "-"
set ylabel "seconds"
colors = "{palette}"
plot for [i=2:{len(impls) + 1}] "{dat}" using i:xtic(1) title columnhead(i) lc rgb word(colors, i-1)
"""
        r = subprocess.run([gp], input=script, text=True, capture_output=True)
        if r.returncode != 0:
            print(f"gnuplot failed for {fam}: {r.stderr.strip()[:300]}", file=sys.stderr)


if __name__ == "__main__":
    main()
