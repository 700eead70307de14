#!/usr/bin/env python3
"""Puts the latest bench/results/ into README.md between the performance markers.

Only the text between `<!-- performance:begin -->` and `<!-- performance:end -->`
is replaced; the rest of the README is left as it is.
"""
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
readme = os.path.join(root, "README.md")
results = os.path.join(here, "results", "results.md")
BEGIN, END = "<!-- performance:begin -->", "<!-- performance:end -->"


def section(md, title_start):
    """The table of the results.md section whose heading starts with title_start."""
    m = re.search(r"^## " + re.escape(title_start) + r".*?$(.*?)(?=^## |\Z)", md, re.S | re.M)
    if not m:
        return "", ""
    heading = md[m.start():md.index("\n", m.start())].lstrip("# ").strip()
    table = "\n".join(l for l in m.group(1).splitlines() if l.startswith("|"))
    return heading, table


def summary(csv_path):
    """One line per family: in how many cells fearless is at or below the baseline."""
    import csv
    rows = {}
    with open(csv_path) as f:
        for r in csv.DictReader(l for l in f if not l.startswith("#")):
            if r["median_s"]:
                rows[(r["impl"], r["case"], r["flavor"], r["threads"])] = float(r["median_s"])
    out = []
    for ours, base, label, pinned in (
            ("fearless", "crossbeam", "channel cells, fearless (mpmc) vs crossbeam-channel", False),
            ("fearless", "crossbeam", "channel cells pinned to one CPU, fearless (mpmc) vs crossbeam-channel", True),
            ("fearless_Mutex", "parking_lot_Mutex", "lock cells, fearless Mutex vs parking_lot", False)):
        keys = [k for k in rows if k[0] == ours and (base,) + k[1:] in rows and k[1].startswith("pinned:") == pinned]
        if keys:
            at_or_below = sum(rows[k] <= rows[(base,) + k[1:]] for k in keys)
            out.append(f"- {label}: at or below in {at_or_below} of {len(keys)} "
                       f"(worst ratio {max(rows[k] / rows[(base,) + k[1:]] for k in keys):.2f}, "
                       f"best {min(rows[k] / rows[(base,) + k[1:]] for k in keys):.2f})")
    return out


def main():
    if not os.path.exists(readme):
        print("README.md not found; nothing to update", file=sys.stderr)
        return
    with open(results) as f:
        md = f.read()
    meta = [l.strip() for l in md.splitlines() if l.startswith(("machine:", "date:", "command:"))]
    parts = [BEGIN,
             "Measured side by side in one run on one machine by `scripts/bench` (it installs the peers from "
             "Debian's packages, builds everything in release mode, runs and writes `bench/results/`). "
             "Each cell is the median of 3 interleaved runs as a ratio to the baseline column, whose own "
             "median is given in seconds: **below 1.00 is faster than the baseline**. Every run checks the sum "
             "of what was received. \u2020 = scaled: the implementation ran fewer messages because the full "
             "count would take minutes, and its time was scaled up; n/a = the implementation has no such "
             "operation; hang / FAIL = no valid result (no time posted). How the comparison is kept fair, and "
             "how to run it on a many-core machine from prebuilt binaries: [bench/README.md](bench/README.md). "
             "All cells, min/max, floors, Arc and spawn: [bench/results/results.md](bench/results/results.md). "
             "A small virtual machine shared with other work moves absolute times between runs (a futex wake "
             "there costs tens of microseconds); compare the ratios within one run.",
             "", "- " + "\n- ".join(meta)] + summary(os.path.join(os.path.dirname(results), "results.csv")) + [""]
    for title in ("Channels", "One CPU", "Locks"):
        heading, table = section(md, title)
        if table:
            parts += [f"**{heading}**", "", table, ""]
    pngs = sorted(p for p in os.listdir(os.path.dirname(results)) if p.endswith(".png"))
    if pngs:
        parts += [" ".join(f"![{p[:-4]}](bench/results/{p})" for p in pngs), ""]
    dev = os.path.join(here, "results", "device", "results.md")
    if os.path.exists(dev):
        with open(dev) as f:
            dmeta = [l.strip().split(";")[0] for l in f.read().splitlines() if l.startswith(("machine:", "date:"))]
        parts += ["Scaling on a many-core machine (prebuilt static binaries, `--device` profile: locks to 16 "
                  "threads, Arc on 16 threads, the same channel shapes): "
                  f"[bench/results/device/results.md](bench/results/device/results.md) ({'; '.join(dmeta)}). "
                  "It is a separate run: when its date is older than the one above, the changes made "
                  "between the two are not in its figures."]
        parts += summary(os.path.join(os.path.dirname(dev), "results.csv")) + [""]
    parts.append(END)
    with open(readme) as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        print("README.md has no performance markers; nothing to update", file=sys.stderr)
        return
    a, b = text.index(BEGIN), text.index(END) + len(END)
    with open(readme, "w") as f:
        f.write(text[:a] + "\n".join(parts) + text[b:])
    print("README.md performance section updated", file=sys.stderr)


if __name__ == "__main__":
    main()
