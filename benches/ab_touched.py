#!/usr/bin/env python3
"""Interleaved A/B timing of incremental rebuilds: one page touched, several pillar binaries.

    python3 benches/ab_touched.py ROOT ROUNDS BINARY...

Each binary builds ROOT (a project: a corpus of benches/run.sh such as
/dev/shm/pillar-bench/pillar-10000, or a copy of the shipped explainer) into its own output
folder on /dev/shm. After two untimed builds (the first clean; then a pause of 2.2 s, so that
the files are older than the margin within which a build reads a file whatever the last
build recorded of it), each round appends a line to the page PAGE (environment; default
content/blog/page-00016.md) and runs every binary once, in the same order. The first round
is not recorded. Wall time is taken around each process. Prints each binary's median and
first quartile. For comparing two builds of pillar measured in the same minutes; the page
keeps the appended lines.
"""
import os
import statistics as st
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    root, rounds, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    page = os.path.join(root, os.environ.get("PAGE", "content/blog/page-00016.md"))
    outs = {b: f"/dev/shm/ab-touched-{i}" for i, b in enumerate(bins)}

    def build(binary):
        t = time.perf_counter()
        p = subprocess.run([binary, "build", "--root", root, "--output", outs[binary]],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"{binary} failed:\n{p.stderr}")
        return (time.perf_counter() - t) * 1000

    for b in bins:
        build(b)
    time.sleep(2.2)
    for b in bins:
        build(b)
    times = {b: [] for b in bins}
    for r in range(rounds + 1):
        for b in bins:
            with open(page, "a") as f:
                f.write(f"\nA line appended for round {r}.\n")
            ms = build(b)
            if r > 0:
                times[b].append(ms)
    for b in bins:
        xs = sorted(times[b])
        print(f"{b}: median {st.median(xs):.1f} ms  q1 {xs[len(xs) // 4]:.1f}  ({len(xs)} rounds)")


if __name__ == "__main__":
    main()
