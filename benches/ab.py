#!/usr/bin/env python3
"""Interleaved A/B timing of pillar binaries, with the floor in every round.

    python3 benches/ab.py ROUNDS NAME=BINARY[@VAR=VALUE] ...

Each round runs every binary once (clean build into a fresh folder on /dev/shm, the `rm -rf`
outside the timing), then the floor, in the same order; two warm-up rounds are not recorded.
Wall time is taken around each process, so process start and exit count. Prints, per binary,
the median, the first quartile and the ratio to the last column (the floor when the site is
the shipped explainer), as a ratio of medians and as the median of per-round ratios. Use it to
compare two builds of pillar measured in the same minutes; benches/run.sh and
benches/shipped.sh give the figures quoted in BENCHMARKS.md.

ROOT (environment) is the site to build: the repository itself by default (then the floor
runs on its content/), or a corpus project such as /dev/shm/pillar-bench/pillar-1000 (then
the binaries are only compared with one another). `@VAR=VALUE` sets an environment variable
for that binary's runs only (for example @MIMALLOC_PURGE_DELAY=-1).
"""
import os
import shutil
import statistics as st
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOOR = os.path.join(REPO, "benches/out/floor-target/release/cmark_floor")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rounds = max(2, int(sys.argv[1]))
    root = os.path.abspath(os.environ.get("ROOT", REPO))
    tools = {}
    for arg in sys.argv[2:]:
        name, binary = arg.split("=", 1)
        env = dict(os.environ)
        if "@" in binary:
            binary, setting = binary.split("@", 1)
            key, value = setting.split("=", 1)
            env[key] = value
        out = f"/dev/shm/pillar-ab-{name}"
        tools[name] = ([binary, "build", "--quiet", "--root", root, "--output", out], env, out)
    if root == REPO:
        if not os.access(FLOOR, os.X_OK):
            sys.exit(f"{FLOOR} is missing: run benches/shipped.sh once to build the floor")
        out = "/dev/shm/pillar-ab-floor"
        content = os.path.join(REPO, "content")
        tools["floor"] = ([FLOOR, "par", content, out, "--hl", "--tera"], dict(os.environ), out)
    times = {name: [] for name in tools}
    for r in range(rounds + 2):
        for name, (cmd, env, out) in tools.items():
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.perf_counter()
            done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            took = time.perf_counter() - t0
            if done.returncode != 0:
                sys.exit(f"{name} failed: {done.stderr.decode(errors='replace')}")
            if r >= 2:
                times[name].append(took * 1000)
    for _, _, out in tools.values():
        shutil.rmtree(out, ignore_errors=True)
    base = list(times)[-1]
    ref = st.median(times[base])
    for name, v in times.items():
        paired = st.median(a / b for a, b in zip(v, times[base]))
        print(f"{name:10} median {st.median(v):8.2f} ms  q1 {st.quantiles(v, n=4)[0]:8.2f}  "
              f"/{base} {st.median(v) / ref:.3f}  paired {paired:.3f}")


if __name__ == "__main__":
    main()
